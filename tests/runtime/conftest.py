"""An in-memory idea service for testing the runtime's HTTP layer without a database."""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

import connexion
import pytest
from starlette.testclient import TestClient

from contractgen.identity import Identity
from contractgen.runtime import app as runtime
from contractgen.runtime.jwt import LOCAL_SECRET, JwtSettings, JwtVerifier, mint_token
from contractgen.runtime.security import Principal
from contractgen.runtime.tracing import current_traceparent
from generated.idea.app import SPEC, create_app
from generated.idea.handlers import OPERATIONS, IdeaHandlers

NOW = "2026-01-01T00:00:00Z"


class InMemoryIdeas(IdeaHandlers):
    """Records each call: the method, its arguments and the trace context it ran under."""

    def __init__(self) -> None:
        self.calls: list[tuple[str, dict[str, Any]]] = []
        self.traceparents: list[str | None] = []

    def _called(self, name: str, **arguments: Any) -> None:
        self.calls.append((name, arguments))
        self.traceparents.append(current_traceparent())

    async def get_health(self) -> Any:
        self._called("get_health")
        logging.getLogger("tests.runtime").info("healthy", extra={"probe": "live"})
        return {"status": "ok"}

    async def get_readiness(self) -> Any:
        self._called("get_readiness")
        return {"status": "ok"}

    async def list_ideas(
        self, principal: Principal, organization_id: int, limit: int = 20, offset: int = 0
    ) -> Any:
        self._called("list_ideas", principal=principal, organization_id=organization_id)
        return {"items": [], "limit": limit, "offset": offset, "total": 0}

    async def create_idea(self, principal: Principal, organization_id: int, body: Any) -> Any:
        self._called("create_idea", principal=principal, body=body)
        return {
            "id": 1,
            "organizationId": organization_id,
            "name": body["name"],
            "description": body["description"],
            "createdOn": NOW,
            "lastUpdated": NOW,
        }

    async def get_idea(self, principal: Principal, organization_id: int, idea_id: int) -> Any:
        self._called("get_idea")
        return None

    async def update_idea(
        self, principal: Principal, organization_id: int, idea_id: int, body: Any
    ) -> Any:
        self._called("update_idea")
        return None

    async def delete_idea(self, principal: Principal, organization_id: int, idea_id: int) -> None:
        self._called("delete_idea")


# A project of the framework's own tests: not the platform's names.
IDENTITY = Identity(
    issuer="https://issuer.test", audience="contractgen-tests", tenant_claim="tenants"
)
VERIFIER = JwtVerifier(JwtSettings(IDENTITY, secret=LOCAL_SECRET))


def bearer(
    tenants: list[int] | None = None,
    *,
    identity: Identity = IDENTITY,
    secret: str = LOCAL_SECRET,
    ttl_seconds: int = 3600,
) -> dict[str, str]:
    token = mint_token(
        identity,
        "tester",
        [1] if tenants is None else tenants,
        secret=secret,
        ttl_seconds=ttl_seconds,
    )
    return {"Authorization": f"Bearer {token}"}


@pytest.fixture
def handlers() -> InMemoryIdeas:
    return InMemoryIdeas()


@pytest.fixture
def client(handlers: InMemoryIdeas) -> TestClient:
    """The generated idea app over the in-memory handlers."""
    app = create_app(handlers, verify_token=VERIFIER, validate_responses=True, swagger_ui=False)
    test_client: TestClient = app.test_client()
    return test_client


@pytest.fixture
def build(handlers: InMemoryIdeas) -> Callable[..., connexion.AsyncApp]:
    """The runtime's `create_app` for the idea contract, for keywords the generated one hides."""

    def build_app(**options: Any) -> connexion.AsyncApp:
        return runtime.create_app(
            spec=SPEC,
            handlers=handlers,
            interface=IdeaHandlers,
            operations=OPERATIONS,
            verify_token=VERIFIER,
            swagger_ui=False,
            **options,
        )

    return build_app
