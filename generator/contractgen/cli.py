"""The `contractgen` command line."""

from __future__ import annotations

import sys
import time
from pathlib import Path

import click

from contractgen import __version__
from contractgen.config import ConfigError, config_for_specs, load_config
from contractgen.diff.command import diff_command
from contractgen.docs.cli import docs_command
from contractgen.gen.project import project_files, stale_files, write_atomically
from contractgen.mock.cli import mock_command, mock_events_command
from contractgen.scaffold.commands import add_service_command, init_command
from contractgen.serve import serve_command
from contractgen.spec.errors import SpecError
from contractgen.spec.project import Project, load_project
from contractgen.stack.cli import stack_group
from contractgen.testing.command import test_command
from contractgen.tokens import token_command
from contractgen.verify.cli import verify_events_command

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


class Progress:
    def __init__(self, quiet: bool) -> None:
        self.quiet = quiet
        self.started = time.perf_counter()

    def say(self, message: str) -> None:
        if not self.quiet:
            elapsed = (time.perf_counter() - self.started) * 1000
            click.echo(f"contractgen: {message} ({elapsed:.0f} ms)", err=True)


def _load(specs: Path | None, progress: Progress) -> Project:
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


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="contractgen")
def main() -> None:
    """Generate microservices from OpenAPI 3 and AsyncAPI 3 contracts.

    The contracts in specs/ are the source of truth; everything under generated/ is derived from
    them and must never be edited by hand.
    """


@main.command()
@SPECS
@QUIET
def validate(specs: Path | None, quiet: bool) -> None:
    """Validate the contracts without writing anything."""
    _load(specs, Progress(quiet))


@main.command()
@SPECS
@OUT
@QUIET
def generate(specs: Path | None, out: Path | None, quiet: bool) -> None:
    """Write OUT from SPECS: deterministic, and atomic (an error leaves OUT as it was)."""
    progress = Progress(quiet)
    project = _load(specs, progress)
    files = project_files(project)
    out = out or project.config.generated_dir
    progress.say(f"rendered {len(files)} files")
    changed = stale_files(out, files)
    write_atomically(out, files)
    progress.say(f"wrote {out}/ ({len(changed)} changed)")


@main.command()
@SPECS
@OUT
@QUIET
def check(specs: Path | None, out: Path | None, quiet: bool) -> None:
    """Exit non-zero, naming each stale file, when OUT differs from what `generate` would write."""
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


main.add_command(token_command)
main.add_command(serve_command)
main.add_command(init_command)
main.add_command(add_service_command)
main.add_command(stack_group)
main.add_command(diff_command)
main.add_command(docs_command)
main.add_command(mock_command)
main.add_command(mock_events_command)
main.add_command(test_command)
main.add_command(verify_events_command)
