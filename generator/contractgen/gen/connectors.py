"""Kafka Connect (Debezium) connector configs for a service's outbox.

Connection settings are Kafka Connect `${env:...}` placeholders, resolved by the worker's
EnvVarConfigProvider, so no secret is ever written into a generated file.
"""

from __future__ import annotations

import json
from typing import Any

from contractgen.outbox_wire import (
    ID_COLUMN,
    KEY_COLUMN,
    OUTBOX_TABLE,
    PAYLOAD_COLUMN,
    TOPIC_COLUMN,
    header_placement,
)

# Columns beyond the router's defaults, carried as Kafka headers.


def publication_name(service: str) -> str:
    """The PostgreSQL publication of a service's outbox. The database's owner creates it once the
    outbox exists (the embedded stack, the generated compose scripts, terraform/modules/sql); the connector only
    uses it, so its login needs no ownership of the table."""
    return f"{service}_outbox"


def _env(service: str, key: str) -> str:
    return "${env:" + f"{service.upper()}_{key}" + "}"


def _outbox_router() -> dict[str, str]:
    return {
        "transforms": "outbox",
        "transforms.outbox.type": "io.debezium.transforms.outbox.EventRouter",
        "transforms.outbox.table.field.event.id": ID_COLUMN,
        "transforms.outbox.table.field.event.key": KEY_COLUMN,
        "transforms.outbox.table.field.event.payload": PAYLOAD_COLUMN,
        "transforms.outbox.route.by.field": TOPIC_COLUMN,
        # aggregatetype holds the AsyncAPI channel address: route each row to it verbatim.
        "transforms.outbox.route.topic.replacement": "${routedByValue}",
        "transforms.outbox.table.fields.additional.placement": header_placement(),
        "transforms.outbox.table.expand.json.payload": "false",
        "key.converter": "org.apache.kafka.connect.storage.StringConverter",
        "value.converter": "io.debezium.converters.BinaryDataConverter",
        "value.converter.delegate.converter.type": "org.apache.kafka.connect.json.JsonConverter",
        "value.converter.delegate.converter.type.schemas.enable": "false",
        "tombstones.on.delete": "false",
        # The unit of work deletes each outbox row in the transaction that inserted it (the WAL
        # keeps the INSERT): skip those deletes at the source. Without this the router would
        # drop them too (Debezium 3.6.1 logs "Delete message ... ignored" at DEBUG); skipping
        # them here says the intent and spares the SMT a record per event. "t": the default.
        "skipped.operations": "d,t",
    }


def postgres_connector(service: str) -> dict[str, Any]:
    config = {
        "connector.class": "io.debezium.connector.postgresql.PostgresConnector",
        "tasks.max": "1",
        "plugin.name": "pgoutput",
        "database.hostname": _env(service, "DB_HOST"),
        "database.port": _env(service, "DB_PORT"),
        "database.user": _env(service, "DB_USER"),
        "database.password": _env(service, "DB_PASSWORD"),
        "database.dbname": _env(service, "DB_NAME"),
        "topic.prefix": service,
        "slot.name": f"{service}_outbox",
        "publication.name": publication_name(service),
        # `filtered` would create or ALTER the publication, which needs ownership of the outbox;
        # the replication login has REPLICATION and SELECT on the outbox only.
        "publication.autocreate.mode": "disabled",
        "table.include.list": f"public.{OUTBOX_TABLE}",
        "snapshot.mode": "no_data",
        # The default 500 ms poll alone adds up to half a second of latency at low traffic.
        "poll.interval.ms": "10",
        "max.batch.size": "2048",
        **_outbox_router(),
    }
    return {"name": f"{service}-outbox", "config": dict(sorted(config.items()))}


def sqlserver_connector(service: str) -> dict[str, Any]:
    config = {
        "connector.class": "io.debezium.connector.sqlserver.SqlServerConnector",
        "tasks.max": "1",
        "database.hostname": _env(service, "DB_HOST"),
        "database.port": _env(service, "DB_PORT"),
        "database.user": _env(service, "DB_USER"),
        "database.password": _env(service, "DB_PASSWORD"),
        "database.names": _env(service, "DB_NAME"),
        "database.encrypt": "true",
        "topic.prefix": service,
        "table.include.list": f"dbo.{OUTBOX_TABLE}",
        "snapshot.mode": "no_data",
        "poll.interval.ms": "100",
        "schema.history.internal.kafka.bootstrap.servers": "${env:KAFKA_BOOTSTRAP_SERVERS}",
        "schema.history.internal.kafka.topic": f"{service}.schema-history",
        **_outbox_router(),
    }
    return {"name": f"{service}-outbox-sqlserver", "config": dict(sorted(config.items()))}


CONNECTORS = {"postgresql": postgres_connector, "sqlserver": sqlserver_connector}


def connector_json(connector: dict[str, Any]) -> str:
    return json.dumps(connector, indent=2) + "\n"
