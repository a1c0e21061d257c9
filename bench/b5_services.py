"""B5: each service's start-up time and resident memory, at idle and under B1's load.

On the benchmark's embedded stack (PostgreSQL, Kafka, Connect, the schema registry and the
platform's services already running), a second instance of each API service is started the way
the stack starts it (`contractgen serve NAME`, with the stack's settings and on a port of its
own) several times over:

- start-up: from the process's start to its first `200` on `/readyz` (the app is built, its
  handlers checked, its schemas registered, its database reachable), polled every 10 ms;
- idle: resident memory (VmRSS) two seconds after it is ready;
- under load: B1's load (wrk, same threads and connections) on its main operation for
  `load_seconds`, resident memory sampled every 0.2 s (peak and last), req/s and CPU.

The activity consumer is started too (in a consumer group of its own, so the stack's consumer
keeps its partitions): start-up until it logs `consuming`, and idle memory. Its memory under load
is the stack's own consumer's, sampled while the idea service's load turns into events.
"""

from __future__ import annotations

import json
import statistics
import sys
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx

from bench.procs import BenchError, Server, cpu_seconds, running
from bench.wrk import SCRIPTS, run_wrk
from contractgen.runtime.jwt import LOCAL_SECRET, mint_token
from contractgen.stack.stack import Stack
from services.identity import IDENTITY

ORGANIZATION = 1
SECOND_INSTANCE = 50
"""The measured instance listens this far above the stack's own instance."""
METRICS_OFFSET = 1000


@dataclass(frozen=True)
class B5Settings:
    starts: int = 3
    """Start-ups measured per service (the median is reported)."""
    idle_seconds: float = 2.0
    load_seconds: int = 10
    threads: int = 2
    connections: int = 16


@dataclass(frozen=True)
class Load:
    method: str
    path: str
    body: dict[str, Any] | None = None


LOADS = {
    "idea": Load(
        "POST",
        f"/organizations/{ORGANIZATION}/ideas",
        {"name": "Four-day week", "description": "Try a four-day week for one quarter."},
    ),
    "organization": Load(
        "POST", "/organizations", {"name": "Acme", "description": "Makers of fine anvils."}
    ),
    "activity": Load("GET", f"/organizations/{ORGANIZATION}/activities"),
}
"""Each API's main operation: the two writes (each also publishes an event) and the feed."""


def rss_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return round(int(line.split()[1]) / 1024, 1)
    raise BenchError(f"no VmRSS for process {pid}")


class MemorySampler:
    """VmRSS of some processes every `interval` seconds, in a thread, until stopped."""

    def __init__(self, pids: dict[str, int], interval: float = 0.2) -> None:
        self.pids = pids
        self.interval = interval
        self.samples: dict[str, list[float]] = {name: [] for name in pids}
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def _run(self) -> None:
        while not self._stop.is_set():
            for name, pid in self.pids.items():
                self.samples[name].append(rss_mb(pid))
            self._stop.wait(self.interval)

    @contextmanager
    def sampling(self) -> Iterator[MemorySampler]:
        self._thread.start()
        try:
            yield self
        finally:
            self._stop.set()
            self._thread.join()

    def summary(self, name: str) -> dict[str, float]:
        values = self.samples[name]
        return {"peak_mb": max(values), "last_mb": values[-1], "samples": len(values)}


