"""How long `Stack.up()` takes to bring back each part after `kill -9`, with no load.

`python tests/stack/restart_times.py [OUT.json]`, from a checkout's root (it imports that
checkout's stack; the ports are the stack tests' with CONTRACTGEN_TEST_PORT_SHIFT). The README's
before/after table comes from tests/stack/results/restart-times.json: "after" from this script,
"before" from the same script run in `git archive 9aedc1b` (the stack before fast recovery)."""

from __future__ import annotations

import json
import os
import shutil
import signal
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path.cwd()
sys.path[:0] = [str(ROOT / "generator"), str(ROOT)]

from contractgen.spec.project import load_project  # noqa: E402
from contractgen.stack.ports import Ports  # noqa: E402
from contractgen.stack.stack import Stack  # noqa: E402

SHIFT = int(os.environ.get("CONTRACTGEN_TEST_PORT_SHIFT", "0"))
PORTS = Ports(25432 + SHIFT, 29092 + SHIFT, 29093 + SHIFT, 28083 + SHIFT, 20000 + SHIFT)


def _alive(pid: int) -> bool:
    try:
        return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0] != "Z"
    except OSError:
        return False


def measure() -> dict[str, float]:
    state = Path(tempfile.mkdtemp(prefix="microservicesapp-stack-times-"))
    stack = Stack(state, load_project(ROOT / "specs"), PORTS, root=ROOT, say=lambda _: None)
    times = {}
    try:
        clock = time.monotonic()
        stack.up()
        times["first up"] = time.monotonic() - clock
        clock = time.monotonic()
        stack.up()
        times["up, nothing dead"] = time.monotonic() - clock
        for part in ("kafka", "connect", "activity-consumer", "postgres"):
            if part == "postgres":  # every cluster
                pids = [p for c in stack.clusters.values() if (p := c.postmaster_pid())]
            else:
                pids = [stack.process(part).pid() or 0]
            for pid in pids:
                os.kill(pid, signal.SIGKILL)
            while any(_alive(pid) for pid in pids):
                time.sleep(0.05)
            clock = time.monotonic()
            stack.up()
            times[f"up after kill -9 {part}"] = time.monotonic() - clock
    finally:
        stack.down()
        shutil.rmtree(state, ignore_errors=True)
    return {name: round(seconds, 1) for name, seconds in times.items()}


if __name__ == "__main__":
    figures = measure()
    print(json.dumps(figures, indent=2))
    if len(sys.argv) > 1:
        Path(sys.argv[1]).write_text(json.dumps(figures, indent=2) + "\n", encoding="utf-8")
