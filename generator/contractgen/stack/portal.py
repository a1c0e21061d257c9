"""The docs portal on the stack: built from the contracts into the state folder and served by a
plain static HTTP server on 127.0.0.1, one more background process with its log and pid file."""

from __future__ import annotations

import sys
import time
from dataclasses import dataclass
from pathlib import Path

import httpx

from contractgen.docs.model import build_site
from contractgen.docs.render import site_files
from contractgen.gen.project import write_atomically
from contractgen.spec.project import Project
from contractgen.stack.artifacts import StackError
from contractgen.stack.ports import Ports
from contractgen.stack.postgres import port_is_free
from contractgen.stack.processes import ManagedProcess

NAME = "portal"


def portal_port(ports: Ports) -> int:
    """Three below Kafka Connect's REST port (18080 by default): it moves with the stack's other
    ports, so two stacks side by side never share it."""
    return ports.connect - 3


@dataclass(frozen=True)
class Portal:
    state_dir: Path
    port: int

    @classmethod
    def of(cls, state_dir: Path, ports: Ports) -> Portal:
        return cls(state_dir.resolve(), portal_port(ports))

    @property
    def process(self) -> ManagedProcess:
        return ManagedProcess(NAME, self.state_dir)

    @property
    def site(self) -> Path:
        return self.state_dir / NAME

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}/"

    def build(self, project: Project) -> int:
        """(Re)write the portal; a running server serves the new pages at once."""
        files = site_files(build_site(project, "API and event contracts"))
        write_atomically(self.site, files)
        return len(files)

    def up(self, project: Project, timeout: float = 15.0) -> str:
        """Build, start the server unless it runs, wait until it answers; return its URL."""
        self.build(project)
        if self.process.pid() is None:
            if not port_is_free(self.port):
                raise StackError(
                    f"port {self.port} on 127.0.0.1 (the docs portal) is taken by another program"
                )
            command = [sys.executable, "-m", "http.server", "--bind", "127.0.0.1"]
            self.process.start([*command, str(self.port), "--directory", str(self.site)])
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.exit_code() is not None:
                raise StackError(f"the docs portal's server exited:\n{self.process.log_tail()}")
            try:
                if httpx.get(self.url + "index.html", timeout=2).status_code == 200:
                    return self.url
            except httpx.HTTPError:
                pass
            time.sleep(0.1)
        raise StackError(f"the docs portal did not answer on {self.url} within {timeout:.0f} s")

    def stop(self) -> bool:
        return self.process.stop()

    def status(self) -> str:
        pid = self.process.pid()
        return f"running (pid {pid}, {self.url})" if pid else "stopped"
