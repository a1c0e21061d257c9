"""Create, read, list, update and delete ideas; every change publishes its event with it."""

from __future__ import annotations

from datetime import datetime

from contractgen.runtime.paging import Page, PageRequest
from contractgen.runtime.security import Principal
from services.idea.domain.errors import UnknownIdea
from services.idea.domain.ideas import Idea, IdeaDraft, NewIdea
from services.idea.domain.rules import checked_id, ensure_member
from services.idea.service_layer import events
from services.idea.service_layer.unit_of_work import IdeaUnitOfWork
from services.identity import organization_ids


async def create_idea(
    uow: IdeaUnitOfWork, principal: Principal, organization_id: int, draft: IdeaDraft, now: datetime
) -> Idea:
    ensure_member(organization_ids(principal), organization_id)
    new = NewIdea(organization_id, draft, now)
    async with uow:
        idea = await uow.ideas.add(new)
        await uow.publish(events.created(idea))
    return idea


async def get_idea(
    uow: IdeaUnitOfWork, principal: Principal, organization_id: int, idea_id: int
) -> Idea:
    ensure_member(organization_ids(principal), organization_id)
    async with uow:
        return await _existing(uow, organization_id, idea_id)


async def list_ideas(
    uow: IdeaUnitOfWork, principal: Principal, organization_id: int, request: PageRequest
) -> Page[Idea]:
    """The organization's ideas, newest first; an empty page when it has none."""
    ensure_member(organization_ids(principal), organization_id)
    async with uow:
        return await uow.ideas.page(organization_id, request)


async def update_idea(
    uow: IdeaUnitOfWork,
    principal: Principal,
    organization_id: int,
    idea_id: int,
    draft: IdeaDraft,
    now: datetime,
) -> Idea:
    ensure_member(organization_ids(principal), organization_id)
    async with uow:
        idea = (await _existing(uow, organization_id, idea_id, lock=True)).revised(draft, now)
        await uow.ideas.save(idea)
        await uow.publish(events.updated(idea))
    return idea


async def delete_idea(
    uow: IdeaUnitOfWork, principal: Principal, organization_id: int, idea_id: int, now: datetime
) -> None:
    ensure_member(organization_ids(principal), organization_id)
    async with uow:
        idea = await _existing(uow, organization_id, idea_id, lock=True)
        await uow.ideas.remove(idea)
        await uow.publish(events.deleted(idea, idea.deleted_at(now)))


async def _existing(
    uow: IdeaUnitOfWork, organization_id: int, idea_id: int, *, lock: bool = False
) -> Idea:
    checked_id(idea_id, field="idea id")
    idea = await uow.ideas.get(organization_id, idea_id, lock=lock)
    if idea is None:
        raise UnknownIdea(organization_id, idea_id)
    return idea
