"""The REST mock keeps the contract: schemathesis with every check, then the stateful phase."""

from __future__ import annotations

from typing import Any

import pytest
import schemathesis
from hypothesis import HealthCheck, settings
from schemathesis.checks import CHECKS, load_all_checks
from schemathesis.core.parameters import ParameterLocation

from contractgen.mock.rest import mock_app
from contractgen.runtime.jwt import JwtVerifier
from tests.mock.conftest import PLATFORM_SPECS, bearer, service

load_all_checks()
# The Python API's `--checks all`: no check is left out (the runtime lists every method of a path
# in a 405's `Allow` and validates patterns as ECMA-262, so the mock, on it, does too).
ALL_CHECKS = CHECKS.get_all()
HEADERS = bearer()
MOCKED = ("organization", "idea", "activity")


@pytest.fixture(scope="module", params=MOCKED)
def mock_schema(request: pytest.FixtureRequest, verifier: JwtVerifier) -> Any:
    app = mock_app(service(PLATFORM_SPECS, request.param), verify_token=verifier, seed=1)
    return schemathesis.openapi.from_asgi("/openapi.json", app)


schema = schemathesis.pytest.from_fixture("mock_schema")


@schema.parametrize()
@settings(max_examples=30, deadline=None, suppress_health_check=list(HealthCheck))
def test_mock_honours_its_contract(case: Any) -> None:
    # A case whose headers are deliberately invalid keeps them (a bad token must get 401).
    negative_headers = case.meta is not None and case.meta.is_negative_at(ParameterLocation.HEADER)
    headers = None if negative_headers else HEADERS
    response = case.call(headers=headers)
    case.validate_response(response, checks=ALL_CHECKS, headers=headers)


@pytest.mark.parametrize("name", ["organization", "idea"])
def test_mock_survives_the_stateful_phase(name: str, verifier: JwtVerifier) -> None:
    """Create, read back, update, delete, read again: links inferred by schemathesis, every
    check (use-after-free and resource availability among them) on every step."""
    app = mock_app(service(PLATFORM_SPECS, name), verify_token=verifier, seed=1)
    workflow = schemathesis.openapi.from_asgi("/openapi.json", app).as_state_machine()
    links = [
        rule for rule in dir(workflow) if not rule.startswith(("RANDOM", "_")) and "__" in rule
    ]
    assert any(rule.startswith("POST_") for rule in links), f"no link from a create: {links}"

    class Workflow(workflow):  # type: ignore[misc,valid-type]
        def get_call_kwargs(self, case: Any) -> dict[str, Any]:
            # A step whose headers are deliberately invalid keeps them (no token: 401).
            if case.meta is not None and case.meta.is_negative_at(ParameterLocation.HEADER):
                return {}
            return {"headers": HEADERS}

        def validate_response(
            self, response: Any, case: Any, additional_checks: Any = None, **kwargs: Any
        ) -> None:
            case.validate_response(
                response,
                checks=ALL_CHECKS,
                headers=HEADERS,
                transport_kwargs=kwargs or None,
                recorder=self.recorder,
            )

    Workflow.TestCase.settings = settings(
        max_examples=30,
        deadline=None,
        suppress_health_check=list(HealthCheck),
        stateful_step_count=8,
    )
    Workflow.TestCase().runTest()
