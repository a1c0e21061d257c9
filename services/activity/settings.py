"""Configuration from the environment.

`ACTIVITY_DATABASE_URL`: a SQLAlchemy URL; ``postgresql+psycopg`` serves the async app and the
blocking migrations alike. JWT verification comes from `JWT_JWKS_URL`, `JWT_PUBLIC_KEYS` or `JWT_SECRET`
(see `JwtSettings.from_env`; without any of them the service refuses to start). The consumer reads from `KAFKA_BOOTSTRAP_SERVERS` in the consumer group
`ACTIVITY_CONSUMER_GROUP`; a managed Kafka's credentials come from `KAFKA_SECURITY_PROTOCOL`,
`KAFKA_SASL_MECHANISM`, `KAFKA_SASL_USERNAME` and `KAFKA_SASL_PASSWORD`.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass, field

from contractgen.runtime.jwt import JwtConfigError, JwtSettings
from contractgen.runtime.kafka_consumer import kafka_security_from_env
from services.identity import jwt_settings

DEFAULT_DATABASE_URL = "postgresql+psycopg://postgres@127.0.0.1:5432/activity"
DEFAULT_KAFKA_BOOTSTRAP_SERVERS = "127.0.0.1:9092"
DEFAULT_CONSUMER_GROUP = "activity"


@dataclass(frozen=True)
class Settings:
    database_url: str = DEFAULT_DATABASE_URL
    jwt: JwtSettings | None = None
    """None where no key is configured: the consumer serves no requests, `build_app` refuses."""
    kafka_bootstrap_servers: str = DEFAULT_KAFKA_BOOTSTRAP_SERVERS
    consumer_group: str = DEFAULT_CONSUMER_GROUP
    kafka_security: Mapping[str, str] = field(default_factory=dict)

    @classmethod
    def from_env(cls, environ: Mapping[str, str] | None = None) -> Settings:
        env = os.environ if environ is None else environ
        return cls(
            database_url=env.get("ACTIVITY_DATABASE_URL") or DEFAULT_DATABASE_URL,
            jwt=_jwt_if_configured(env),
            kafka_bootstrap_servers=env.get("KAFKA_BOOTSTRAP_SERVERS")
            or DEFAULT_KAFKA_BOOTSTRAP_SERVERS,
            consumer_group=env.get("ACTIVITY_CONSUMER_GROUP") or DEFAULT_CONSUMER_GROUP,
            kafka_security=kafka_security_from_env(env),
        )


def _jwt_if_configured(env: Mapping[str, str]) -> JwtSettings | None:
    try:
        return jwt_settings(env)
    except JwtConfigError:
        return None
