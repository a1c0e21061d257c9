"""`contractgen test SERVICE`: the service against its contracts, REST and events.

Either in process against a real database (`--app module:factory --database-url URL`: the
factory takes the database URL, migrates it and returns the service's ASGI app, which is served
on a free loopback port) or against a running service (`--url`; with `--database-url` too, the
outbox check runs as well). Exit status: 0 when every check passed, 1 on any failure, 2 on a
usage error.
"""

from __future__ import annotations

import importlib
import logging
import sys
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click

from contractgen.runtime.jwt import LOCAL_SECRET, JwtSettings, mint_token
from contractgen.spec.errors import SpecError
from contractgen.spec.project import ServiceSpec, load_project

if TYPE_CHECKING:
    from contractgen.testing.runner import RunOptions

    # The app's problem logs (every 404 and 409 the fuzzer provokes) are not the report.
    logging.getLogger("connexion").setLevel(logging.ERROR)
# schemathesis, uvicorn and the app's own imports load only when `test` runs: schemathesis is a
# `dev` extra, and every other command starts faster without it.


def import_factory(path: str, app_dir: Path = Path()) -> Callable[[str], Any]:
    """`package.module:function` -> the function, importable from `app_dir` (as uvicorn's
    `--app-dir`: a console script does not put the current folder on sys.path)."""
    folder = str(app_dir.resolve())
    if folder not in sys.path:
        sys.path.insert(0, folder)
    module_name, _, attribute = path.partition(":")
    if not module_name or not attribute:
        raise click.BadParameter(f"{path!r}: expected module:function", param_hint="--app")
    try:
        factory = getattr(importlib.import_module(module_name), attribute)
    except (ImportError, AttributeError) as error:
        raise click.BadParameter(f"{path!r}: {error}", param_hint="--app") from None
    if not callable(factory):
        raise click.BadParameter(f"{path!r} is not callable", param_hint="--app")
    return factory  # type: ignore[no-any-return]


def find_service(specs: Path, name: str) -> ServiceSpec:
    try:
        project = load_project(specs)
    except SpecError as error:
        raise click.ClickException(f"the contracts are invalid:\n{error}") from None
    for service in project.services:
        if service.name == name:
            return service
    known = ", ".join(s.name for s in project.services)
    raise click.BadParameter(f"no service {name!r} in {specs}/ (services: {known})")


def contract_test(
    service: ServiceSpec,
    *,
    options: RunOptions,
    url: str | None = None,
    app_factory: Callable[[str], Any] | None = None,
    database_url: str | None = None,
) -> tuple[int, int]:
    """Run the contract tests of `service`; (exit code, seed)."""
    from contractgen.testing.events import EventContract
    from contractgen.testing.runner import OutboxWindow, run_schemathesis, serving

    events = EventContract.of(service)
    window = None
    if database_url is not None and events.messages:
        window = OutboxWindow(events, outbox_reader_later(database_url))
    if url is not None:
        return run_schemathesis(url.rstrip("/"), options, window=window)
    if app_factory is None or database_url is None:
        raise click.UsageError("give --url, or --app with --database-url")
    app = app_factory(database_url)
    try:
        with serving(app) as base_url:
            return run_schemathesis(base_url, options, window=window)
    finally:
        from contractgen.testing.contract import close_outbox_readers

        close_outbox_readers()


def project_app(config: Any, service: str, jwt: JwtSettings) -> Callable[[str], Any]:
    """A factory for the project's own app of `service` (its composition root's SERVICE): the
    database migrated, then the app built on it."""

    def build(database_url: str) -> Any:
        from contractgen.runtime.service import load_definition
        from contractgen.runtime.settings import ServiceSettings

        if str(config.root) not in sys.path:
            sys.path.insert(0, str(config.root))
        definition = load_definition(f"{config.service_module(service)}.bootstrap")
        definition.migrate(database_url)
        return definition.build_app(ServiceSettings(service, database_url, jwt))

    return build


