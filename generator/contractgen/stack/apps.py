"""The project's own processes on the stack: each service's HTTP app and each event consumer.

Every service runs the same way: `contractgen serve <name>` serves its API on its contract's
`x-port` (plus the offset of this stack); for a service that receives events,
`contractgen serve <name> --consume` runs its consumer.
"""

from __future__ import annotations

import sys
import time
from dataclasses import dataclass
from pathlib import Path

import httpx

from contractgen.spec.project import Project
from contractgen.stack.artifacts import StackError
from contractgen.stack.processes import ManagedProcess


@dataclass(frozen=True)
class App:
    name: str
    service: str  # whose settings (database logins) it gets, and what it runs
    args: tuple[str, ...] = ()
    port: int | None = None

    @property
    def url(self) -> str | None:
        return f"http://127.0.0.1:{self.port}" if self.port else None


def platform_apps(project: Project, port_offset: int = 0) -> list[App]:
    apps = []
    for service in project.services:
        if service.openapi.port is not None:
            port = service.openapi.port + port_offset
            args = ("--host", "127.0.0.1", "--port", str(port), "--migrate")
            apps.append(App(service.name, service.name, args, port))
    for service in project.services:
        if service.asyncapi is not None and service.asyncapi.received:
            apps.append(App(f"{service.name}-consumer", service.name, ("--consume",)))
    return apps


METRICS_PORT_OFFSET = 1000
"""An API on port 8002 serves its metrics on 127.0.0.1:9002 (never on its own port)."""


def start_app(process: ManagedProcess, app: App, root: Path, env: dict[str, str]) -> None:
    command = [sys.executable, "-m", "contractgen", "serve", "--project", str(root)]
    metrics = {"METRICS_PORT": str(app.port + METRICS_PORT_OFFSET)} if app.port else {}
    process.start([*command, app.service, *app.args], {**env, **metrics, "PYTHONPATH": str(root)})


def wait_for_app(process: ManagedProcess, app: App, timeout: float = 60.0) -> None:
    """An API is up when /readyz answers 200 (its database is reachable); a consumer when it is
    still running a moment after start (it fails fast on bad settings)."""
    deadline = time.monotonic() + (timeout if app.port else 3.0)
    while time.monotonic() < deadline:
        if (status := process.exit_code()) is not None:
            raise StackError(
                f"{app.name} exited (status {status}) while starting; the end of {process.log_file}:\n{process.log_tail()}"
            )
        if app.url:
            try:
                if httpx.get(f"{app.url}/readyz", timeout=2).status_code == 200:
                    return
            except httpx.HTTPError:
                pass
        time.sleep(0.3)
    if app.url:
        raise StackError(
            f"{app.name} was not ready within {timeout:.0f} s; the end of {process.log_file}:\n{process.log_tail()}"
        )
