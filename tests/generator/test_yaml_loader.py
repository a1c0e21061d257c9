"""The contracts' YAML loader gives exactly what PyYAML's safe loader gives, types included."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import yaml

from contractgen.spec.documents import _Loader
from tests.generator.helpers import GOLDEN_SPECS, REPO

SPEC_FILES = sorted((REPO / "specs").glob("*/*.yaml")) + sorted(GOLDEN_SPECS.glob("*/*.yaml"))

# What YAML 1.1 reads in other ways than a plain string: tags, anchors and aliases, merge keys,
# the booleans, numbers and dates of the safe schema, block and quoted strings.
TRICKY = """
plain: text
quoted: "200"
single: 'a ''b'''
tagged: !!str 123
number_tagged: !!int "42"
yes_no: [yes, no, on, off, true, False]
numbers: [1, -2, 0x1f, 0o17, 017, 1_000, 1.5, .inf, -.Inf, .nan, 6.02e+23]
nothing: [~, null, ""]
when: 2026-12-05
stamp: 2026-12-05T07:00:00Z
binary: !!binary aGVsbG8=
base: &base {a: 1, b: [x, y]}
merged:
  <<: *base
  b: z
alias: *base
shared_string: &s repeated
again: *s
block: |
  two
  lines
folded: >
  one
  line
set: !!set {p, q}
ordered: !!omap [{k: 1}, {l: 2}]
"""


def _typed(value: Any) -> Any:
    """`value` with every scalar paired with its type, so that 1, 1.0 and True differ."""
    if isinstance(value, dict):
        return {_typed(key): _typed(item) for key, item in value.items()}
    if isinstance(value, list):
        return [_typed(item) for item in value]
    if isinstance(value, set | frozenset):
        return sorted(map(repr, value))
    if isinstance(value, float) and value != value:
        return ("float", "nan")
    return (type(value).__name__, value)


def _same_as_pyyaml(text: str) -> None:
    assert _typed(yaml.load(text, Loader=_Loader)) == _typed(yaml.safe_load(text))


@pytest.mark.parametrize("path", SPEC_FILES, ids=lambda p: f"{p.parent.name}/{p.name}")
def test_contracts_load_as_pyyaml_loads_them(path: Path) -> None:
    _same_as_pyyaml(path.read_text(encoding="utf-8"))


def test_tags_aliases_merges_and_scalars_load_as_pyyaml_loads_them() -> None:
    _same_as_pyyaml(TRICKY)
    document = yaml.load(TRICKY, Loader=_Loader)
    assert document["tagged"] == "123"
    assert document["merged"] == {"a": 1, "b": "z"}
    assert document["alias"] is document["base"]


def test_unsafe_tags_are_still_refused() -> None:
    with pytest.raises(yaml.constructor.ConstructorError):
        yaml.load("!!python/object/apply:os.system ['true']", Loader=_Loader)
