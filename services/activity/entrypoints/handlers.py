"""The activity API: the generated `ActivityHandlers`, implemented by calling the use cases."""

from __future__ import annotations

from collections.abc import Awaitable, Callable

from contractgen.runtime.paging import PageRequest
from contractgen.runtime.principal import Principal
from contractgen.runtime.probes import Probes
from generated.activity import models
from generated.activity.handlers import ActivityHandlers
from services.activity.entrypoints import responses
from services.activity.entrypoints.problems import as_problems
from services.activity.service_layer import feed
from services.activity.service_layer.unit_of_work import UnitOfWorkFactory


class ActivityApi(Probes, ActivityHandlers):
    """`new_uow` gives a fresh unit of work per request; `ready` says whether the database answers."""

    def __init__(self, new_uow: UnitOfWorkFactory, ready: Callable[[], Awaitable[bool]]) -> None:
        self._new_uow = new_uow
        super().__init__(ready)

    async def list_activities(
        self,
        principal: Principal,
        organization_id: int,
        limit: int = 20,
        offset: int = 0,
        # Connexion has checked it against the contract's ActivityType; `str`, wider than the
        # interface's Literal, is a valid override.
        type_: str | None = None,
    ) -> models.ActivityPage:
        with as_problems():
            request = PageRequest(limit, offset)
            page = await feed.list_activities(
                self._new_uow(), principal, organization_id, request, type_
            )
        return responses.activity_page(page)
