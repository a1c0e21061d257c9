"""REST rules: paths, operations, parameters, bodies, responses and security of one OpenAPI file."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from contractgen.diff.codegen import compare_handlers
from contractgen.diff.findings import SAFE, WIRE, Findings
from contractgen.diff.schemas import REQUEST, RESPONSE, At, SchemaDiff, resolve
from contractgen.spec.errors import Location, pointer
from contractgen.spec.openapi import HTTP_METHODS, OpenApiSpec, Operation

_TEMPLATE = re.compile(r"\{[^}]*\}")


@dataclass(frozen=True)
class Op:
    path: str
    method: str
    at: At
    model: Operation

    @property
    def label(self) -> str:
        return f"{self.model.operation_id} ({self.method.upper()} {self.path})"


def compare_openapi(out: Findings, file: str, old: OpenApiSpec, new: OpenApiSpec) -> None:
    schemas = SchemaDiff(out, file, old.document, new.document)
    old_ops, new_ops = _operations(old), _operations(new)
    old_paths = {_shape(p) for p in old.document.get("paths", {})}
    new_paths = {_shape(p) for p in new.document.get("paths", {})}
    for path in old.document.get("paths", {}):
        if _shape(path) not in new_paths:
            ops = [op for op in old_ops.values() if op.path == path]
            out.add(
                Location(file, pointer("paths", path)),
                "rest.path.removed",
                WIRE,
                f"{path} is gone ({', '.join(op.model.operation_id for op in ops)})",
                deprecated=_all_deprecated([op.at.value for op in ops]),
            )
    for path in new.document.get("paths", {}):
        if _shape(path) not in old_paths:
            out.add(
                Location(file, pointer("paths", path)), "rest.path.added", SAFE, f"new path {path}"
            )
    for key, op in old_ops.items():
        if key not in new_ops and _shape(op.path) in new_paths:
            out.add(
                Location(file, op.at.pointer),
                "rest.operation.removed",
                WIRE,
                f"{op.label} is gone",
                deprecated=op.at.value,
            )
    for key, op in new_ops.items():
        if key not in old_ops and _shape(op.path) in old_paths:
            out.add(
                Location(file, op.at.pointer),
                "rest.operation.added",
                SAFE,
                f"new operation {op.label}",
            )
    for key, before in old_ops.items():
        after = new_ops.get(key)
        if after is not None:
            _operation(out, file, schemas, old, new, before, after)


def _operation(
    out: Findings,
    file: str,
    schemas: SchemaDiff,
    old: OpenApiSpec,
    new: OpenApiSpec,
    before: Op,
    after: Op,
) -> None:
    where = Location(file, after.at.pointer)
    if after.at.value.get("deprecated") and not before.at.value.get("deprecated"):
        out.add(
            where.child("deprecated"),
            "rest.operation.deprecated",
            SAFE,
            f"{after.label} is deprecated",
        )
    removed = _parameters(out, file, schemas, old, new, before, after)
    _request_body(out, file, schemas, old, new, before, after)
    _responses(out, file, schemas, old, new, before, after)
    _security(out, where, old, new, before, after)
    _emits(out, where, before, after)
    compare_handlers(out, old, new, before.model, after.model, where, removed)


def _parameters(
    out: Findings,
    file: str,
    schemas: SchemaDiff,
    old: OpenApiSpec,
    new: OpenApiSpec,
    before: Op,
    after: Op,
) -> list[dict[str, Any]]:
    """Returns the removed parameters' specs (their deprecation also covers the handler)."""
    old_params, new_params = _params(old, before), _params(new, after)
    removed = []
    for key, (at, spec) in old_params.items():
        if key in new_params:
            new_at, new_spec = new_params[key]
            label = f"{after.model.operation_id} parameter {new_spec['name']!r}"
            if new_spec.get("required") and not spec.get("required"):
                out.add(
                    Location(file, new_at.pointer + "/required"),
                    "rest.parameter.became-required",
                    WIRE,
                    f"{label} is now required",
                )
            if "schema" in spec and "schema" in new_spec:
                schemas.compare(at.child("schema"), new_at.child("schema"), REQUEST, label)
            continue
        out.add(
            Location(file, at.pointer),
            "rest.parameter.removed",
            WIRE,
            f"{before.model.operation_id}: {spec['in']} parameter {spec['name']!r} is gone",
            deprecated=spec,
        )
        removed.append(spec)
    for key, (at, spec) in new_params.items():
        if key in old_params:
            continue
        required = bool(spec.get("required"))
        out.add(
            Location(file, at.pointer),
            "rest.parameter.required-added" if required else "rest.parameter.added",
            WIRE if required else SAFE,
            f"{after.model.operation_id}: new {'required' if required else 'optional'} {spec['in']} parameter {spec['name']!r}",
        )
    return removed


