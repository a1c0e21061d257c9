"""The system map: services that produce on the left, topics in the middle, services that
consume on the right, laid out on a fixed grid (no graph layout engine, so the same contracts
always give the same picture)."""

from __future__ import annotations

from dataclasses import dataclass
from html import escape

from contractgen.docs.model import Site

BOX_H, GAP, GUTTER, MARGIN = 46, 18, 90, 20
# Wide enough for the longest label at about 8 px per character of 13 px bold text.
CHAR_W, MIN_W = 8, 200
TOP = 50
# Inside the SVG so that map.svg looks the same opened on its own as inlined in map.html.
STYLE = (
    "<style>.heading{font:600 14px sans-serif;fill:#444}"
    ".node rect{stroke-width:1.5}.service rect{fill:#e8f0fe;stroke:#3367d6}"
    ".topic rect{fill:#fef7e0;stroke:#e37400}"
    ".label{font:600 13px sans-serif;fill:#111}.detail{font:11px sans-serif;fill:#555}"
    ".edge{fill:none;stroke:#888;stroke-width:1.5}.arrowhead{fill:#888}"
    "a.node:hover rect{stroke-width:3}</style>"
)


@dataclass(frozen=True)
class _Box:
    x: int
    y: int
    width: int
    label: str
    detail: str
    page: str
    kind: str

    @property
    def left(self) -> tuple[int, int]:
        return self.x, self.y + BOX_H // 2

    @property
    def right(self) -> tuple[int, int]:
        return self.x + self.width, self.y + BOX_H // 2


def system_map(site: Site) -> str:
    producers = [s for s in site.services if s.sends or not s.receives]
    consumers = [s for s in site.services if s.receives]
    widths = (
        _width([s.name for s in producers] + [s.title for s in producers]),
        _width([c.address for c in site.channels]),
        _width([s.name for s in consumers] + [s.title for s in consumers]),
    )
    xs = (MARGIN, MARGIN + widths[0] + GUTTER, MARGIN + widths[0] + widths[1] + 2 * GUTTER)

    def box(column: int, row: int, label: str, detail: str, page: str, kind: str) -> _Box:
        y = TOP + row * (BOX_H + GAP)
        return _Box(xs[column], y, widths[column], label, detail, page, kind)

    left = {s.name: box(0, i, s.name, s.title, s.page, "service") for i, s in enumerate(producers)}
    middle = {
        c.address: box(
            1,
            i,
            c.address,
            f"{c.partitions} partition(s), {len(c.messages)} message(s)",
            c.page,
            "topic",
        )
        for i, c in enumerate(site.channels)
    }
    right = {s.name: box(2, i, s.name, s.title, s.page, "service") for i, s in enumerate(consumers)}
    rows = max(len(left), len(middle), len(right), 1)
    height = TOP + rows * (BOX_H + GAP) + 10
    width = xs[2] + widths[2] + MARGIN
    edges = []
    for channel in site.channels:
        topic = middle[channel.address]
        edges += [_edge(left[p.label].right, topic.left) for p in channel.producers]
        edges += [_edge(topic.right, right[c.label].left) for c in channel.consumers]
    boxes = [*left.values(), *middle.values(), *right.values()]
    heads = [
        _text(xs[0], 28, "services that produce", "heading"),
        _text(xs[1], 28, "topics (channels)", "heading"),
        _text(xs[2], 28, "services that consume", "heading"),
    ]
    return "\n".join(
        [
            f'<svg xmlns="http://www.w3.org/2000/svg" class="system-map" width="{width}" '
            f'height="{height}" viewBox="0 0 {width} {height}" role="img" '
            'aria-label="System map: producers, topics, consumers">',
            '<defs><marker id="arrow" viewBox="0 0 10 10" refX="10" refY="5" '
            'markerWidth="8" markerHeight="8" orient="auto-start-reverse">'
            '<path d="M 0 0 L 10 5 L 0 10 z" class="arrowhead"/></marker></defs>',
            STYLE,
            *heads,
            *edges,
            *(_draw(box) for box in boxes),
            "</svg>",
        ]
    )


def _width(labels: list[str]) -> int:
    return max([MIN_W, *(CHAR_W * len(label) + 24 for label in labels)])


def _edge(start: tuple[int, int], end: tuple[int, int]) -> str:
    (x1, y1), (x2, y2) = start, end
    middle = (x1 + x2) // 2
    return (
        f'<path class="edge" d="M {x1} {y1} C {middle} {y1}, {middle} {y2}, {x2} {y2}" '
        'marker-end="url(#arrow)"/>'
    )


def _draw(box: _Box) -> str:
    return (
        f'<a href="{escape(box.page)}" class="node {box.kind}">'
        f'<rect x="{box.x}" y="{box.y}" width="{box.width}" height="{BOX_H}" rx="6"/>'
        f'<text x="{box.x + 10}" y="{box.y + 19}" class="label">{escape(box.label)}</text>'
        f'<text x="{box.x + 10}" y="{box.y + 36}" class="detail">{escape(box.detail)}</text></a>'
    )


def _text(x: int, y: int, text: str, kind: str) -> str:
    return f'<text x="{x}" y="{y}" class="{kind}">{escape(text)}</text>'
