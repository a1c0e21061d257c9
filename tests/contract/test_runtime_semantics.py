"""What the runtime does with a contract: ECMA-262 patterns in every validator, and an `Allow`
header on a 405 that names every method of the path."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import connexion
import pytest
from connexion.resolver import Resolver

from contractgen.runtime.allow import methods_by_path
from contractgen.runtime.validators import validator_map

SPEC: dict[str, Any] = {
    "openapi": "3.0.3",
    "info": {"title": "Patterns", "version": "1"},
    "paths": {
        "/things/{code}": {
            "post": {
                "operationId": "make",
                "parameters": [
                    {
                        "name": "code",
                        "in": "path",
                        "required": True,
                        "schema": {"type": "string", "pattern": r"^\d+$"},
                    },
                    {
                        "name": "tag",
                        "in": "query",
                        "schema": {"type": "string", "pattern": r"^\w+$"},
                    },
                ],
                "requestBody": {
                    "required": True,
                    "content": {
                        "application/json": {
                            "schema": {
                                "type": "object",
                                "properties": {"name": {"type": "string", "pattern": r"^\S+$"}},
                            }
                        }
                    },
                },
                "responses": {
                    "200": {
                        "description": "Made.",
                        "content": {
                            "application/json": {
                                "schema": {
                                    "type": "object",
                                    "properties": {"echo": {"type": "string", "pattern": r"^\S+$"}},
                                }
                            }
                        },
                    }
                },
            }
        }
    },
}


async def make(code: str, body: dict[str, Any], tag: str | None = None) -> Any:
    return {"echo": body["name"]}, 200


@pytest.fixture(scope="module")
def client() -> Any:
    app = connexion.AsyncApp(__name__)
    app.add_api(
        SPEC,
        resolver=Resolver(function_resolver=lambda _: make),
        strict_validation=True,
        validate_responses=True,
        validator_map=validator_map(),
    )
    return app.test_client()


@pytest.mark.parametrize(
    ("name", "status"),
    [
        ("\x1cx", 200),  # U+001C is no white space in ECMA-262 (Python's \s says it is)
        ("a\ufeff", 400),  # U+FEFF is (Python's \s says it is not)
        ("plain", 200),
    ],
)
def test_a_body_pattern_is_judged_by_ecma(client: Any, name: str, status: int) -> None:
    response = client.post("/things/12", json={"name": name})
    assert response.status_code == status, response.text
    if status == 200:
        # The response validator (\S in the response schema) agrees: no 500 for U+001C.
        assert response.json() == {"echo": name}


@pytest.mark.parametrize(("code", "status"), [("12", 200), ("\u0661\u0662", 400)])
def test_a_path_parameter_pattern_is_judged_by_ecma(client: Any, code: str, status: int) -> None:
    """`\\d` is [0-9] in ECMA-262; Python's matches Arabic-Indic digits too."""
    assert client.post(f"/things/{code}", json={"name": "x"}).status_code == status


@pytest.mark.parametrize(("tag", "status"), [("abc_1", 200), ("écrit", 400)])
def test_a_query_parameter_pattern_is_judged_by_ecma(client: Any, tag: str, status: int) -> None:
    """`\\w` is [A-Za-z0-9_] in ECMA-262; Python's matches every letter."""
    response = client.post("/things/1", params={"tag": tag}, json={"name": "x"})
    assert response.status_code == status


def test_methods_by_path_lists_every_method_and_head_with_get() -> None:
    table = methods_by_path(
        ["GET /a/{id}", "PUT /a/{id}", "DELETE /a/{id}", "POST /a", "GET /a/new"]
    )
    allowed = {matcher.pattern: methods for matcher, methods in table}
    assert sorted(allowed.values()) == ["DELETE, GET, HEAD, PUT", "GET, HEAD", "POST"]
    # A literal path is tried before a templated one that also matches it.
    first = next(methods for matcher, methods in table if matcher.fullmatch("/a/new"))
    assert first == "GET, HEAD"


@pytest.mark.postgres
@pytest.mark.parametrize(
    ("service", "path", "allowed"),
    [
        ("idea", "/organizations/1/ideas", "GET, HEAD, POST"),
        ("idea", "/organizations/1/ideas/5", "DELETE, GET, HEAD, PUT"),
        ("organization", "/organizations", "GET, HEAD, POST"),
        ("organization", "/organizations/1/members/2", "GET, HEAD"),
        ("activity", "/organizations/1/activities", "GET, HEAD"),
    ],
)
def test_a_405_allows_every_method_of_its_path(
    new_database: Callable[[str], str], service: str, path: str, allowed: str
) -> None:
    from tests.contract import apps

    app = getattr(apps, service)(new_database(f"{service}_allow"))
    response = app.test_client().request("PATCH", path)
    assert response.status_code == 405
    assert response.headers["allow"] == allowed
    assert response.headers["content-type"] == "application/problem+json"
