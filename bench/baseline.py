"""The hand-written baseline for B1: `POST /organizations/{organizationId}/ideas` without the framework.

What a careful person would write by hand for the same job: check the bearer token (the same
HS256 JWT and claims), validate the body as the contract says, insert the idea and its
IdeaCreated event (Avro binary, the same `.avsc`, the same outbox columns) in one transaction,
answer 201 with the idea. The event is framed as the service frames it (Confluent wire format:
`0x00`, the 4-byte schema id the registry at `--registry-url` gave at start-up, the Avro body),
and its outbox row is deleted again in the same transaction, as the service does (the WAL keeps
the INSERT for Debezium). Plain Starlette on uvicorn, psycopg 3 (the service's driver), either
with psycopg's own pool (`--db psycopg`) or through SQLAlchemy Core's async engine as the
service does (`--db sqlalchemy`).

`python -m bench.baseline --port 22112 --database-url postgresql://postgres@127.0.0.1:22432/idea
--registry-url http://127.0.0.1:22081/apis/ccompat/v7`
"""

from __future__ import annotations

import argparse
import io
import json
import re
import struct
import uuid
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import fastavro
import httpx
import jwt
import uvicorn
from fastavro.schema import fingerprint, to_parsing_canonical_form
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from contractgen.runtime.jwt import LOCAL_SECRET
from services.identity import IDENTITY

AVSC = Path("generated/idea/avro/microservicesapp.idea.events.IdeaCreated.avsc")
TOPIC = "microservicesapp.idea.events"
NOT_BLANK = re.compile(r"\S")

INSERT_IDEA = (
    "INSERT INTO idea (organization_id, name, description, created_on, last_updated)"
    " VALUES (%s, %s, %s, %s, %s) RETURNING id"
)
INSERT_OUTBOX = (
    "INSERT INTO outbox (id, aggregatetype, aggregateid, type, payload, schema_id, traceparent,"
    " occurred_at) VALUES (%s, %s, %s, %s, %s, %s, %s, %s)"
)
DELETE_OUTBOX = "DELETE FROM outbox WHERE id = %s"

# (organization_id, name, description, created_on) -> idea id, outbox row written alongside.
Transaction = Callable[[int, str, str, datetime], Awaitable[int]]


class Avro:
    def __init__(self, path: Path, registry_url: str) -> None:
        schema = json.loads(path.read_text(encoding="utf-8"))
        self.parsed = fastavro.parse_schema(schema)
        canonical = to_parsing_canonical_form(self.parsed)
        full_name = f"{schema['namespace']}.{schema['name']}"
        self.schema_id = f"{full_name}@{fingerprint(canonical, 'CRC-64-AVRO')}"
        self.header = struct.pack(">bI", 0, register(registry_url, f"{TOPIC}-{full_name}", schema))

    def encode(self, record: dict[str, Any]) -> bytes:
        buffer = io.BytesIO(self.header)
        buffer.seek(len(self.header))
        fastavro.schemaless_writer(buffer, self.parsed, record)
        return buffer.getvalue()


def register(registry_url: str, subject: str, schema: dict[str, Any]) -> int:
    """The schema's id in the registry (Confluent API), under the service's subject name."""
    response = httpx.post(
        f"{registry_url.rstrip('/')}/subjects/{subject}/versions",
        json={"schema": json.dumps(schema, separators=(",", ":")), "schemaType": "AVRO"},
        headers={"Content-Type": "application/vnd.schemaregistry.v1+json"},
        timeout=10,
    )
    response.raise_for_status()
    return int(response.json()["id"])


def problem(status: int, title: str, detail: str) -> JSONResponse:
    body = {"type": "about:blank", "title": title, "status": status, "detail": detail}
    return JSONResponse(body, status, media_type="application/problem+json")


def organizations_of(request: Request, secret: str) -> list[int] | None:
    scheme, _, token = request.headers.get("authorization", "").partition(" ")
    if scheme.lower() != "bearer" or not token:
        return None
    try:
        claims = jwt.decode(
            token,
            secret,
            algorithms=["HS256"],
            audience=IDENTITY.audience,
            issuer=IDENTITY.issuer,
            leeway=5,
            options={"require": ["exp", "sub", "iss", "aud"]},
        )
    except jwt.InvalidTokenError:
        return None
    orgs = claims.get("orgs", [])
    return orgs if isinstance(orgs, list) else None


def validation_error(body: Any) -> str | None:
    if not isinstance(body, dict) or set(body) != {"name", "description"}:
        return "the body must be an object with exactly 'name' and 'description'"
    name, description = body["name"], body["description"]
    if not isinstance(name, str) or not 1 <= len(name) <= 50 or not NOT_BLANK.search(name):
        return "'name' must be 1 to 50 characters, not all blank"
    if not isinstance(description, str) or not 1 <= len(description) <= 500:
        return "'description' must be 1 to 500 characters"
    return None


def timestamp(moment: datetime) -> str:
    return moment.isoformat(timespec="milliseconds").replace("+00:00", "Z")


