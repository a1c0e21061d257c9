"""B1: the REST write path. `POST` an idea on the generated service, on the hand-written baseline
and as the same SQL in pgbench, one after the other with the same load and database.

Every HTTP target gets the same fresh tables, the same wrk (threads, connections, duration) and
one uvicorn worker. pgbench runs the service's transaction (idea INSERT ... RETURNING id, then
the outbox INSERT with an Avro payload) with as many clients as wrk has connections.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import time
from collections.abc import Callable
from contextlib import ExitStack
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from bench.procs import PORT_SHIFT, BenchError, Server, cpu_seconds, load_average, running
from bench.stats import percentiles
from contractgen.runtime.jwt import LOCAL_SECRET, mint_token
from contractgen.stack.postgres import PostgresCluster, find_bindir
from generated.idea.events import IdeaCreated
from services.identity import IDENTITY

PORTS = {
    name: port + PORT_SHIFT
    for name, port in {"generated": 22101, "baseline": 22102, "baseline_sqlalchemy": 22103}.items()
}
POSTGRES_PORT = 22432 + PORT_SHIFT
ORGANIZATION = 1
BODY = {
    "name": "Four-day week",
    "description": "Try a four-day working week for one quarter and measure the output.",
}
LUA = Path(__file__).with_name("scripts") / "post_idea.lua"


@dataclass(frozen=True)
class B1Settings:
    duration: int = 10
    """Seconds per round and target."""
    rounds: int = 2
    warmup: int = 5
    connections: int = 16
    threads: int = 2


def _combined(rounds: list[dict[str, Any]]) -> dict[str, Any]:
    """All rounds of one target: requests over seconds, latencies as the mean of the rounds'."""
    requests = sum(r["requests"] for r in rounds)
    seconds = sum(r["seconds"] for r in rounds)
    keys = rounds[0]["latency_ms"].keys()
    return {
        "requests": requests,
        "seconds": round(seconds, 3),
        "requests_per_s": round(requests / seconds, 1),
        "errors": sum(r["errors"] for r in rounds),
        "latency_ms": {
            k: round(sum(r["latency_ms"][k] for r in rounds) / len(rounds), 2) for k in keys
        },
        "server_cpu_percent": round(sum(r["server_cpu_percent"] for r in rounds) / len(rounds), 1),
        "created": sum(r["created"] for r in rounds),
        "rounds": rounds,
    }


def _wrk(url: str, settings: B1Settings, seconds: int, token: str) -> dict[str, Any]:
    wrk = shutil.which("wrk")
    if wrk is None:
        raise BenchError("wrk is not installed: `apt-get install -y wrk`")
    command = [
        wrk,
        f"-t{settings.threads}",
        f"-c{settings.connections}",
        f"-d{seconds}s",
        "--timeout",
        "10s",
        "-s",
        str(LUA),
        url,
    ]
    env = {**os.environ, "BENCH_TOKEN": token, "BENCH_BODY": json.dumps(BODY)}
    out = subprocess.run(
        command, capture_output=True, text=True, env=env, timeout=seconds + 60, check=True
    )
    line = out.stdout.strip().splitlines()[-1]
    raw = json.loads(line)
    seconds_run = raw["duration_us"] / 1e6
    errors = sum(
        raw[key]
        for key in ("connect_errors", "read_errors", "write_errors", "status_errors", "timeouts")
    )
    return {
        "requests": raw["requests"],
        "seconds": round(seconds_run, 3),
        "requests_per_s": round(raw["requests"] / seconds_run, 1),
        "errors": errors,
        "latency_ms": {k: round(v / 1000, 2) for k, v in raw["latency_us"].items()},
    }


