"""A stranger's project, end to end: the built wheel in a fresh virtual environment outside this
repository; `contractgen init`, a second service that consumes the first one's events, a new
operation and event in the contracts, regeneration, the few lines of handler code a user writes,
`contractgen stack up` (PostgreSQL, Kafka, Kafka Connect with Debezium), a REST call whose events
arrive at the other service, and `stack down`."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from tests.scaffold.edits import add_delete_to_the_contracts, implement_delete

pytestmark = pytest.mark.stack

REPO = Path(__file__).resolve().parents[2]
SHIFT = int(os.environ.get("CONTRACTGEN_TEST_PORT_SHIFT", "0"))
PORTS = {
    "--postgres-port": 26432 + SHIFT,
    "--kafka-port": 26092 + SHIFT,
    "--controller-port": 26093 + SHIFT,
    "--connect-port": 26083 + SHIFT,
    # Apps at 30501+ and their metrics 1000 above: clear of the session's test stack (apps at
    # 28001+, metrics at 29001+, moved by the same shift).
    "--apps-offset": 22500 + SHIFT,
}


def sh(*argv: str | Path, cwd: Path, timeout: float = 600) -> str:
    result = subprocess.run(
        [str(a) for a in argv],
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
    )
    assert result.returncode == 0, f"{argv} failed:\n{result.stdout}\n{result.stderr}"
    return result.stdout + result.stderr


@pytest.fixture(scope="module")
def contractgen_venv() -> Iterator[Path]:
    """A fresh virtual environment outside the repository with only the built wheel installed."""
    # Not pytest's tmp_path: PostgreSQL runs as its own user and must reach the stack's folder.
    base = Path(tempfile.mkdtemp(prefix="contractgen-stranger-"))
    os.chmod(base, 0o755)
    try:
        wheels = base / "wheels"
        sh(sys.executable, "-m", "pip", "wheel", "--quiet", "--no-deps", REPO / "generator",
           "-w", wheels, cwd=base)  # fmt: skip
        shutil.rmtree(REPO / "generator" / "build", ignore_errors=True)
        wheel = next(wheels.glob("contractgen-*.whl"))
        sh(sys.executable, "-m", "venv", base / "venv", cwd=base)
        sh(base / "venv/bin/pip", "install", "--quiet", wheel, cwd=base)
        yield base
    finally:
        shutil.rmtree(base, ignore_errors=True)


def test_a_new_project_from_the_wheel_runs_end_to_end(contractgen_venv: Path) -> None:
    contractgen = contractgen_venv / "venv/bin/contractgen"
    work = contractgen_venv
    sh(contractgen, "init", "shop", cwd=work)
    project = work / "shop"
    sh(contractgen, "add-service", "audit", "--consumes", "notes", cwd=project)
    add_delete_to_the_contracts(project)
    sh(contractgen, "generate", cwd=project)
    implement_delete(project)
    sh(contractgen, "check", cwd=project)

    up = [contractgen, "stack", "up", *(str(v) for pair in PORTS.items() for v in pair)]
    try:
        output = sh(*up, cwd=project)
        assert "notes-outbox RUNNING" in output
        minted = subprocess.run(
            [contractgen, "token", "--dev-secret"], cwd=project, capture_output=True, text=True
        )
        assert minted.returncode == 0, minted.stderr
        token = minted.stdout.strip()
        headers = {"Authorization": f"Bearer {token}"}
        notes = f"http://127.0.0.1:{8001 + PORTS['--apps-offset']}"
        audit = f"http://127.0.0.1:{8002 + PORTS['--apps-offset']}"
        created = httpx.post(f"{notes}/notes", json={"name": "hello"}, headers=headers)
        assert created.status_code == 201, created.text
        note_id = created.json()["id"]
        assert httpx.delete(f"{notes}/notes/{note_id}", headers=headers).status_code == 204
        assert httpx.get(f"{notes}/notes/{note_id}", headers=headers).status_code == 404

        received: list[dict[str, object]] = []
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline and len(received) < 2:
            received = httpx.get(f"{audit}/received-events", headers=headers).json()
            time.sleep(0.5)
        assert sorted(str(e["type"]) for e in received) == ["NoteCreated", "NoteDeleted"]
        assert {str(e["key"]) for e in received} == {str(note_id)}
    finally:
        sh(contractgen, "stack", "down", cwd=project)
    status = subprocess.run(
        [contractgen, "stack", "status"], cwd=project, capture_output=True, text=True, check=False
    )
    assert status.returncode == 1 and "running" not in status.stdout, status.stdout
