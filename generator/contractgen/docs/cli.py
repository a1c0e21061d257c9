"""`contractgen docs`: build the portal from the contracts."""

from __future__ import annotations

import sys
import time
from pathlib import Path

import click

from contractgen.docs.model import build_site
from contractgen.docs.render import site_files
from contractgen.gen.project import write_atomically
from contractgen.spec.errors import SpecError
from contractgen.spec.project import load_project


def build_portal(
    specs: Path, out: Path, title: str = "API and event contracts", history: bool = True
) -> int:
    """Write the portal for the contracts in `specs` to `out` (replaced whole, atomically);
    return the number of files. Raises SpecError for invalid contracts."""
    project = load_project(specs)
    files = site_files(build_site(project, title, history=history))
    write_atomically(out, files)
    return len(files)


@click.command("docs")
@click.option(
    "--specs",
    type=click.Path(path_type=Path, file_okay=False),
    default=Path("specs"),
    show_default=True,
    help="Folder with one sub-folder per service (openapi.yaml, asyncapi.yaml).",
)
@click.option(
    "--out",
    type=click.Path(path_type=Path, file_okay=False),
    default=Path("docs-site"),
    show_default=True,
    help="Folder the portal is written to (replaced whole).",
)
@click.option(
    "--title", default="API and event contracts", show_default=True, help="The portal's title."
)
@click.option(
    "--history/--no-history",
    default=True,
    show_default=True,
    help="Each message's schema changes from `git log` of the file that defines it.",
)
def docs_command(specs: Path, out: Path, title: str, history: bool) -> None:
    """Write a static, offline HTML portal of every service's REST API and events.

    Open OUT/index.html from the file system or serve OUT from any static host: nothing is
    fetched from the network when it is viewed."""
    started = time.perf_counter()
    try:
        count = build_portal(specs, out, title, history)
    except SpecError as error:
        for issue in error.issues:
            click.echo(f"error: {issue}", err=True)
        click.echo("contractgen: the contracts have problems; no portal was written", err=True)
        sys.exit(1)
    except FileNotFoundError as error:
        click.echo(f"error: {error}", err=True)
        sys.exit(2)
    elapsed = (time.perf_counter() - started) * 1000
    click.echo(
        f"contractgen: wrote {count} files to {out}/ ({elapsed:.0f} ms); open {out / 'index.html'}",
        err=True,
    )
