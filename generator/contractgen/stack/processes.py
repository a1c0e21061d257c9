"""Background processes of the stack: each with its own log file and pid file, stopped exactly."""

from __future__ import annotations

import os
import signal
import subprocess
import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

MARKER = "CONTRACTGEN_PROCESS"

# The processes this Python process started, by marker: their exit is known for certain.
_children: dict[str, subprocess.Popen[bytes]] = {}


@dataclass(frozen=True)
class ManagedProcess:
    """A process this stack started; its environment carries `marker` so that a stale pid file
    (the pid since reused by something else) is never mistaken for it."""

    name: str
    state_dir: Path

    @property
    def pid_file(self) -> Path:
        return self.state_dir / "run" / f"{self.name}.pid"

    @property
    def log_file(self) -> Path:
        return self.state_dir / "logs" / f"{self.name}.log"

    @property
    def marker(self) -> str:
        return f"{MARKER}={self.state_dir}/{self.name}"

    def pid(self) -> int | None:
        """The pid when this very process still runs, else None. The pid file is the fast path;
        when it is missing or names another process, the process table is searched for the
        marker, so that a part of the stack is never left running unseen."""
        try:
            pid = int(self.pid_file.read_text().strip())
        except (OSError, ValueError):
            pid = None
        if pid is not None and self._is_ours(pid):
            return pid
        for entry in Path("/proc").iterdir():
            if entry.name.isdigit() and self._is_ours(int(entry.name)):
                return int(entry.name)
        return None

    def _is_ours(self, pid: int) -> bool:
        try:
            environ = Path(f"/proc/{pid}/environ").read_bytes().split(b"\0")
        except OSError:
            return False
        return self.marker.encode() in environ and not _is_zombie(pid)

    def start(self, argv: Sequence[str], env: Mapping[str, str] | None = None) -> int:
        """Start in the background, detached from our terminal, logging to `log_file`."""
        self.pid_file.parent.mkdir(parents=True, exist_ok=True)
        self.log_file.parent.mkdir(parents=True, exist_ok=True)
        with self.log_file.open("ab") as log:
            process = subprocess.Popen(
                list(argv),
                stdin=subprocess.DEVNULL,
                stdout=log,
                stderr=subprocess.STDOUT,
                env={**os.environ, **(env or {}), MARKER: self.marker.split("=", 1)[1]},
                cwd=self.state_dir,
                start_new_session=True,
            )
        self.pid_file.write_text(f"{process.pid}\n")
        _children[self.marker] = process
        return process.pid

    def exit_code(self) -> int | None:
        """The exit status when it has ended, None while it runs. Certain for a process started
        from here (its parent sees it end); for one started by an earlier command, its absence
        from the process table is the exit (status -1)."""
        child = _children.get(self.marker)
        if child is not None:
            return child.poll()
        return -1 if self.pid() is None else None

    def stop(self, timeout: float = 30.0) -> bool:
        """SIGTERM, then SIGKILL after `timeout`; True when it was running."""
        pid = self.pid()
        if pid is None:
            self.pid_file.unlink(missing_ok=True)
            return False
        os.kill(pid, signal.SIGTERM)
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline and self.pid() is not None:
            time.sleep(0.1)
        if self.pid() is not None:
            os.kill(pid, signal.SIGKILL)
            while self.pid() is not None:
                time.sleep(0.05)
        self.pid_file.unlink(missing_ok=True)
        return True

    def log_tail(self, lines: int = 25) -> str:
        try:
            text = self.log_file.read_text(errors="replace").splitlines()
        except OSError:
            return "(no log)"
        return "\n".join(text[-lines:])


def _is_zombie(pid: int) -> bool:
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return True
    return stat.rsplit(")", 1)[1].split()[0] == "Z"
