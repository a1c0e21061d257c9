"""B4: generator scaling. Wall time, CPU time and peak memory of `contractgen generate` for the
project's own three services and for synthetic contracts of growing size (bench/synthetic.py),
each run as a fresh process into a fresh scratch output folder (generated/ is never touched); the
median of `repeats` runs. CPU seconds (the process and the formatter it runs) are the figure to
compare on a shared machine; the issue's targets are on wall seconds."""

from __future__ import annotations

import math
import os
import re
import statistics
import subprocess
import tempfile
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from bench.procs import ROOT, BenchError
from bench.synthetic import write_specs

CONTRACTGEN = ROOT / ".venv" / "bin" / "contractgen"
PHASE = re.compile(r"contractgen: (validated|rendered|wrote) .*\((\d+) ms\)$")
# Issue 16's targets for the generator, in wall seconds.
TARGET_LARGEST = (1000, 5.0)
TARGET_PROJECT = 0.5


@dataclass(frozen=True)
class B4Settings:
    sizes: Sequence[int] = (50, 200, 1000)
    repeats: int = 3


def generate(specs: Path, out: Path) -> dict[str, Any]:
    """One `contractgen generate` run: wall and CPU seconds, peak RSS, the CLI's phase times."""
    started = time.perf_counter()
    process = subprocess.Popen(
        [str(CONTRACTGEN), "generate", "--specs", str(specs), "--out", str(out)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        cwd=specs.parent,
    )
    assert process.stderr is not None
    stderr = process.stderr.read().decode(errors="replace")
    _, status, usage = os.wait4(process.pid, 0)
    seconds = time.perf_counter() - started
    process.returncode = os.waitstatus_to_exitcode(status)
    if process.returncode != 0:
        raise BenchError(f"contractgen generate failed for {specs}:\n{stderr[-2000:]}")
    phases = {}
    previous = 0
    for line in stderr.splitlines():
        match = PHASE.search(line)
        if match:
            phases[match.group(1)] = (int(match.group(2)) - previous) / 1000
            previous = int(match.group(2))
    files = sum(1 for path in out.rglob("*") if path.is_file())
    return {
        "seconds": round(seconds, 2),
        "cpu_seconds": round(usage.ru_utime + usage.ru_stime, 2),
        "peak_rss_mb": round(usage.ru_maxrss / 1024, 1),
        "files": files,
        "phases_s": {
            "load_and_validate": phases.get("validated"),
            "render": phases.get("rendered"),
            "write": phases.get("wrote"),
        },
    }


def generate_median(specs: Path, scratch: Path, repeats: int) -> dict[str, Any]:
    """`repeats` runs, each into a new folder (so none finds its files already written); the run
    of median wall time, with the median CPU time and every run's wall and CPU seconds."""
    runs = [generate(specs, scratch / f"out-{index}") for index in range(repeats)]
    median = sorted(runs, key=lambda run: run["seconds"])[len(runs) // 2]
    return {
        **median,
        "cpu_seconds": round(statistics.median(run["cpu_seconds"] for run in runs), 2),
        "runs_seconds": [run["seconds"] for run in runs],
        "runs_cpu_seconds": [run["cpu_seconds"] for run in runs],
    }


def targets(project: dict[str, Any], synthetic: list[dict[str, Any]]) -> dict[str, Any]:
    """Each target of issue 16 for B4: the figure, the bar, met or not (None if not measured)."""
    size, bar = TARGET_LARGEST
    largest = next((r for r in synthetic if r["operations"] == size), None)
    return {
        f"{size} operations and messages < {bar:g} s": {
            "value": largest["seconds"] if largest else None,
            "cpu_seconds": largest["cpu_seconds"] if largest else None,
            "met": largest["seconds"] < bar if largest else None,
        },
        f"the project's three services < {TARGET_PROJECT:g} s": {
            "value": project["seconds"],
            "cpu_seconds": project["cpu_seconds"],
            "met": project["seconds"] < TARGET_PROJECT,
        },
    }


def _fit(points: list[tuple[int, float]]) -> dict[str, float]:
    """Least squares time = a + b * size, and the growth exponent between the two largest."""
    n = len(points)
    mean_x = sum(x for x, _ in points) / n
    mean_y = sum(y for _, y in points) / n
    spread = sum((x - mean_x) ** 2 for x, _ in points)
    slope = sum((x - mean_x) * (y - mean_y) for x, y in points) / spread if spread else 0.0
    fit = {
        "intercept_s": round(mean_y - slope * mean_x, 3),
        "per_operation_ms": round(1000 * slope, 2),
    }
    (x1, y1), (x2, y2) = sorted(points)[-2:]
    if y1 > 0 and x2 > x1:
        fit["exponent_largest_two"] = round(math.log(y2 / y1) / math.log(x2 / x1), 2)
    return fit


def run_b4(settings: B4Settings, say: Callable[[str], None]) -> dict[str, Any]:
    with tempfile.TemporaryDirectory(prefix="bench-b4-") as scratch:
        root = Path(scratch)
        say("B4 the project's three services")
        project = generate_median(ROOT / "specs", root / "project", settings.repeats)
        say(
            f"B4 project: {project['seconds']} s, {project['cpu_seconds']} CPU-s, "
            f"{project['peak_rss_mb']} MB"
        )
        synthetic = []
        for size in settings.sizes:
            specs = write_specs(root / f"synth-{size}", size)
            result = {
                "operations": size,
                "messages": size,
                **generate_median(specs, specs.parent, settings.repeats),
            }
            say(
                f"B4 {size} operations: {result['seconds']} s, {result['cpu_seconds']} CPU-s, "
                f"{result['peak_rss_mb']} MB"
            )
            synthetic.append(result)
    return {
        "settings": {
            "sizes": list(settings.sizes),
            "repeats": settings.repeats,
            "synthetic": "one service: N POST operations each emitting its own Avro message, "
            "N messages on N/10 channels (bench/synthetic.py)",
        },
        "project": project,
        "synthetic": synthetic,
        "targets": targets(project, synthetic),
        "fit": _fit([(r["operations"], r["seconds"]) for r in synthetic])
        if len(synthetic) > 1
        else {},
    }
