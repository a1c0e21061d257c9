"""The portal on the stack: built into the state folder, served by a static server on
127.0.0.1 as a managed process, reported by `stack status`, stopped by `stack down`."""

from __future__ import annotations

import tempfile
from pathlib import Path

import httpx

from contractgen.spec.project import load_project
from contractgen.stack.portal import Portal, portal_port
from contractgen.stack.ports import Ports
from tests.conftest import free_port
from tests.generator.helpers import REPO, contractgen


def test_the_portal_port_moves_with_the_stack() -> None:
    assert portal_port(Ports()) == 18080
    assert portal_port(Ports(connect=28083 + 500)) == 28580


def test_up_serves_the_portal_and_stack_down_stops_it() -> None:
    state_dir = Path(tempfile.mkdtemp(prefix="contractgen-portal-"))
    portal = Portal(state_dir, free_port())
    project = load_project(REPO / "specs")
    try:
        url = portal.up(project)
        assert url == f"http://127.0.0.1:{portal.port}/"
        assert "microservicesapp.idea.events" in httpx.get(url + "index.html").text
        page = httpx.get(url + "message-microservicesapp.idea.events.IdeaCreated.html")
        assert page.status_code == 200 and "createdOn" in page.text
        pid = portal.process.pid()
        assert pid is not None
        assert portal.up(project) == url and portal.process.pid() == pid  # idempotent
        status = contractgen("stack", "status", "--state-dir", state_dir, "--specs", REPO / "specs")
        assert f"portal             running (pid {pid}" in status.stdout
        down = contractgen("stack", "down", "--state-dir", state_dir, "--specs", REPO / "specs")
        assert down.exit_code == 0 and "portal     stopped" in down.stdout
        assert portal.process.pid() is None
    finally:
        portal.stop()
