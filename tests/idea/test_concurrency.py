"""Concurrent changes to one idea happen one after the other, and their events say so."""

from __future__ import annotations

import asyncio

import pytest
from sqlalchemy import Engine

from contractgen.runtime.database import create_engine
from contractgen.runtime.security import Principal
from generated.idea.events import IdeaUpdated
from services.idea.adapters.tables import outbox
from services.idea.domain.ideas import IdeaDraft
from services.idea.service_layer import ideas
from services.idea.service_layer.unit_of_work import IdeaUnitOfWork
from tests.idea.conftest import T0
from tests.idea.helpers import outbox_events

pytestmark = pytest.mark.postgres

MEMBER = Principal("alice", frozenset({1}))


def test_concurrent_updates_each_move_last_updated_forward(database_url: str, db: Engine) -> None:
    async def scenario() -> None:
        engine = create_engine(database_url)
        try:
            created = await ideas.create_idea(
                IdeaUnitOfWork(engine, outbox), MEMBER, 1, IdeaDraft("n", "d"), T0
            )
            # Every update at the same instant: only the row lock keeps them from reading the
            # same last_updated and announcing the same one.
            await asyncio.gather(
                *(
                    ideas.update_idea(
                        IdeaUnitOfWork(engine, outbox),
                        MEMBER,
                        1,
                        created.id,
                        IdeaDraft(f"n{number}", "d"),
                        T0,
                    )
                    for number in range(8)
                )
            )
        finally:
            await engine.dispose()

    asyncio.run(scenario())

    updates = [event for event in outbox_events(db) if isinstance(event, IdeaUpdated)]
    moments = [event.last_updated for event in updates]
    assert len(moments) == 8
    assert moments == sorted(set(moments))
