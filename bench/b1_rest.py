"""B1: the REST write path. `POST` an idea on the generated service, on the hand-written baseline
and as the same SQL in pgbench, one after the other with the same load and database.

Every HTTP target gets the same fresh tables, the same wrk (threads, connections, duration) and
one uvicorn worker. Every target does the same work: the idea INSERT ... RETURNING id, then its
IdeaCreated event into the outbox, Avro framed with the schema id a real registry gave (Apicurio,
bench/registry.py), and the outbox row deleted again in the same transaction, as the service
does. pgbench runs that transaction with as many clients as wrk has connections.

Events are counted from the WAL, as Debezium sees them: a logical replication slot (`b1_events`,
test_decoding) decodes every committed outbox INSERT, deleted again or not. Each round checks
that every idea has its event, and the run checks that all targets wrote the same event bytes
(same topic, type, schema id and registry framing, same Avro record but for ids and times).
"""

from __future__ import annotations

import io
import json
import os
import re
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

import fastavro

from bench.procs import PORT_SHIFT, BenchError, Server, cpu_seconds, load_average, running
from bench.registry import running_registry
from bench.stats import percentiles
from contractgen.runtime.jwt import LOCAL_SECRET, mint_token
from contractgen.runtime.registry import RegistryClient, frame, minified, subject_name
from contractgen.stack.postgres import PostgresCluster, find_bindir
from generated.idea.events import IdeaCreated
from services.identity import IDENTITY

