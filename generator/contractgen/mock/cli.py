"""`contractgen mock` (a REST mock of a service) and `contractgen mock-events` (its events on Kafka)."""

from __future__ import annotations

import dataclasses
import json
import os
import sys
from pathlib import Path
from typing import Any

import click

from contractgen.config import config_for_specs
from contractgen.identity import Identity
from contractgen.runtime.jwt import LOCAL_SECRET, JwtSettings, JwtVerifier
from contractgen.spec.errors import SpecError
from contractgen.spec.project import ServiceSpec, load_project

SPECS = click.option(
    "--specs",
    type=click.Path(path_type=Path, file_okay=False),
    default=Path("specs"),
    show_default=True,
    help="Folder with one sub-folder per service (openapi.yaml, asyncapi.yaml).",
)


def load_service(specs: Path, name: str) -> ServiceSpec:
    """The validated contracts of one service, or exit with the problems named."""
    try:
        project = load_project(specs)
    except SpecError as error:
        for issue in error.issues:
            click.echo(f"error: {issue}", err=True)
        sys.exit(1)
    except FileNotFoundError as error:
        click.echo(f"error: {error}", err=True)
        sys.exit(2)
    for service in project.services:
        if service.name == name:
            return service
    known = ", ".join(s.name for s in project.services)
    click.echo(f"error: no service {name!r} in {specs}/ (services: {known})", err=True)
    sys.exit(2)


@click.command("mock")
@click.argument("service")
@SPECS
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", type=click.IntRange(1, 65535), help="Default: the contract's info.x-port.")
@click.option(
    "--jwt-secret",
    envvar="JWT_SECRET",
    show_envvar=True,
    help="HS256 secret that signs accepted tokens. Default: the local development secret.",
)
@click.option(
    "--jwt-issuer",
    envvar="JWT_ISSUER",
    show_envvar=True,
    help="Required `iss`; default as `contractgen token` uses it.",
)
@click.option(
    "--jwt-audience",
    envvar="JWT_AUDIENCE",
    show_envvar=True,
    help="Required `aud`; default as `contractgen token` uses it.",
)
@click.option("--seed", type=int, help="Seed for generated data (repeatable answers).")
def mock_command(
    service: str,
    specs: Path,
    host: str,
    port: int | None,
    jwt_secret: str | None,
    jwt_issuer: str | None,
    jwt_audience: str | None,
    seed: int | None,
) -> None:
    """Serve a REST mock of SERVICE from its contract alone (no handlers, no database).

    Requests are validated, authenticated and refused exactly as the real service does it;
    answers come from the contract's examples. Created resources can be read back, updated,
    listed and deleted until the mock stops. Choose an answer with the `Prefer` header:

    \b
        Prefer: example=<name>   a named example of the response
        Prefer: dynamic=true     data generated from the response schema
        Prefer: code=404         the documented response of that status
    """
    import uvicorn

    from contractgen.mock.rest import mock_app
    from contractgen.runtime.observability import configure_logging

    spec = load_service(specs, service)
    declared = config_for_specs(specs).identity
    issuer = jwt_issuer or os.environ.get("JWT_ISSUER") or (declared.issuer if declared else None)
    audience = (
        jwt_audience or os.environ.get("JWT_AUDIENCE") or (declared.audience if declared else None)
    )
    if not issuer or not audience:
        raise click.UsageError(
            "no token issuer/audience: declare [identity] in contractgen.toml, or pass "
            "--jwt-issuer and --jwt-audience"
        )
    base = declared or Identity(issuer, audience)
    identity = dataclasses.replace(base, issuer=issuer, audience=audience)
    if not jwt_secret:
        click.echo(
            "contractgen mock: warning: accepting tokens signed with the local development "
            "secret (pass --jwt-secret or set JWT_SECRET for another)",
            err=True,
        )
    settings = JwtSettings(identity, secret=jwt_secret or LOCAL_SECRET)
    app = mock_app(spec, verify_token=JwtVerifier(settings), seed=seed)
    port = port or spec.openapi.port or 8000
    click.echo(f"contractgen mock: {service} on http://{host}:{port} (Ctrl-C stops it)", err=True)
    configure_logging()
    uvicorn.run(app, host=host, port=port, log_config=None)