def _params(spec: OpenApiSpec, op: Op) -> dict[tuple[str, str], tuple[At, dict[str, Any]]]:
    """Path-level and operation-level parameters, the latter winning; path parameters keyed by
    position in the template, since renaming one changes nothing on the wire."""
    item = At(op.at.pointer.rsplit("/", 1)[0], spec.document["paths"][op.path])
    found: dict[tuple[str, str], tuple[At, dict[str, Any]]] = {}
    path_names = [name[1:-1] for name in _TEMPLATE.findall(op.path)]
    for holder in (item, op.at):
        for index, _ in enumerate(holder.value.get("parameters", []) or []):
            at = holder.child("parameters", index)
            resolved = resolve(spec.document, at)
            param = resolved.value
            name = str(param.get("name"))
            if param.get("in") == "path" and name in path_names:
                key = ("path", f"#{path_names.index(name)}")
            else:
                key = (str(param.get("in")), name)
            found[key] = (resolved, param)
    return found


def _request_body(
    out: Findings,
    file: str,
    schemas: SchemaDiff,
    old: OpenApiSpec,
    new: OpenApiSpec,
    before: Op,
    after: Op,
) -> None:
    label = f"{after.model.operation_id} request body"
    o = (
        resolve(old.document, before.at.child("requestBody"))
        if "requestBody" in before.at.value
        else None
    )
    n = (
        resolve(new.document, after.at.child("requestBody"))
        if "requestBody" in after.at.value
        else None
    )
    where = Location(file, after.at.pointer + "/requestBody")
    if o is None and n is None:
        return
    if o is None:
        assert n is not None
        required = bool(n.value.get("required"))
        out.add(
            where,
            "rest.request.body-added",
            WIRE if required else SAFE,
            f"{label}: new {'required ' if required else ''}body",
        )
        return
    if n is None:
        out.add(
            Location(file, before.at.pointer + "/requestBody"),
            "rest.request.body-removed",
            WIRE,
            f"{label} is gone: clients sending one are refused",
        )
        return
    if n.value.get("required") and not o.value.get("required"):
        out.add(
            Location(file, n.pointer + "/required"),
            "rest.request.body-became-required",
            WIRE,
            f"{label} is now required",
        )
    _content(out, file, schemas, o, n, REQUEST, label)


def _responses(
    out: Findings,
    file: str,
    schemas: SchemaDiff,
    old: OpenApiSpec,
    new: OpenApiSpec,
    before: Op,
    after: Op,
) -> None:
    o_responses = before.at.value.get("responses", {})
    n_responses = after.at.value.get("responses", {})
    for code in o_responses:
        if code in n_responses:
            label = f"{after.model.operation_id} response {code}"
            o = resolve(old.document, before.at.child("responses", code))
            n = resolve(new.document, after.at.child("responses", code))
            _content(out, file, schemas, o, n, RESPONSE, label)
            continue
        success = str(code).startswith("2")
        out.add(
            Location(file, before.at.pointer + pointer("responses", code)),
            "rest.response.status-removed",
            WIRE if success else SAFE,
            f"{before.model.operation_id} no longer answers {code}"
            + (
                " (clients expecting it break)"
                if success
                else " (an error clients need not handle any more)"
            ),
        )
    for code in n_responses:
        if code not in o_responses:
            out.add(
                Location(file, after.at.pointer + pointer("responses", code)),
                "rest.response.status-added",
                SAFE,
                f"{after.model.operation_id} may answer {code}",
            )


