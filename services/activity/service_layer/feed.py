"""Read an organization's feed."""

from __future__ import annotations

from contractgen.runtime.paging import Page, PageRequest
from contractgen.runtime.principal import Principal
from services.activity.domain.activities import RecordedActivity
from services.activity.domain.rules import ensure_member
from services.activity.service_layer.unit_of_work import ActivityUnitOfWork
from services.identity import organization_ids


async def list_activities(
    uow: ActivityUnitOfWork,
    principal: Principal,
    organization_id: int,
    request: PageRequest,
    type_: str | None = None,
) -> Page[RecordedActivity]:
    """The organization's activities, newest first, maybe of one type only; an empty page when
    it has none."""
    ensure_member(organization_ids(principal), organization_id)
    async with uow:
        return await uow.activities.page(organization_id, request, type_)
