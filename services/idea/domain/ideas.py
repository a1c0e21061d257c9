"""An idea: a name and a description shared in one organization, with its two timestamps."""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime, timedelta

from contractgen.runtime.values import to_millis
from services.idea.domain.rules import checked_id, checked_text

NAME_MAX = 50
DESCRIPTION_MAX = 500
_TICK = timedelta(milliseconds=1)


@dataclass(frozen=True)
class IdeaDraft:
    """What a member writes, checked: the whole content of an idea on create and on update."""

    name: str
    description: str

    def __post_init__(self) -> None:
        checked_text(self.name, field="name", max_length=NAME_MAX)
        # The contract asks a name to have a non-space character, a description only a character.
        checked_text(
            self.description, field="description", max_length=DESCRIPTION_MAX, blank_ok=True
        )


@dataclass(frozen=True)
class NewIdea:
    """An idea about to be stored; the database gives it its id."""

    organization_id: int
    draft: IdeaDraft
    created_on: datetime

    def __post_init__(self) -> None:
        checked_id(self.organization_id, field="organization id")
        object.__setattr__(self, "created_on", to_millis(self.created_on))


@dataclass(frozen=True)
class Idea:
    id: int
    organization_id: int
    name: str
    description: str
    created_on: datetime
    last_updated: datetime

    def revised(self, draft: IdeaDraft, now: datetime) -> Idea:
        """The idea with new content. `last_updated` always moves forward, by at least one
        millisecond, so that consumers can order the updates of one idea even when the clock
        stalls or steps back."""
        moment = max(to_millis(now), self.last_updated + _TICK)
        return replace(self, name=draft.name, description=draft.description, last_updated=moment)

    def deleted_at(self, now: datetime) -> datetime:
        """When a deletion at `now` happened: never before the idea's last update."""
        return max(to_millis(now), self.last_updated)