class B1:
    def __init__(self, state: Path, settings: B1Settings, say: Callable[[str], None]) -> None:
        self.state = state.resolve() / "b1"
        self.settings = settings
        self.say = say
        self.cluster = PostgresCluster(self.state / "postgres", POSTGRES_PORT)
        self.token = mint_token(
            IDENTITY, "bench", [ORGANIZATION], secret=LOCAL_SECRET, ttl_seconds=3600
        )

    def sql(self, statement: str) -> str:
        return self.cluster.psql(statement, database="idea").strip()

    def fresh_tables(self) -> None:
        self.sql("TRUNCATE idea, outbox RESTART IDENTITY")
        self.sql("VACUUM ANALYZE idea")
        self.sql("VACUUM ANALYZE outbox")
        self.sql("CHECKPOINT")

    def rows(self) -> dict[str, int]:
        """Row counts, once the requests still in flight when the load stopped are done."""
        time.sleep(0.5)
        ideas, events = self.sql(
            "SELECT (SELECT count(*) FROM idea), (SELECT count(*) FROM outbox)"
        ).split("|")
        return {"idea": int(ideas), "outbox": int(events)}

    def run(self) -> dict[str, Any]:
        self.cluster.start()
        try:
            self.cluster.drop_database("idea")
            self.cluster.create_database("idea")
            return self._run_all()
        finally:
            self.cluster.stop()

    def _servers(self) -> dict[str, tuple[list[str], dict[str, str]]]:
        generated = [sys.executable, "-m", "contractgen", "serve", "idea", "--host", "127.0.0.1"]
        generated += ["--port", str(PORTS["generated"]), "--migrate"]
        servers = {
            "generated": (
                generated,
                {"IDEA_DATABASE_URL": self.cluster.url("idea"), "JWT_SECRET": LOCAL_SECRET},
            )
        }
        for variant, name in (("psycopg", "baseline"), ("sqlalchemy", "baseline_sqlalchemy")):
            argv = [sys.executable, "-m", "bench.baseline", "--port", str(PORTS[name])]
            argv += ["--db", variant, "--database-url", self.cluster.url("idea", "postgresql")]
            servers[name] = (argv, {})
        return servers

    def _run_all(self) -> dict[str, Any]:
        results: dict[str, Any] = {}
        with ExitStack() as stack:
            servers: dict[str, Server] = {}
            # One at a time: the service migrates the schema that the others use too.
            for name, (argv, env) in self._servers().items():
                log = self.state / "logs" / f"{name}.log"
                server = servers[name] = stack.enter_context(running(name, argv, log, env))
                ready = "/readyz" if name == "generated" else "/organizations/1/ideas"
                server.wait_http(f"http://127.0.0.1:{PORTS[name]}{ready}", ok=(200, 401, 405))
            for name in servers:
                self.fresh_tables()
                self.say(f"B1 {name}: warm-up {self.settings.warmup} s")
                _wrk(self._url(name), self.settings, self.settings.warmup, self.token)
            # Rounds that take turns, so that a change in the machine's other load hits every
            # target alike rather than whichever ran at the time.
            rounds: dict[str, list[dict[str, Any]]] = {name: [] for name in servers}
            for number in range(1, self.settings.rounds + 1):
                for name, server in servers.items():
                    self.fresh_tables()
                    figures = self._measured(server, self._url(name))
                    rounds[name].append(figures)
                    self.say(
                        f"B1 {name} round {number}: {figures['requests_per_s']} req/s, "
                        f"p50 {figures['latency_ms']['p50']} ms, p99 {figures['latency_ms']['p99']} "
                        f"ms, server CPU {figures['server_cpu_percent']} %"
                    )
            for name, measured in rounds.items():
                results[name] = _combined(measured)
        results["pgbench"] = self._pgbench()
        generated_rps = results["generated"]["requests_per_s"]
        return {
            "settings": vars(self.settings),
            "targets": results,
            "ratios": {
                "generated_over_baseline": round(
                    generated_rps / results["baseline"]["requests_per_s"], 3
                ),
                "generated_over_baseline_sqlalchemy": round(
                    generated_rps / results["baseline_sqlalchemy"]["requests_per_s"], 3
                ),
                "generated_over_pgbench": round(generated_rps / results["pgbench"]["tps"], 3),
            },
        }

    def _url(self, name: str) -> str:
        return f"http://127.0.0.1:{PORTS[name]}/organizations/{ORGANIZATION}/ideas"

    def _measured(self, server: Server, url: str) -> dict[str, Any]:
        before = self.rows()
        load_before = load_average()
        cpu_before, started = cpu_seconds(server.pid), time.monotonic()
        result = _wrk(url, self.settings, self.settings.duration, self.token)
        cpu = cpu_seconds(server.pid) - cpu_before
        result["server_cpu_percent"] = round(100 * cpu / (time.monotonic() - started), 1)
        after = self.rows()
        result["created"] = after["idea"] - before["idea"]
        result["events"] = after["outbox"] - before["outbox"]
        if result["created"] != result["events"]:
            raise BenchError(
                f"{server.name}: {result['created']} ideas but {result['events']} events"
            )
        result["load_average"] = {"before": load_before, "after": load_average()}
        return result

    def _pgbench(self) -> dict[str, Any]:
        event = IdeaCreated(
            idea_id=1,
            organization_id=ORGANIZATION,
            name=BODY["name"],
            description=BODY["description"],
            created_on=datetime.now(UTC),
        )
        script = self.state / "pgbench" / "create_idea.sql"
        script.parent.mkdir(parents=True, exist_ok=True)
        for old in script.parent.glob("log*"):
            old.unlink()
        name, description = (value.replace("'", "''") for value in BODY.values())
        script.write_text(
            "BEGIN;\n"
            "INSERT INTO idea (organization_id, name, description, created_on, last_updated)"
            f" VALUES ({ORGANIZATION}, '{name}', '{description}', now(), now()) RETURNING id \\gset\n"
            "INSERT INTO outbox (id, aggregatetype, aggregateid, type, payload, schema_id,"
            " traceparent, occurred_at) VALUES (gen_random_uuid(),"
            f" '{IdeaCreated.__topic__}', :id, 'IdeaCreated',"
            f" '\\x{event.to_avro().hex()}'::bytea, '{event.avro_schema().schema_id}', NULL, now());\n"
            "COMMIT;\n",
            encoding="utf-8",
        )
        self.fresh_tables()
        settings = self.settings
        base = [
            str(find_bindir() / "pgbench"),
            "-n",
            "-M",
            "prepared",
            "-c",
            str(settings.connections),
            "-j",
            str(settings.threads),
            "-h",
            "127.0.0.1",
            "-p",
            str(POSTGRES_PORT),
            "-U",
            "postgres",
            "-f",
            str(script),
        ]
        self.say(f"B1 pgbench: warm-up {settings.warmup} s")
        subprocess.run(
            [*base, "-T", str(settings.warmup), "idea"], capture_output=True, text=True, check=True
        )
        before = self.rows()
        load_before = load_average()
        out = subprocess.run(
            [
                *base,
                "-T",
                str(settings.duration * settings.rounds),
                "-l",
                "--log-prefix",
                str(script.parent / "log"),
                "idea",
            ],
            capture_output=True,
            text=True,
            check=True,
            cwd=script.parent,
            timeout=settings.duration * settings.rounds + 60,
        )
        tps = next(
            float(line.split("=")[1].split()[0])
            for line in out.stdout.splitlines()
            if line.startswith("tps =")
        )
        latencies = [
            int(line.split()[2]) / 1000
            for log in script.parent.glob("log*")
            for line in log.read_text().splitlines()
        ]
        after = self.rows()
        result: dict[str, Any] = {
            "tps": round(tps, 1),
            "transactions": len(latencies),
            "latency_ms": percentiles(latencies, (50, 90, 99)),
            "created": after["idea"] - before["idea"],
            "load_average": {"before": load_before, "after": load_average()},
        }
        self.say(
            f"B1 pgbench: {result['tps']} tps, p50 {result['latency_ms']['p50']} ms, "
            f"p99 {result['latency_ms']['p99']} ms"
        )
        return result
