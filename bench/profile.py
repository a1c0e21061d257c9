"""`python -m bench.profile [TARGET ...]`: where B1's CPU goes, target after target.

Starts B1's PostgreSQL, then each target in turn on the same fresh tables: loads it with B1's wrk
settings and prints the server's CPU per request. With `--py-spy` it also samples the server and
prints the functions that hold the most samples (inclusive and own time); the flame graph (SVG)
is written beside B1's logs under bench/.state/b1/.

Targets: `generated` (the idea service, fast path on), `generated-slow` (`FAST_PATH=false`:
Connexion's own pipeline for every request), `baseline`, `baseline_sqlalchemy`. The idea service
runs under `serve-local` (`python -m bench.profile serve-local idea --port N`): as `contractgen
serve idea --migrate`, but with a schema store of its own instead of a schema registry, so that
profiling needs nothing but PostgreSQL.
"""

from __future__ import annotations

import argparse
import contextlib
import re
import subprocess
import sys
import threading
from collections import Counter
from pathlib import Path

from bench.b1_rest import B1, PORTS, B1Settings, _wrk
from bench.procs import ROOT, cpu_seconds, running
from bench.registry import running_registry
from contractgen.runtime.jwt import LOCAL_SECRET
from contractgen.stack.postgres import PostgresError

PY_SPY = Path(sys.executable).with_name("py-spy")
LINE = re.compile(r":\d+\)")
TARGETS = ("generated", "generated-slow", "baseline", "baseline_sqlalchemy")


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


def serve_local(service: str, port: int) -> None:
    """`contractgen serve SERVICE --migrate` with a process-local schema store."""
    import uvicorn

    from contractgen.runtime.observability import configure_logging
    from contractgen.runtime.registry import SchemaStore, use_store
    from contractgen.runtime.service import load_definition

    configure_logging()
    definition = load_definition(f"services.{service}.bootstrap")
    settings = definition.settings()
    definition.migrate(settings.migration_database_url)
    store = SchemaStore()  # no client: ids counted locally, nothing to reach
    store.register(definition.events)
    use_store(store)
    uvicorn.run(definition.build_app(settings), host="127.0.0.1", port=port, log_config=None)


def _server(b1: B1, target: str) -> tuple[list[str], dict[str, str], int]:
    """How to start `target`: argv, environment and port."""
    if target.startswith("generated"):
        port = PORTS["generated"]
        argv = [sys.executable, "-m", "bench.profile", "serve-local", "idea", "--port", str(port)]
        env = {"IDEA_DATABASE_URL": b1.cluster.url("idea"), "JWT_SECRET": LOCAL_SECRET}
        env["FAST_PATH"] = "false" if target == "generated-slow" else "true"
        return argv, env, port
    argv, env = b1._servers()[target]
    return argv, env, PORTS[target]


def profile(b1: B1, target: str, seconds: int, py_spy: bool) -> str:
    argv, env, port = _server(b1, target)
    log = b1.state / "logs" / f"profile-{target}.log"
    with running(target, argv, log, env) as server:
        ready = "/readyz" if target.startswith("generated") else "/organizations/1/ideas"
        server.wait_http(f"http://127.0.0.1:{port}{ready}", ok=(200, 401, 405))
        url = f"http://127.0.0.1:{port}/organizations/1/ideas"
        b1.fresh_tables()
        _wrk(url, b1.settings, b1.settings.warmup, b1.token)
        if not py_spy:
            before = cpu_seconds(server.pid)
            result = _wrk(url, b1.settings, seconds, b1.token)
            cpu_ms = 1000 * (cpu_seconds(server.pid) - before) / max(result["requests"], 1)
            return (
                f"{target}: {result['requests_per_s']} req/s, {cpu_ms:.3f} ms CPU/request, "
                f"{result['errors']} errors"
            )
        load = threading.Thread(
            target=_wrk, args=(url, b1.settings, seconds + 2, b1.token), daemon=True
        )
        load.start()
        raw, svg = b1.state / f"profile-{target}.txt", b1.state / f"profile-{target}.svg"
        record = [str(PY_SPY), "record", "-p", str(server.pid), "-d", str(max(seconds // 2, 1))]
        for output, form in ((raw, "raw"), (svg, "flamegraph")):
            subprocess.run(
                [*record, "-r", "250", "-f", form, "-o", str(output)],
                check=True,
                capture_output=True,
            )
        load.join()
        return f"{target}:\n{summarize(raw)}\n\nflame graph: {svg}"


def main(argv: list[str] | None = None) -> None:
    argv = sys.argv[1:] if argv is None else argv
    if argv[:1] == ["serve-local"]:
        local = argparse.ArgumentParser(prog="python -m bench.profile serve-local")
        local.add_argument("service")
        local.add_argument("--port", type=int, required=True)
        options = local.parse_args(argv[1:])
        serve_local(options.service, options.port)
        return
    parser = argparse.ArgumentParser(prog="python -m bench.profile", description=__doc__)
    parser.add_argument("targets", nargs="*", default=["generated"], choices=TARGETS)
    parser.add_argument("--seconds", type=int, default=10)
    parser.add_argument("--rounds", type=int, default=1, help="targets take turns this often")
    parser.add_argument("--py-spy", action="store_true", help="sample with py-spy")
    args = parser.parse_args(argv)
    b1 = B1(ROOT / "bench" / ".state", B1Settings(duration=args.seconds, warmup=3), print)
    b1.cluster.start()
    try:
        with contextlib.suppress(PostgresError):  # no `idea` database yet
            b1.drop_slot()  # an interrupted run's: it would keep `idea` in use
        b1.cluster.drop_database("idea")
        b1.cluster.create_database("idea")
        # The service creates the schema the baselines use.
        argv_, env, port = _server(b1, "generated")
        with running("schema", argv_, b1.state / "logs" / "schema.log", env) as schema:
            schema.wait_http(f"http://127.0.0.1:{port}/readyz")
        b1.create_slot()  # B1 counts the events from it
        # The baselines frame their events with the ids of a real registry, as in B1.
        with running_registry(b1.state / "registry", b1.cluster, print) as url:
            b1.registry_url = url
            for _ in range(args.rounds):
                for target in args.targets:
                    print(profile(b1, target, args.seconds, args.py_spy), flush=True)
    finally:
        b1.drop_slot()
        b1.cluster.stop()


if __name__ == "__main__":
    main()
