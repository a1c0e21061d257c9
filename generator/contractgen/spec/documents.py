"""YAML documents and `$ref` resolution across files, keeping every node's location."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any

import yaml

from contractgen.spec.errors import Location, SpecError, SpecIssue, escape_token, unescape_token

_SafeLoader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
_STR = "tag:yaml.org,2002:str"


class _Loader(_SafeLoader):  # type: ignore[misc, valid-type]
    """PyYAML's safe loader, with its commonest step taken directly: a plain string scalar is
    its own value (what SafeConstructor's construct_yaml_str returns, after several calls). Most
    of a contract's scalars are strings; this is a fifth of loading a large one."""

    def construct_object(self, node: yaml.Node, deep: bool = False) -> Any:
        if node.tag == _STR and node.__class__ is yaml.ScalarNode:
            return node.value
        return super().construct_object(node, deep)


class Node:
    """A resolved value together with the file and JSON pointer it was found at."""

    __slots__ = ("path", "pointer", "value", "where")

    def __init__(self, path: Path, pointer: str, value: Any, where: Location) -> None:
        self.path = path
        self.pointer = pointer
        self.value = value
        self.where = where


class Documents:
    """Loads spec files once and resolves `$ref`s (local and relative-file) between them."""

    def __init__(self, root: Path) -> None:
        self.root = root.resolve()
        self._cache: dict[Path, Any] = {}
        self._displayed: dict[Path, str] = {}
        self._resolved: dict[Path, Path] = {}
        # Nodes found by `walk`, by file and pointer: the same `$ref` is followed from every
        # place that uses it (a large contract names its shared schemas thousands of times).
        self._walked: dict[tuple[Path, str], Node] = {}

    def _resolve(self, path: Path) -> Path:
        """`path.resolve()`, remembered: it is asked for every node and `$ref` walked."""
        resolved = self._resolved.get(path)
        if resolved is None:
            resolved = self._resolved[path] = path.resolve()
        return resolved

    def display(self, path: Path) -> str:
        """How errors name a file: relative to the specs' root where it lies below it. Asked for
        every node walked, so remembered per path."""
        shown = self._displayed.get(path)
        if shown is None:
            resolved = self._resolve(path)
            try:
                shown = resolved.relative_to(self.root).as_posix()
            except ValueError:
                shown = resolved.as_posix()
            self._displayed[path] = shown
        return shown

    def location(self, path: Path, pointer: str = "") -> Location:
        return Location(self.display(path), pointer)

    def load(self, path: Path) -> Any:
        path = self._resolve(path)
        if path not in self._cache:
            try:
                text = path.read_text(encoding="utf-8")
            except OSError as error:
                raise SpecError.at(self.location(path), f"cannot read: {error.strerror}") from None
            try:
                self._cache[path] = yaml.load(text, Loader=_Loader)
            except yaml.YAMLError as error:
                raise SpecError.at(self.location(path), f"not valid YAML: {error}") from None
        return self._cache[path]

    def root_node(self, path: Path) -> Node:
        path = self._resolve(path)
        return Node(path, "", self.load(path), self.location(path))

    def walk(self, path: Path, pointer: str, at: Location) -> Node:
        """The node at `pointer` in `path`, following `$ref`s met on the way."""
        key = (path, pointer)
        node = self._walked.get(key)
        if node is None:
            node = self._walked[key] = self._walk(path, pointer, at)
        return node

    def _walk(self, path: Path, pointer: str, at: Location) -> Node:
        node = self.root_node(path)
        for token in filter(None, pointer.split("/")):
            node = self.deref(node)
            key: str | int = unescape_token(token)
            value = node.value
            if isinstance(value, list) and isinstance(key, str) and key.isdigit():
                key = int(key)
                found = key < len(value)
            else:
                found = isinstance(value, dict) and key in value
            if not found:
                target = f"{self.display(path)}#{pointer}"
                raise SpecError.at(at, f"$ref target {target} does not exist")
            child_pointer = f"{node.pointer}/{escape_token(key)}"
            node = Node(
                node.path, child_pointer, value[key], self.location(node.path, child_pointer)
            )
        return node

    def resolve_ref(self, node: Node) -> Node:
        """Follow the `$ref` of `node` (which must be a reference object) one step."""
        ref = node.value["$ref"]
        at = node.where.child("$ref")
        if not isinstance(ref, str):
            raise SpecError.at(at, "$ref must be a string")
        file_part, _, pointer = ref.partition("#")
        if pointer and not pointer.startswith("/"):
            raise SpecError.at(at, f"$ref {ref!r}: the fragment must be a JSON pointer")
        target = self._resolve(node.path.parent / file_part) if file_part else node.path
        if file_part and not target.is_file():
            raise SpecError.at(at, f"$ref {ref!r}: file {self.display(target)} does not exist")
        return self.walk(target, pointer, at)

    def deref(self, node: Node) -> Node:
        """Follow a chain of references to the value they finally name."""
        seen: set[tuple[Path, str]] = set()
        while is_ref(node.value):
            if (node.path, node.pointer) in seen:
                raise SpecError.at(node.where, "$ref cycle")
            seen.add((node.path, node.pointer))
            node = self.resolve_ref(node)
        return node

    def check_refs(self, path: Path) -> list[SpecIssue]:
        """Every `$ref` anywhere in the file resolves."""
        return self.ref_issues(iter_refs(self.root_node(path), self))

    def ref_issues(self, refs: Iterable[Node]) -> list[SpecIssue]:
        """Each of `refs` (reference objects) resolves; each distinct one is followed once."""
        issues: list[SpecIssue] = []
        resolved: set[tuple[Path, str]] = set()
        for node in refs:
            ref = node.value["$ref"]
            key = (node.path, ref if isinstance(ref, str) else "")
            if key in resolved:
                continue
            try:
                self.resolve_ref(node)
            except SpecError as error:
                issues.extend(error.issues)
            else:
                resolved.add(key)
        return issues


def is_ref(value: Any) -> bool:
    return isinstance(value, dict) and "$ref" in value


def child(docs: Documents, node: Node, key: str | int) -> Node:
    """`node[key]` as a Node (no dereferencing)."""
    pointer = f"{node.pointer}/{escape_token(key)}"
    return Node(node.path, pointer, node.value[key], docs.location(node.path, pointer))


def items(docs: Documents, node: Node) -> Iterator[tuple[str, Node]]:
    """The entries of a mapping node, each dereferenced, in document order."""
    value = node.value if isinstance(node.value, dict) else {}
    for key in value:
        yield str(key), docs.deref(child(docs, node, key))


def iter_refs(node: Node, docs: Documents) -> Iterator[Node]:
    """Every reference object below `node`, in document order. Walks the plain values and makes
    a Node (with its Location) only for the references: most of a document is not one."""
    stack: list[tuple[Any, str]] = [(node.value, node.pointer)]
    while stack:
        value, at = stack.pop()
        if isinstance(value, dict):
            if "$ref" in value:
                yield Node(node.path, at, value, docs.location(node.path, at))
                continue
            entries = [(value[key], f"{at}/{escape_token(key)}") for key in value]
            stack.extend(reversed(entries))
        elif isinstance(value, list):
            stack.extend((value[i], f"{at}/{i}") for i in reversed(range(len(value))))
