"""Least-privilege PostgreSQL roles per service, as the embedded stack creates them.

Per service database:

* `<service>_migration` owns the database, its schema and every table: it runs the migrations (DDL)
  and, once the outbox exists, owns the publication Debezium reads;
* `<service>_runtime` may connect to its own database only and do DML (SELECT, INSERT, UPDATE,
  DELETE on tables; USAGE, SELECT on sequences), granted as default privileges of the migration role
  so that tables of later migrations are covered without another grant;
* `<service>_replication` (services that publish events) has REPLICATION and SELECT on the outbox
  only; it streams from the publication the migration role made (no autocreate, which would need
  ownership of the table).

CONNECT on each database is revoked from PUBLIC, so no role reaches another service's database.
The generator renders the same names and grants into the compose scripts
(`gen/compose.py`: generated/deploy/compose/postgres/*.sql); terraform/modules/sql/roles.tf
makes them on Azure.
"""

from __future__ import annotations

import json
import os
import secrets
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from contractgen.gen.connectors import publication_name
from contractgen.outbox_wire import OUTBOX_TABLE


@dataclass(frozen=True)
class ServiceRoles:
    service: str
    publishes: bool

    @property
    def migration(self) -> str:
        return f"{self.service}_migration"

    @property
    def runtime(self) -> str:
        return f"{self.service}_runtime"

    @property
    def replication(self) -> str | None:
        return f"{self.service}_replication" if self.publishes else None

    @property
    def publication(self) -> str:
        return publication_name(self.service)

    def names(self) -> list[str]:
        return [n for n in (self.migration, self.runtime, self.replication) if n]

    def cluster_sql(self, passwords: Mapping[str, str]) -> str:
        """Run in the `postgres` database: the roles and who may connect. `passwords` maps each
        role to a SQL expression of its password: a literal (`literal(...)`) or, in a psql
        script, a variable (`:'idea_runtime_password'`)."""
        db = self.service
        statements = [
            f"DO $$ BEGIN IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = '{name}') "
            f'THEN CREATE ROLE "{name}"; END IF; END $$;'
            for name in self.names()
        ]
        for name in self.names():
            replication = "REPLICATION" if name == self.replication else "NOREPLICATION"
            statements.append(
                f'ALTER ROLE "{name}" WITH LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE NOINHERIT '
                f"{replication} PASSWORD {passwords[name]};"
            )
        connectors = ", ".join(f'"{n}"' for n in self.names() if n != self.migration)
        statements += [
            f'ALTER DATABASE "{db}" OWNER TO "{self.migration}";',
            f'REVOKE ALL ON DATABASE "{db}" FROM PUBLIC;',
            f'GRANT CONNECT ON DATABASE "{db}" TO {connectors};',
        ]
        return "\n".join(statements)

    def database_sql(self) -> str:
        """Run in the service's database as a superuser: schema ownership and the runtime's grants.

        Tables that an older stack migrated as the superuser are handed to the migration role."""
        m, r = self.migration, self.runtime
        grantees = ", ".join(f'"{n}"' for n in self.names() if n != m)
        return f"""
            ALTER SCHEMA public OWNER TO "{m}";
            REVOKE CREATE ON SCHEMA public FROM PUBLIC;
            GRANT USAGE ON SCHEMA public TO {grantees};
            DO $$ DECLARE t record; BEGIN
                FOR t IN SELECT c.relname FROM pg_class c
                         JOIN pg_namespace n ON n.oid = c.relnamespace
                         WHERE n.nspname = 'public' AND c.relkind IN ('r', 'p')
                           AND pg_get_userbyid(c.relowner) <> '{m}' LOOP
                    EXECUTE format('ALTER TABLE public.%I OWNER TO "{m}"', t.relname);
                END LOOP; END $$;
            ALTER DEFAULT PRIVILEGES FOR ROLE "{m}" IN SCHEMA public
                GRANT SELECT, INSERT, UPDATE, DELETE ON TABLES TO "{r}";
            ALTER DEFAULT PRIVILEGES FOR ROLE "{m}" IN SCHEMA public
                GRANT USAGE, SELECT ON SEQUENCES TO "{r}";
            GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA public TO "{r}";
            GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA public TO "{r}";
        """

    def publication_sql(self) -> str:
        """After the migrations made the outbox: the publication (owned by the migration role)
        and the replication role's one grant. Idempotent.

        Inserts only: the unit of work deletes each outbox row in the transaction that inserted
        it, and a publication of deletes would have the walsender decode and send every one of
        them to Debezium, which only skips them (`skipped.operations`). The ALTER brings a
        publication made before this to the same."""
        if self.replication is None:
            return ""
        return f"""
            SET ROLE "{self.migration}";
            DO $$ BEGIN
                IF NOT EXISTS (SELECT FROM pg_publication WHERE pubname = '{self.publication}') THEN
                    CREATE PUBLICATION "{self.publication}" FOR TABLE public.{OUTBOX_TABLE}
                        WITH (publish = 'insert');
                END IF; END $$;
            ALTER PUBLICATION "{self.publication}" SET (publish = 'insert');
            GRANT SELECT ON public.{OUTBOX_TABLE} TO "{self.replication}";
            RESET ROLE;
        """


def literal(text: str) -> str:
    """A SQL string literal."""
    return "'" + text.replace("'", "''") + "'"


class Passwords:
    """One random password per role, kept (mode 0600) in the stack's state folder so that a
    restarted stack and Kafka Connect's environment agree."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self._known: dict[str, str] | None = None

    def get(self, role: str) -> str:
        known = self._load()
        if role not in known:
            known[role] = secrets.token_urlsafe(24)
            self.path.parent.mkdir(parents=True, exist_ok=True)
            fd = os.open(self.path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
            with os.fdopen(fd, "w", encoding="utf-8") as out:
                json.dump(known, out, indent=2, sort_keys=True)
        return known[role]

    def _load(self) -> dict[str, str]:
        if self._known is None:
            try:
                self._known = dict(json.loads(self.path.read_text(encoding="utf-8")))
            except (OSError, ValueError):
                self._known = {}
        return self._known
