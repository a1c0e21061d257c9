"""What the figures were measured on: machine, load, versions, commit."""

from __future__ import annotations

import os
import platform
import re
import shutil
import subprocess
from importlib import metadata
from pathlib import Path
from typing import Any

from bench.procs import ROOT, load_average
from contractgen.stack.artifacts import DEBEZIUM_VERSION, KAFKA_VERSION
from contractgen.stack.postgres import find_bindir

PACKAGES = (
    "connexion",
    "starlette",
    "uvicorn",
    "uvloop",
    "httptools",
    "sqlalchemy",
    "psycopg",
    "psycopg-pool",
    "fastavro",
    "pyjwt",
    "confluent-kafka",
    "jsonschema",
    "openapi-spec-validator",
)


def _output(*command: str) -> str:
    try:
        done = subprocess.run(command, capture_output=True, text=True, timeout=30, check=False)
    except OSError:
        return "not found"
    return (
        (done.stdout or done.stderr).strip().splitlines()[0] if (done.stdout or done.stderr) else ""
    )


def _cpu_model() -> str:
    try:
        text = Path("/proc/cpuinfo").read_text(encoding="utf-8")
    except OSError:
        return platform.processor()
    found = re.search(r"^model name\s*:\s*(.+)$", text, re.MULTILINE)
    return found.group(1) if found else platform.processor()


def _memory_gb() -> float:
    pages, size = os.sysconf("SC_PHYS_PAGES"), os.sysconf("SC_PAGE_SIZE")
    return round(pages * size / 2**30, 1)


def _version(name: str) -> str | None:
    try:
        return metadata.version(name)
    except metadata.PackageNotFoundError:
        return None


def machine_facts() -> dict[str, Any]:
    wrk = shutil.which("wrk")
    return {
        "cpus": os.cpu_count(),
        "cpu_model": _cpu_model(),
        "memory_gb": _memory_gb(),
        "os": platform.platform(),
        "python": platform.python_version(),
        "load_average_at_start": load_average(),
        "postgres": _output(str(find_bindir() / "postgres"), "--version"),
        "java": _output("java", "-version"),
        "wrk": _output(wrk, "-v") if wrk else "not installed",
        "kafka": KAFKA_VERSION,
        "debezium": DEBEZIUM_VERSION,
        "packages": {name: _version(name) for name in PACKAGES},
        "commit": _output("git", "-C", str(ROOT), "rev-parse", "--short", "HEAD"),
        "worktree_dirty": bool(_output("git", "-C", str(ROOT), "status", "--porcelain")),
    }
