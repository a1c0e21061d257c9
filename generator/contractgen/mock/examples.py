"""What a mocked response is made of: the contract's examples, picked as the client prefers.

The `Prefer` request header (RFC 7240) carries the client's wishes, in Prism's vocabulary:
`example=<name>` picks a named example, `dynamic=true` asks for data generated from the response
schema, `code=<status>` asks for the documented response of that status (e.g. a 404 problem).
"""

from __future__ import annotations

from collections.abc import Mapping
from contextvars import ContextVar
from dataclasses import dataclass
from typing import Any

from contractgen.mock.schemadata import resolve

PROBLEM = "application/problem+json"


@dataclass(frozen=True)
class Preference:
    example: str | None = None
    dynamic: bool = False
    code: int | None = None

    @classmethod
    def parse(cls, header: str | None) -> Preference:
        """`example=created, dynamic=true`; unknown preferences are ignored, as RFC 7240 says."""
        wishes: dict[str, str] = {}
        for part in (header or "").replace(";", ",").split(","):
            key, _, value = part.partition("=")
            wishes[key.strip().lower()] = value.strip().strip('"')
        code = wishes.get("code", "")
        return cls(
            example=wishes.get("example") or None,
            dynamic=wishes.get("dynamic", "").lower() == "true",
            code=int(code) if code.isdigit() else None,
        )


PREFERENCE: ContextVar[Preference | None] = ContextVar("contractgen_mock_preference", default=None)
"""The current request's preference, set by the mock's middleware for its handlers."""


class UnknownExample(LookupError):
    """The client asked for an example or status the contract does not document."""


@dataclass(frozen=True)
class ResponseExamples:
    """One documented response of an operation: its media type, schema and named examples."""

    status: int
    media_type: str | None
    schema: Any
    examples: Mapping[str, Any]
    """By name; a lone `example` is named `default`. Ordered as in the contract."""

    def pick(self, name: str | None) -> Any:
        if name is None:
            return next(iter(self.examples.values()), None)
        if name not in self.examples:
            known = ", ".join(self.examples) or "none"
            raise UnknownExample(
                f"the {self.status} response has no example named {name!r} (it has: {known})"
            )
        return self.examples[name]


def operation_responses(
    document: Mapping[str, Any], path: str, method: str
) -> dict[int, ResponseExamples]:
    """Every documented response with a numeric status, by status code."""
    operation = document["paths"][path][method]
    found = {}
    for code, response in operation.get("responses", {}).items():
        if not str(code).isdigit():
            continue
        response = resolve(document, response)
        content = response.get("content", {})
        # The success media type is JSON; errors are problem+json: take the first documented.
        media_type = next(iter(content), None)
        media = resolve(document, content[media_type]) if media_type else {}
        found[int(code)] = ResponseExamples(
            status=int(code),
            media_type=media_type,
            schema=media.get("schema"),
            examples=_examples(document, media),
        )
    return found


def _examples(document: Mapping[str, Any], media: Mapping[str, Any]) -> dict[str, Any]:
    if "example" in media:
        return {"default": media["example"]}
    named = {}
    for name, example in media.get("examples", {}).items():
        example = resolve(document, example)
        if "value" in example:
            named[name] = example["value"]
    if not named:
        schema = resolve(document, media.get("schema"))
        if isinstance(schema, dict) and "example" in schema:
            named["default"] = schema["example"]
    return named
