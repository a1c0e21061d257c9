"""`contractgen verify-events`: event conformance of a live topic against the contracts."""

from __future__ import annotations

import os
import sys
from pathlib import Path

import click


@click.command("verify-events")
@click.argument("target", metavar="CHANNEL-or-SERVICE")
@click.option("--specs", type=click.Path(path_type=Path), default=Path("specs"), show_default=True)
@click.option(
    "--bootstrap-servers",
    default=lambda: os.environ.get("KAFKA_BOOTSTRAP_SERVERS", "127.0.0.1:9092"),
    help="Kafka (default: $KAFKA_BOOTSTRAP_SERVERS).",
)
@click.option(
    "--registry-url",
    default=lambda: os.environ.get("SCHEMA_REGISTRY_URL", ""),
    help="The Confluent-compatible schema registry (default: $SCHEMA_REGISTRY_URL); "
    "credentials from $SCHEMA_REGISTRY_USERNAME/_PASSWORD.",
)
@click.option("--timeout", type=float, default=10.0, show_default=True, help="Seconds to read.")
@click.option(
    "--min", "minimum", type=int, default=1, show_default=True, help="Fail with fewer messages."
)
@click.option("--topic", help="Read this topic instead of the channel's address (e.g. a mirror).")
@click.option(
    "--since",
    type=float,
    help="Start at the first message at or after this time (seconds since the epoch) instead "
    "of the beginning of the topic.",
)
@click.option(
    "--subject-strategy",
    type=click.Choice(["topic-record", "topic", "record"]),
    default=lambda: os.environ.get("SCHEMA_REGISTRY_SUBJECT_STRATEGY", "topic-record"),
    help="How subjects are named (default: $SCHEMA_REGISTRY_SUBJECT_STRATEGY or topic-record).",
)
def verify_events_command(
    target: str,
    specs: Path,
    bootstrap_servers: str,
    registry_url: str,
    timeout: float,
    minimum: int,
    topic: str | None,
    since: float | None,
    subject_strategy: str,
) -> None:
    """Consume the topic of a channel (or of every channel SERVICE sends to) for a while and check
    each message against the contract: Confluent framing, a schema id registered under the
    message's subject, Avro decoding into the contract's schema, the key (the `x-aggregate-id`
    field) and the outbox headers. Exits 1 when a message is invalid or fewer than --min arrive.

    \b
        contractgen verify-events orders --timeout 5 \\
            --bootstrap-servers 127.0.0.1:19092 --registry-url http://127.0.0.1:18081/apis/ccompat/v7
    """
    from contractgen.runtime.registry import RegistryClient
    from contractgen.runtime.settings import kafka_security_from_env
    from contractgen.spec.errors import SpecError
    from contractgen.spec.project import load_project
    from contractgen.verify.events import find_channels, verify

    if not registry_url:
        raise click.UsageError("give --registry-url or set SCHEMA_REGISTRY_URL")
    try:
        channels = find_channels(load_project(specs), target)
    except (LookupError, SpecError) as error:
        raise click.ClickException(str(error)) from error
    registry = RegistryClient(
        registry_url,
        os.environ.get("SCHEMA_REGISTRY_USERNAME", ""),
        os.environ.get("SCHEMA_REGISTRY_PASSWORD", ""),
    )
    try:
        report = verify(
            channels,
            bootstrap_servers,
            registry,
            timeout=timeout,
            topic=topic,
            strategy=subject_strategy,
            kafka=kafka_security_from_env(os.environ),
            since_ms=None if since is None else int(since * 1000),
        )
    finally:
        registry.close()
    addresses = ", ".join(topic or c.address for c in channels)
    counts = ", ".join(f"{n} {name}" for name, n in sorted(report.checked.items())) or "nothing"
    for problem in report.problems:
        click.echo(f"invalid: {problem}", err=True)
    click.echo(f"contractgen verify-events: {addresses}: read {counts} in {timeout:g} s", err=True)
    if report.problems:
        click.echo(f"FAILED: {len(report.problems)} problem(s)", err=True)
        sys.exit(1)
    if report.total < minimum:
        click.echo(f"FAILED: {report.total} message(s), expected at least {minimum}", err=True)
        sys.exit(1)
    click.echo("OK: every message conforms to its contract", err=True)
