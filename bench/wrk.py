"""wrk, driven with a Lua script that prints one JSON line of results at the end."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from pathlib import Path
from typing import Any

from bench.procs import BenchError

SCRIPTS = Path(__file__).with_name("scripts")
ERRORS = ("connect_errors", "read_errors", "write_errors", "status_errors", "timeouts")


def run_wrk(
    url: str,
    script: Path,
    env: dict[str, str],
    *,
    seconds: float,
    threads: int = 2,
    connections: int = 16,
) -> dict[str, Any]:
    """Requests, seconds, req/s, errors (non-2xx/3xx answers count) and latency percentiles."""
    wrk = shutil.which("wrk")
    if wrk is None:
        raise BenchError("wrk is not installed: `apt-get install -y wrk`")
    command = [wrk, f"-t{threads}", f"-c{connections}", f"-d{seconds}s", "--timeout", "10s"]
    command += ["-s", str(script), url]
    out = subprocess.run(
        command,
        capture_output=True,
        text=True,
        env={**os.environ, **env},
        timeout=seconds + 60,
        check=True,
    )
    raw = json.loads(out.stdout.strip().splitlines()[-1])
    seconds_run = raw["duration_us"] / 1e6
    return {
        "requests": raw["requests"],
        "seconds": round(seconds_run, 3),
        "requests_per_s": round(raw["requests"] / seconds_run, 1),
        "errors": sum(raw[key] for key in ERRORS),
        "latency_ms": {k: round(v / 1000, 2) for k, v in raw["latency_us"].items()},
    }
