"""Spec errors: every one names the file and the JSON pointer of the problem."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass


def escape_token(token: str | int) -> str:
    return str(token).replace("~", "~0").replace("/", "~1")


def unescape_token(token: str) -> str:
    return token.replace("~1", "/").replace("~0", "~")


def pointer(*tokens: str | int) -> str:
    return "".join("/" + escape_token(token) for token in tokens)


@dataclass(frozen=True, order=True)
class Location:
    """A place in a spec file: `specs/orders/asyncapi.yaml#/operations/sendOrderPlaced`."""

    file: str
    pointer: str = ""

    def child(self, *tokens: str | int) -> Location:
        return Location(self.file, self.pointer + pointer(*tokens))

    def __str__(self) -> str:
        return f"{self.file}#{self.pointer}"


@dataclass(frozen=True, order=True)
class SpecIssue:
    location: Location
    message: str

    def __str__(self) -> str:
        return f"{self.location}: {self.message}"


class SpecError(Exception):
    """One or more problems found in the contracts; nothing was generated."""

    def __init__(self, issues: Iterable[SpecIssue]) -> None:
        self.issues = sorted(set(issues))
        super().__init__("\n".join(str(issue) for issue in self.issues))

    @classmethod
    def at(cls, location: Location, message: str) -> SpecError:
        return cls([SpecIssue(location, message)])
