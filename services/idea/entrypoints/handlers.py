"""The idea API: the generated `IdeaHandlers`, implemented by calling the use cases."""

from __future__ import annotations

from contractgen.runtime.paging import PageRequest
from contractgen.runtime.probes import UseCaseHandlers
from contractgen.runtime.security import Principal
from generated.idea import models
from generated.idea.handlers import IdeaHandlers
from services.idea.domain.ideas import IdeaDraft
from services.idea.entrypoints import responses
from services.idea.entrypoints.problems import as_problems
from services.idea.service_layer import ideas
from services.idea.service_layer.unit_of_work import IdeaUnitOfWork


class IdeaApi(UseCaseHandlers[IdeaUnitOfWork], IdeaHandlers):
    """`new_uow` gives a fresh unit of work per request; `ready` says whether the database answers."""

    async def list_ideas(
        self, principal: Principal, organization_id: int, limit: int = 20, offset: int = 0
    ) -> models.IdeaPage:
        with as_problems():
            request = PageRequest(limit, offset)
            page = await ideas.list_ideas(self._new_uow(), principal, organization_id, request)
        return responses.idea_page(page)

    async def create_idea(
        self, principal: Principal, organization_id: int, body: models.IdeaCreate
    ) -> models.Idea:
        with as_problems():
            draft = IdeaDraft(body["name"], body["description"])
            created = await ideas.create_idea(
                self._new_uow(), principal, organization_id, draft, self._clock()
            )
        return responses.idea(created)

    async def get_idea(
        self, principal: Principal, organization_id: int, idea_id: int
    ) -> models.Idea:
        with as_problems():
            found = await ideas.get_idea(self._new_uow(), principal, organization_id, idea_id)
        return responses.idea(found)

    async def update_idea(
        self, principal: Principal, organization_id: int, idea_id: int, body: models.IdeaUpdate
    ) -> models.Idea:
        with as_problems():
            draft = IdeaDraft(body["name"], body["description"])
            updated = await ideas.update_idea(
                self._new_uow(), principal, organization_id, idea_id, draft, self._clock()
            )
        return responses.idea(updated)

    async def delete_idea(self, principal: Principal, organization_id: int, idea_id: int) -> None:
        with as_problems():
            await ideas.delete_idea(
                self._new_uow(), principal, organization_id, idea_id, self._clock()
            )