def outbox_reader_later(database_url: str) -> Callable[[], Any]:
    """The outbox reader, built on first use: in process, the factory creates the table."""
    from contractgen.testing.contract import outbox_reader

    reader: list[Callable[[], Any]] = []

    def read() -> Any:
        if not reader:
            reader.append(outbox_reader(database_url))
        return reader[0]()

    return read


@click.command("test")
@click.argument("service")
@click.option("--url", help="Base URL of a running service (its OpenAPI at /openapi.json).")
@click.option(
    "--app",
    "app_path",
    help="module:function that takes a database URL, migrates it and returns the ASGI app.",
)
@click.option(
    "--app-dir",
    type=click.Path(path_type=Path, file_okay=False),
    default=Path(),
    show_default=True,
    help="Folder to import --app from.",
)
@click.option(
    "--database-url",
    help="SQLAlchemy URL of the service's database: the app's (in process) and the outbox's.",
)
@click.option(
    "--specs",
    type=click.Path(path_type=Path, file_okay=False),
    default=Path("specs"),
    show_default=True,
    help="Folder with one sub-folder per service.",
)
@click.option("--seed", type=int, help="Fixed seed (default: a random one, printed).")
@click.option(
    "--max-examples", type=click.IntRange(min=1), help="Examples per operation and phase."
)
@click.option(
    "--tenant",
    "tenants",
    multiple=True,
    help="Mint a token for these tenants (the project's [identity] claim). Repeat for several.",
)
@click.option("--token", help="Bearer token to send (instead of minting one).")
@click.option(
    "--secret", envvar="JWT_SECRET", show_envvar=True, help="HS256 secret to mint the token with."
)
@click.option(
    "--dev-secret", is_flag=True, help="Mint with the local development secret (the stack's)."
)
def test_command(
    service: str,
    url: str | None,
    app_path: str | None,
    app_dir: Path,
    database_url: str | None,
    specs: Path,
    seed: int | None,
    max_examples: int | None,
    tenants: tuple[str, ...],
    token: str | None,
    secret: str | None,
    dev_secret: bool,
) -> None:
    """Run schemathesis (every check, stateful phase) and the outbox check against SERVICE:
    at --url, or in process on --database-url (the project's SERVICE definition, or --app)."""
    from contractgen.config import config_for_specs
    from contractgen.testing.runner import RunOptions

    # The app's problem logs (every 404 and 409 the fuzzer provokes) are not the report.
    logging.getLogger("connexion").setLevel(logging.ERROR)
    if url is None and database_url is None:
        raise click.UsageError("give --url, or --database-url to test in process")
    spec = find_service(specs, service)
    config = config_for_specs(specs)
    secret = LOCAL_SECRET if dev_secret else secret
    identity = config.identity
    if token is None and identity is not None and secret:
        kind = int if identity.tenant_type == "integer" else str
        token = mint_token(identity, "contractgen-test", [kind(t) for t in tenants], secret=secret)
    headers = {"Authorization": f"Bearer {token}"} if token else {}
    factory: Callable[[str], Any] | None = None
    if url is None:
        if app_path:
            factory = import_factory(app_path, app_dir)
        elif identity is None or not secret:
            raise click.UsageError(
                "in process, the app verifies tokens: declare [identity] in contractgen.toml and "
                "give --secret (or JWT_SECRET) or --dev-secret"
            )
        else:
            factory = project_app(config, service, JwtSettings(identity, secret=secret))
    code, used = contract_test(
        spec,
        options=RunOptions(headers=headers, seed=seed, max_examples=max_examples),
        url=url,
        app_factory=factory,
        database_url=database_url,
    )
    click.echo(
        f"contractgen test {service}: {'passed' if code == 0 else 'FAILED'} (seed {used})", err=True
    )
    sys.exit(1 if code else 0)