class B5:
    def __init__(self, stack: Stack, settings: B5Settings, say: Callable[[str], None]) -> None:
        self.stack = stack
        self.settings = settings
        self.say = say
        self.logs = stack.state_dir.parent / "b5"
        self.token = mint_token(
            IDENTITY, "bench", [ORGANIZATION], secret=LOCAL_SECRET, ttl_seconds=3600
        )

    def run(self) -> dict[str, Any]:
        services: dict[str, Any] = {}
        for name in LOADS:
            services[name] = self._service(name)
        services["activity-consumer"] = self._consumer()
        return {"settings": vars(self.settings), "services": services}

    def _port(self, name: str) -> int:
        app, _ = self.stack.apps[name]
        if app.port is None:
            raise BenchError(f"{name} has no HTTP port")
        return app.port + SECOND_INSTANCE

    def _argv(self, service: str, *args: str) -> list[str]:
        command = ["-m", "contractgen", "serve", "--project", str(self.stack.root), service]
        return [sys.executable, *command, *args]

    def _start_api(self, name: str, attempt: int) -> tuple[Server, float]:
        port = self._port(name)
        env = {**self.stack.app_env(name), "METRICS_PORT": str(port + METRICS_OFFSET)}
        argv = self._argv(name, "--host", "127.0.0.1", "--port", str(port))
        started = time.monotonic()
        server = Server(name, argv, self.logs / f"{name}-{attempt}.log", env)
        deadline = started + 60
        url = f"http://127.0.0.1:{port}/readyz"
        with httpx.Client(timeout=1) as client:
            while time.monotonic() < deadline:
                if server.process.poll() is not None:
                    raise BenchError(f"{name} exited while starting:\n{server.tail()}")
                try:
                    if client.get(url).status_code == 200:
                        return server, time.monotonic() - started
                except httpx.HTTPError:
                    pass
                time.sleep(0.01)
        server.stop()
        raise BenchError(f"{name} was not ready within 60 s:\n{server.tail()}")

    def _service(self, name: str) -> dict[str, Any]:
        starts = []
        for attempt in range(1, self.settings.starts):
            server, seconds = self._start_api(name, attempt)
            server.stop()
            starts.append(round(seconds, 3))
        # The last start stays up for the memory figures.
        server, seconds = self._start_api(name, self.settings.starts)
        starts.append(round(seconds, 3))
        try:
            time.sleep(self.settings.idle_seconds)
            idle = rss_mb(server.pid)
            loaded = self._under_load(name, server)
        finally:
            server.stop()
        median = round(statistics.median(starts), 3)
        self.say(
            f"B5 {name}: ready in {median} s (median of {len(starts)}), "
            f"idle {idle} MB, under load peak {loaded['rss']['peak_mb']} MB at "
            f"{loaded['requests_per_s']} req/s"
        )
        return {"startup_s": {"median": median, "all": starts}, "idle_rss_mb": idle, "load": loaded}

    def _under_load(self, name: str, server: Server) -> dict[str, Any]:
        load = LOADS[name]
        env = {"BENCH_METHOD": load.method, "BENCH_TOKEN": self.token}
        env["BENCH_BODY"] = json.dumps(load.body) if load.body else ""
        pids = {name: server.pid}
        consumer = self.stack.process("activity-consumer").pid()
        if name == "idea" and consumer is not None:
            pids["activity-consumer"] = consumer  # the events of this load reach the feed
        sampler = MemorySampler(pids)
        cpu_before, clock = cpu_seconds(server.pid), time.monotonic()
        with sampler.sampling():
            figures = run_wrk(
                f"http://127.0.0.1:{self._port(name)}{load.path}",
                SCRIPTS / "request.lua",
                env,
                seconds=self.settings.load_seconds,
                threads=self.settings.threads,
                connections=self.settings.connections,
            )
        cpu = cpu_seconds(server.pid) - cpu_before
        figures["operation"] = f"{load.method} {load.path}"
        figures["server_cpu_percent"] = round(100 * cpu / (time.monotonic() - clock), 1)
        figures["rss"] = sampler.summary(name)
        if "activity-consumer" in pids:
            figures["consumer_rss"] = sampler.summary("activity-consumer")
        if figures["errors"]:
            raise BenchError(f"{name}: {figures['errors']} failed requests under load")
        return figures

    def _consumer(self) -> dict[str, Any]:
        starts, idle = [], 0.0
        for attempt in range(1, self.settings.starts + 1):
            log = self.logs / f"activity-consumer-{attempt}.log"
            log.unlink(missing_ok=True)
            env = {**self.stack.app_env("activity"), "ACTIVITY_CONSUMER_GROUP": "bench-b5"}
            started = time.monotonic()
            with running("activity-consumer", self._argv("activity", "--consume"), log, env) as c:
                while '"consuming"' not in log.read_text(errors="replace"):
                    if c.process.poll() is not None or time.monotonic() - started > 60:
                        raise BenchError(f"the consumer did not start:\n{c.tail()}")
                    time.sleep(0.01)
                starts.append(round(time.monotonic() - started, 3))
                time.sleep(self.settings.idle_seconds)
                idle = rss_mb(c.pid)
        median = round(statistics.median(starts), 3)
        self.say(f"B5 activity-consumer: consuming after {median} s, idle {idle} MB")
        return {
            "startup_s": {"median": median, "all": starts},
            "idle_rss_mb": idle,
            "ready_when": "it logs `consuming` (subscribed, its handlers and settings checked)",
        }
