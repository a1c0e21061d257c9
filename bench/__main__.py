"""`python -m bench`: run B1-B5, write bench/results/<timestamp>.json and the plots, update the README.

Bounded and loopback-only: every load has a fixed duration or count, every server listens on
127.0.0.1 and is stopped before this command returns (also on errors or Ctrl-C).
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import time
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from bench import report
from bench.b1_rest import B1, B1Settings
from bench.b4_generator import B4Settings, run_b4
from bench.machine import machine_facts
from bench.procs import ROOT, BenchError, load_average

ALL = ("b1", "b2", "b3", "b4", "b5")


def say(message: str) -> None:
    print(f"[{datetime.now().strftime('%H:%M:%S')}] {message}", flush=True)


def ensure_wrk() -> None:
    """wrk is a Debian package; install it the way scripts/bootstrap.sh installs PostgreSQL."""
    if shutil.which("wrk"):
        return
    if os.geteuid() != 0:
        raise BenchError("wrk is not installed: `sudo apt-get install -y wrk`")
    say("installing wrk from Debian's packages")
    env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
    subprocess.run(["apt-get", "update", "-qq"], check=True, env=env)
    subprocess.run(["apt-get", "install", "-y", "-qq", "wrk"], check=True, env=env)


def run_stack_benchmarks(
    state: Path, wanted: set[str], quick: bool, results: dict[str, Any]
) -> None:
    from bench.b2_latency import B2Settings, run_b2
    from bench.b3_pipeline import B3Settings, run_b3
    from bench.b5_services import B5, B5Settings
    from bench.stack_session import benchmark_stack

    b2 = B2Settings(seconds=8, drain_seconds=10) if quick else B2Settings()
    b3 = B3Settings(stage_seconds=8, drain_seconds=10, ingest_seconds=8) if quick else B3Settings()
    b5 = B5Settings(starts=2, load_seconds=4) if quick else B5Settings()
    with benchmark_stack(state, say) as stack:
        if "b5" in wanted:  # first: the services start on an idle stack with empty topics
            results["b5"] = B5(stack, b5, say).run()
        if "b2" in wanted:
            results["b2"] = run_b2(stack, b2, say)
            results["b2"]["postgres_settings"] = {
                name: stack.postgres.psql(f"SHOW {name}").strip()
                for name in ("synchronous_commit", "wal_writer_delay", "fsync")
            }
        if "b3" in wanted:
            results["b3"] = run_b3(stack, b3, say)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__)
    parser.add_argument(
        "--only", default=",".join(ALL), help="comma-separated subset of b1,b2,b3,b4,b5"
    )
    parser.add_argument("--quick", action="store_true", help="short durations, for trying it out")
    parser.add_argument(
        "--sizes", default="50,200,1000", help="B4 synthetic sizes (operations and messages)"
    )
    parser.add_argument("--state-dir", type=Path, default=ROOT / "bench" / ".state")
    parser.add_argument("--results", type=Path, default=ROOT / "bench" / "results")
    parser.add_argument(
        "--no-readme", action="store_true", help="do not rewrite the table in bench/README.md"
    )
    args = parser.parse_args(argv)
    wanted = {name.strip().lower() for name in args.only.split(",") if name.strip()}
    if not wanted <= set(ALL):
        parser.error(f"--only takes names among {', '.join(ALL)}")
    state = args.state_dir.resolve()
    started = time.monotonic()
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
    results: dict[str, Any] = {"started": stamp, "quick": args.quick, "machine": machine_facts()}
    say(f"bench {stamp}: {', '.join(sorted(wanted))}; load average {load_average()}")
    try:
        if "b4" in wanted:
            sizes = tuple(int(size) for size in args.sizes.split(","))
            results["b4"] = run_b4(B4Settings(sizes=sizes), say)
        if "b1" in wanted:
            ensure_wrk()
            settings = B1Settings(duration=4, warmup=2) if args.quick else B1Settings()
            results["b1"] = B1(state, settings, say).run()
        if wanted & {"b2", "b3", "b5"}:
            ensure_wrk()
            run_stack_benchmarks(state, wanted, args.quick, results)
    except BenchError as error:
        say(f"bench failed: {error}")
        return 1
    results["machine"]["load_average_at_end"] = load_average()
    results["duration_s"] = round(time.monotonic() - started, 1)
    results["targets"] = report.targets(results)
    path = report.write_json(results, args.results, stamp)
    plots = report.plot(results, args.results, stamp)
    if not args.no_readme:
        report.update_readmes(results, stamp, plots)
    say(f"results: {path}; plots: {', '.join(p.name for p in plots) or 'none'}")
    for name, target in results["targets"].items():
        say(f"  {name}: {target['value']} ({'met' if target['met'] else 'NOT met'})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
