"""Checking, at start-up, that a hand-written object implements a generated interface: every
method present, implemented, `async`, and taking exactly the contract's parameters. The app's
handlers and the consumer's handlers are checked by this one function."""

from __future__ import annotations

import inspect
from collections.abc import Iterable


class HandlerError(TypeError):
    """The handler object does not implement the generated interface."""


def interface_problems(
    handlers: object, interface: type, methods: Iterable[tuple[str, str]]
) -> list[str]:
    """For each (method name, where it comes from in the contract), what is wrong with it."""
    problems = []
    owner = type(handlers).__name__
    for name, where in methods:
        at = f"{where}: {owner}.{name}"
        method = getattr(handlers, name, None)
        if method is None or not callable(method):
            problems.append(f"{at} is missing")
        elif getattr(method, "__isabstractmethod__", False):
            problems.append(f"{at} is not implemented")
        elif not inspect.iscoroutinefunction(method):
            problems.append(f"{at} must be `async def`")
        else:
            expected = inspect.signature(getattr(interface, name))
            wanted = [p for p in expected.parameters if p != "self"]
            actual = list(inspect.signature(method).parameters)
            if actual != wanted:
                problems.append(
                    f"{at} takes ({', '.join(actual)}), the contract needs ({', '.join(wanted)})"
                )
    return problems


def check_interface(
    handlers: object, interface: type, methods: Iterable[tuple[str, str]], what: str
) -> None:
    """Raise HandlerError naming every problem (`what`: "handlers", "consumer handlers")."""
    problems = interface_problems(handlers, interface, methods)
    if problems:
        raise HandlerError(f"{what} do not match the contract:\n  " + "\n  ".join(problems))
