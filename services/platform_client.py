"""A small HTTP client for the whole platform: the demo and the end-to-end tests drive the
services through it exactly as any other caller would (bearer tokens, JSON, the public API)."""

from __future__ import annotations

import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

import httpx

from contractgen.runtime.jwt import LOCAL_SECRET, mint_token
from services.identity import IDENTITY

Json = dict[str, Any]


class PlatformError(RuntimeError):
    """A call that did not get the status it expected; carries the problem document."""


@dataclass
class PlatformClient:
    """`urls` maps each service name to its base URL; tokens are signed with `secret` (by
    default the embedded stack's local development secret, which `contractgen stack` gives the
    apps) for the platform's identity."""

    urls: Mapping[str, str]
    subject: str = "platform-client"
    organizations: list[int] = field(default_factory=list)
    timeout: float = 10.0
    secret: str = LOCAL_SECRET

    def __post_init__(self) -> None:
        self._http = httpx.Client(timeout=self.timeout)

    def close(self) -> None:
        self._http.close()

    def __enter__(self) -> PlatformClient:
        return self

    def __exit__(self, *_: object) -> None:
        self.close()

    def join(self, organization_id: int) -> None:
        """Act as a member of the organization from now on (a fresh token carries it)."""
        if organization_id not in self.organizations:
            self.organizations.append(organization_id)

    def request(
        self, method: str, service: str, path: str, body: Json | None = None
    ) -> httpx.Response:
        """One call with a fresh token for the organizations joined so far; any status."""
        token = mint_token(IDENTITY, self.subject, self.organizations, secret=self.secret)
        return self._http.request(
            method,
            self.urls[service] + path,
            json=body,
            headers={"Authorization": f"Bearer {token}"},
        )

    def call(
        self, method: str, service: str, path: str, body: Json | None = None, expect: int = 200
    ) -> Any:
        """One call that must answer `expect`; returns the decoded JSON body."""
        response = self.request(method, service, path, body)
        if response.status_code != expect:
            raise PlatformError(
                f"{method} {service}{path} answered {response.status_code}, not {expect}: "
                f"{response.text}"
            )
        return response.json() if response.content else None

    def create_organization(self, name: str, description: str) -> Json:
        created: Json = self.call(
            "POST",
            "organization",
            "/organizations",
            {"name": name, "description": description},
            201,
        )
        self.join(created["id"])
        return created

    def create_department(self, organization_id: int, name: str) -> Json:
        path = f"/organizations/{organization_id}/departments"
        return self.call("POST", "organization", path, {"name": name}, 201)  # type: ignore[no-any-return]

    def create_role(self, organization_id: int, name: str) -> Json:
        path = f"/organizations/{organization_id}/roles"
        return self.call("POST", "organization", path, {"name": name}, 201)  # type: ignore[no-any-return]

    def create_member(
        self, organization_id: int, name: str, role_id: int, department_id: int
    ) -> Json:
        body = {"name": name, "roleId": role_id, "departmentId": department_id}
        path = f"/organizations/{organization_id}/members"
        return self.call("POST", "organization", path, body, 201)  # type: ignore[no-any-return]

    def create_idea(self, organization_id: int, name: str, description: str) -> Json:
        body = {"name": name, "description": description}
        path = f"/organizations/{organization_id}/ideas"
        return self.call("POST", "idea", path, body, 201)  # type: ignore[no-any-return]

    def update_idea(self, organization_id: int, idea_id: int, name: str, description: str) -> Json:
        body = {"name": name, "description": description}
        path = f"/organizations/{organization_id}/ideas/{idea_id}"
        return self.call("PUT", "idea", path, body, 200)  # type: ignore[no-any-return]

    def delete_idea(self, organization_id: int, idea_id: int) -> None:
        self.call("DELETE", "idea", f"/organizations/{organization_id}/ideas/{idea_id}", None, 204)

    def feed(self, organization_id: int, activity_type: str | None = None) -> list[Json]:
        """The organization's whole activity feed, newest first (every page)."""
        items: list[Json] = []
        while True:
            query = f"?limit=100&offset={len(items)}" + (
                f"&type={activity_type}" if activity_type else ""
            )
            page = self.call(
                "GET", "activity", f"/organizations/{organization_id}/activities{query}"
            )
            items.extend(page["items"])
            if not page["items"] or len(items) >= page["total"]:
                return items

    def wait_for_feed(
        self,
        organization_id: int,
        done: Callable[[list[Json]], bool],
        timeout: float = 60.0,
        on_new: Callable[[Json], None] | None = None,
    ) -> list[Json]:
        """Poll the feed until `done(feed)` holds; `on_new` sees each activity once, oldest first.
        Raises TimeoutError with what arrived when `timeout` passes first."""
        seen: set[str] = set()
        deadline = time.monotonic() + timeout
        while True:
            feed = self.feed(organization_id)
            for activity in reversed(feed):
                if activity["eventId"] not in seen:
                    seen.add(activity["eventId"])
                    if on_new:
                        on_new(activity)
            if done(feed):
                return feed
            if time.monotonic() > deadline:
                types = [a["type"] for a in feed]
                raise TimeoutError(
                    f"organization {organization_id}'s feed after {timeout:.0f} s: {types}"
                )
            time.sleep(0.1)
