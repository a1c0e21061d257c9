"""The consumer's handlers: the generated `ActivityConsumerHandlers`, each event one activity."""

from __future__ import annotations

from contractgen.runtime.clock import Clock, utc_now
from contractgen.runtime.consumer import EventMeta
from generated.activity.consumer import ActivityConsumerHandlers
from generated.idea.events import IdeaCreated, IdeaDeleted, IdeaUpdated
from generated.organization.events import (
    DepartmentCreated,
    MemberCreated,
    OrganizationCreated,
    RoleCreated,
)
from services.activity.service_layer.recording import OrganizationEvent, record_activity
from services.activity.service_layer.unit_of_work import UnitOfWorkFactory


class ActivityRecorder(ActivityConsumerHandlers):
    """Records every event it is handed as one activity, once per event id. It writes in the
    transaction `meta.connection` lends when there is one (the consumer loop's), else in its own."""

    def __init__(self, new_uow: UnitOfWorkFactory, clock: Clock = utc_now) -> None:
        self._new_uow = new_uow
        self._clock = clock

    async def record(self, event: OrganizationEvent, meta: EventMeta) -> bool:
        """True when the event made a new activity, False when it was recorded already."""
        uow = self._new_uow(lent=meta.connection, writes=meta.writes)
        return await record_activity(uow, event, meta, self._clock())

    async def on_organization_created(self, event: OrganizationCreated, meta: EventMeta) -> None:
        await self.record(event, meta)

    async def on_department_created(self, event: DepartmentCreated, meta: EventMeta) -> None:
        await self.record(event, meta)

    async def on_role_created(self, event: RoleCreated, meta: EventMeta) -> None:
        await self.record(event, meta)

    async def on_member_created(self, event: MemberCreated, meta: EventMeta) -> None:
        await self.record(event, meta)

    async def on_idea_created(self, event: IdeaCreated, meta: EventMeta) -> None:
        await self.record(event, meta)

    async def on_idea_updated(self, event: IdeaUpdated, meta: EventMeta) -> None:
        await self.record(event, meta)

    async def on_idea_deleted(self, event: IdeaDeleted, meta: EventMeta) -> None:
        await self.record(event, meta)
