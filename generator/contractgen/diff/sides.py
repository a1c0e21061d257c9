"""The two sides of a comparison: the contracts in the working tree and at a git revision.

The baseline's files are written to a temporary folder laid out like the project and loaded
through the same spec loaders, so `$ref`s (also across files) resolve exactly as they do now."""

from __future__ import annotations

import subprocess
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from typing import Any

from contractgen.spec.documents import Documents
from contractgen.spec.errors import Location, SpecError, SpecIssue
from contractgen.spec.project import Project, ServiceSpec, load_project

MAX_FILES = 2000
"""A bound on the files copied out of one revision (a specs folder is a handful)."""


class GitError(Exception):
    pass


@dataclass(frozen=True, eq=False)
class Side:
    """One side's services by name, and the documents they were loaded from."""

    services: dict[str, ServiceSpec]
    docs: Documents

    @classmethod
    def of(cls, project: Project) -> Side:
        return cls({s.name: s for s in project.services}, project.docs)

    @classmethod
    def empty(cls, root: Path) -> Side:
        return cls({}, Documents(root))


def git(root: Path, *args: str) -> str:
    result = subprocess.run(
        ["git", *args], cwd=root, capture_output=True, text=True, check=False, timeout=60
    )
    if result.returncode != 0:
        raise GitError(f"git {' '.join(args)}: {result.stderr.strip() or 'failed'}")
    return result.stdout


def git_bytes(root: Path, *args: str) -> bytes:
    result = subprocess.run(["git", *args], cwd=root, capture_output=True, check=False, timeout=60)
    if result.returncode != 0:
        raise GitError(f"git {' '.join(args)}: {result.stderr.decode().strip() or 'failed'}")
    return result.stdout


def repository(specs_dir: Path) -> tuple[Path, str]:
    """The git work tree holding `specs_dir`, and the folder's path inside it."""
    start = specs_dir if specs_dir.is_dir() else Path.cwd()
    top = Path(git(start, "rev-parse", "--show-toplevel").strip())
    return top, specs_dir.resolve().relative_to(top.resolve()).as_posix()


def commit_of(top: Path, revision: str) -> str:
    return git(top, "rev-parse", "--verify", "--quiet", f"{revision}^{{commit}}").strip()


def materialize(top: Path, revision: str, folder: str, into: Path) -> bool:
    """Write `folder` as it is at `revision` below `into`; False when it did not exist there."""
    names = [
        n
        for n in git(top, "ls-tree", "-r", "-z", "--name-only", revision, "--", folder).split("\0")
        if n
    ]
    for name in names[:MAX_FILES]:
        target = into / name
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(git_bytes(top, "show", f"{revision}:{name}"))
    return bool(names)


@contextmanager
def baseline(specs_dir: Path, revision: str, label: str | None = None) -> Iterator[Side]:
    """The project's contracts at `revision`, loaded and validated (SpecError if they are not)."""
    top, folder = repository(specs_dir)
    with tempfile.TemporaryDirectory(prefix="contractgen-diff-") as tmp:
        old_specs = Path(tmp) / folder
        if not materialize(top, revision, folder, Path(tmp)) or not _has_services(old_specs):
            yield Side.empty(old_specs.parent)
            return
        try:
            project = load_project(old_specs, storage_rules=False)
        except SpecError as error:
            # Name the baseline's files as git does (`main:specs/...`): they are not on disk.
            raise SpecError(
                SpecIssue(
                    Location(f"{label or revision}:{i.location.file}", i.location.pointer),
                    i.message,
                )
                for i in error.issues
            ) from None
        yield Side.of(project)


def _has_services(specs: Path) -> bool:
    return specs.is_dir() and any((p / "openapi.yaml").is_file() for p in specs.iterdir())


def history(top: Path, revision: str, file: str, limit: int) -> list[str]:
    """The commits up to `revision` that changed `file`, newest first, at most `limit`."""
    if limit <= 0:
        return []
    out = git(top, "log", "--format=%H", f"-n{limit}", revision, "--", file)
    return out.split()


class GitHistory:
    """Past versions of a payload schema, read from the commits that changed its file up to the
    baseline (for the *_TRANSITIVE modes). Each commit's specs folder is written once."""

    def __init__(self, specs_dir: Path, revision: str, limit: int, scratch: Path) -> None:
        self.top, self.folder = repository(specs_dir)
        self.revision = revision
        self.limit = limit
        self.scratch = scratch
        self._docs: dict[str, Documents | None] = {}

    def __call__(self, file: str, schema_pointer: str) -> list[tuple[str, dict[str, Any]]]:
        git_path = (PurePosixPath(self.folder).parent / file).as_posix()
        found = []
        for commit in history(self.top, self.revision, git_path, self.limit):
            docs = self._checkout(commit)
            if docs is None:
                continue
            try:
                node = docs.deref(docs.walk(docs.root / file, schema_pointer, Location(file)))
            except SpecError:
                continue  # the message did not exist yet, or the file did not load then
            if isinstance(node.value, dict):
                found.append((commit, node.value))
        return found

    def _checkout(self, commit: str) -> Documents | None:
        if commit not in self._docs:
            into = self.scratch / commit
            present = materialize(self.top, commit, self.folder, into)
            self._docs[commit] = Documents((into / self.folder).parent) if present else None
        return self._docs[commit]
