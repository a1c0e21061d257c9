"""The real stack for end-to-end tests: PostgreSQL, Kafka, Kafka Connect with Debezium, the three
services and the activity consumer, on ports of their own so that a `make up` stack can run
beside it. Started once per session, stopped (every process) at the end."""

from __future__ import annotations

import os
import shutil
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from contractgen.spec.project import load_project
from contractgen.stack.ports import Ports
from contractgen.stack.stack import Stack
from services.platform_client import PlatformClient

ROOT = Path(__file__).resolve().parents[2]
# CONTRACTGEN_TEST_PORT_SHIFT moves every port (e.g. 100), so that stack tests of two checkouts
# can run side by side on one machine.
_SHIFT = int(os.environ.get("CONTRACTGEN_TEST_PORT_SHIFT", "0"))
TEST_PORTS = Ports(
    postgres=25432 + _SHIFT,
    kafka=29092 + _SHIFT,
    controller=29093 + _SHIFT,
    connect=28083 + _SHIFT,
    apps_offset=20000 + _SHIFT,
)


@pytest.fixture(scope="session")
def stack() -> Iterator[Stack]:
    # Not pytest's tmp_path: PostgreSQL runs as its own user and must reach its folder.
    state_dir = Path(tempfile.mkdtemp(prefix="microservicesapp-stack-"))
    platform = Stack(state_dir, load_project(ROOT / "specs"), TEST_PORTS, root=ROOT)
    try:
        platform.up()
        yield platform
    finally:
        platform.down()
        left = processes_of(state_dir)
        shutil.rmtree(state_dir, ignore_errors=True)
    assert not left, f"`down` left processes behind: {left}"


def processes_of(state_dir: Path) -> list[int]:
    """Pids of every live process that a stack in `state_dir` started (their environment says so),
    PostgreSQL's server included (its data folder is in its command line)."""
    pids = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            environ = (entry / "environ").read_bytes()
            command = (entry / "cmdline").read_bytes()
            state = (entry / "stat").read_text().rsplit(")", 1)[1].split()[0]
        except OSError:
            continue
        if state != "Z" and (
            str(state_dir).encode() in environ or str(state_dir).encode() in command
        ):
            pids.append(int(entry.name))
    return pids


@pytest.fixture
def client(stack: Stack) -> Iterator[PlatformClient]:
    urls = stack.service_urls()
    with PlatformClient(urls, subject="e2e") as platform_client:
        yield platform_client


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo[None]) -> Any:
    """When a stack test fails, attach what the stack says: connector states and log tails."""
    report = yield
    stack = getattr(item, "funcargs", {}).get("stack")
    if report.failed and call.when == "call" and isinstance(stack, Stack):
        report.sections.append(("stack diagnosis", diagnosis(stack)))
    return report


def diagnosis(stack: Stack) -> str:
    lines = [f"{name}: {state}" for name, state in stack.status().items()]
    for name in ("idea-outbox", "organization-outbox"):
        try:
            status = httpx.get(f"{stack.connect_url}/connectors/{name}/status", timeout=5).text
        except httpx.HTTPError as error:
            status = repr(error)
        lines.append(f"connector {name}: {status[:2000]}")
    for name in ("connect", "activity-consumer", "kafka"):
        lines.append(f"--- end of {name}'s log\n{stack.process(name).log_tail(40)}")
    return "\n".join(lines)
