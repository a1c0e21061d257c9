"""The `contractgen` command line."""

from __future__ import annotations

import functools
import gc
import importlib
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, ParamSpec, TypeVar

import click

from contractgen import __version__
from contractgen.config import ConfigError, config_for_specs, load_config
from contractgen.spec.errors import SpecError

if TYPE_CHECKING:
    from contractgen.spec.project import Project

# The other subcommands, imported only when chosen: together they import Connexion, httpx, rich,
# PyJWT... (about 0.6 s), which `generate` and `check` never use.
LAZY_COMMANDS = {
    "add-service": "contractgen.scaffold.commands:add_service_command",
    "diff": "contractgen.diff.command:diff_command",
    "docs": "contractgen.docs.cli:docs_command",
    "init": "contractgen.scaffold.commands:init_command",
    "mock": "contractgen.mock.cli:mock_command",
    "mock-events": "contractgen.mock.cli:mock_events_command",
    "serve": "contractgen.serve:serve_command",
    "stack": "contractgen.stack.cli:stack_group",
    "test": "contractgen.testing.command:test_command",
    "token": "contractgen.tokens:token_command",
    "verify-events": "contractgen.verify.cli:verify_events_command",
}


class LazyGroup(click.Group):
    """A group whose subcommands in LAZY_COMMANDS are imported when looked up (click's
    documented pattern for lazily loaded subcommands)."""

    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted({*super().list_commands(ctx), *LAZY_COMMANDS})

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        if cmd_name in LAZY_COMMANDS:
            module, _, name = LAZY_COMMANDS[cmd_name].partition(":")
            command = getattr(importlib.import_module(module), name)
            assert isinstance(command, click.Command)
            return command
        return super().get_command(ctx, cmd_name)


SPECS = click.option(
    "--specs",
    type=click.Path(path_type=Path, file_okay=False),
    default=None,
    help="Folder with one sub-folder per service (openapi.yaml, asyncapi.yaml)."
    " [default: project.specs of ./contractgen.toml, else specs]",
)
OUT = click.option(
    "--out",
    type=click.Path(path_type=Path, file_okay=False),
    default=None,
    help="Folder that contractgen owns and rewrites whole."
    " [default: project.generated of the configuration, else generated]",
)
QUIET = click.option("-q", "--quiet", is_flag=True, help="Print errors only.")


P = ParamSpec("P")
R = TypeVar("R")


def without_gc(command: Callable[P, R]) -> Callable[P, R]:
    """Run `command` with the cyclic garbage collector off. Loading a contract allocates millions
    of small containers and no cycles worth collecting; the collector's passes over them cost a
    third of a large `generate`. Turned back on afterwards (tests run commands in-process)."""

    @functools.wraps(command)
    def run(*args: P.args, **kwargs: P.kwargs) -> R:
        was_enabled = gc.isenabled()
        gc.disable()
        try:
            return command(*args, **kwargs)
        finally:
            if was_enabled:
                gc.enable()

    return run


class Progress:
    def __init__(self, quiet: bool) -> None:
        self.quiet = quiet
        self.started = time.perf_counter()

    def say(self, message: str) -> None:
        if not self.quiet:
            elapsed = (time.perf_counter() - self.started) * 1000
            click.echo(f"contractgen: {message} ({elapsed:.0f} ms)", err=True)


def _load(specs: Path | None, progress: Progress) -> Project:
    from contractgen.spec.project import load_project

    try:
        config = config_for_specs(specs) if specs else load_config(Path.cwd())
        specs = config.specs_dir
        project = load_project(specs, config)
    except ConfigError as error:
        click.echo(f"error: {error}", err=True)
        sys.exit(2)
    except SpecError as error:
        for issue in error.issues:
            click.echo(f"error: {issue}", err=True)
        click.echo(
            f"contractgen: {len(error.issues)} problem(s) in the contracts; nothing was written",
            err=True,
        )
        sys.exit(1)
    except FileNotFoundError as error:
        click.echo(f"error: {error}", err=True)
        sys.exit(2)
    names = ", ".join(s.name for s in project.services)
    shown = project.docs.display(project.specs_dir)
    progress.say(f"validated {len(project.services)} services in {shown}/: {names}")
    return project


@click.group(cls=LazyGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="contractgen")
def main() -> None:
    """Generate microservices from OpenAPI 3 and AsyncAPI 3 contracts.

    The contracts in specs/ are the source of truth; everything under generated/ is derived from
    them and must never be edited by hand.
    """


@main.command()
@SPECS
@QUIET
@without_gc
def validate(specs: Path | None, quiet: bool) -> None:
    """Validate the contracts without writing anything."""
    _load(specs, Progress(quiet))


@main.command()
@SPECS
@OUT
@QUIET
@without_gc
def generate(specs: Path | None, out: Path | None, quiet: bool) -> None:
    """Write OUT from SPECS: deterministic, and atomic (an error leaves OUT as it was)."""
    from contractgen.gen.project import project_files, stale_files, write_atomically

    progress = Progress(quiet)
    project = _load(specs, progress)
    files = project_files(project)
    out = out or project.config.generated_dir
    progress.say(f"rendered {len(files)} files")
    changed = stale_files(out, files)
    if changed:  # else leave OUT as it is: file times and watchers see no change
        write_atomically(out, files)
    progress.say(f"wrote {out}/ ({len(changed)} changed)")


@main.command()
@SPECS
@OUT
@QUIET
@without_gc
def check(specs: Path | None, out: Path | None, quiet: bool) -> None:
    """Exit non-zero, naming each stale file, when OUT differs from what `generate` would write."""
    from contractgen.gen.project import project_files, stale_files

    progress = Progress(quiet)
    project = _load(specs, progress)
    files = project_files(project)
    out = out or project.config.generated_dir
    stale = stale_files(out, files)
    if stale:
        for relative in stale:
            click.echo(f"stale: {out / relative}", err=True)
        click.echo(
            f"contractgen: {len(stale)} stale file(s) in {out}/; run `make generate`", err=True
        )
        sys.exit(1)
    shown = project.docs.display(project.specs_dir)
    progress.say(f"{out}/ is in sync with {shown}/ ({len(files)} files)")
