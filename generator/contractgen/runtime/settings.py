"""A service's settings, from the environment, named after the service.

`<NAME>_DATABASE_URL` (the runtime's login: data only) and `<NAME>_MIGRATION_DATABASE_URL` (the
schema owner's, for `--migrate`; the runtime URL when unset), the token verification settings
(`JWT_*`, see `JwtSettings.from_env`), and for consumers `KAFKA_BOOTSTRAP_SERVERS`,
`<NAME>_CONSUMER_GROUP` and a managed Kafka's credentials (`KAFKA_SECURITY_PROTOCOL`,
`KAFKA_SASL_*`), and the schema registry (`SCHEMA_REGISTRY_URL`, a Confluent-compatible API;
`SCHEMA_REGISTRY_USERNAME`/`_PASSWORD` for basic auth, e.g. a Confluent Cloud API key;
`SCHEMA_REGISTRY_SUBJECT_STRATEGY`: topic-record (default), topic or record)."""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import timedelta

from sqlalchemy.engine import make_url

from contractgen.identity import Identity
from contractgen.runtime.inbox import DEFAULT_INBOX_RETENTION, DEFAULT_PRUNE_INTERVAL_SECONDS
from contractgen.runtime.jwt import MISSING_KEYS, JwtConfigError, JwtSettings

DEFAULT_KAFKA_BOOTSTRAP_SERVERS = "127.0.0.1:9092"
KAFKA_SECURITY_ENV = {
    "KAFKA_SECURITY_PROTOCOL": "security.protocol",
    "KAFKA_SASL_MECHANISM": "sasl.mechanisms",
    "KAFKA_SASL_USERNAME": "sasl.username",
    "KAFKA_SASL_PASSWORD": "sasl.password",
}
# Async driver -> the blocking driver of the same database, for Alembic.
_SYNC_DRIVERS = {
    "mssql+aioodbc": "mssql+pyodbc",
    "postgresql+asyncpg": "postgresql+psycopg",
    "postgresql+psycopg_async": "postgresql+psycopg",
}


def default_database_url(name: str) -> str:
    return f"postgresql+psycopg://postgres@127.0.0.1:5432/{name}"


def kafka_security_from_env(environ: Mapping[str, str]) -> dict[str, str]:
    """The librdkafka security settings given in the environment (none for a local Kafka)."""
    return {key: environ[name] for name, key in KAFKA_SECURITY_ENV.items() if environ.get(name)}


def sync_url(database_url: str) -> str:
    """The same database through a blocking driver (psycopg serves both ways)."""
    url = make_url(database_url)
    driver = _SYNC_DRIVERS.get(url.drivername)
    return (
        url.set(drivername=driver).render_as_string(hide_password=False) if driver else database_url
    )


@dataclass(frozen=True)
class ServiceSettings:
    name: str
    database_url: str
    jwt: JwtSettings | None
    """How the API verifies tokens; None when no key is configured (a consumer needs none; the
    app refuses to start without one)."""
    migration_database_url: str = ""
    kafka_bootstrap_servers: str = DEFAULT_KAFKA_BOOTSTRAP_SERVERS
    consumer_group: str = ""
    kafka_security: Mapping[str, str] = field(default_factory=dict)
    inbox_retention: timedelta = DEFAULT_INBOX_RETENTION
    """How long a consumer remembers applied event ids (`<NAME>_INBOX_RETENTION_DAYS`)."""
    inbox_prune_interval: float = DEFAULT_PRUNE_INTERVAL_SECONDS
    """How often it forgets older ones (`<NAME>_INBOX_PRUNE_INTERVAL_SECONDS`)."""
    schema_registry_url: str = ""
    schema_registry_username: str = ""
    schema_registry_password: str = field(default="", repr=False)
    schema_registry_subject_strategy: str = "topic-record"

    def __post_init__(self) -> None:
        if not self.migration_database_url:
            object.__setattr__(self, "migration_database_url", self.database_url)
        if not self.consumer_group:
            object.__setattr__(self, "consumer_group", self.name)

    @classmethod
    def from_env(
        cls,
        name: str,
        identity: Identity | None = None,
        environ: Mapping[str, str] | None = None,
    ) -> ServiceSettings:
        env = os.environ if environ is None else environ
        prefix = name.upper()
        database_url = env.get(f"{prefix}_DATABASE_URL") or default_database_url(name)
        return cls(
            name=name,
            database_url=database_url,
            jwt=_jwt(identity, env),
            migration_database_url=env.get(f"{prefix}_MIGRATION_DATABASE_URL") or database_url,
            kafka_bootstrap_servers=env.get("KAFKA_BOOTSTRAP_SERVERS")
            or DEFAULT_KAFKA_BOOTSTRAP_SERVERS,
            consumer_group=env.get(f"{prefix}_CONSUMER_GROUP") or name,
            kafka_security=kafka_security_from_env(env),
            inbox_retention=timedelta(
                days=_positive(env, f"{prefix}_INBOX_RETENTION_DAYS", DEFAULT_INBOX_RETENTION.days)
            ),
            inbox_prune_interval=_positive(
                env, f"{prefix}_INBOX_PRUNE_INTERVAL_SECONDS", DEFAULT_PRUNE_INTERVAL_SECONDS
            ),
            schema_registry_url=env.get("SCHEMA_REGISTRY_URL", ""),
            schema_registry_username=env.get("SCHEMA_REGISTRY_USERNAME", ""),
            schema_registry_password=env.get("SCHEMA_REGISTRY_PASSWORD", ""),
            schema_registry_subject_strategy=env.get("SCHEMA_REGISTRY_SUBJECT_STRATEGY")
            or "topic-record",
        )


def _jwt(identity: Identity | None, env: Mapping[str, str]) -> JwtSettings | None:
    """The token settings, or None when no verification key is configured at all."""
    if identity is None:
        issuer, audience = env.get("JWT_ISSUER"), env.get("JWT_AUDIENCE")
        if not issuer or not audience:
            raise JwtConfigError(
                "the project declares no [identity] in contractgen.toml: set JWT_ISSUER and "
                "JWT_AUDIENCE"
            )
        identity = Identity(issuer, audience)
    try:
        return JwtSettings.from_env(identity, env)
    except JwtConfigError as error:
        if str(error) == MISSING_KEYS:
            return None
        raise


def _positive(env: Mapping[str, str], name: str, default: float) -> float:
    text = env.get(name)
    if not text:
        return default
    try:
        value = float(text)
    except ValueError:
        raise ValueError(f"{name} must be a number, not {text!r}") from None
    if value <= 0:
        raise ValueError(f"{name} must be positive, not {text!r}")
    return value
