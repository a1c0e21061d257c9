"""Synthetic contracts of a chosen size, shaped like the real ones, for the generator benchmark.

One service with `size` REST operations (each emits its own message) and `size` Avro messages
spread over channels of ten messages each; plus, with `consumer=True`, a second service that
receives every message (so consumer generation is measured too).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml

MESSAGES_PER_CHANNEL = 10
AVRO = "application/vnd.apache.avro;version=1.9.0"
# The ECMA-262 escape, not the character: request strings of a PostgreSQL-backed service must
# exclude U+0000 (PostgreSQL text cannot store it), as the real contracts do.
NO_NUL = r"^[^\u0000]*$"


def write_specs(root: Path, size: int, *, consumer: bool = False) -> Path:
    """Write `root/specs/` and return it."""
    specs = root / "specs"
    _dump(specs / "synth" / "openapi.yaml", producer_openapi(size, port=9100))
    _dump(specs / "synth" / "asyncapi.yaml", producer_asyncapi(size))
    if consumer:
        _dump(specs / "synth_feed" / "openapi.yaml", health_only_openapi(port=9101))
        _dump(specs / "synth_feed" / "asyncapi.yaml", consumer_asyncapi(size))
    return specs


def _dump(path: Path, document: dict[str, Any]) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(yaml.safe_dump(document, sort_keys=False), encoding="utf-8")


def _message_name(index: int) -> str:
    return f"Thing{index:04d}Created"


def _channel_key(index: int) -> str:
    return f"things{index // MESSAGES_PER_CHANNEL:03d}"


def _problem_response(description: str) -> dict[str, Any]:
    return {
        "description": description,
        "content": {
            "application/problem+json": {"schema": {"$ref": "#/components/schemas/Problem"}}
        },
    }


def _base_openapi(title: str, port: int) -> dict[str, Any]:
    health = {
        "get": {
            "operationId": "getHealth",
            "summary": "Liveness probe",
            "security": [],
            "responses": {
                "200": {
                    "description": "Alive.",
                    "content": {
                        "application/json": {"schema": {"$ref": "#/components/schemas/Health"}}
                    },
                }
            },
        }
    }
    return {
        "openapi": "3.0.3",
        "info": {"title": title, "version": "1.0.0", "x-port": port},
        "security": [{"bearerAuth": []}],
        "paths": {"/healthz": health},
        "components": {
            "securitySchemes": {
                "bearerAuth": {"type": "http", "scheme": "bearer", "bearerFormat": "JWT"}
            },
            "parameters": {
                "OrganizationId": {
                    "name": "organizationId",
                    "in": "path",
                    "required": True,
                    "schema": {"$ref": "#/components/schemas/Id"},
                }
            },
            "responses": {
                "BadRequest": _problem_response("The request fails validation."),
                "Unauthorized": _problem_response("No valid bearer token."),
            },
            "schemas": {
                "Id": {"type": "integer", "format": "int64", "minimum": 1},
                "Health": {
                    "type": "object",
                    "required": ["status"],
                    "properties": {"status": {"type": "string", "enum": ["ok"]}},
                    "additionalProperties": False,
                },
                "Problem": {
                    "type": "object",
                    "required": ["title", "status"],
                    "properties": {
                        "type": {"type": "string"},
                        "title": {"type": "string"},
                        "status": {"type": "integer"},
                        "detail": {"type": "string"},
                    },
                },
            },
        },
    }


def health_only_openapi(port: int) -> dict[str, Any]:
    return _base_openapi("Synthetic feed", port)


def producer_openapi(size: int, port: int) -> dict[str, Any]:
    document = _base_openapi("Synthetic service", port)
    schemas = document["components"]["schemas"]
    for index in range(size):
        create, thing = f"Thing{index:04d}Create", f"Thing{index:04d}"
        schemas[create] = {
            "type": "object",
            "required": ["name", "description"],
            "properties": {
                "name": {"type": "string", "minLength": 1, "maxLength": 50, "pattern": NO_NUL},
                "description": {"type": "string", "maxLength": 500, "pattern": NO_NUL},
            },
            "additionalProperties": False,
        }
        schemas[thing] = {
            "type": "object",
            "required": ["id", "organizationId", "name", "createdOn"],
            "properties": {
                "id": {"$ref": "#/components/schemas/Id"},
                "organizationId": {"$ref": "#/components/schemas/Id"},
                "name": {"type": "string"},
                "description": {"type": "string"},
                "createdOn": {"type": "string", "format": "date-time"},
            },
            "additionalProperties": False,
        }
        document["paths"][f"/organizations/{{organizationId}}/things{index:04d}"] = {
            "post": {
                "operationId": f"createThing{index:04d}",
                "summary": f"Create a thing of kind {index}",
                "x-emits": [_message_name(index)],
                "parameters": [{"$ref": "#/components/parameters/OrganizationId"}],
                "requestBody": {
                    "required": True,
                    "content": {
                        "application/json": {"schema": {"$ref": f"#/components/schemas/{create}"}}
                    },
                },
                "responses": {
                    "201": {
                        "description": "Created.",
                        "content": {
                            "application/json": {
                                "schema": {"$ref": f"#/components/schemas/{thing}"}
                            }
                        },
                    },
                    "400": {"$ref": "#/components/responses/BadRequest"},
                    "401": {"$ref": "#/components/responses/Unauthorized"},
                },
            }
        }
    return document


def _message(index: int) -> dict[str, Any]:
    name = _message_name(index)
    return {
        "name": name,
        "title": f"Thing {index} created",
        "summary": f"A thing of kind {index} was created.",
        "contentType": "avro/binary",
        "x-aggregate-id": "thingId",
        "payload": {
            "schemaFormat": AVRO,
            "schema": {
                "type": "record",
                "name": name,
                "namespace": "bench.synth.events",
                "doc": f"A thing of kind {index} was created.",
                "fields": [
                    {"name": "thingId", "type": "long", "doc": "The thing's id."},
                    {"name": "organizationId", "type": "long", "doc": "Its organization."},
                    {"name": "name", "type": "string", "doc": "Its name."},
                    {"name": "description", "type": "string", "doc": "Its description."},
                    {
                        "name": "createdOn",
                        "type": {"type": "long", "logicalType": "timestamp-millis"},
                        "doc": "When it was created.",
                    },
                ],
            },
        },
        "examples": [
            {
                "name": "one",
                "payload": {
                    "thingId": 1,
                    "organizationId": 1,
                    "name": "A thing",
                    "description": "Made by the benchmark.",
                    "createdOn": "2026-01-31T10:00:00Z",
                },
            }
        ],
    }


def producer_asyncapi(size: int) -> dict[str, Any]:
    channels: dict[str, Any] = {}
    operations: dict[str, Any] = {}
    messages: dict[str, Any] = {}
    for index in range(size):
        name, key = _message_name(index), _channel_key(index)
        messages[name] = _message(index)
        channel = channels.setdefault(
            key,
            {
                "address": f"bench.synth.{key}",
                "messages": {},
                "bindings": {"kafka": {"partitions": 3, "bindingVersion": "0.5.0"}},
            },
        )
        channel["messages"][name] = {"$ref": f"#/components/messages/{name}"}
        operations[f"send{name}"] = {
            "action": "send",
            "channel": {"$ref": f"#/channels/{key}"},
            "messages": [{"$ref": f"#/channels/{key}/messages/{name}"}],
        }
    return {
        "asyncapi": "3.0.0",
        "info": {"title": "Synthetic service events", "version": "1.0.0"},
        "channels": channels,
        "operations": operations,
        "components": {"messages": messages},
    }


def consumer_asyncapi(size: int) -> dict[str, Any]:
    channels: dict[str, Any] = {}
    operations: dict[str, Any] = {}
    for index in range(size):
        name, key = _message_name(index), _channel_key(index)
        channels[key] = {"$ref": f"../synth/asyncapi.yaml#/channels/{key}"}
        operations[f"receive{name}"] = {
            "action": "receive",
            "channel": {"$ref": f"#/channels/{key}"},
            "messages": [{"$ref": f"#/channels/{key}/messages/{name}"}],
        }
    return {
        "asyncapi": "3.0.0",
        "info": {"title": "Synthetic feed events", "version": "1.0.0"},
        "channels": channels,
        "operations": operations,
    }
