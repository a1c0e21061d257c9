"""`contractgen stack up|down|status`: the embedded stack from the command line."""

from __future__ import annotations

import sys
from collections.abc import Callable
from functools import wraps
from pathlib import Path
from typing import Any, TypeVar

import click

from contractgen.spec.errors import SpecError
from contractgen.spec.project import load_project
from contractgen.stack.portal import Portal
from contractgen.stack.ports import Ports

F = TypeVar("F", bound=Callable[..., Any])

DEFAULT_STATE_DIR = Path(".stack")


def _stack_options(command: F) -> F:
    @click.option(
        "--state-dir",
        type=click.Path(path_type=Path, file_okay=False),
        default=DEFAULT_STATE_DIR,
        envvar="CONTRACTGEN_STACK_DIR",
        show_envvar=True,
        show_default=True,
        help="Where the stack keeps its data, logs and pid files.",
    )
    @click.option(
        "--specs",
        type=click.Path(path_type=Path, file_okay=False),
        default=Path("specs"),
        show_default=True,
        help="The contracts: which services, ports, databases and topics there are.",
    )
    @wraps(command)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        return command(*args, **kwargs)

    return wrapper  # type: ignore[return-value]


def _open(state_dir: Path, specs: Path, ports: Any = None) -> Any:
    from contractgen.stack.stack import Stack

    try:
        project = load_project(specs)
    except SpecError as error:
        for issue in error.issues:
            click.echo(f"error: {issue}", err=True)
        sys.exit(1)
    except FileNotFoundError as error:
        raise click.ClickException(str(error)) from error
    chosen = ports or Ports.saved(state_dir.resolve()) or Ports()
    return Stack(state_dir, project, chosen, say=click.echo, root=Path.cwd())


@click.group("stack")
def stack_group() -> None:
    """Run the platform on this machine without Docker.

    PostgreSQL (initdb, logical WAL), Kafka (one KRaft node), Kafka Connect with Debezium (jars
    from Maven Central, cached in ~/.cache/contractgen), then every service and consumer of the
    contracts. Each part runs in the background with a log and a pid file under the state folder.
    """


@stack_group.command()
@_stack_options
@click.option(
    "--postgres-port",
    type=int,
    default=Ports.postgres,
    show_default=True,
    help="PostgreSQL on 127.0.0.1; each publishing service's own cluster on the next ports.",
)
@click.option(
    "--kafka-port",
    type=int,
    default=Ports.kafka,
    show_default=True,
    help="Kafka's broker on 127.0.0.1.",
)
@click.option(
    "--controller-port",
    type=int,
    default=Ports.controller,
    show_default=True,
    help="Kafka's KRaft controller on 127.0.0.1.",
)
@click.option(
    "--connect-port",
    type=int,
    default=Ports.connect,
    show_default=True,
    help="Kafka Connect's REST API on 127.0.0.1.",
)
@click.option(
    "--apps-offset",
    type=int,
    default=0,
    show_default=True,
    help="Added to each service's contract port (x-port).",
)
@click.option(
    "--registry-port",
    type=int,
    default=0,
    help="The schema registry (Apicurio) on 127.0.0.1, its management port one above "
    "[default: two below --connect-port].",
)
@click.option(
    "--apps/--no-apps",
    default=True,
    show_default=True,
    help="Also start the services, register the connectors and start the consumers.",
)
def up(
    state_dir: Path,
    specs: Path,
    postgres_port: int,
    kafka_port: int,
    controller_port: int,
    connect_port: int,
    apps_offset: int,
    registry_port: int,
    apps: bool,
) -> None:
    """Start whatever is not running and wait until each part is ready (idempotent)."""
    from contractgen.stack.artifacts import StackError

    ports = Ports(
        postgres_port, kafka_port, controller_port, connect_port, apps_offset, registry_port
    )
    stack = _open(state_dir, specs, ports)
    try:
        stack.up(apps=apps)
        portal = Portal.of(stack.state_dir, stack.ports).up(stack.project)
    except StackError as error:
        raise click.ClickException(
            f"{error}\n(`contractgen stack down` stops what did start)"
        ) from error
    click.echo(f"\nDocs portal (REST APIs and events): {portal}")
    if not apps:
        return
    click.echo("\nSwagger UI:")
    for app, _ in stack.apps.values():
        if app.url:
            click.echo(f"  {app.name:<13} {app.url}/ui/")
    # The apps verify with the local development secret; the identity is the project's.
    tenant = (
        " --tenant ID"
        if stack.project.config.identity and stack.project.config.identity.tenant_claim
        else ""
    )
    click.echo(f"\nTokens for these apps: contractgen token --dev-secret{tenant}")
    click.echo(f"\nLogs: {stack.state_dir / 'logs'}/   Stop: contractgen stack down")


@stack_group.command()
@_stack_options
def down(state_dir: Path, specs: Path) -> None:
    """Stop exactly the processes `up` started; the data stays for the next `up`."""
    stack = _open(state_dir, specs)
    stack.down()
    if Portal.of(stack.state_dir, stack.ports).stop():
        click.echo("portal     stopped")


@stack_group.command()
@_stack_options
def status(state_dir: Path, specs: Path) -> None:
    """Say what runs, where; exit 1 unless everything does."""
    stack = _open(state_dir, specs)
    report = stack.status() | {"portal": Portal.of(stack.state_dir, stack.ports).status()}
    for name, state in report.items():
        click.echo(f"{name:<18} {state}")
    sys.exit(0 if all(state.startswith("running") for state in report.values()) else 1)