def build_app(transaction: Transaction, lifespan: Any, secret: str) -> Starlette:
    async def create_idea(request: Request) -> Response:
        organization_id = request.path_params["organization_id"]
        if organization_id < 1:
            return problem(400, "Bad Request", "organizationId must be at least 1")
        orgs = organizations_of(request, secret)
        if orgs is None:
            return problem(401, "Unauthorized", "No valid bearer token was provided.")
        if organization_id not in orgs:
            return problem(404, "Not Found", f"Organization {organization_id} was not found.")
        try:
            body = json.loads(await request.body())
        except ValueError:
            return problem(400, "Bad Request", "the body is not JSON")
        error = validation_error(body)
        if error:
            return problem(400, "Bad Request", error)
        now = datetime.now(UTC)
        name, description = body["name"], body["description"]
        idea_id = await transaction(organization_id, name, description, now)
        stamp = timestamp(now)
        return JSONResponse(
            {
                "id": idea_id,
                "organizationId": organization_id,
                "name": name,
                "description": description,
                "createdOn": stamp,
                "lastUpdated": stamp,
            },
            201,
        )

    routes = [
        Route(
            "/organizations/{organization_id:int}/ideas",
            create_idea,
            methods=["POST"],
        )
    ]
    return Starlette(routes=routes, lifespan=lifespan)


def outbox_row(
    avro: Avro, idea_id: int, org: int, name: str, description: str, now: datetime
) -> tuple[Any, ...]:
    record = {
        "ideaId": idea_id,
        "organizationId": org,
        "name": name,
        "description": description,
        "createdOn": now,
    }
    payload = avro.encode(record)
    return (uuid.uuid4(), TOPIC, str(idea_id), "IdeaCreated", payload, avro.schema_id, None, now)


def psycopg_app(database_url: str, secret: str, avro: Avro) -> Starlette:
    from psycopg_pool import AsyncConnectionPool

    pool = AsyncConnectionPool(database_url, min_size=10, max_size=20, open=False)

    @asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        await pool.open(wait=True)
        try:
            yield
        finally:
            await pool.close()

    async def transaction(org: int, name: str, description: str, now: datetime) -> int:
        async with pool.connection() as connection, connection.transaction():
            cursor = await connection.execute(INSERT_IDEA, (org, name, description, now, now))
            row = await cursor.fetchone()
            assert row is not None
            idea_id = int(row[0])
            row_values = outbox_row(avro, idea_id, org, name, description, now)
            # One round trip for both, as the service sends them.
            async with connection.pipeline():
                await connection.execute(INSERT_OUTBOX, row_values)
                await connection.execute(DELETE_OUTBOX, (row_values[0],))
        return idea_id

    return build_app(transaction, lifespan, secret)


def sqlalchemy_app(database_url: str, secret: str, avro: Avro) -> Starlette:
    from sqlalchemy import text
    from sqlalchemy.ext.asyncio import create_async_engine

    url = database_url.replace("postgresql://", "postgresql+psycopg://", 1)
    engine = create_async_engine(url, pool_size=20, max_overflow=0)  # as the framework's default
    insert_idea = text(
        "INSERT INTO idea (organization_id, name, description, created_on, last_updated)"
        " VALUES (:org, :name, :description, :now, :now) RETURNING id"
    )
    insert_outbox = text(
        "INSERT INTO outbox (id, aggregatetype, aggregateid, type, payload, schema_id,"
        " traceparent, occurred_at) VALUES (:id, :aggregatetype, :aggregateid, :type, :payload,"
        " :schema_id, :traceparent, :occurred_at)"
    )
    delete_outbox = text("DELETE FROM outbox WHERE id = :id")
    columns = (
        "id",
        "aggregatetype",
        "aggregateid",
        "type",
        "payload",
        "schema_id",
        "traceparent",
        "occurred_at",
    )

    @asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        try:
            yield
        finally:
            await engine.dispose()

    async def transaction(org: int, name: str, description: str, now: datetime) -> int:
        async with engine.begin() as connection:
            values = {"org": org, "name": name, "description": description, "now": now}
            idea_id = int((await connection.execute(insert_idea, values)).scalar_one())
            row = outbox_row(avro, idea_id, org, name, description, now)
            await connection.execute(insert_outbox, dict(zip(columns, row, strict=True)))
            await connection.execute(delete_outbox, {"id": row[0]})
        return idea_id

    return build_app(transaction, lifespan, secret)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m bench.baseline")
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=22102)
    parser.add_argument("--database-url", required=True, help="postgresql://user@host:port/db")
    parser.add_argument("--db", choices=["psycopg", "sqlalchemy"], default="psycopg")
    parser.add_argument("--secret", default=LOCAL_SECRET)
    parser.add_argument(
        "--registry-url", required=True, help="the schema registry's Confluent-compatible API"
    )
    args = parser.parse_args(argv)
    avro = Avro(AVSC, args.registry_url)
    factory = psycopg_app if args.db == "psycopg" else sqlalchemy_app
    app = factory(args.database_url, args.secret, avro)
    # As the service runs: one uvicorn worker, uvicorn's defaults otherwise.
    uvicorn.run(app, host=args.host, port=args.port, log_config=None)


if __name__ == "__main__":
    main()
