"""`contractgen serve NAME`: run one service of the project (its API, its migrations, its consumer)."""

from __future__ import annotations

import os
import sys
from pathlib import Path

import click

from contractgen.config import ConfigError, load_config


@click.command(
    "serve",
    context_settings={"ignore_unknown_options": True, "help_option_names": []},
    add_help_option=False,
)
@click.option(
    "--project",
    type=click.Path(path_type=Path, file_okay=False, exists=True),
    default=Path("."),
    help="The project folder (its contractgen.toml names the services package).",
)
@click.argument("service")
@click.argument("args", nargs=-1, type=click.UNPROCESSED)
def serve_command(project: Path, service: str, args: tuple[str, ...]) -> None:
    """Serve SERVICE's API on its contract's port; `--migrate` first, or `--consume` instead.

    The service's composition root `<services>.<SERVICE>.bootstrap` defines SERVICE (a
    contractgen.runtime.service.ServiceDefinition). `contractgen serve SERVICE --help` lists
    the options.
    """
    try:
        config = load_config(project)
    except ConfigError as error:
        raise click.ClickException(str(error)) from error
    # The project's packages (generated code and services) are imported from its folder.
    root = str(config.root)
    if root not in sys.path:
        sys.path.insert(0, root)
    os.chdir(root)
    from contractgen.runtime.service import load_definition, run

    run(load_definition(f"{config.service_module(service)}.bootstrap"), list(args))
