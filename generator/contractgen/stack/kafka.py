"""One KRaft node (broker and controller) on loopback, and the topics of the contracts."""

from __future__ import annotations

import base64
import subprocess
import time
import uuid
from collections.abc import Iterable

from confluent_kafka.admin import AdminClient, NewTopic  # type: ignore[attr-defined]

from contractgen.stack.artifacts import Artifacts, StackError
from contractgen.stack.java import java_command, write_properties
from contractgen.stack.processes import ManagedProcess


def server_properties(
    process: ManagedProcess, port: int, controller_port: int
) -> dict[str, str | int]:
    return {
        "process.roles": "broker,controller",
        "node.id": 1,
        "controller.quorum.bootstrap.servers": f"127.0.0.1:{controller_port}",
        "listeners": f"PLAINTEXT://127.0.0.1:{port},CONTROLLER://127.0.0.1:{controller_port}",
        "advertised.listeners": f"PLAINTEXT://127.0.0.1:{port}",
        "controller.listener.names": "CONTROLLER",
        "inter.broker.listener.name": "PLAINTEXT",
        "listener.security.protocol.map": "CONTROLLER:PLAINTEXT,PLAINTEXT:PLAINTEXT",
        "log.dirs": str(process.state_dir / "kafka-data"),
        "num.partitions": 1,
        "default.replication.factor": 1,
        "offsets.topic.replication.factor": 1,
        "offsets.topic.num.partitions": 5,
        "transaction.state.log.replication.factor": 1,
        "transaction.state.log.min.isr": 1,
        "share.coordinator.state.topic.replication.factor": 1,
        "share.coordinator.state.topic.min.isr": 1,
        "group.initial.rebalance.delay.ms": 0,
        # After a kill -9 the controller keeps the dead incarnation's partitions until its broker
        # session expires (9 s by default) before the restarted broker leads them again.
        "broker.session.timeout.ms": 4000,
        "broker.heartbeat.interval.ms": 1000,
        "auto.create.topics.enable": "true",
    }


def _cluster_id() -> str:
    while True:  # Kafka's own ids never start with "-" (it reads as an option)
        text = base64.urlsafe_b64encode(uuid.uuid4().bytes).decode().rstrip("=")
        if not text.startswith("-"):
            return text


def start_kafka(
    process: ManagedProcess, artifacts: Artifacts, port: int, controller_port: int
) -> None:
    config = write_properties(
        process.state_dir / "config" / "server.properties",
        server_properties(process, port, controller_port),
    )
    if not (process.state_dir / "kafka-data" / "meta.properties").is_file():
        command = java_command(
            process, artifacts, "kafka.tools.StorageTool", "format", "--standalone",
            "-t", _cluster_id(), "-c", str(config), heap="256m",
        )  # fmt: skip
        result = subprocess.run(command, capture_output=True, text=True, check=False, timeout=120)
        if result.returncode != 0:
            raise StackError(f"formatting Kafka's storage failed:\n{result.stdout}{result.stderr}")
    process.start(java_command(process, artifacts, "kafka.Kafka", str(config)))


def admin(bootstrap: str) -> AdminClient:
    # log_level 0: no "connection refused" lines on stderr while the broker is still starting.
    return AdminClient({"bootstrap.servers": bootstrap, "socket.timeout.ms": 3000, "log_level": 0})


def wait_for_kafka(process: ManagedProcess, bootstrap: str, timeout: float = 90.0) -> None:
    deadline = time.monotonic() + timeout
    client = admin(bootstrap)
    while time.monotonic() < deadline:
        if (status := process.exit_code()) is not None:
            raise StackError(
                f"Kafka exited (status {status}) while starting; the end of {process.log_file}:\n{process.log_tail()}"
            )
        try:
            metadata = client.list_topics(timeout=2)
            if metadata.brokers:
                return
        except Exception:  # not answering yet
            pass
        time.sleep(0.5)
    raise StackError(
        f"Kafka did not answer within {timeout:.0f} s; the end of {process.log_file}:\n{process.log_tail()}"
    )


def ensure_topics(bootstrap: str, topics: Iterable[tuple[str, int]]) -> list[str]:
    """Create the missing topics (name, partitions); return the names created."""
    client = admin(bootstrap)
    existing = set(client.list_topics(timeout=10).topics)
    wanted = [
        NewTopic(name, num_partitions=partitions, replication_factor=1)
        for name, partitions in topics
    ]
    missing = [topic for topic in wanted if topic.topic not in existing]
    if not missing:
        return []
    for name, future in client.create_topics(missing, operation_timeout=30).items():
        try:
            future.result()
        except Exception as error:
            if "TOPIC_ALREADY_EXISTS" not in str(error):
                raise StackError(f"creating topic {name} failed: {error}") from error
    return [topic.topic for topic in missing]
