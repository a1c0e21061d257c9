"""JSON Schema changes in OpenAPI bodies and parameters, judged by the direction data flows.

A request schema may only accept more (what clients send must stay valid); a response schema may
only promise more (what clients read must keep its shape): the same change is safe one way and
breaking the other, e.g. an enum value added is safe in a request and breaking in a response."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from contractgen.diff.findings import SAFE, WIRE, Findings
from contractgen.spec.errors import Location, escape_token, unescape_token

REQUEST = "request"
RESPONSE = "response"

# (keyword, True when a larger value accepts more): bounds that narrow or widen a schema.
_BOUNDS = (
    ("maxLength", True),
    ("maxItems", True),
    ("maxProperties", True),
    ("maximum", True),
    ("minLength", False),
    ("minItems", False),
    ("minProperties", False),
    ("minimum", False),
)
# Types a reader of the other accepts unchanged (an integer is a number).
_WIDER = {("integer", "number")}
_MAX_DEPTH = 64


@dataclass(frozen=True)
class At:
    """A schema value with its JSON pointer in its document."""

    pointer: str
    value: Any

    def child(self, *tokens: str | int) -> At:
        value = self.value
        pointer = self.pointer
        for token in tokens:
            value = value[token]
            pointer += "/" + escape_token(token)
        return At(pointer, value)


def resolve(document: dict[str, Any], at: At) -> At:
    """Follow local `$ref`s (the loader has checked that they resolve and are local)."""
    seen = set()
    while isinstance(at.value, dict) and isinstance(at.value.get("$ref"), str):
        ref = at.value["$ref"].partition("#")[2]
        if ref in seen:
            break
        seen.add(ref)
        value: Any = document
        for token in filter(None, ref.split("/")):
            value = value[int(token) if isinstance(value, list) else unescape_token(token)]
        at = At(ref, value)
    return at


class SchemaDiff:
    """Compares the schemas of one OpenAPI file on both sides, reporting into `out`."""

    def __init__(
        self, out: Findings, file: str, old_doc: dict[str, Any], new_doc: dict[str, Any]
    ) -> None:
        self.out = out
        self.file = file
        self.old_doc = old_doc
        self.new_doc = new_doc
        self._seen: set[tuple[str, str, str]] = set()

    def where(self, pointer: str) -> Location:
        return Location(self.file, pointer)

    def compare(self, old: At, new: At, direction: str, context: str, depth: int = 0) -> None:
        old, new = resolve(self.old_doc, old), resolve(self.new_doc, new)
        key = (old.pointer, new.pointer, direction)
        if key in self._seen or depth > _MAX_DEPTH:
            return
        self._seen.add(key)
        o, n = old.value, new.value
        if not isinstance(o, dict) or not isinstance(n, dict):
            return
        if self._type(o, n, new, direction, context):
            return  # an object that became a string has no properties to compare
        self._nullable(o, n, new, direction, context)
        self._enum(o, n, new, direction, context)
        for keyword in ("format", "pattern"):
            self._exact(keyword, o, n, new, direction, context)
        self._bounds(o, n, new, direction, context)
        self._objects(old, new, direction, context, depth)
        if isinstance(o.get("items"), dict) and isinstance(n.get("items"), dict):
            self.compare(old.child("items"), new.child("items"), direction, context, depth + 1)
        for keyword in ("oneOf", "anyOf"):
            self._branches(keyword, old, new, direction, context, depth)
        if isinstance(o.get("allOf"), list) and isinstance(n.get("allOf"), list):
            for index in range(min(len(o["allOf"]), len(n["allOf"]))):
                self.compare(
                    old.child("allOf", index),
                    new.child("allOf", index),
                    direction,
                    context,
                    depth + 1,
                )

    def _type(
        self, o: dict[str, Any], n: dict[str, Any], new: At, direction: str, ctx: str
    ) -> bool:
        before, after = o.get("type"), n.get("type")
        if before == after:
            return False
        accepted_more = (
            (before, after) in _WIDER if direction == REQUEST else (after, before) in _WIDER
        )
        kind = SAFE if accepted_more or (direction == REQUEST and after is None) else WIRE
        self.out.add(
            self.where(new.pointer + "/type"),
            "rest.schema.type-changed",
            kind,
            f"{ctx}: type {before or 'any'} -> {after or 'any'}",
        )
        return kind == WIRE and before is not None and after is not None

    def _nullable(
        self, o: dict[str, Any], n: dict[str, Any], new: At, direction: str, ctx: str
    ) -> None:
        before, after = bool(o.get("nullable")), bool(n.get("nullable"))
        if before == after:
            return
        breaking = (direction == REQUEST and before) or (direction == RESPONSE and after)
        rule = (
            "rest.request.nullable-removed"
            if direction == REQUEST
            else "rest.response.nullable-added"
        )
        if not breaking:
            rule = f"rest.{direction}.nullable-{'added' if after else 'removed'}"
        self.out.add(
            self.where(new.pointer + "/nullable"),
            rule,
            WIRE if breaking else SAFE,
            f"{ctx}: nullable {str(before).lower()} -> {str(after).lower()}",
        )

    def _enum(
        self, o: dict[str, Any], n: dict[str, Any], new: At, direction: str, ctx: str
    ) -> None:
        if "enum" not in o and "enum" not in n:
            return
        before = o.get("enum")
        after = n.get("enum")
        pointer = new.pointer + "/enum"
        if direction == REQUEST:
            gone = _missing(before, after)
            if gone:
                self.out.add(
                    self.where(pointer),
                    "rest.request.enum-value-removed",
                    WIRE,
                    f"{ctx}: the server no longer accepts {_show(gone)}",
                )
            elif _missing(after, before):
                self.out.add(
                    self.where(pointer),
                    "rest.request.enum-value-added",
                    SAFE,
                    f"{ctx}: accepts {_show(_missing(after, before))}",
                )
            return
        added = _missing(after, before)
        if added:
            self.out.add(
                self.where(pointer),
                "rest.response.enum-widened",
                WIRE,
                f"{ctx}: clients may now receive {_show(added)}",
            )
        elif _missing(before, after):
            self.out.add(
                self.where(pointer),
                "rest.response.enum-value-removed",
                SAFE,
                f"{ctx}: no longer sends {_show(_missing(before, after))}",
            )

    def _exact(
        self, keyword: str, o: dict[str, Any], n: dict[str, Any], new: At, direction: str, ctx: str
    ) -> None:
        before, after = o.get(keyword), n.get(keyword)
        if before == after:
            return
        # A new pattern or format narrows what is valid, a dropped one widens it; a changed one
        # cannot be proven either way and counts as breaking.
        narrows = after is not None
        widens = before is not None
        breaking = narrows if direction == REQUEST else widens
        self.out.add(
            self.where(new.pointer + "/" + keyword),
            f"rest.schema.{keyword}-changed",
            WIRE if breaking else SAFE,
            f"{ctx}: {keyword} {before!r} -> {after!r}",
        )

    def _bounds(
        self, o: dict[str, Any], n: dict[str, Any], new: At, direction: str, ctx: str
    ) -> None:
        for keyword, larger_accepts_more in _BOUNDS:
            before, after = o.get(keyword), n.get(keyword)
            if before == after:
                continue
            if before is None or after is None:
                widened = after is None
            else:
                widened = (after > before) == larger_accepts_more
            breaking = not widened if direction == REQUEST else widened
            if direction == REQUEST:
                rule = (
                    "rest.request.constraint-narrowed"
                    if breaking
                    else "rest.request.constraint-relaxed"
                )
            else:
                rule = (
                    "rest.response.constraint-widened"
                    if breaking
                    else "rest.response.constraint-narrowed"
                )
            self.out.add(
                self.where(new.pointer + "/" + keyword),
                rule,
                WIRE if breaking else SAFE,
                f"{ctx}: {keyword} {_num(before)} -> {_num(after)}",
            )

    def _objects(self, old: At, new: At, direction: str, ctx: str, depth: int) -> None:
        o, n = old.value, new.value
        o_props = o.get("properties") if isinstance(o.get("properties"), dict) else {}
        n_props = n.get("properties") if isinstance(n.get("properties"), dict) else {}
        o_req, n_req = set(o.get("required", [])), set(n.get("required", []))
        for name in o_props:
            if name in n_props:
                self.compare(
                    old.child("properties", name),
                    new.child("properties", name),
                    direction,
                    f"{ctx} .{name}",
                    depth + 1,
                )
                continue
            removed = old.child("properties", name)
            self.out.add(
                self.where(removed.pointer),
                f"rest.{direction}.property-removed",
                WIRE,
                f"{ctx}: property {name!r} removed"
                + (
                    " (clients relying on it break)"
                    if direction == RESPONSE
                    else " (clients sending it are refused)"
                ),
                deprecated=resolve(self.old_doc, removed).value,
            )
        for name in n_props:
            if name in o_props:
                continue
            required = direction == REQUEST and name in n_req
            self.out.add(
                self.where(new.child("properties", name).pointer),
                "rest.request.required-property-added"
                if required
                else f"rest.{direction}.property-added",
                WIRE if required else SAFE,
                f"{ctx}: new {'required ' if required else 'optional ' if direction == REQUEST else ''}property {name!r}",
            )
        if direction == REQUEST:
            for name in sorted((n_req - o_req) & set(o_props) & set(n_props)):
                self.out.add(
                    self.where(new.child("properties", name).pointer),
                    "rest.request.property-became-required",
                    WIRE,
                    f"{ctx}: property {name!r} is now required",
                )
            if (
                o.get("additionalProperties", True) is not False
                and n.get("additionalProperties") is False
            ):
                self.out.add(
                    self.where(new.pointer + "/additionalProperties"),
                    "rest.request.additional-properties-refused",
                    WIRE,
                    f"{ctx}: unknown properties are now refused",
                )
        else:
            for name in sorted((o_req - n_req) & set(n_props)):
                self.out.add(
                    self.where(new.child("properties", name).pointer),
                    "rest.response.property-became-optional",
                    WIRE,
                    f"{ctx}: property {name!r} may now be missing",
                )

    def _branches(
        self, keyword: str, old: At, new: At, direction: str, ctx: str, depth: int
    ) -> None:
        o, n = old.value.get(keyword), new.value.get(keyword)
        if not isinstance(o, list) and not isinstance(n, list):
            return
        o_keys = [_branch_key(b, i) for i, b in enumerate(o or [])]
        n_keys = [_branch_key(b, i) for i, b in enumerate(n or [])]
        for index, branch in enumerate(o_keys):
            if branch in n_keys:
                self.compare(
                    old.child(keyword, index),
                    new.child(keyword, n_keys.index(branch)),
                    direction,
                    ctx,
                    depth + 1,
                )
                continue
            self.out.add(
                self.where(f"{old.pointer}/{keyword}/{index}"),
                f"rest.schema.{keyword}-branch-removed",
                WIRE if direction == REQUEST else SAFE,
                f"{ctx}: {keyword} branch {branch} removed",
            )
        for index, branch in enumerate(n_keys):
            if branch not in o_keys:
                self.out.add(
                    self.where(f"{new.pointer}/{keyword}/{index}"),
                    f"rest.schema.{keyword}-branch-added",
                    WIRE if direction == RESPONSE else SAFE,
                    f"{ctx}: {keyword} branch {branch} added",
                )


def _branch_key(branch: Any, index: int) -> str:
    """Branches that are `$ref`s are matched by name, inline ones by position."""
    if isinstance(branch, dict) and isinstance(branch.get("$ref"), str):
        return str(branch["$ref"]).rsplit("/", 1)[-1]
    return f"#{index}"


def _missing(values: Any, others: Any) -> list[Any]:
    """The values of `values` that `others` lacks (None stands for "anything")."""
    if values is None:
        return [] if others is None else ["(any value)"]
    if others is None:
        return []
    return [v for v in values if v not in others]


def _show(values: list[Any]) -> str:
    return ", ".join(repr(v) for v in values)


def _num(value: Any) -> str:
    return "none" if value is None else str(value)
