"""The portal's files: one HTML page per service, channel and message, the index with its
embedded search index, the system map, and the stylesheet and script beside them."""

from __future__ import annotations

import json
from functools import cache
from importlib import resources

import jinja2

from contractgen.docs.model import Site
from contractgen.docs.svgmap import system_map

ASSETS = ("docs.css", "docs.js")


@cache
def _environment() -> jinja2.Environment:
    return jinja2.Environment(
        loader=jinja2.PackageLoader("contractgen.docs", "templates"),
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
        undefined=jinja2.StrictUndefined,
        autoescape=True,
    )


def _render(template: str, site: Site, **context: object) -> str:
    text = _environment().get_template(template).render(site=site, **context)
    return "\n".join(line.rstrip() for line in text.strip().split("\n")) + "\n"


def site_files(site: Site) -> dict[str, str]:
    """Every file of the portal by relative path; the same site always gives the same bytes."""
    svg = system_map(site)
    files = {
        "index.html": _render("index.html.jinja2", site, search_index=search_index(site)),
        "map.html": _render("map.html.jinja2", site, svg=svg),
        "map.svg": svg + "\n",
    }
    for service in site.services:
        files[service.page] = _render("service.html.jinja2", site, service=service)
    for channel in site.channels:
        files[channel.page] = _render("channel.html.jinja2", site, channel=channel)
    for message in site.messages:
        files[message.page] = _render("message.html.jinja2", site, message=message)
    static = resources.files("contractgen.docs") / "static"
    for name in ASSETS:
        files[f"assets/{name}"] = (static / name).read_text(encoding="utf-8")
    return dict(sorted(files.items()))


def search_index(site: Site) -> str:
    """The entries the index page filters, as JSON safe to embed in a <script> element."""
    entries = [
        {
            "kind": "service",
            "id": service.page,
            "text": " ".join(
                [service.name, service.title, service.description]
                + [
                    f"{o.rest.operation_id} {o.rest.method} {o.rest.path}"
                    for o in service.operations
                ]
            ),
        }
        for service in site.services
    ]
    entries += [
        {
            "kind": "channel",
            "id": channel.page,
            "text": " ".join([channel.address, channel.title, channel.description])
            + " "
            + " ".join(m.label for m in channel.messages),
        }
        for channel in site.channels
    ]
    entries += [
        {
            "kind": "message",
            "id": message.page,
            "text": " ".join(
                [message.name, message.full_name, message.title, message.description]
                + [f.name for f in message.fields]
            ),
        }
        for message in site.messages
    ]
    text = json.dumps(entries, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
    # "</script>" inside a string would end the element early.
    return text.replace("</", "<\\/")
