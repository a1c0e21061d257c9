"""A message's version history from git: each commit that changed its Avro schema, with the
field changes in words. Outside a git repository (or without git) there is simply none."""

from __future__ import annotations

import json
import shutil
import subprocess
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

import yaml

from contractgen.docs.avro import field_changes
from contractgen.spec.errors import unescape_token

_Loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


@dataclass(frozen=True)
class Version:
    date: str
    commit: str
    subject: str
    changes: tuple[str, ...]


def schema_history(path: Path, pointer: str) -> tuple[Version, ...]:
    """Newest first: the commits where the Avro payload of the message at `path#pointer` changed,
    plus an "uncommitted" entry when the working tree differs from the last commit."""
    top = _toplevel(path.resolve().parent)
    if top is None:
        return ()
    relative = path.resolve().relative_to(top).as_posix()
    versions: list[Version] = []
    previous: dict[str, Any] | None = None
    for commit, date, subject in _commits(top, relative):
        schema = _payload(_file_at(top, commit, relative), pointer)
        if schema is None or (previous is not None and _same(previous, schema)):
            continue
        versions.append(Version(date, commit[:10], subject, tuple(field_changes(previous, schema))))
        previous = schema
    current = _payload(path.read_text(encoding="utf-8"), pointer)
    if current is not None and (previous is None or not _same(previous, current)):
        versions.append(
            Version("", "uncommitted", "working tree", tuple(field_changes(previous, current)))
        )
    return tuple(reversed(versions))


def _same(a: dict[str, Any], b: dict[str, Any]) -> bool:
    return json.dumps(a, sort_keys=True) == json.dumps(b, sort_keys=True)


def _git(cwd: Path, *args: str) -> str | None:
    if shutil.which("git") is None:
        return None
    result = subprocess.run(
        ["git", *args], cwd=cwd, capture_output=True, text=True, check=False, timeout=60
    )
    return result.stdout if result.returncode == 0 else None


@cache
def _toplevel(folder: Path) -> Path | None:
    out = _git(folder, "rev-parse", "--show-toplevel")
    return Path(out.strip()) if out else None


@cache
def _commits(top: Path, relative: str) -> tuple[tuple[str, str, str], ...]:
    """Oldest first: (hash, committer date, subject) of each commit that touched the file."""
    out = _git(top, "log", "--reverse", "--format=%H%x1f%cs%x1f%s", "--", relative) or ""
    rows = [line.split("\x1f") for line in out.splitlines() if line]
    return tuple((row[0], row[1], row[2]) for row in rows if len(row) == 3)


@cache
def _file_at(top: Path, commit: str, relative: str) -> str:
    return _git(top, "show", f"{commit}:{relative}") or ""


def _payload(text: str, pointer: str) -> dict[str, Any] | None:
    """The Avro record of the message at `pointer`, following the file's own `$ref`s."""
    try:
        document = yaml.load(text, Loader=_Loader)
    except yaml.YAMLError:
        return None
    message = _walk(document, document, pointer)
    if not isinstance(message, dict):
        return None
    payload = _deref(document, message.get("payload"))
    schema = _deref(document, payload.get("schema")) if isinstance(payload, dict) else None
    return schema if isinstance(schema, dict) else None


def _walk(document: Any, node: Any, pointer: str, depth: int = 0) -> Any:
    for token in filter(None, pointer.split("/")):
        node = _deref(document, node, depth)
        key = unescape_token(token)
        if isinstance(node, dict) and key in node:
            node = node[key]
        elif isinstance(node, list) and key.isdigit() and int(key) < len(node):
            node = node[int(key)]
        else:
            return None
    return _deref(document, node, depth)


def _deref(document: Any, node: Any, depth: int = 0) -> Any:
    # Only references inside the same file: another file's past is another file's history.
    if isinstance(node, dict) and isinstance(node.get("$ref"), str) and depth < 20:
        ref = node["$ref"]
        if ref.startswith("#"):
            return _walk(document, document, ref[1:], depth + 1)
        return None
    return node