# Ending in 11-13: the stack benchmark's ports end in 01-03 (its services' metrics at 22001-22003
# + shift), so a checkout whose shift is 100 more than ours never takes B1's ports.
PORTS = {
    name: port + PORT_SHIFT
    for name, port in {"generated": 22111, "baseline": 22112, "baseline_sqlalchemy": 22113}.items()
}
POSTGRES_PORT = 22432 + PORT_SHIFT
SLOT = "b1_events"
OUTBOX_INSERT = "table public.outbox: INSERT: %"
# One decoded column of test_decoding's output: name[type]:value.
_COLUMN = re.compile(r"(?P<name>[^\s\[]+)\[[^\]]+\]:(?P<value>'(?:[^']|'')*'|null|\S+)")
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
        "server_cpu_ms_per_request": round(
            1000 * sum(r["server_cpu_seconds"] for r in rounds) / max(requests, 1), 3
        ),
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
        self.events()  # what the slot holds so far is not this round's
        self.sql("CHECKPOINT")

    def events(self) -> tuple[int, str | None]:
        """The outbox INSERTs committed since the last call (consumed from the slot), and the
        decoded columns of one of them."""
        counted = self.sql(
            "SELECT count(*), min(data) FROM pg_logical_slot_get_changes("
            f"'{SLOT}', NULL, NULL, 'skip-empty-xacts', '1') WHERE data LIKE '{OUTBOX_INSERT}'"
        )
        count, _, sample = counted.partition("|")
        return int(count), sample or None

    def rows(self) -> dict[str, Any]:
        """Ideas and events written, once the requests still in flight when the load stopped are
        done; events from the WAL (the outbox table itself stays empty)."""
        time.sleep(0.5)
        ideas = int(self.sql("SELECT count(*) FROM idea"))
        events, sample = self.events()
        return {"idea": ideas, "events": events, "sample": sample}

    def run(self) -> dict[str, Any]:
        self.cluster.start()
        try:
            self.drop_slot()  # an interrupted run's: it would hold WAL and keep `idea` in use
            self.cluster.drop_database("idea")
            self.cluster.create_database("idea")
            with running_registry(self.state / "registry", self.cluster, self.say) as url:
                self.registry_url = url
                return self._run_all()
        finally:
            self.drop_slot()
            self.cluster.stop()

    def create_slot(self) -> None:
        self.sql(f"SELECT pg_create_logical_replication_slot('{SLOT}', 'test_decoding')")

    def drop_slot(self) -> None:
        self.cluster.psql(
            "SELECT pg_drop_replication_slot(slot_name) FROM pg_replication_slots"
            f" WHERE slot_name = '{SLOT}'"
        )

    def _servers(self) -> dict[str, tuple[list[str], dict[str, str]]]:
        generated = [sys.executable, "-m", "contractgen", "serve", "idea", "--host", "127.0.0.1"]
        generated += ["--port", str(PORTS["generated"]), "--migrate"]
        servers = {
            "generated": (
                generated,
                {
                    "IDEA_DATABASE_URL": self.cluster.url("idea"),
                    "JWT_SECRET": LOCAL_SECRET,
                    "SCHEMA_REGISTRY_URL": self.registry_url,
                },
            )
        }
        for variant, name in (("psycopg", "baseline"), ("sqlalchemy", "baseline_sqlalchemy")):
            argv = [sys.executable, "-m", "bench.baseline", "--port", str(PORTS[name])]
            argv += ["--db", variant, "--database-url", self.cluster.url("idea", "postgresql")]
            argv += ["--registry-url", self.registry_url]
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
                if name == "generated":  # its migration made the outbox: log it from now on
                    self.create_slot()
            written: dict[str, dict[str, Any]] = {}
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
                    written[name] = figures.pop("written")
                    rounds[name].append(figures)
                    self.say(
                        f"B1 {name} round {number}: {figures['requests_per_s']} req/s, "
                        f"p50 {figures['latency_ms']['p50']} ms, p99 {figures['latency_ms']['p99']} "
                        f"ms, server CPU {figures['server_cpu_percent']} % "
                        f"({figures['server_cpu_ms_per_request']} ms per request)"
                    )
            for name, measured in rounds.items():
                results[name] = _combined(measured)
        results["pgbench"] = self._pgbench()
        written["pgbench"] = results["pgbench"].pop("written")
        same_work(written)
        generated_rps = results["generated"]["requests_per_s"]
        return {
            "settings": vars(self.settings),
            "written": written,
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
        # The figure to compare across runs on a shared machine: CPU per request is less
        # sensitive to other load than requests per second.
        result["server_cpu_seconds"] = round(cpu, 3)
        result["server_cpu_ms_per_request"] = round(1000 * cpu / max(result["requests"], 1), 3)
        after = self.rows()
        result["created"] = after["idea"] - before["idea"]
        result["events"] = after["events"]
        if result["created"] != result["events"]:
            raise BenchError(
                f"{server.name}: {result['created']} ideas but {result['events']} events"
            )
        result["written"] = written_event(after["sample"])
        result["load_average"] = {"before": load_before, "after": load_average()}
        return result

    def _schema_registry_id(self) -> int:
        """IdeaCreated's id in the registry, as the service registered it at start-up."""
        schema = IdeaCreated.avro_schema()
        client = RegistryClient(self.registry_url)
        try:
            subject = subject_name(IdeaCreated.__topic__, schema.full_name)
            return client.register(subject, minified(schema))  # known: its id, no new version
        finally:
            client.close()

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
        payload = frame(self._schema_registry_id(), event.to_avro())
        script.write_text(
            "BEGIN;\n"
            "INSERT INTO idea (organization_id, name, description, created_on, last_updated)"
            f" VALUES ({ORGANIZATION}, '{name}', '{description}', now(), now()) RETURNING id \\gset\n"
            "INSERT INTO outbox (id, aggregatetype, aggregateid, type, payload, schema_id,"
            " traceparent, occurred_at) VALUES (gen_random_uuid(),"
            f" '{IdeaCreated.__topic__}', :id, 'IdeaCreated',"
            f" '\\x{payload.hex()}'::bytea, '{event.avro_schema().schema_id}', NULL, now())"
            " RETURNING id AS outbox_id \\gset\n"
            "DELETE FROM outbox WHERE id = :outbox_id;\n"
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
            "events": after["events"],
            "written": written_event(after["sample"]),
            "load_average": {"before": load_before, "after": load_average()},
        }
        self.say(
            f"B1 pgbench: {result['tps']} tps, p50 {result['latency_ms']['p50']} ms, "
            f"p99 {result['latency_ms']['p99']} ms"
        )
        return result


def written_event(sample: str | None) -> dict[str, Any]:
    """What a target wrote for one event, from the WAL: the columns that must be the same on
    every target, the registry framing, and the Avro record without its idea id and time."""
    if sample is None:
        raise BenchError("no outbox INSERT was decoded from the WAL")
    values = {m["name"]: m["value"].strip("'") for m in _COLUMN.finditer(sample)}
    payload = bytes.fromhex(values["payload"].removeprefix("\\x"))
    record = fastavro.schemaless_reader(
        io.BytesIO(payload[5:]), IdeaCreated.avro_schema().parsed, None
    )
    assert isinstance(record, dict)
    return {
        "aggregatetype": values["aggregatetype"],
        "type": values["type"],
        "schema_id": values["schema_id"],
        "framing": payload[:5].hex(),
        "record": {
            k: v for k, v in record.items() if k in ("organizationId", "name", "description")
        },
    }


def same_work(written: dict[str, dict[str, Any]]) -> None:
    """Every target wrote the same event (B1 compares like with like)."""
    first, *others = written.items()
    for name, event in others:
        if event != first[1]:
            raise BenchError(f"{name} wrote {event}, but {first[0]} wrote {first[1]}")
