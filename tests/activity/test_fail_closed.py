"""Fail closed, as a user meets it: `contractgen serve activity` (an API that publishes no
events, so it needs no schema registry to start) without a verification key refuses
to start and says what to set; given the local development secret explicitly, it serves, and a
token from `contractgen token --dev-secret` is accepted over HTTP. Its metrics are on
`METRICS_PORT`, not on the port it serves the API on."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import httpx
import pytest

from contractgen.runtime.jwt import LOCAL_SECRET
from services.activity.bootstrap import SERVICE
from tests.conftest import free_port

ROOT = Path(__file__).resolve().parents[2]
CONTRACTGEN = Path(sys.executable).with_name("contractgen")
KEY_VARIABLES = ("JWT_SECRET", "JWT_PUBLIC_KEYS", "JWT_JWKS_URL", "JWT_ISSUER", "JWT_AUDIENCE")


def environment(**extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in KEY_VARIABLES}
    return {**env, "PYTHONPATH": str(ROOT), **extra}


def test_without_a_key_the_service_refuses_to_start() -> None:
    result = subprocess.run(
        [sys.executable, "-m", "contractgen", "serve", "activity", "--port", str(free_port())],
        env=environment(),
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode != 0
    assert "no JWT verification key is configured" in result.stderr
    for variable in ("JWT_JWKS_URL", "JWT_PUBLIC_KEYS", "JWT_SECRET"):
        assert variable in result.stderr


@pytest.fixture
def served(new_database: Callable[[str], str]) -> Iterator[tuple[str, str]]:
    """The activity service as a process, with the development secret given explicitly."""
    url = new_database("activity")
    SERVICE.migrate(url)
    port, metrics_port = free_port(), free_port()
    process = subprocess.Popen(
        [sys.executable, "-m", "contractgen", "serve", "activity", "--port", str(port)],
        env=environment(
            ACTIVITY_DATABASE_URL=url, JWT_SECRET=LOCAL_SECRET, METRICS_PORT=str(metrics_port)
        ),
        cwd=ROOT,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline and process.poll() is None:
            try:
                if httpx.get(f"{base}/healthz", timeout=1).status_code == 200:
                    break
            except httpx.HTTPError:
                time.sleep(0.2)
        assert process.poll() is None, process.stderr.read() if process.stderr else ""
        yield base, f"http://127.0.0.1:{metrics_port}/metrics"
    finally:
        process.terminate()
        process.wait(timeout=10)


@pytest.mark.postgres
def test_with_the_dev_secret_given_explicitly_a_dev_token_works(served: tuple[str, str]) -> None:
    served_at, metrics = served

    def token(*args: str) -> str:
        command = [str(CONTRACTGEN), "token", *args]
        result = subprocess.run(
            command, env=environment(), cwd=ROOT, capture_output=True, text=True, timeout=60
        )
        assert result.returncode == 0, result.stderr
        return result.stdout.strip()

    dev = token("--dev-secret", "--identity", "services.identity:IDENTITY", "--tenant", "4")
    mine = httpx.get(
        f"{served_at}/organizations/4/activities", headers={"Authorization": f"Bearer {dev}"}
    )
    theirs = httpx.get(
        f"{served_at}/organizations/5/activities", headers={"Authorization": f"Bearer {dev}"}
    )
    anonymous = httpx.get(f"{served_at}/organizations/4/activities")
    assert mine.status_code == 200 and mine.json()["items"] == []
    assert theirs.status_code == 404  # tenancy from the token's `orgs` claim
    assert anonymous.status_code == 401
    assert anonymous.headers["content-type"] == "application/problem+json"

    scraped = httpx.get(metrics)
    assert scraped.status_code == 200
    assert 'route="/organizations/{organizationId}/activities",service="activity",status="401"' in (
        scraped.text
    )
    assert httpx.get(f"{served_at}/metrics").status_code == 404  # not on the API's port
