"""`python -m services.organization`: options, migration first, then uvicorn."""

from __future__ import annotations

from typing import Any

import pytest
import uvicorn

from contractgen.runtime.jwt import LOCAL_SECRET
from services.organization import __main__ as main_module


@pytest.fixture
def calls(monkeypatch: pytest.MonkeyPatch) -> list[tuple[str, Any]]:
    recorded: list[tuple[str, Any]] = []
    monkeypatch.setenv("ORGANIZATION_DATABASE_URL", "postgresql+psycopg://u@db:5432/organization")
    monkeypatch.setenv("JWT_SECRET", LOCAL_SECRET)
    monkeypatch.setattr(main_module, "migrate", lambda url: recorded.append(("migrate", url)))
    monkeypatch.setattr(
        uvicorn,
        "run",
        lambda app, **options: recorded.append(("serve", (type(app).__name__, options))),
    )
    return recorded


def test_serves_on_the_default_address(calls: list[tuple[str, Any]]) -> None:
    main_module.main([])
    assert calls == [
        ("serve", ("AsyncApp", {"host": "127.0.0.1", "port": 8001, "log_config": None}))
    ]


def test_migrates_before_serving(calls: list[tuple[str, Any]]) -> None:
    main_module.main(["--migrate", "--host", "0.0.0.0", "--port", "9000"])
    assert calls == [
        ("migrate", "postgresql+psycopg://u@db:5432/organization"),
        ("serve", ("AsyncApp", {"host": "0.0.0.0", "port": 9000, "log_config": None})),
    ]
