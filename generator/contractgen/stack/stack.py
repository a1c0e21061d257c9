"""The embedded stack: PostgreSQL, Kafka (KRaft) and Kafka Connect with Debezium, no Docker;
then the platform's own services and consumers on top of it."""

from __future__ import annotations

import hashlib
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from contractgen.runtime.jwt import LOCAL_SECRET
from contractgen.spec.project import Project
from contractgen.stack import connect, kafka, registry
from contractgen.stack.apps import App, platform_apps, start_app, wait_for_app
from contractgen.stack.artifacts import StackError, ensure_artifacts
from contractgen.stack.ports import Ports
from contractgen.stack.postgres import PostgresCluster, PostgresError, port_is_free
from contractgen.stack.processes import ManagedProcess
from contractgen.stack.roles import Passwords, ServiceRoles, literal
from contractgen.topics import dead_letter_topic


@dataclass
class Stack:
    state_dir: Path
    project: Project
    ports: Ports = field(default_factory=Ports)
    say: Callable[[str], None] = print
    # Where services/ and generated/ live: the apps run from here.
    root: Path = field(default_factory=Path.cwd)

    def __post_init__(self) -> None:
        self.state_dir = self.state_dir.resolve()
        self.root = self.root.resolve()
        self.kafka = ManagedProcess("kafka", self.state_dir)
        self.connect = ManagedProcess("connect", self.state_dir)
        self.passwords = Passwords(self.state_dir / "secrets" / "postgres-roles.json")
        self.roles = {
            service.name: ServiceRoles(
                service.name, bool(service.asyncapi and service.asyncapi.sent)
            )
            for service in self.project.services
        }
        # The services that publish nothing and the registry share the main cluster. Each
        # service whose outbox Debezium reads has a cluster of its own, on the ports after the
        # main one (in name order), as it has a database server of its own in production:
        # logical decoding reads its whole cluster's WAL, so a connector sharing one is woken by
        # every other database's commits (measured on 2 cores: with 5,000 events/s into one
        # outbox, an idle connector and its walsender sharing that cluster took ~19 % of a core).
        self.postgres = PostgresCluster(self.state_dir / "postgres", self.ports.postgres)
        publishers = sorted(name for name, roles in self.roles.items() if roles.replication)
        self.own_clusters = {
            name: PostgresCluster(self.state_dir / f"postgres-{name}", self.ports.postgres + n)
            for n, name in enumerate(publishers, start=1)
        }
        self.registry = ManagedProcess("registry", self.state_dir)
        self.apps = {
            app.name: (app, ManagedProcess(app.name, self.state_dir))
            for app in platform_apps(self.project, self.ports.apps_offset)
        }

    def app_url(self, name: str) -> str:
        url = self.apps[name][0].url
        if url is None:
            raise KeyError(f"{name} serves no HTTP")
        return url

    def service_urls(self) -> dict[str, str]:
        """Each service that serves HTTP, by name, at its base URL."""
        return {app.name: app.url for app, _ in self.apps.values() if app.url}

    def process(self, name: str) -> ManagedProcess:
        """A part of the stack by name: kafka, connect, a service or a consumer."""
        if name in self.apps:
            return self.apps[name][1]
        return {"kafka": self.kafka, "connect": self.connect, "registry": self.registry}[name]

    @property
    def bootstrap(self) -> str:
        return f"127.0.0.1:{self.ports.kafka}"

    @property
    def connect_url(self) -> str:
        return f"http://127.0.0.1:{self.ports.connect}"

    @property
    def registry_url(self) -> str:
        """The schema registry's Confluent-compatible API."""
        return registry.registry_url(self.ports.registry_port)

    @property
    def services(self) -> list[str]:
        return [service.name for service in self.project.services]

    @property
    def clusters(self) -> dict[str, PostgresCluster]:
        """Every PostgreSQL cluster of the stack by name: `postgres` (the main one), then
        `postgres-<service>` for each publishing service."""
        own = {f"postgres-{name}": cluster for name, cluster in self.own_clusters.items()}
        return {"postgres": self.postgres, **own}

    def postgres_for(self, database: str) -> PostgresCluster:
        """The cluster that holds `database` (a service's, or another on the main cluster)."""
        return self.own_clusters.get(database, self.postgres)

    def database_url(self, service: str, driver: str = "postgresql+psycopg") -> str:
        """The superuser's URL of a service's database (tests and benchmarks look inside)."""
        return self.postgres_for(service).url(service, driver)

    def role_url(self, role: str, database: str, driver: str = "postgresql+psycopg") -> str:
        """A role's URL with its password: what the services and Debezium log in as."""
        return self.postgres_for(database).url(database, driver, role, self.passwords.get(role))

    def connect_env(self) -> dict[str, str]:
        """What the generated connectors' ${env:...} placeholders resolve to: each publishing
        service's replication role."""
        env = {"KAFKA_BOOTSTRAP_SERVERS": self.bootstrap}
        for name, roles in self.roles.items():
            if roles.replication is None:
                continue
            prefix = name.upper()
            cluster = self.postgres_for(name)
            env |= {
                f"{prefix}_DB_HOST": cluster.host,
                f"{prefix}_DB_PORT": str(cluster.port),
                f"{prefix}_DB_USER": roles.replication,
                f"{prefix}_DB_PASSWORD": self.passwords.get(roles.replication),
                f"{prefix}_DB_NAME": name,
            }
        return env

    def app_env(self, service: str | None = None) -> dict[str, str]:
        """Every setting a service and its consumer read (see services/*/settings.py), spelled
        out: nothing is left to a default. With `service`, only that service's logins: no
        process holds another service's database password. The JWT secret is the local
        development one, on purpose and only here."""
        env = {
            "KAFKA_BOOTSTRAP_SERVERS": self.bootstrap,
            "JWT_SECRET": LOCAL_SECRET,
            "SCHEMA_REGISTRY_URL": self.registry_url,
        }
        for name, roles in self.roles.items():
            if service is not None and name != service:
                continue
            prefix = name.upper()
            env[f"{prefix}_DATABASE_URL"] = self.role_url(roles.runtime, name)
            env[f"{prefix}_MIGRATION_DATABASE_URL"] = self.role_url(roles.migration, name)
            if any(app.service == name and not app.port for app, _ in self.apps.values()):
                env[f"{prefix}_CONSUMER_GROUP"] = name  # a consumer's group: its service's name
        return env

    def topics(self) -> list[tuple[str, int]]:
        """Every channel of the contracts, and a dead-letter topic for each one consumed."""
        topics: dict[str, int] = {}
        for service in self.project.services:
            if service.asyncapi is None:
                continue
            for channel in service.asyncapi.channels:
                topics[channel.address] = channel.partitions
            for channel, _ in service.asyncapi.received:
                topics[dead_letter_topic(channel.address)] = 1
        return sorted(topics.items())

    def up(self, apps: bool = True) -> None:
        """Start whatever is not running yet and wait until every part answers. Idempotent.

        With `apps`, also the services (each migrating its database first), the connectors of
        their outboxes, and the consumers. After a crash it brings back only what died: a part
        that runs is checked with one cheap request, not restarted or re-registered."""
        self.state_dir.mkdir(parents=True, exist_ok=True)
        self._check_ports(apps)
        self.ports.save(self.state_dir)
        artifacts = ensure_artifacts(self.say)
        clock = time.monotonic()
        try:
            clusters = self.clusters.values()
            running = all(cluster.initialized() and cluster.running() for cluster in clusters)
            for cluster in clusters:
                cluster.start()
            self.provision_databases()
        except PostgresError as error:
            raise StackError(str(error)) from error
        where = ", ".join(
            f"{cluster.port} ({', '.join(databases)})"
            for cluster, databases in self._databases_by_cluster()
        )
        self.say(
            f"postgres   {'ready' if running else 'started'} on 127.0.0.1:{where} {_since(clock)}"
        )
        clock = time.monotonic()
        action = "ready"
        self._start_registry()  # starts while Kafka and Connect do; waited for below
        if self.kafka.pid() is None:
            kafka.start_kafka(self.kafka, artifacts, self.ports.kafka, self.ports.controller)
            action = "started"
        kafka.wait_for_kafka(self.kafka, self.bootstrap)
        created = kafka.ensure_topics(self.bootstrap, self.topics())
        self.say(
            f"kafka      {action} on {self.bootstrap} ({len(created)} topics created) {_since(clock)}"
        )
        clock = time.monotonic()
        action = "ready"
        if self.connect.pid() is None:
            connect.start_connect(
                self.connect, artifacts, self.bootstrap, self.ports.connect, self.connect_env()
            )
            action = "started"
        connect.wait_for_connect(self.connect, self.connect_url)
        debezium = connect.POSTGRES_CONNECTOR.rsplit(".", 1)[1]
        self.say(f"connect    {action} on {self.connect_url} ({debezium}) {_since(clock)}")
        registry.wait_for_registry(self.registry, self.ports.registry_port)
        self.say(f"registry   ready on {self.registry_url} (Apicurio {registry.APICURIO_VERSION})")
        if apps:
            self.start_apps()

    def _start_registry(self) -> None:
        """Apicurio, its data in the stack's PostgreSQL (database `schema_registry`), so that
        schema ids survive a restart like the events that carry them."""
        if self.registry.pid() is not None:
            return
        app = registry.ensure_apicurio(self.say)
        try:
            self.postgres.create_database(registry.DATABASE)
        except PostgresError as error:
            raise StackError(str(error)) from error
        jdbc = f"jdbc:postgresql://{self.postgres.host}:{self.postgres.port}/{registry.DATABASE}"
        registry.start_registry(
            self.registry, app, self.ports.registry_port, (jdbc, self.postgres.user, "")
        )

    def start_apps(self) -> None:
        """Services first (their migrations create the outboxes), then the connectors reading those
        outboxes, then the consumers."""
        services = [entry for entry in self.apps.values() if entry[0].port]
        consumers = [entry for entry in self.apps.values() if not entry[0].port]
        self._start(services)
        self.register_connectors(self.root / "generated")
        self._start(consumers)

    def _start(self, entries: list[tuple[App, ManagedProcess]]) -> None:
        clock = time.monotonic()
        started = set()
        for app, process in entries:
            if process.pid() is None:
                start_app(process, app, self.root, self.app_env(app.service))
                started.add(app.name)
        for app, process in entries:
            # A running consumer has nothing to answer; a running service answers /readyz at once.
            if app.url or app.name in started:
                wait_for_app(process, app)
            action = "started" if app.name in started else "ready"
            where = f"on {app.url}" if app.url else f"(pid {process.pid()})"
            self.say(f"{app.name:<10} {action} {where} {_since(clock)}")

    def _databases_by_cluster(self) -> list[tuple[PostgresCluster, list[str]]]:
        main = [name for name in self.services if name not in self.own_clusters]
        return [(self.postgres, main)] + [
            (cluster, [name]) for name, cluster in self.own_clusters.items()
        ]

    def provision_databases(self) -> None:
        """Each service's database, roles and grants (see contractgen.stack.roles), in its
        cluster. The grants run again only when a database or role is missing or what they say
        has changed."""
        all_roles = list(self.roles.values())
        wanted = hashlib.sha256(
            "".join(
                r.cluster_sql(dict.fromkeys(r.names(), "")) + r.database_sql() for r in all_roles
            ).encode()
        ).hexdigest()
        marker = self.state_dir / "secrets" / "postgres-grants"
        found = {
            cluster.port: set(
                cluster.psql(
                    "SELECT datname FROM pg_database UNION ALL SELECT rolname FROM pg_roles"
                ).split()
            )
            for cluster in self.clusters.values()
        }

        def present(roles: ServiceRoles) -> bool:
            there = found[self.postgres_for(roles.service).port]
            return {roles.service, *roles.names()} <= there

        done = marker.is_file() and marker.read_text(encoding="utf-8") == wanted
        if done and all(present(roles) for roles in all_roles):
            return
        for roles in all_roles:
            cluster = self.postgres_for(roles.service)
            if roles.service not in found[cluster.port]:
                cluster.create_database(roles.service)
            passwords = {name: literal(self.passwords.get(name)) for name in roles.names()}
            cluster.psql(roles.cluster_sql(passwords))
            cluster.psql(roles.database_sql(), database=roles.service)
        marker.write_text(wanted, encoding="utf-8")

    def create_publications(self) -> None:
        """Each publisher's outbox publication, owned by its migration role; after the
        migrations, which create the outboxes."""
        for roles in self.roles.values():
            if roles.replication is not None:
                cluster = self.postgres_for(roles.service)
                cluster.psql(roles.publication_sql(), database=roles.service)

    def register_connectors(self, generated: Path) -> list[str]:
        """Every generated PostgreSQL connector RUNNING; their outbox tables must exist. A
        connector that runs with the wanted config is left alone."""
        clock = time.monotonic()
        wanted = connect.local_connectors(generated)
        known = connect.running_connectors(self.connect_url)
        if any(not _runs(known.get(c["name"])) for c in wanted):
            self.create_publications()
        for connector in wanted:
            done = connect.ensure(self.connect_url, connector, known)
            self.say(f"connector  {connector['name']} RUNNING ({done}) {_since(clock)}")
        return [connector["name"] for connector in wanted]

    def down(self) -> None:
        """Stop exactly what this stack started: consumers and services, then Connect, Kafka and
        PostgreSQL. Data stays in the state folder for the next `up`."""
        consumers_first = sorted(self.apps.values(), key=lambda entry: entry[0].port is not None)
        parts = [self.connect, self.kafka, self.registry]
        for process in [p for _, p in consumers_first] + parts:
            if process.stop():
                self.say(f"{process.name:<10} stopped")
        for name, cluster in self.clusters.items():
            if cluster.initialized() and cluster.running():
                cluster.stop()
                self.say(f"{name:<10} stopped")

    def status(self) -> dict[str, str]:
        report: dict[str, str] = {}
        for name, cluster in self.clusters.items():
            pg = "running" if cluster.initialized() and cluster.running() else "stopped"
            report[name] = f"{pg} (127.0.0.1:{cluster.port})"
        for process, port in (
            (self.kafka, self.ports.kafka),
            (self.connect, self.ports.connect),
            (self.registry, self.ports.registry_port),
        ):
            pid = process.pid()
            report[process.name] = f"running (pid {pid}, 127.0.0.1:{port})" if pid else "stopped"
        for app, process in self.apps.values():
            pid = process.pid()
            where = f", {app.url}" if app.url else ""
            report[app.name] = f"running (pid {pid}{where})" if pid else "stopped"
        return report

    def _check_ports(self, apps: bool) -> None:
        """A port that is taken by something other than our own part is an error, not a hang."""
        ours = {
            cluster.port: cluster.initialized() and cluster.running()
            for cluster in self.clusters.values()
        }
        ours |= {
            self.ports.kafka: self.kafka.pid() is not None,
            self.ports.controller: self.kafka.pid() is not None,
            self.ports.connect: self.connect.pid() is not None,
            self.ports.registry_port: self.registry.pid() is not None,
            self.ports.registry_port + 1: self.registry.pid() is not None,
        }
        if apps:
            ours |= {
                app.port: proc.pid() is not None for app, proc in self.apps.values() if app.port
            }
        for port, running in ours.items():
            if not running and not _freed(port):
                raise StackError(
                    f"port {port} on 127.0.0.1 is taken by another program; stop it or choose other ports"
                )


def _freed(port: int, grace: float = 5.0) -> bool:
    """Whether the port is free, allowing a part that was just killed a moment to let go of it:
    a JVM's main thread is a zombie before its other threads have closed their sockets."""
    deadline = time.monotonic() + grace
    while not port_is_free(port):
        if time.monotonic() > deadline:
            return False
        time.sleep(0.1)
    return True


def _since(clock: float) -> str:
    return f"in {time.monotonic() - clock:.1f} s"


def _runs(connector: dict[str, Any] | None) -> bool:
    return connector is not None and connector["status"]["connector"]["state"] == "RUNNING"