def _overrides(values: tuple[str, ...]) -> dict[str, Any]:
    overrides = {}
    for item in values:
        name, sep, text = item.partition("=")
        if not sep or not name:
            raise click.BadParameter(f"{item!r} is not FIELD=VALUE", param_hint="--set")
        try:
            overrides[name] = json.loads(text)
        except json.JSONDecodeError:
            overrides[name] = text
    return overrides


@click.command("mock-events")
@click.argument("service")
@SPECS
@click.option("--bootstrap-servers", required=True, help="Kafka, e.g. 127.0.0.1:9092.")
@click.option("--count", type=click.IntRange(1, 1_000_000), default=10, show_default=True)
@click.option(
    "--rate",
    type=click.FloatRange(0, 100_000, min_open=True),
    default=10.0,
    show_default=True,
    help="Messages per second at most.",
)
@click.option(
    "--message", "messages", multiple=True, help="Only this message (repeat for several)."
)
@click.option(
    "--examples/--generated",
    "from_examples",
    default=True,
    show_default=True,
    help="The contract's examples in turn, or data generated from the Avro schemas.",
)
@click.option(
    "--set",
    "overrides",
    multiple=True,
    metavar="FIELD=VALUE",
    help="Set a payload field in every message that has it (JSON value), e.g. customerId=7.",
)
@click.option("--seed", type=int, help="Seed for generated data.")
@click.option(
    "--registry-url",
    default=lambda: os.environ.get("SCHEMA_REGISTRY_URL", ""),
    help="The schema registry the producer registers in (default: $SCHEMA_REGISTRY_URL): the "
    "events are framed with its schema ids, as the service frames them. Without one the values "
    "are bare Avro, which consumers refuse.",
)
def mock_events_command(
    service: str,
    specs: Path,
    bootstrap_servers: str,
    count: int,
    rate: float,
    messages: tuple[str, ...],
    from_examples: bool,
    overrides: tuple[str, ...],
    seed: int | None,
    registry_url: str,
) -> None:
    """Publish SERVICE's messages to their real topics, framed as its outbox pipeline frames them.

    For building and testing a consumer before the producer exists. For example:

    \b
        contractgen mock-events orders --count 20 --rate 5 --generated \\
            --bootstrap-servers 127.0.0.1:9092
    """
    from contractgen.mock.events import Connector, NothingToSend, records, sent_messages
    from contractgen.mock.kafka import publish_to_kafka
    from contractgen.runtime.registry import RegistryError

    spec = load_service(specs, service)
    databases = spec.asyncapi.databases if spec.asyncapi else ("postgresql",)
    connector = Connector(logical_name=service, database=databases[0])
    try:
        stream = records(
            sent_messages(spec, messages),
            "examples" if from_examples else "generated",
            _overrides(overrides),
            seed,
        )
        schema_ids = None
        if registry_url:
            from contractgen.mock.registry import register_messages

            schema_ids = register_messages(
                registry_url,
                sent_messages(spec, messages),
                credentials=(
                    os.environ.get("SCHEMA_REGISTRY_USERNAME", ""),
                    os.environ.get("SCHEMA_REGISTRY_PASSWORD", ""),
                ),
                strategy=os.environ.get("SCHEMA_REGISTRY_SUBJECT_STRATEGY") or "topic-record",
            )
        report = publish_to_kafka(
            bootstrap_servers, stream, connector, count=count, rate=rate, schema_ids=schema_ids
        )
    except (NothingToSend, RegistryError) as error:
        click.echo(f"error: {error}", err=True)
        sys.exit(2)
    sent = ", ".join(f"{n} {name}" for name, n in sorted(report.sent.items()))
    click.echo(f"contractgen mock-events: delivered {sent} in {report.seconds:.1f} s", err=True)
    if report.failed:
        for failure in report.failed[:20]:
            click.echo(f"error: {failure}", err=True)
        sys.exit(1)
