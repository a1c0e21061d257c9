"""Configuration from the environment.

`ACTIVITY_DATABASE_URL` (the runtime login: DML only) and `ACTIVITY_MIGRATION_DATABASE_URL` (the
login that owns the schema, used by `--migrate`; defaults to the first): SQLAlchemy URLs;
``postgresql+psycopg`` serves the async app and the
blocking migrations alike. JWT verification comes from `JWT_SECRET` or `JWT_PUBLIC_KEYS` (see
`JwtSettings.from_env`). The consumer reads from `KAFKA_BOOTSTRAP_SERVERS` in the consumer group
`ACTIVITY_CONSUMER_GROUP`; a managed Kafka's credentials come from `KAFKA_SECURITY_PROTOCOL`,
`KAFKA_SASL_MECHANISM`, `KAFKA_SASL_USERNAME` and `KAFKA_SASL_PASSWORD`.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass, field

from contractgen.runtime.jwt import JwtSettings
from contractgen.runtime.kafka_consumer import kafka_security_from_env

DEFAULT_DATABASE_URL = "postgresql+psycopg://postgres@127.0.0.1:5432/activity"
DEFAULT_KAFKA_BOOTSTRAP_SERVERS = "127.0.0.1:9092"
DEFAULT_CONSUMER_GROUP = "activity"


@dataclass(frozen=True)
class Settings:
    database_url: str = DEFAULT_DATABASE_URL
    jwt: JwtSettings = field(default_factory=JwtSettings.from_env)
    # The login `--migrate` runs the DDL as; empty: the same as database_url.
    migration_database_url: str = ""
    kafka_bootstrap_servers: str = DEFAULT_KAFKA_BOOTSTRAP_SERVERS
    consumer_group: str = DEFAULT_CONSUMER_GROUP
    kafka_security: Mapping[str, str] = field(default_factory=dict)

    @property
    def migration_url(self) -> str:
        """The URL `--migrate` uses: the migration login when one is set."""
        return self.migration_database_url or self.database_url

    @classmethod
    def from_env(cls, environ: Mapping[str, str] | None = None) -> Settings:
        env = os.environ if environ is None else environ
        return cls(
            database_url=env.get("ACTIVITY_DATABASE_URL") or DEFAULT_DATABASE_URL,
            jwt=JwtSettings.from_env(),
            migration_database_url=env.get("ACTIVITY_MIGRATION_DATABASE_URL", ""),
            kafka_bootstrap_servers=env.get("KAFKA_BOOTSTRAP_SERVERS")
            or DEFAULT_KAFKA_BOOTSTRAP_SERVERS,
            consumer_group=env.get("ACTIVITY_CONSUMER_GROUP") or DEFAULT_CONSUMER_GROUP,
            kafka_security=kafka_security_from_env(env),
        )
