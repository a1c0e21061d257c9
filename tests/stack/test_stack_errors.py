"""The stack's failures are clear and fast: nothing here starts a server."""

from __future__ import annotations

import socket
import tempfile
from pathlib import Path

import pytest
from click.testing import CliRunner

from contractgen.cli import main
from contractgen.spec.project import load_project
from contractgen.stack.artifacts import StackError
from contractgen.stack.ports import Ports
from contractgen.stack.stack import Stack
from tests.conftest import free_port

ROOT = Path(__file__).resolve().parents[2]


def test_a_taken_port_is_named_and_nothing_starts() -> None:
    with socket.socket() as taken, tempfile.TemporaryDirectory() as state:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        stack = Stack(
            Path(state),
            load_project(ROOT / "specs"),
            Ports(free_port(), port, free_port(), free_port(), apps_offset=21000),
            say=lambda _: None,
        )
        with pytest.raises(StackError, match=f"port {port} on 127.0.0.1 is taken"):
            stack.up()
        assert not (Path(state) / "postgres").exists()
        assert stack.kafka.pid() is None


def test_status_of_a_stack_that_never_ran_says_stopped_and_fails() -> None:
    with tempfile.TemporaryDirectory() as state:
        result = CliRunner().invoke(
            main, ["stack", "status", "--state-dir", state, "--specs", str(ROOT / "specs")]
        )
    assert result.exit_code == 1
    lines = dict(line.split(None, 1) for line in result.output.splitlines())
    assert set(lines) == {
        "postgres",
        "postgres-idea",
        "postgres-organization",
        "kafka",
        "connect",
        "registry",
        "portal",
        "organization",
        "idea",
        "activity",
        "activity-consumer",
    }
    assert all(state.startswith("stopped") for state in lines.values())


def test_down_of_a_stack_that_never_ran_stops_nothing_and_succeeds() -> None:
    with tempfile.TemporaryDirectory() as state:
        result = CliRunner().invoke(
            main, ["stack", "down", "--state-dir", state, "--specs", str(ROOT / "specs")]
        )
    assert result.exit_code == 0, result.output
    assert result.output == ""
