"""`contractgen init DIR` and `contractgen add-service NAME`."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from contractgen.config import ConfigError, ProjectConfig, load_config
from contractgen.scaffold.names import SERVICE_NAME, ServiceNames
from contractgen.scaffold.service import (
    ScaffoldError,
    next_port,
    project_files,
    service_scaffold,
)
from contractgen.scaffold.writer import Scaffold
from contractgen.spec.errors import SpecError
from contractgen.spec.project import Project, load_project


@click.command("init")
@click.argument("directory", type=click.Path(path_type=Path, file_okay=False))
@click.option("--name", help="The project's name [default: the folder's name].")
@click.option(
    "--service", default="notes", show_default=True, help="The example service to start with."
)
@click.option("--port", type=int, default=8001, show_default=True, help="Its port (x-port).")
def init_command(directory: Path, name: str | None, service: str, port: int) -> None:
    """Create a working project in DIRECTORY: configuration, one example service (its OpenAPI
    and AsyncAPI contracts and its code), the generated code, and a README that says what next.

    Files that exist already are kept as they are.
    """
    name = name or directory.resolve().name.lower().replace("_", "-")
    directory.mkdir(parents=True, exist_ok=True)
    scaffold = Scaffold(directory.resolve(), {"project": name, "service": service, "port": port})
    for target, template in project_files(directory).items():
        scaffold.add(target, template)
    scaffold.add("services/__init__.py", "project/services_init.py.jinja2")
    names = ServiceNames(service, name, port)
    scaffold.context["plural"] = names.plural
    try:
        config = load_config(directory)
    except ConfigError as error:
        raise click.ClickException(str(error)) from error
    scaffold.write(click.echo)
    _add(load_config(directory), service, port, None)
    click.echo(f"\nNext: cd {directory} && contractgen stack up   (see {directory}/README.md)")
    del config


@click.command("add-service")
@click.argument("name")
@click.option("--port", type=int, help="Its port (x-port) [default: one above the highest].")
@click.option(
    "--consumes",
    metavar="SERVICE",
    help="Start it as a consumer of every event SERVICE sends (instead of a resource service).",
)
@click.option(
    "--project",
    type=click.Path(path_type=Path, file_okay=False, exists=True),
    default=Path("."),
    show_default=True,
    help="The project folder (with contractgen.toml).",
)
def add_service_command(name: str, port: int | None, consumes: str | None, project: Path) -> None:
    """Add service NAME: its contracts under specs/NAME and its code under services/NAME, then
    regenerate. A file that exists already is never overwritten."""
    try:
        config = load_config(project)
    except ConfigError as error:
        raise click.ClickException(str(error)) from error
    _add(config, name, port, consumes)


def _add(config: ProjectConfig, name: str, port: int | None, consumes: str | None) -> None:
    if not SERVICE_NAME.match(name):
        raise click.BadParameter("lower_snake_case, starting with a letter", param_hint="NAME")
    existing = _load(config) if config.specs_dir.is_dir() else None
    names = ServiceNames(name, config.name, port or next_port(existing))
    try:
        scaffold = service_scaffold(config, names, existing, consumes)
    except ScaffoldError as error:
        raise click.ClickException(str(error)) from error
    scaffold.write(click.echo)
    _generate(config)


def _load(config: ProjectConfig) -> Project | None:
    try:
        return load_project(config.specs_dir, config)
    except SpecError as error:
        for issue in error.issues:
            click.echo(f"error: {issue}", err=True)
        raise click.ClickException("fix the contracts first") from error


def _generate(config: ProjectConfig) -> None:
    from contractgen.gen.project import project_files as generated_files
    from contractgen.gen.project import write_atomically

    project = _load(config)
    assert project is not None
    files = generated_files(project)
    write_atomically(config.generated_dir, files)
    click.echo(f"generated {config.generated_dir}/ ({len(files)} files)")
    sys.stdout.flush()
