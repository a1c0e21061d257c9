"""Configuration from the environment.

`ACTIVITY_DATABASE_URL`: a SQLAlchemy URL; ``postgresql+psycopg`` serves the async app and the
blocking migrations alike. JWT verification comes from `JWT_SECRET` or `JWT_PUBLIC_KEYS` (see
`JwtSettings.from_env`). The consumer reads from `KAFKA_BOOTSTRAP_SERVERS` in the consumer group
`ACTIVITY_CONSUMER_GROUP`; a managed Kafka's credentials come from `KAFKA_SECURITY_PROTOCOL`,
`KAFKA_SASL_MECHANISM`, `KAFKA_SASL_USERNAME` and `KAFKA_SASL_PASSWORD`.

The consumer forgets applied event ids after `ACTIVITY_INBOX_RETENTION_DAYS` (default 30: the
topics keep 7 days, plus Kafka's 7-day segment roll, plus margin; never set it below the
longest time an event can still be delivered), pruning every
`ACTIVITY_INBOX_PRUNE_INTERVAL_SECONDS` (default 600).
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import timedelta

from contractgen.runtime.inbox import DEFAULT_INBOX_RETENTION
from contractgen.runtime.jwt import JwtSettings
from contractgen.runtime.kafka_consumer import kafka_security_from_env

DEFAULT_DATABASE_URL = "postgresql+psycopg://postgres@127.0.0.1:5432/activity"
DEFAULT_KAFKA_BOOTSTRAP_SERVERS = "127.0.0.1:9092"
DEFAULT_CONSUMER_GROUP = "activity"
DEFAULT_PRUNE_INTERVAL_SECONDS = 600.0


@dataclass(frozen=True)
class Settings:
    database_url: str = DEFAULT_DATABASE_URL
    jwt: JwtSettings = field(default_factory=JwtSettings.from_env)
    kafka_bootstrap_servers: str = DEFAULT_KAFKA_BOOTSTRAP_SERVERS
    consumer_group: str = DEFAULT_CONSUMER_GROUP
    kafka_security: Mapping[str, str] = field(default_factory=dict)
    inbox_retention: timedelta = DEFAULT_INBOX_RETENTION
    inbox_prune_interval: float = DEFAULT_PRUNE_INTERVAL_SECONDS

    @classmethod
    def from_env(cls, environ: Mapping[str, str] | None = None) -> Settings:
        env = os.environ if environ is None else environ
        return cls(
            database_url=env.get("ACTIVITY_DATABASE_URL") or DEFAULT_DATABASE_URL,
            jwt=JwtSettings.from_env(),
            kafka_bootstrap_servers=env.get("KAFKA_BOOTSTRAP_SERVERS")
            or DEFAULT_KAFKA_BOOTSTRAP_SERVERS,
            consumer_group=env.get("ACTIVITY_CONSUMER_GROUP") or DEFAULT_CONSUMER_GROUP,
            kafka_security=kafka_security_from_env(env),
            inbox_retention=timedelta(
                days=_positive(env, "ACTIVITY_INBOX_RETENTION_DAYS", DEFAULT_INBOX_RETENTION.days)
            ),
            inbox_prune_interval=_positive(
                env, "ACTIVITY_INBOX_PRUNE_INTERVAL_SECONDS", DEFAULT_PRUNE_INTERVAL_SECONDS
            ),
        )


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
