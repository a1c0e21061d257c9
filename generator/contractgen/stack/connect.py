"""Kafka Connect in distributed mode with Debezium, and the generated connectors registered on it."""

from __future__ import annotations

import json
import time
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import httpx

from contractgen.stack.artifacts import Artifacts, StackError
from contractgen.stack.java import java_command, write_properties
from contractgen.stack.processes import ManagedProcess

POSTGRES_CONNECTOR = "io.debezium.connector.postgresql.PostgresConnector"


def worker_properties(
    artifacts: Artifacts, bootstrap: str, port: int, group: str
) -> dict[str, str | int]:
    return {
        "bootstrap.servers": bootstrap,
        "group.id": group,
        "listeners": f"http://127.0.0.1:{port}",
        "rest.advertised.host.name": "127.0.0.1",
        "rest.advertised.port": port,
        "key.converter": "org.apache.kafka.connect.storage.StringConverter",
        "value.converter": "org.apache.kafka.connect.json.JsonConverter",
        "config.storage.topic": f"_{group}-configs",
        "offset.storage.topic": f"_{group}-offsets",
        "status.storage.topic": f"_{group}-status",
        "config.storage.replication.factor": 1,
        "offset.storage.replication.factor": 1,
        "status.storage.replication.factor": 1,
        "offset.storage.partitions": 5,
        "status.storage.partitions": 1,
        # Fewer replays after a crash: Connect commits source offsets every second, not 60 s.
        "offset.flush.interval.ms": 1000,
        "plugin.path": str(artifacts.plugins),
        # Find plugins by their ServiceLoader manifests (Debezium ships them) instead of scanning
        # every class of every jar: a faster start, above all on a busy machine after a crash.
        "plugin.discovery": "service_load",
        # The generated connector configs name their databases as ${env:IDEA_DB_HOST} etc.
        "config.providers": "env",
        "config.providers.env.class": "org.apache.kafka.common.config.provider.EnvVarConfigProvider",
        "scheduled.rebalance.max.delay.ms": 0,
        # A killed worker's connectors move to its successor once its group session expires.
        "session.timeout.ms": 6000,
        "heartbeat.interval.ms": 2000,
        # Debezium hands events over in batches: the producer waits up to 5 ms (Kafka 4's default)
        # and packs up to 256 KiB per partition in one request. At 5,000 events/s that took the
        # broker's CPU per event from ~32 to ~23 us (B3, bench/README.md), for at most 5 ms more
        # latency (B2's p99 stays well under its 50 ms).
        "producer.linger.ms": 5,
        "producer.batch.size": 262144,
    }


def start_connect(
    process: ManagedProcess,
    artifacts: Artifacts,
    bootstrap: str,
    port: int,
    env: Mapping[str, str],
) -> None:
    config = write_properties(
        process.state_dir / "config" / "connect-distributed.properties",
        worker_properties(artifacts, bootstrap, port, "connect"),
    )
    command = java_command(
        process, artifacts, "org.apache.kafka.connect.cli.ConnectDistributed", str(config)
    )
    process.start(command, env)


def wait_for_connect(process: ManagedProcess, url: str, timeout: float = 120.0) -> None:
    """Ready when Debezium is among the plugins and /health (Kafka 3.9+) says the worker has
    joined its group and read its configs; before that, connector statuses are stale."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if (status := process.exit_code()) is not None:
            raise StackError(
                f"Kafka Connect exited (status {status}) while starting; the end of {process.log_file}:\n{process.log_tail()}"
            )
        try:
            plugins = httpx.get(f"{url}/connector-plugins", timeout=2).json()
            debezium = any(p.get("class") == POSTGRES_CONNECTOR for p in plugins)
            if debezium and httpx.get(f"{url}/health", timeout=2).status_code == 200:
                return
        except (httpx.HTTPError, ValueError):
            pass
        time.sleep(0.5)
    raise StackError(
        f"Kafka Connect was not ready with Debezium within {timeout:.0f} s; "
        f"the end of {process.log_file}:\n{process.log_tail()}"
    )


def local_connectors(generated: Path) -> list[dict[str, Any]]:
    """Every generated PostgreSQL connector (the SQL Server variants are for production)."""
    connectors = []
    for path in sorted(generated.glob("*/connect/*.json")):
        connector = json.loads(path.read_text(encoding="utf-8"))
        if connector["config"].get("connector.class") == POSTGRES_CONNECTOR:
            connectors.append(connector)
    return connectors


def running_connectors(url: str) -> dict[str, dict[str, Any]]:
    """Each connector Connect knows, with its config and status, in one request."""
    try:
        response = httpx.get(f"{url}/connectors?expand=status&expand=info", timeout=10)
    except httpx.HTTPError:
        return {}
    return dict(response.json()) if response.status_code == 200 else {}


def _states(status: Mapping[str, Any]) -> list[str]:
    return [status["connector"]["state"], *(t["state"] for t in status.get("tasks", []))]


def ensure(
    url: str, connector: Mapping[str, Any], known: Mapping[str, Any], timeout: float = 60.0
) -> str:
    """Bring one connector to RUNNING with the wanted config, doing no more than it takes:
    nothing when it already runs so; a restart of what failed; a wait while a restarted worker
    assigns it; a PUT only when the config differs or it is unknown. Returns what was done."""
    name = connector["name"]
    current = known.get(name)
    if current is not None and current["info"]["config"] == {**connector["config"], "name": name}:
        states = _states(current["status"])
        if current["status"].get("tasks") and set(states) == {"RUNNING"}:
            return "running"
        if "FAILED" in states:
            httpx.post(
                f"{url}/connectors/{name}/restart?includeTasks=true&onlyFailed=true", timeout=30
            ).raise_for_status()
            _wait_running(url, name, timeout)
            return "restarted"
        _wait_running(url, name, timeout)
        return "resumed"
    register(url, connector, timeout)
    return "registered"


def register(url: str, connector: Mapping[str, Any], timeout: float = 60.0) -> None:
    """Create or update (idempotent PUT), then wait until the connector and its task run."""
    name = connector["name"]
    response = httpx.put(f"{url}/connectors/{name}/config", json=connector["config"], timeout=30)
    if response.status_code >= 300:
        raise StackError(
            f"registering connector {name} failed ({response.status_code}): {response.text}"
        )
    _wait_running(url, name, timeout)


def _wait_running(url: str, name: str, timeout: float) -> None:
    deadline = time.monotonic() + timeout
    status: dict[str, Any] = {}
    while time.monotonic() < deadline:
        response = httpx.get(f"{url}/connectors/{name}/status", timeout=5)
        if response.status_code == 200:
            status = response.json()
            states = _states(status)
            if "FAILED" in states:
                trace = status["connector"].get("trace") or next(
                    (t.get("trace") for t in status["tasks"] if t.get("trace")), ""
                )
                raise StackError(f"connector {name} failed:\n{str(trace)[:3000]}")
            if status.get("tasks") and set(states) == {"RUNNING"}:
                return
        time.sleep(0.5)
    raise StackError(f"connector {name} did not reach RUNNING within {timeout:.0f} s: {status}")
