"""`contractgen mock` and `contractgen mock-events` as a user runs them."""

from __future__ import annotations

import subprocess
import sys
import time
from pathlib import Path

import httpx

from contractgen.runtime.jwt import LOCAL_SECRET, mint_token
from services.identity import IDENTITY
from tests.conftest import free_port
from tests.mock.conftest import PLATFORM_SPECS

CONTRACTGEN = str(Path(sys.executable).with_name("contractgen"))


def run(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [CONTRACTGEN, *args], capture_output=True, text=True, timeout=60, check=False
    )


def test_contractgen_mock_serves_a_service_and_accepts_a_local_token() -> None:
    port = free_port()
    process = subprocess.Popen(
        [CONTRACTGEN, "mock", "idea", "--specs", str(PLATFORM_SPECS), "--port", str(port)],
        stderr=subprocess.PIPE,
        text=True,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            try:
                if httpx.get(f"{base}/healthz", timeout=1).status_code == 200:
                    break
            except httpx.HTTPError:
                time.sleep(0.2)
        # What `contractgen token --dev-secret --tenant 1` mints.
        auth = {
            "Authorization": f"Bearer {mint_token(IDENTITY, 'local-developer', [1], secret=LOCAL_SECRET)}"
        }
        created = httpx.post(
            f"{base}/organizations/1/ideas",
            json={"name": "Mocked", "description": "From the contract."},
            headers=auth,
        )
        assert created.status_code == 201
        read = httpx.get(f"{base}/organizations/1/ideas/{created.json()['id']}", headers=auth)
        assert read.json() == created.json()
        assert httpx.get(f"{base}/organizations/1/ideas").status_code == 401
    finally:
        process.terminate()
        _, stderr = process.communicate(timeout=20)
    assert "warning: accepting tokens signed with the local development secret" in stderr
    assert f"idea on {base}" in stderr


def test_what_cannot_be_mocked_is_named() -> None:
    unknown = run("mock", "nope", "--specs", str(PLATFORM_SPECS))
    assert unknown.returncode == 2
    assert "no service 'nope'" in unknown.stderr and "idea" in unknown.stderr
    silent = run(
        "mock-events", "activity", "--specs", str(PLATFORM_SPECS), "--bootstrap-servers", "x:1"
    )
    assert silent.returncode == 2
    assert "activity sends no events" in silent.stderr
    message = run(
        "mock-events",
        "idea",
        "--specs",
        str(PLATFORM_SPECS),
        "--bootstrap-servers",
        "x:1",
        "--message",
        "IdeaArchived",
    )
    assert message.returncode == 2
    assert "idea sends no IdeaArchived" in message.stderr
    bad = run("mock-events", "idea", "--bootstrap-servers", "x:1", "--rate", "0")
    assert bad.returncode == 2 and "--rate" in bad.stderr
