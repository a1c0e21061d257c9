"""ECMA-262 patterns: the validators judge by regress, and `to_python` rewrites a pattern into a
Python one that matches exactly the same strings (checked character by character)."""

from __future__ import annotations

import re
import sys

import jsonschema
import pytest

from contractgen.runtime.ecma import (
    PatternError,
    compiled,
    ecma_validator,
    python_schema,
    search,
    to_python,
)

# Every code point but the surrogates (no Unicode text holds them alone).
EVERY_CHARACTER = [chr(c) for c in range(sys.maxunicode + 1) if not 0xD800 <= c <= 0xDFFF]
BMP = [c for c in EVERY_CHARACTER if ord(c) < 0x10000]

CLASSES = [r"\d", r"\D", r"\w", r"\W", r"\s", r"\S", "."]


@pytest.mark.parametrize("escape", CLASSES)
def test_each_class_matches_the_same_characters_in_both_dialects(escape: str) -> None:
    python = re.compile(to_python(escape))
    ecma = [c for c in EVERY_CHARACTER if search(escape, c)]
    translated = [c for c in EVERY_CHARACTER if python.search(c)]
    assert ecma == translated


@pytest.mark.parametrize(
    "pattern",
    [r"[\d]", r"[^\d]", r"[\w-]", r"[^\s\d]", r"[a\sz]", r"[\S]", r"[^\S]", r"[\W]", r"[^\D]"],
)
def test_classes_inside_brackets_match_the_same_characters(pattern: str) -> None:
    python = re.compile(to_python(pattern))
    assert [c for c in BMP if search(pattern, c)] == [c for c in BMP if python.search(c)]


@pytest.mark.parametrize(
    ("pattern", "texts"),
    [
        ("^a$", ["a", "a\n", "\na", "ab"]),
        (r"^\d+$", ["12", "12\n", "\u0661\u0662", "1 2"]),
        (r"\bcat\b", ["a cat!", "écat", "cats", "cat"]),
        (r"\Bx", ["ax", "x", " x", "éx"]),
        ("^.$", ["a", "\n", "\r", "\u2028", "\u2029", "\x85", "😀"]),
        (r"^\u{1F600}$", ["😀", "a"]),
        (r"^(?<word>a+)-\k<word>$", ["aa-aa", "a-aa"]),
        (r"^\cJ$", ["\n", "J"]),
        ("^[^]$", ["a", "\n"]),
        ("a[]", ["a", "a[]"]),
        (r"^[\b]$", ["\b", "b"]),
        (r"^\/$", ["/"]),
    ],
)
def test_anchors_boundaries_and_escapes_agree(pattern: str, texts: list[str]) -> None:
    python = re.compile(to_python(pattern))
    for text in texts:
        assert bool(python.search(text)) == search(pattern, text), (pattern, text)


def test_python_and_ecma_really_differ_on_these() -> None:
    """Why this module exists: Python's own reading of the same patterns."""
    assert re.search(r"\S", "\x1c") is None and search(r"\S", "\x1c")
    assert re.search(r"\S", "\ufeff") and not search(r"\S", "\ufeff")
    assert re.search(r"^\d$", "\u0661") and not search(r"^\d$", "\u0661")
    assert re.search("^a$", "a\n") and not search("^a$", "a\n")


def test_a_negated_class_escape_among_other_members_has_no_rewrite() -> None:
    with pytest.raises(PatternError, match="inside a bracket"):
        to_python(r"[a\S]")
    with pytest.raises(PatternError, match="not an ECMA-262 regular expression"):
        to_python("(unclosed")


def test_a_pattern_is_compiled_once() -> None:
    assert compiled(r"^\S+$") is compiled(r"^\S+$")


def test_the_pattern_keyword_is_ecma() -> None:
    validator = ecma_validator(jsonschema.Draft4Validator)({"type": "string", "pattern": r"\S"})
    assert validator.is_valid("\x1c")  # not white space in ECMA-262
    errors = list(validator.iter_errors("\ufeff"))  # white space in ECMA-262
    assert [e.message for e in errors] == ["'\\ufeff' does not match '\\\\S'"]


def test_a_lone_surrogate_matches_no_pattern() -> None:
    """It is no Unicode text (not UTF-8 encodable): refused, not a crash."""
    assert not search(".*", "\ud800")
    assert not ecma_validator(jsonschema.Draft4Validator)({"pattern": ""}).is_valid("\ud800")


def test_python_schema_rewrites_patterns_and_leaves_property_names_alone() -> None:
    schema = {
        "type": "object",
        "properties": {
            "pattern": {"type": "string", "pattern": r"^\d$"},
            "list": {"type": "array", "items": {"pattern": r"\s"}},
            "kept": {"pattern": r"[a\S]"},
        },
    }
    rewritten = python_schema(schema)
    assert rewritten["properties"]["pattern"]["pattern"] == r"^[0-9]\Z"
    assert rewritten["properties"]["list"]["items"]["pattern"] == to_python(r"\s")
    assert rewritten["properties"]["kept"]["pattern"] == r"[a\S]"  # no exact rewrite: as it was
