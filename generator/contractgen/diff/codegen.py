"""Generated-code rules: what hand-written handlers see of an operation.

The handler interface is computed by the generator itself (`contractgen.gen.service`), so this
gate and the generated `handlers.py` can never disagree about a method's name or signature."""

from __future__ import annotations

import re

from contractgen.diff.findings import CODE, Findings
from contractgen.gen.pytypes import JsonSchemaTypes
from contractgen.gen.service import _method
from contractgen.spec.errors import Location
from contractgen.spec.openapi import OpenApiSpec, Operation

_TEMPLATE = re.compile(r"\{([^}]*)\}")


def compare_handlers(
    out: Findings,
    file: str,
    old: OpenApiSpec,
    new: OpenApiSpec,
    before: Operation,
    after: Operation,
    where: Location,
) -> None:
    old_method = _method(before, JsonSchemaTypes(old.schemas), [])
    new_method = _method(after, JsonSchemaTypes(new.schemas), [])
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
        )
    if old_method.returns != new_method.returns:
        out.add(
            where.child("responses"),
            "code.handler.return-changed",
            CODE,
            f"{new_method.method}() returns {old_method.returns} -> {new_method.returns}",
        )


def _args(signature: str) -> str:
    return signature.removeprefix("self").removeprefix(", ")
