"""The events that announce what happened to an idea, as the contract defines them."""

from __future__ import annotations

from datetime import datetime

from generated.idea.events import IdeaCreated, IdeaDeleted, IdeaUpdated
from services.idea.domain.ideas import Idea


def created(idea: Idea) -> IdeaCreated:
    return IdeaCreated(
        idea_id=idea.id,
        organization_id=idea.organization_id,
        name=idea.name,
        description=idea.description,
        created_on=idea.created_on,
    )


def updated(idea: Idea) -> IdeaUpdated:
    return IdeaUpdated(
        idea_id=idea.id,
        organization_id=idea.organization_id,
        name=idea.name,
        description=idea.description,
        last_updated=idea.last_updated,
    )


def deleted(idea: Idea, deleted_on: datetime) -> IdeaDeleted:
    return IdeaDeleted(idea_id=idea.id, organization_id=idea.organization_id, deleted_on=deleted_on)
