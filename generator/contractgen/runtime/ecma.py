"""ECMA-262 regular expressions, as JSON Schema and OpenAPI define `pattern`.

Python's `re` reads the same text differently: its `\\s` also matches U+001C..U+001F and U+0085
but not U+FEFF, its `\\d` and `\\w` match every Unicode digit and letter, its `.` matches U+2028,
and its `$` also matches before a final newline. Validation therefore runs the patterns on
`regress` (Rust's ECMA-262 engine, Unicode mode as check-jsonschema uses it), compiled once per
pattern. Test-data generators (hypothesis) only speak Python's dialect: `to_python` rewrites a
pattern into a Python pattern that matches exactly the same strings.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from functools import lru_cache
from typing import TYPE_CHECKING, Any

import regress

if TYPE_CHECKING:
    import jsonschema

# ECMA-262 WhiteSpace and LineTerminator: what `\s` matches (22.2.2.9, CharacterClassEscape).
ECMA_SPACE = (
    "\\t\\n\\x0b\\x0c\\r \\xa0\\u1680\\u2000-\\u200a\\u2028\\u2029\\u202f\\u205f\\u3000\\ufeff"
)
ECMA_DIGIT = "0-9"
ECMA_WORD = "A-Za-z0-9_"
# What `.` does not match without the `s` flag.
ECMA_LINE_TERMINATORS = "\\n\\r\\u2028\\u2029"


class PatternError(ValueError):
    """A pattern that is not ECMA-262, or that `to_python` cannot rewrite."""


@lru_cache(maxsize=1024)
def compiled(pattern: str) -> regress.Regex:
    """The pattern compiled once (the validators ask for it on every request)."""
    try:
        return regress.Regex(pattern, flags="u")
    except regress.RegressError as error:
        raise PatternError(f"{pattern!r} is not an ECMA-262 regular expression: {error}") from None


def search(pattern: str, text: str) -> bool:
    """Whether `pattern` matches somewhere in `text` (JSON Schema's `pattern` is unanchored).

    A string with an unpaired surrogate (JSON lets `"\\ud800"` through) is no Unicode text: it
    matches no pattern, so a contract with a pattern refuses it instead of failing on it.
    """
    try:
        return compiled(pattern).find(text) is not None
    except UnicodeEncodeError:
        return False


def pattern_keyword(
    validator: Any, pattern: str, instance: Any, schema: Any
) -> Iterator[jsonschema.ValidationError]:
    """jsonschema's `pattern` keyword, with ECMA-262 semantics."""
    if validator.is_type(instance, "string") and not search(pattern, instance):
        from jsonschema import ValidationError  # lazily: the generator uses this module alone

        yield ValidationError(f"{instance!r} does not match {pattern!r}")


def ecma_validator(base: Any) -> Any:
    """`base` (a jsonschema validator class) whose `pattern` keyword is ECMA-262."""
    from jsonschema.validators import extend

    return extend(base, {"pattern": pattern_keyword})


# --- Python's dialect, for generators ----------------------------------------------------------

_OUTSIDE = {
    "d": f"[{ECMA_DIGIT}]",
    "D": f"[^{ECMA_DIGIT}]",
    "w": f"[{ECMA_WORD}]",
    "W": f"[^{ECMA_WORD}]",
    "s": f"[{ECMA_SPACE}]",
    "S": f"[^{ECMA_SPACE}]",
    # ECMA's word boundary is ASCII's; Python's is Unicode's unless the `a` flag says otherwise.
    "b": "(?a:\\b)",
    "B": "(?a:\\B)",
}
_INSIDE = {"d": ECMA_DIGIT, "w": ECMA_WORD, "s": ECMA_SPACE}


def to_python(pattern: str) -> str:
    """A Python `re` pattern that matches exactly the strings the ECMA-262 `pattern` matches.

    Raises PatternError for what has no exact rewrite (a negated class escape such as `\\S`
    inside a bracket with other members).
    """
    compiled(pattern)  # only valid ECMA patterns are rewritten
    try:
        python = "".join(_rewrite(pattern))
        re.compile(python)
    except PatternError:
        raise
    except (re.error, IndexError, ValueError) as error:
        raise PatternError(f"{pattern!r} has no Python spelling: {error}") from None
    return python


@lru_cache(maxsize=1024)
def _cached(pattern: str) -> str:
    return to_python(pattern)


def _rewrite(pattern: str) -> Iterator[str]:
    index, end = 0, len(pattern)
    while index < end:
        char = pattern[index]
        if char == "\\":
            escape, index = _escape(pattern, index)
            yield _OUTSIDE.get(escape[1:], escape) if len(escape) == 2 else escape
        elif char == "[":
            klass, index = _class(pattern, index)
            yield klass
        elif char == ".":
            yield f"[^{ECMA_LINE_TERMINATORS}]"
            index += 1
        elif char == "$":
            # Python's `$` also matches before a trailing newline; ECMA's only at the end.
            yield "\\Z"
            index += 1
        elif pattern.startswith("(?<", index) and pattern[index + 3 : index + 4] not in ("=", "!"):
            yield "(?P<"  # a named group
            index += 3
        else:
            yield char
            index += 1


def _escape(pattern: str, index: int) -> tuple[str, int]:
    """The escape at `index` (`\\d`, `\\u0041`, `\\u{1F600}`, `\\k<name>`) in Python's spelling."""
    letter = pattern[index + 1 : index + 2]
    if letter == "u" and pattern.startswith("{", index + 2):
        close = pattern.index("}", index)
        return f"\\U{int(pattern[index + 3 : close], 16):08x}", close + 1
    if letter == "u":
        return pattern[index : index + 6], index + 6
    if letter == "k" and pattern.startswith("<", index + 2):
        close = pattern.index(">", index)
        return f"(?P={pattern[index + 3 : close]})", close + 1
    if letter == "c":
        return f"\\x{ord(pattern[index + 2]) % 32:02x}", index + 3
    if letter == "/":
        return "/", index + 2
    return pattern[index : index + 2], index + 2


def _class(pattern: str, index: int) -> tuple[str, int]:
    """The bracket expression at `index`, with its class escapes spelled out."""
    start = index
    index += 1
    negated = pattern.startswith("^", index)
    index += negated
    if pattern.startswith("]", index):
        # ECMA's `[]` matches nothing and `[^]` anything; Python has no such brackets.
        return ("(?s:.)" if negated else "(?!)"), index + 1
    members: list[str] = []
    while pattern[index] != "]":
        if pattern[index] == "\\":
            escape, index = _escape(pattern, index)
            letter = escape[1:] if len(escape) == 2 else ""
            if letter in _INSIDE:
                members.append(_INSIDE[letter])
            elif letter in ("D", "W", "S"):
                if members or pattern[index] != "]":
                    raise PatternError(
                        f"{pattern!r}: \\{letter} inside a bracket with other members at {start}"
                    )
                return _OUTSIDE[letter if not negated else letter.lower()], index + 1
            elif letter == "b":
                members.append("\\x08")  # inside a class, ECMA's \b is backspace
            else:
                members.append(escape)
        else:
            members.append("\\[" if pattern[index] == "[" else pattern[index])
            index += 1
    return f"[{'^' if negated else ''}{''.join(members)}]", index + 1


def python_schema(schema: Any) -> Any:
    """`schema` (any JSON value) with every `pattern` rewritten by `to_python`; a pattern with no
    exact rewrite is kept (the generator then speaks Python's dialect for that one)."""
    if isinstance(schema, list):
        return [python_schema(item) for item in schema]
    if not isinstance(schema, dict):
        return schema
    rewritten: dict[str, Any] = {}
    for key, value in schema.items():
        if key == "pattern" and isinstance(value, str):
            try:
                rewritten[key] = _cached(value)
            except PatternError:
                rewritten[key] = value
        elif key == "properties" and isinstance(value, dict):
            # Property names are data, not keywords: a property called "pattern" stays a schema.
            rewritten[key] = {name: python_schema(item) for name, item in value.items()}
        else:
            rewritten[key] = python_schema(value)
    return rewritten
