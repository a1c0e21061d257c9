"""One comparison: every service of the baseline against the working tree."""

from __future__ import annotations

from pathlib import Path

from contractgen.diff.asyncapi import compare_asyncapi
from contractgen.diff.avro_rules import History, compare_avro, payloads
from contractgen.diff.findings import SAFE, WIRE, Findings
from contractgen.diff.rest import compare_openapi
from contractgen.diff.sides import Side
from contractgen.spec.asyncapi import AsyncApiSpec
from contractgen.spec.documents import Documents
from contractgen.spec.errors import Location


def compare(out: Findings, old: Side, new: Side, history: History | None) -> None:
    for name in sorted(set(old.services) | set(new.services)):
        before, after = old.services.get(name), new.services.get(name)
        if before is None:
            assert after is not None
            where = new.docs.location(after.openapi.path)
            out.add(where, "service.added", SAFE, f"new service {name}")
            continue
        if after is None:
            where = old.docs.location(before.openapi.path)
            info = before.openapi.document.get("info", {})
            out.add(where, "service.removed", WIRE, f"service {name} is gone", deprecated=info)
            continue
        file = new.docs.display(after.openapi.path)
        compare_openapi(out, file, before.openapi, after.openapi)
        if before.asyncapi is not None or after.asyncapi is not None:
            old_events = before.asyncapi or _empty(before.openapi.path.parent)
            new_events = after.asyncapi or _empty(after.openapi.path.parent)
            compare_asyncapi(out, old_events, new_events, old.docs, new.docs)
            old_payloads = payloads(old_events, old.docs)
            for key, payload in payloads(new_events, new.docs).items():
                if key in old_payloads:
                    compare_avro(out, old_payloads[key], payload, history)
        _other_changes(out, old.docs, new.docs, before.openapi.path, after.openapi.path)
        if before.asyncapi is not None and after.asyncapi is not None:
            _other_changes(out, old.docs, new.docs, before.asyncapi.path, after.asyncapi.path)


def _empty(folder: Path) -> AsyncApiSpec:
    return AsyncApiSpec(folder / "asyncapi.yaml", "", (), ())


def _other_changes(
    out: Findings, old: Documents, new: Documents, before: Path, after: Path
) -> None:
    """A file that changed where no rule found anything (descriptions, examples, ...) is still
    reported, so that every change is classified."""
    file = new.display(after)
    if old.load(before) == new.load(after) or any(f.file == file for f in out.items.values()):
        return
    out.add(
        Location(file),
        "contract.other-changes",
        SAFE,
        "changes no rule judges (docs, examples, ...)",
    )
