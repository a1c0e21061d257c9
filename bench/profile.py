"""`python -m bench.profile [generated|baseline|baseline_sqlalchemy]`: where B1's CPU goes.

Starts B1's PostgreSQL and the chosen server, loads it with B1's wrk settings, samples it with
py-spy, and prints the functions that hold the most samples (inclusive and own time). The
flame graph (SVG) is written beside B1's logs under bench/.state/b1/.
"""

from __future__ import annotations

import argparse
import re
import subprocess
import sys
import threading
from collections import Counter
from pathlib import Path

from bench.b1_rest import B1, PORTS, B1Settings, _wrk
from bench.procs import ROOT, running

PY_SPY = Path(sys.executable).with_name("py-spy")
LINE = re.compile(r":\d+\)")


def summarize(raw: Path, top: int = 40) -> str:
    """py-spy's raw (collapsed) stacks as two top-N lists: inclusive and own samples."""
    inclusive: Counter[str] = Counter()
    own: Counter[str] = Counter()
    total = 0
    for line in raw.read_text().splitlines():
        stack, _, count = line.rpartition(" ")
        if not stack:
            continue
        samples = int(count)
        total += samples
        frames = [LINE.sub(")", frame) for frame in stack.split(";")]
        for frame in set(frames):
            inclusive[frame] += samples
        own[frames[-1]] += samples
    lines = [f"{total} samples", "", "inclusive:"]
    lines += [f"{100 * n / total:5.1f}%  {frame}" for frame, n in inclusive.most_common(top)]
    lines += ["", "own:"]
    lines += [f"{100 * n / total:5.1f}%  {frame}" for frame, n in own.most_common(top // 2)]
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m bench.profile", description=__doc__)
    parser.add_argument("target", nargs="?", default="generated", choices=sorted(PORTS))
    parser.add_argument("--seconds", type=int, default=15)
    args = parser.parse_args(argv)
    settings = B1Settings(duration=args.seconds, warmup=3)
    b1 = B1(ROOT / "bench" / ".state", settings, print)
    b1.cluster.start()
    try:
        b1.cluster.drop_database("idea")
        b1.cluster.create_database("idea")
        argv_, env = b1._servers()[args.target]
        if args.target != "generated":  # the service creates the schema the others use
            generated, generated_env = b1._servers()["generated"]
            with running(
                "generated", generated, b1.state / "logs" / "schema.log", generated_env
            ) as s:
                s.wait_http(f"http://127.0.0.1:{PORTS['generated']}/readyz")
        log = b1.state / "logs" / f"profile-{args.target}.log"
        with running(args.target, argv_, log, env) as server:
            ready = "/readyz" if args.target == "generated" else "/organizations/1/ideas"
            server.wait_http(f"http://127.0.0.1:{PORTS[args.target]}{ready}", ok=(200, 401, 405))
            url = b1._url(args.target)
            _wrk(url, settings, settings.warmup, b1.token)
            load = threading.Thread(
                target=_wrk, args=(url, settings, args.seconds + 2, b1.token), daemon=True
            )
            load.start()
            raw, svg = (
                b1.state / f"profile-{args.target}.txt",
                b1.state / f"profile-{args.target}.svg",
            )
            for output, form in ((raw, "raw"), (svg, "flamegraph")):
                subprocess.run(
                    [
                        str(PY_SPY),
                        "record",
                        "-p",
                        str(server.pid),
                        "-d",
                        str(args.seconds // 2),
                        "-r",
                        "250",
                        "-f",
                        form,
                        "-o",
                        str(output),
                    ],
                    check=True,
                    capture_output=True,
                )
            load.join()
        print(summarize(raw))
        print(f"\nflame graph: {svg}")
    finally:
        b1.cluster.stop()


if __name__ == "__main__":
    main()
