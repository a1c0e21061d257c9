"""Generated-code rules: what hand-written handlers see of an operation.

The handler interface is computed by the generator itself (`contractgen.gen.service`), so this
gate and the generated `handlers.py` can never disagree about a method's name or signature."""

from __future__ import annotations

import re
from dataclasses import replace
from typing import Any

from contractgen.diff.findings import CODE, Findings
from contractgen.gen.pytypes import JsonSchemaTypes
from contractgen.gen.rest import handler_method
from contractgen.spec.errors import Location
from contractgen.spec.openapi import OpenApiSpec, Operation

_TEMPLATE = re.compile(r"\{([^}]*)\}")


def compare_handlers(
    out: Findings,
    old: OpenApiSpec,
    new: OpenApiSpec,
    before: Operation,
    after: Operation,
    where: Location,
    removed: list[dict[str, Any]],
) -> None:
    """`removed` are the specs of the parameters the operation lost: when the signature changed
    by exactly those, a removal allowed by its deprecation allows the new signature too."""
    old_method = handler_method(before, JsonSchemaTypes(old.schemas, "models"))
    new_method = handler_method(after, JsonSchemaTypes(new.schemas, "models"))
    explained = False
    if before.operation_id != after.operation_id:
        explained = True
        out.add(
            where.child("operationId"),
            "code.operation-id.renamed",
            CODE,
            f"operationId {before.operation_id} -> {after.operation_id}: handler method "
            f"{old_method.method}() becomes {new_method.method}()",
        )
    old_names, new_names = _TEMPLATE.findall(before.path), _TEMPLATE.findall(after.path)
    for index, (o, n) in enumerate(zip(old_names, new_names, strict=False)):
        if o != n:
            explained = True
            out.add(
                where.child("parameters"),
                "code.parameter.renamed",
                CODE,
                f"{after.operation_id}: path parameter {index + 1} {o!r} -> {n!r}: the handler's "
                "argument is renamed",
            )
    if old_method.signature != new_method.signature and not explained:
        out.add(
            where,
            "code.handler.signature-changed",
            CODE,
            f"{new_method.method}({_args(old_method.signature)}) -> "
            f"{new_method.method}({_args(new_method.signature)})",
            deprecated=_only_removals(old, before, new_method.signature, removed),
        )
    if old_method.returns != new_method.returns:
        out.add(
            where.child("responses"),
            "code.handler.return-changed",
            CODE,
            f"{new_method.method}() returns {old_method.returns.hint} -> {new_method.returns.hint}",
        )


def _only_removals(
    old: OpenApiSpec, before: Operation, signature: str, removed: list[dict[str, Any]]
) -> dict[str, Any] | None:
    names = {str(spec.get("name")) for spec in removed}
    kept = tuple(p for p in before.parameters if p.name not in names)
    if (
        not removed
        or handler_method(
            replace(before, parameters=kept), JsonSchemaTypes(old.schemas, "models")
        ).signature
        != signature
    ):
        return None
    dates = [spec.get("x-deprecated-on") for spec in removed if spec.get("deprecated")]
    if len(dates) != len(removed) or None in dates:
        return None
    return {"deprecated": True, "x-deprecated-on": max(str(d) for d in dates)}


def _args(signature: str) -> str:
    return signature.removeprefix("self").removeprefix(", ")
