"""Domain objects as the contract's response bodies."""

from __future__ import annotations

from datetime import UTC, datetime

from contractgen.runtime.paging import Page
from generated.idea import models
from services.idea.domain.ideas import Idea


def timestamp(moment: datetime) -> str:
    """RFC 3339 in UTC with milliseconds, e.g. 2026-01-31T10:00:00.000Z."""
    return moment.astimezone(UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")


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
