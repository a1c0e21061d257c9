"""A handler object that does not match the contract fails at start-up, naming the operation."""

from __future__ import annotations

from typing import Any

import pytest

from contractgen.runtime.app import HandlerError, check_handlers
from generated.idea.app import create_app
from generated.idea.handlers import OPERATIONS, IdeaHandlers


class Complete:
    """A plain object (no ABC) with every method of the idea contract."""

    async def get_health(self) -> Any: ...
    async def get_readiness(self) -> Any: ...
    async def list_ideas(
        self, principal: Any, organization_id: int, limit: int = 20, offset: int = 0
    ) -> Any: ...
    async def create_idea(self, principal: Any, organization_id: int, body: Any) -> Any: ...
    async def get_idea(self, principal: Any, organization_id: int, idea_id: int) -> Any: ...
    async def update_idea(
        self, principal: Any, organization_id: int, idea_id: int, body: Any
    ) -> Any: ...
    async def delete_idea(self, principal: Any, organization_id: int, idea_id: int) -> None: ...


def variant(**methods: Any) -> object:
    """`Complete` with some methods replaced, or removed where given None."""
    namespace = {k: v for k, v in vars(Complete).items() if not k.startswith("__")}
    namespace.update(methods)
    return type("Variant", (), {k: v for k, v in namespace.items() if v is not None})()


def test_a_complete_plain_object_is_accepted() -> None:
    check_handlers(Complete(), IdeaHandlers, OPERATIONS)
    create_app(Complete(), swagger_ui=False)  # type: ignore[arg-type]


async def renamed(self: Any, principal: Any, org: int, body: Any) -> Any: ...


def not_async(self: Any, principal: Any, organization_id: int, idea_id: int) -> Any: ...


@pytest.mark.parametrize(
    ("handlers", "operation_id", "words"),
    [
        pytest.param(variant(get_idea=None), "getIdea", "is missing", id="missing"),
        pytest.param(
            variant(create_idea=renamed),
            "createIdea",
            "takes (principal, org, body)",
            id="signature",
        ),
        pytest.param(variant(get_idea=not_async), "getIdea", "async def", id="not-async"),
        pytest.param(variant(list_ideas=42), "listIdeas", "is missing", id="not-callable"),
    ],
)
def test_mismatches_name_the_operation(handlers: object, operation_id: str, words: str) -> None:
    with pytest.raises(HandlerError) as raised:
        check_handlers(handlers, IdeaHandlers, OPERATIONS)
    message = str(raised.value)
    assert f"operation {operation_id} " in message
    assert words in message
    with pytest.raises(HandlerError, match=operation_id):
        create_app(handlers, swagger_ui=False)  # type: ignore[arg-type]


def test_every_problem_is_reported_at_once() -> None:
    handlers = variant(get_idea=None, delete_idea=None, create_idea=renamed)
    with pytest.raises(HandlerError) as raised:
        check_handlers(handlers, IdeaHandlers, OPERATIONS)
    for operation_id in ("getIdea", "deleteIdea", "createIdea"):
        assert operation_id in str(raised.value)
