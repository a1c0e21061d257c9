"""Domain objects as the contract's response bodies."""

from __future__ import annotations

from contractgen.runtime.paging import Page
from contractgen.runtime.values import rfc3339 as timestamp
from generated.idea import models
from services.idea.domain.ideas import Idea


def idea(value: Idea) -> models.Idea:
    return {
        "id": value.id,
        "organizationId": value.organization_id,
        "name": value.name,
        "description": value.description,
        "createdOn": timestamp(value.created_on),
        "lastUpdated": timestamp(value.last_updated),
    }


def idea_page(page: Page[Idea]) -> models.IdeaPage:
    return {
        "items": [idea(item) for item in page.items],
        "limit": page.request.limit,
        "offset": page.request.offset,
        "total": page.total,
    }
