"""One start-up check for both doors of a service: the app's handlers and the consumer's."""

from __future__ import annotations

import pytest

from contractgen.runtime.consumer import Dispatcher, EventMeta
from contractgen.runtime.interfaces import HandlerError
from generated.activity.consumer import SUBSCRIPTIONS, ActivityConsumerHandlers
from generated.idea.events import IdeaCreated


class _Complete(ActivityConsumerHandlers):
    async def on_organization_created(self, event: object, meta: EventMeta) -> None: ...
    async def on_department_created(self, event: object, meta: EventMeta) -> None: ...
    async def on_role_created(self, event: object, meta: EventMeta) -> None: ...
    async def on_member_created(self, event: object, meta: EventMeta) -> None: ...
    async def on_idea_created(self, event: object, meta: EventMeta) -> None: ...
    async def on_idea_updated(self, event: object, meta: EventMeta) -> None: ...
    async def on_idea_deleted(self, event: object, meta: EventMeta) -> None: ...


def test_a_complete_consumer_passes() -> None:
    dispatcher = Dispatcher(_Complete(), SUBSCRIPTIONS, ActivityConsumerHandlers)
    assert "microservicesapp.idea.events" in dispatcher.topics


def test_consumer_parameters_are_checked_like_the_apps() -> None:
    class WrongShape(_Complete):
        async def on_idea_created(self, idea: IdeaCreated) -> None:  # type: ignore[override]
            ...

        def on_idea_deleted(self, event: object, meta: EventMeta) -> None:  # type: ignore[override]
            ...

    with pytest.raises(HandlerError) as caught:
        Dispatcher(WrongShape(), SUBSCRIPTIONS, ActivityConsumerHandlers)
    message = str(caught.value)
    assert message.startswith("consumer handlers do not match the contract")
    assert (
        "IdeaCreated on microservicesapp.idea.events: WrongShape.on_idea_created takes (idea), "
        "the contract needs (event, meta)" in message
    )
    assert "WrongShape.on_idea_deleted must be `async def`" in message


def test_a_missing_consumer_method_is_named() -> None:
    class Partial:
        async def on_idea_created(self, event: object, meta: EventMeta) -> None: ...

    with pytest.raises(HandlerError, match=r"Partial\.on_idea_updated is missing"):
        Dispatcher(Partial(), SUBSCRIPTIONS, ActivityConsumerHandlers)
