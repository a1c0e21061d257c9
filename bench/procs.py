"""Processes a benchmark starts: logged to a file, waited for, measured, and always stopped."""

from __future__ import annotations

import os
import signal
import subprocess
import time
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parents[1]
CLOCK_TICKS = os.sysconf("SC_CLK_TCK")
# BENCH_PORT_SHIFT moves every port a benchmark listens on (e.g. 200), so that two checkouts can
# run their benchmarks side by side.
PORT_SHIFT = int(os.environ.get("BENCH_PORT_SHIFT", "0"))


class BenchError(RuntimeError):
    pass


def cpu_seconds(pid: int) -> float:
    """User + system CPU time of one process so far."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / CLOCK_TICKS


class Server:
    """A child process; `stop()` ends it (SIGTERM, then SIGKILL) and only it."""

    def __init__(self, name: str, argv: Sequence[str], log: Path, env: Mapping[str, str]) -> None:
        self.name = name
        self.log = log
        log.parent.mkdir(parents=True, exist_ok=True)
        with log.open("ab") as out:
            self.process = subprocess.Popen(
                list(argv),
                stdin=subprocess.DEVNULL,
                stdout=out,
                stderr=subprocess.STDOUT,
                env={**os.environ, "PYTHONPATH": str(ROOT), **env},
                cwd=ROOT,
            )

    @property
    def pid(self) -> int:
        return self.process.pid

    def tail(self, lines: int = 20) -> str:
        try:
            return "\n".join(self.log.read_text(errors="replace").splitlines()[-lines:])
        except OSError:
            return "(no log)"

    def wait_http(self, url: str, timeout: float = 60.0, ok: Sequence[int] = (200,)) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise BenchError(f"{self.name} exited while starting:\n{self.tail()}")
            try:
                if httpx.get(url, timeout=2).status_code in ok:
                    return
            except httpx.HTTPError:
                pass
            time.sleep(0.2)
        raise BenchError(f"{self.name} did not answer {url} within {timeout:.0f} s:\n{self.tail()}")

    def stop(self, timeout: float = 15.0) -> None:
        if self.process.poll() is not None:
            return
        self.process.send_signal(signal.SIGTERM)
        try:
            self.process.wait(timeout)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()


@contextmanager
def running(name: str, argv: Sequence[str], log: Path, env: Mapping[str, str]) -> Iterator[Server]:
    server = Server(name, argv, log, env)
    try:
        yield server
    finally:
        server.stop()


def load_average() -> list[float]:
    return [round(x, 2) for x in os.getloadavg()]


def _stat_fields(pid: int) -> list[str]:
    return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()


def family_cpu_seconds(root: int) -> float:
    """User + system CPU time of a process and all its descendants so far, including children
    that already ended and were reaped (a PostgreSQL backend's, once the postmaster waited for
    it); 0.0 when `root` is gone."""
    children: dict[int, list[int]] = {}
    ticks: dict[int, int] = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            fields = _stat_fields(int(entry.name))
        except OSError:
            continue  # ended meanwhile
        pid = int(entry.name)
        children.setdefault(int(fields[1]), []).append(pid)
        # utime + stime, and cutime + cstime (of its children waited for).
        ticks[pid] = sum(int(fields[i]) for i in (11, 12, 13, 14))
    total, todo = 0, [root]
    while todo:
        pid = todo.pop()
        total += ticks.get(pid, 0)
        todo.extend(children.get(pid, ()))
    return total / CLOCK_TICKS
