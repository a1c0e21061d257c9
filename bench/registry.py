"""B1's schema registry: the stack's Apicurio, on B1's own ports, its data in B1's PostgreSQL.

The generated service frames each event with the schema id a real registry gave it, as in
production (`contractgen serve` refuses to start without one), and the baseline is handed the
same registry so that both sides send the same bytes. Ports: 22081 (+ 1 for Apicurio's management
port) + BENCH_PORT_SHIFT, clear of B1's HTTP ports and of the stack benchmark's (bench/stack_session).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

from bench.procs import PORT_SHIFT
from contractgen.stack import registry
from contractgen.stack.postgres import PostgresCluster
from contractgen.stack.processes import ManagedProcess

REGISTRY_PORT = 22081 + PORT_SHIFT


@contextmanager
def running_registry(
    state: Path, cluster: PostgresCluster, say: Callable[[str], None]
) -> Iterator[str]:
    """A fresh Apicurio (its database dropped first); yields its Confluent-compatible URL."""
    app = registry.ensure_apicurio(say)
    process = ManagedProcess("registry", state)
    process.stop()  # whatever an interrupted run of this folder left behind
    cluster.drop_database(registry.DATABASE)
    cluster.create_database(registry.DATABASE)
    jdbc = f"jdbc:postgresql://{cluster.host}:{cluster.port}/{registry.DATABASE}"
    say(f"B1 registry: starting Apicurio {registry.APICURIO_VERSION} on {REGISTRY_PORT}")
    registry.start_registry(process, app, REGISTRY_PORT, (jdbc, cluster.user, ""))
    try:
        registry.wait_for_registry(process, REGISTRY_PORT)
        yield registry.registry_url(REGISTRY_PORT)
    finally:
        process.stop()