def _content(
    out: Findings, file: str, schemas: SchemaDiff, o: At, n: At, direction: str, label: str
) -> None:
    o_content = o.value.get("content", {}) or {}
    n_content = n.value.get("content", {}) or {}
    for media, body in o_content.items():
        if media not in n_content:
            out.add(
                Location(file, o.pointer + pointer("content", media)),
                f"rest.{direction}.media-type-removed",
                WIRE,
                f"{label}: {media} is gone",
            )
        elif isinstance(body, dict) and "schema" in body and "schema" in n_content[media]:
            schemas.compare(
                o.child("content", media, "schema"),
                n.child("content", media, "schema"),
                direction,
                label,
            )


def _security(
    out: Findings, where: Location, old: OpenApiSpec, new: OpenApiSpec, before: Op, after: Op
) -> None:
    o, n = _requirements(old, before), _requirements(new, after)
    if o == n:
        return
    at = where.child("security")
    if not n:
        out.add(at, "rest.security.removed", SAFE, f"{after.label} no longer needs credentials")
        return
    if not o:
        out.add(
            at, "rest.security.added", WIRE, f"{after.label} now needs credentials ({_show(n)})"
        )
        return
    # A client that satisfied some old alternative must satisfy a new one.
    stranded = [a for a in o if not any(_covers(a, b) for b in n)]
    if not stranded:
        out.add(at, "rest.security.relaxed", SAFE, f"{after.label}: {_show(o)} -> {_show(n)}")
        return
    same_schemes = {frozenset(a) for a in o} == {frozenset(b) for b in n}
    out.add(
        at,
        "rest.security.scopes-added" if same_schemes else "rest.security.changed",
        WIRE,
        f"{after.label}: {_show(o)} -> {_show(n)}",
    )


def _requirements(spec: OpenApiSpec, op: Op) -> list[dict[str, frozenset[str]]]:
    raw = op.at.value.get("security", spec.document.get("security", [])) or []
    return [
        {scheme: frozenset(scopes or []) for scheme, scopes in alt.items()} for alt in raw if alt
    ]


def _covers(held: dict[str, frozenset[str]], needed: dict[str, frozenset[str]]) -> bool:
    return all(s in held and scopes <= held[s] for s, scopes in needed.items())


def _show(requirements: list[dict[str, frozenset[str]]]) -> str:
    return " or ".join(
        " + ".join(
            f"{s}[{' '.join(sorted(scopes))}]" if scopes else s for s, scopes in sorted(alt.items())
        )
        for alt in requirements
    )


def _emits(out: Findings, where: Location, before: Op, after: Op) -> None:
    for name in before.model.emits:
        if name not in after.model.emits:
            out.add(
                where.child("x-emits"),
                "events.emits-removed",
                WIRE,
                f"{after.label} no longer emits {name} (consumers waiting for it miss it)",
            )
    for name in after.model.emits:
        if name not in before.model.emits:
            out.add(
                where.child("x-emits"),
                "events.emits-added",
                SAFE,
                f"{after.label} now emits {name}",
            )


def _operations(spec: OpenApiSpec) -> dict[tuple[str, str], Op]:
    by_place = {(op.path, op.method): op for op in spec.operations}
    found = {}
    for path, item in spec.document.get("paths", {}).items():
        for method in HTTP_METHODS:
            if method in item and (path, method) in by_place:
                at = At(pointer("paths", path, method), item[method])
                found[(_shape(path), method)] = Op(path, method, at, by_place[(path, method)])
    return found


def _shape(path: str) -> str:
    """`/orders/{orderId}` and `/orders/{id}` are the same URL to a client."""
    return _TEMPLATE.sub("{}", path)


def _all_deprecated(operations: list[dict[str, Any]]) -> dict[str, Any] | None:
    """A removed path is allowed when each of its operations was deprecated long enough: the
    latest of their dates decides."""
    dates = [op.get("x-deprecated-on") for op in operations if op.get("deprecated")]
    if not operations or len(dates) != len(operations) or None in dates:
        return None
    return {"deprecated": True, "x-deprecated-on": max(str(d) for d in dates)}
