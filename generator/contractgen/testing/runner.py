"""`contractgen test`'s engine: schemathesis's own runner, every check, the stateful phase, and the
outbox check, against a service served here (in process, real database) or at a URL.

The schemathesis CLI runs in this process: it brings the four phases (examples, coverage,
fuzzing, stateful, the last driven by the contract's links), every built-in check at its
defaults, and a report that names each failure's operation, check, a curl line and the seed. The
outbox check is registered as one more schemathesis check, so it reports the same way. The
document schemathesis reads has its patterns rewritten into Python's dialect (`ecma.to_python`):
hypothesis generates from Python regexes, and the service judges by ECMA-262.
"""

from __future__ import annotations

import json
import os
import random
import socket
import tempfile
import threading
import time
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx
import schemathesis
import uvicorn

from contractgen.runtime.ecma import python_schema
from contractgen.testing.contract import OutboxRow
from contractgen.testing.events import EventContract

ReadOutbox = Callable[[], Sequence[OutboxRow]]


@dataclass
class OutboxWindow:
    """What each call added to the outbox. Calls are sequential (one worker), so the rows that
    appeared since the previous response are this call's."""

    events: EventContract
    read_outbox: ReadOutbox
    seen: set[str] = field(default_factory=set)

    def start(self) -> None:
        self.seen = {row.id for row in self.read_outbox()}

    def check(self, response: Any, case: Any) -> None:
        rows = self.read_outbox()
        added = [row for row in rows if row.id not in self.seen]
        self.seen.update(row.id for row in added)
        operation_id = case.operation.definition.raw.get("operationId", case.operation.label)
        problems = self.events.problems(operation_id, response.status_code, added)
        if problems:
            raise AssertionError("\n".join(problems))


_active: OutboxWindow | None = None
_registered = False


def _register_outbox_check() -> None:
    """Once per process: schemathesis's check registry is global."""
    global _registered
    if _registered:
        return

    @schemathesis.check
    def outbox_conformance(ctx: Any, response: Any, case: Any) -> bool | None:
        """Each call wrote exactly the events its operation declares, valid by the AsyncAPI."""
        if _active is not None:
            _active.check(response, case)
        return None

    _registered = True


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@contextmanager
def serving(app: Any, timeout: float = 30.0) -> Iterator[str]:
    """Serve an ASGI app on a free loopback port in a thread; yields its base URL."""
    port = free_port()
    server = uvicorn.Server(
        uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning", lifespan="on")
    )
    thread = threading.Thread(target=server.run, name="contractgen-test-server", daemon=True)
    thread.start()
    deadline = time.monotonic() + timeout
    while not server.started:
        if not thread.is_alive() or time.monotonic() > deadline:
            raise RuntimeError(f"the app did not start serving on 127.0.0.1:{port}")
        time.sleep(0.05)
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        thread.join(timeout)


@dataclass(frozen=True)
class RunOptions:
    headers: dict[str, str]
    seed: int | None = None
    max_examples: int | None = None
    workdir: Path | None = None
    """Where schemathesis keeps its replay cache (`.schemathesis/`); the current folder if None."""
    extra_arguments: tuple[str, ...] = ()
    """More `st run` options (filters, phases); never a check switched off by the framework."""


def run_schemathesis(
    base_url: str,
    options: RunOptions,
    *,
    window: OutboxWindow | None = None,
    spec_path: str = "/openapi.json",
) -> tuple[int, int]:
    """Run every phase and check against `base_url`; returns (exit code, seed)."""
    global _active
    _register_outbox_check()
    seed = options.seed if options.seed is not None else random.randrange(2**31)
    raw = httpx.get(base_url + spec_path, timeout=30).raise_for_status().json()
    with tempfile.TemporaryDirectory(prefix="contractgen-test-") as folder:
        schema = Path(folder) / "openapi.json"
        schema.write_text(json.dumps(python_schema(raw)), encoding="utf-8")
        arguments = ["run", str(schema), "--url", base_url, "--checks", "all"]
        arguments += ["--seed", str(seed), "--workers", "1"]
        for name, value in options.headers.items():
            arguments += ["-H", f"{name}: {value}"]
        if options.max_examples is not None:
            arguments += ["--max-examples", str(options.max_examples)]
        arguments += list(options.extra_arguments)
        if window is not None:
            window.start()
        _active = window
        try:
            code = _st(arguments, options.workdir)
        finally:
            _active = None
    return code, seed


def _st(arguments: list[str], workdir: Path | None) -> int:
    from schemathesis.cli import schemathesis as st_main

    previous = Path.cwd()
    if workdir is not None:
        os.chdir(workdir)
    try:
        st_main.main(arguments, standalone_mode=False, prog_name="st")
    except SystemExit as exit:
        return int(exit.code or 0)
    finally:
        os.chdir(previous)
    return 0
