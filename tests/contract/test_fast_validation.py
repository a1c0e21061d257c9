"""The fast path's compiled acceptor judges bodies as the contract validators do: `pattern` under
ECMA-262 (where Python's `re` would say otherwise too), and schemas it cannot judge exactly
refused, so that the normal validator decides them."""

from __future__ import annotations

from typing import Any

import pytest

from contractgen.runtime.validators import (
    FORMAT_CHECKER,
    EcmaRequestValidator,
    compiled_acceptor,
)

BMP = [chr(c) for c in range(0x10000) if not 0xD800 <= c <= 0xDFFF]


def normal(schema: dict[str, Any], instance: Any) -> bool:
    return bool(EcmaRequestValidator(schema, format_checker=FORMAT_CHECKER).is_valid(instance))


def fast(schema: dict[str, Any], instance: Any) -> bool:
    accepts = compiled_acceptor(schema)
    assert accepts is not None, schema
    return accepts(instance)


@pytest.mark.parametrize(
    ("pattern", "text", "ecma"),
    [
        # Python's `$` also matches before a final newline; ECMA's does not.
        ("^a$", "a", True),
        ("^a$", "a\n", False),
        # Python's \d and \w are Unicode's; ECMA's are ASCII.
        (r"^\d+$", "12", True),
        (r"^\d+$", "\u0661\u0662", False),
        (r"^\w$", "é", False),
        # ECMA's \s has U+FEFF and not U+0085; Python's the other way round.
        (r"^\s$", "\ufeff", True),
        (r"^\s$", "\x85", False),
        # Python's `.` matches U+2028.
        ("^.$", "\u2028", False),
        ("^.$", "😀", True),
    ],
)
def test_pattern_is_ecma_262(pattern: str, text: str, ecma: bool) -> None:
    schema = {"type": "string", "pattern": pattern}
    assert fast(schema, text) is ecma
    assert normal(schema, text) is ecma


@pytest.mark.parametrize("escape", [r"\s", r"\S", r"\d", r"\w", "."])
def test_every_character_judged_alike(escape: str) -> None:
    schema = {"type": "string", "pattern": f"^{escape}$"}
    accepts = compiled_acceptor(schema)
    assert accepts is not None
    assert [c for c in BMP if accepts(c)] == [c for c in BMP if normal(schema, c)]


IDEA = {
    "type": "object",
    "required": ["name", "description"],
    "properties": {
        "name": {"type": "string", "minLength": 1, "maxLength": 5, "pattern": "^[^ ]"},
        "count": {"type": "integer", "format": "int64", "minimum": 1, "maximum": 10},
        "tags": {"type": "array", "items": {"type": "string", "enum": ["a", "b"]}},
        "description": {"type": "string", "description": "an annotation"},
    },
    "additionalProperties": False,
}


@pytest.mark.parametrize(
    "instance",
    [
        {"name": "x", "description": ""},
        {"name": "", "description": ""},
        {"name": " x", "description": ""},
        {"name": "xxxxxx", "description": ""},
        {"name": "😀😀😀😀😀", "description": ""},
        {"name": "x"},
        {"name": "x", "description": "", "other": 1},
        {"name": "x", "description": "", "count": 1},
        {"name": "x", "description": "", "count": 1.0},
        {"name": "x", "description": "", "count": True},
        {"name": "x", "description": "", "count": 11},
        {"name": "x", "description": "", "count": 2**64},
        {"name": "x", "description": "", "tags": ["a", "b"]},
        {"name": "x", "description": "", "tags": ["c"]},
        {"name": 1, "description": ""},
        {"name": "\ud800", "description": ""},
        [],
        None,
        "x",
    ],
)
def test_fast_accepts_exactly_what_the_normal_validator_accepts(instance: Any) -> None:
    assert fast(IDEA, instance) is normal(IDEA, instance)


@pytest.mark.parametrize(
    "schema",
    [
        {"type": "string", "nullable": True},
        {"type": "object", "properties": {"id": {"type": "integer", "readOnly": True}}},
        {"not": {"type": "string"}},
        {"oneOf": [{"type": "string"}, {"type": "integer"}]},
        {"$ref": "#/components/schemas/Idea"},
        {"type": "object", "patternProperties": {"^x": {"type": "string"}}},
        {"type": "string", "format": "date-time"},
        {"type": "string", "format": "email"},
        {"type": ["string", "null"]},
        {"type": "integer", "maximum": 2**63 - 1},
        {"type": "string", "pattern": "(?P<python>x)"},
        {"type": "array", "items": [{"type": "string"}]},
    ],
)
def test_refuses_what_it_cannot_judge_exactly(schema: dict[str, Any]) -> None:
    assert compiled_acceptor(schema) is None
