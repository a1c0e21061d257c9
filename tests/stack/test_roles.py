"""The least-privilege roles on a real PostgreSQL (password logins over loopback): what each may
do and, above all, what it may not. Two services' databases, each migrated by its own migration
role with the services' real migrations."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import psycopg
import pytest

from contractgen.runtime.jwt import LOCAL_SECRET
from contractgen.stack.postgres import PostgresCluster
from contractgen.stack.roles import ServiceRoles, literal
from contractgen.stack.stack import Stack
from services.activity.bootstrap import SERVICE as ACTIVITY
from services.idea.bootstrap import SERVICE as IDEA

ROOT = Path(__file__).resolve().parents[2]
PUBLISHER = "roles_idea"
CONSUMER = "roles_activity"


@dataclass(frozen=True)
class Databases:
    cluster: PostgresCluster
    passwords: dict[str, str]

    def url(self, role: str, database: str, driver: str = "postgresql") -> str:
        return self.cluster.url(database, driver, role, self.passwords[role])

    def connect(self, role: str, database: str, **options: str) -> psycopg.Connection:
        return psycopg.connect(self.url(role, database), autocommit=True, **options)  # type: ignore[arg-type]


@pytest.fixture(scope="module")
def databases(postgres: PostgresCluster) -> Iterator[Databases]:
    idea, activity = ServiceRoles(PUBLISHER, publishes=True), ServiceRoles(CONSUMER, False)
    passwords = {name: f"pw-{name}" for roles in (idea, activity) for name in roles.names()}
    found = Databases(postgres, passwords)
    for roles, migrate in ((idea, IDEA.migrate), (activity, ACTIVITY.migrate)):
        postgres.drop_database(roles.service)
        postgres.create_database(roles.service)
        postgres.psql(roles.cluster_sql({n: literal(p) for n, p in passwords.items()}))
        postgres.psql(roles.database_sql(), database=roles.service)
        migrate(found.url(roles.migration, roles.service, "postgresql+psycopg"))
        postgres.psql(roles.publication_sql(), database=roles.service)
    yield found
    for roles in (idea, activity):
        postgres.drop_database(roles.service)


def refused(action: Callable[[], object]) -> str:
    with pytest.raises(psycopg.Error) as caught:
        action()
    return str(caught.value)


def test_the_runtime_role_does_its_dml(databases: Databases) -> None:
    with databases.connect(f"{PUBLISHER}_runtime", PUBLISHER) as db:
        row = db.execute(
            "INSERT INTO idea (organization_id, name, description, created_on, last_updated)"
            " VALUES (1, 'n', 'd', now(), now()) RETURNING id"
        ).fetchone()
        assert row is not None
        db.execute("UPDATE idea SET name = 'm' WHERE id = %s", row)
        assert db.execute("SELECT name FROM idea WHERE id = %s", row).fetchone() == ("m",)
        db.execute(
            "INSERT INTO outbox (id, aggregatetype, aggregateid, type, payload, schema_id,"
            " occurred_at) VALUES (gen_random_uuid(), 't', '1', 'IdeaCreated', '\\x00', '1', now())"
        )
        db.execute("DELETE FROM outbox")
        db.execute("DELETE FROM idea WHERE id = %s", row)


@pytest.mark.parametrize(
    "statement",
    [
        "DROP TABLE idea",
        "ALTER TABLE idea ADD COLUMN sneaky text",
        "TRUNCATE idea",
        "CREATE TABLE planted (id int)",
        "CREATE TEMP TABLE planted (id int)",
        "DROP PUBLICATION roles_idea_outbox",
        "CREATE INDEX planted ON idea (name)",
        "CREATE FUNCTION planted() RETURNS int LANGUAGE sql AS 'SELECT 1'",
    ],
)
def test_the_runtime_role_runs_no_ddl(databases: Databases, statement: str) -> None:
    with databases.connect(f"{PUBLISHER}_runtime", PUBLISHER) as db:
        message = refused(lambda: db.execute(statement))
    assert "permission denied" in message or "must be owner" in message, message


def test_no_role_reaches_another_services_database(databases: Databases) -> None:
    for role in (f"{PUBLISHER}_runtime", f"{PUBLISHER}_replication", f"{PUBLISHER}_migration"):
        message = refused(lambda role=role: databases.connect(role, CONSUMER))  # type: ignore[misc]
        assert f'permission denied for database "{CONSUMER}"' in message, message
    message = refused(lambda: databases.connect(f"{CONSUMER}_runtime", PUBLISHER))
    assert f'permission denied for database "{PUBLISHER}"' in message


def test_a_wrong_password_is_refused(databases: Databases) -> None:
    url = databases.cluster.url(PUBLISHER, "postgresql", f"{PUBLISHER}_runtime", "guessed")
    assert "password authentication failed" in refused(lambda: psycopg.connect(url))


def test_the_replication_role_reads_the_outbox_and_nothing_else(databases: Databases) -> None:
    with databases.connect(f"{PUBLISHER}_replication", PUBLISHER) as db:
        db.execute("SELECT * FROM outbox").fetchall()
        for statement in (
            "SELECT * FROM idea",
            "SELECT * FROM alembic_version",
            "INSERT INTO outbox (id) VALUES (gen_random_uuid())",
            "DELETE FROM outbox",
            "CREATE PUBLICATION everything FOR TABLE idea",
        ):
            message = refused(lambda statement=statement: db.execute(statement))  # type: ignore[misc]
            assert "permission denied" in message or "must be owner" in message, message


def test_the_replication_role_streams_the_publication_as_debezium_does(
    databases: Databases,
) -> None:
    """A logical slot on its own database through the pgoutput plugin and the owner-made
    publication: what the connector does with autocreate disabled. The outbox row is deleted in
    its own transaction, as the unit of work does: the publication carries the insert only."""
    role = f"{PUBLISHER}_replication"
    with databases.connect(role, PUBLISHER) as db:
        db.execute("SELECT pg_create_logical_replication_slot('roles_test', 'pgoutput')")
        try:
            with (
                databases.connect(f"{PUBLISHER}_runtime", PUBLISHER) as runtime,
                runtime.transaction(),
            ):
                runtime.execute(
                    "INSERT INTO outbox (id, aggregatetype, aggregateid, type, payload,"
                    " schema_id, occurred_at) VALUES (gen_random_uuid(), 'topic', '42',"
                    " 'IdeaCreated', '\\xcafe', '1', now())"
                )
                runtime.execute("DELETE FROM outbox")
            changes = db.execute(
                "SELECT data FROM pg_logical_slot_get_binary_changes('roles_test', NULL, NULL,"
                " 'proto_version', '1', 'publication_names', 'roles_idea_outbox')"
            ).fetchall()
        finally:
            db.execute("SELECT pg_drop_replication_slot('roles_test')")
    # pgoutput: B(egin), R(elation outbox), I(nsert), C(ommit); no D(elete)
    kinds = [bytes(data)[:1] for (data,) in changes]
    assert kinds == [b"B", b"R", b"I", b"C"], kinds
    assert b"outbox" in bytes(changes[1][0])


def test_physical_replication_is_the_superusers_only(databases: Databases) -> None:
    """A physical stream is a copy of every database; pg_hba refuses it to the service roles."""
    role = f"{PUBLISHER}_replication"
    message = refused(lambda: databases.connect(role, PUBLISHER, replication="true"))
    assert "pg_hba.conf" in message, message


@pytest.mark.stack
def test_each_process_of_the_stack_holds_only_its_own_logins(stack: Stack) -> None:
    """The stack passes every setting explicitly, and a service's database passwords to that
    service's processes only."""
    for app, process in stack.apps.values():
        pid = process.pid()
        assert pid is not None, app.name
        raw = Path(f"/proc/{pid}/environ").read_bytes().decode().split("\0")
        environ = dict(entry.split("=", 1) for entry in raw if "=" in entry)
        prefix = app.service.upper()
        logins = {key for key in environ if key.endswith("DATABASE_URL")}
        assert logins == {f"{prefix}_DATABASE_URL", f"{prefix}_MIGRATION_DATABASE_URL"}, app.name
        assert f"//{app.service}_runtime:" in environ[f"{prefix}_DATABASE_URL"]
        assert f"//{app.service}_migration:" in environ[f"{prefix}_MIGRATION_DATABASE_URL"]
        assert environ["JWT_SECRET"] == LOCAL_SECRET
        assert environ["KAFKA_BOOTSTRAP_SERVERS"] == stack.bootstrap
