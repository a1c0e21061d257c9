"""`contractgen diff`: the compatibility gate's command line."""

from __future__ import annotations

import sys
import tempfile
from datetime import date
from pathlib import Path

import click

from contractgen.diff.compare import compare
from contractgen.diff.config import ConfigError, read_settings
from contractgen.diff.findings import Findings
from contractgen.diff.report import EXIT_ERROR, FAIL_ON, Verdict, as_json, as_text
from contractgen.diff.sides import GitError, GitHistory, Side, baseline, commit_of, repository
from contractgen.spec.errors import SpecError
from contractgen.spec.project import load_project


@click.command("diff")
@click.option(
    "--specs",
    type=click.Path(path_type=Path, file_okay=False),
    default=Path("specs"),
    show_default=True,
    help="Folder with one sub-folder per service.",
)
@click.option(
    "--against",
    "revision",
    metavar="REV",
    help="Git revision to compare with (default: [diff] baseline in contractgen.toml, else main).",
)
@click.option(
    "--format", "output", type=click.Choice(["text", "json"]), default="text", show_default=True
)
@click.option(
    "--fail-on",
    type=click.Choice(FAIL_ON),
    default="code",
    show_default=True,
    help="wire: fail on wire breaks only; code: also on generated-code breaks; none: report only.",
)
@click.option(
    "--deprecation-days",
    type=click.IntRange(min=0),
    help="Days a deprecated element must stay before its removal is allowed (default: [diff] "
    "deprecation_days, else 90).",
)
def diff_command(
    specs: Path, revision: str | None, output: str, fail_on: str, deprecation_days: int | None
) -> None:
    """Classify every contract change against a git revision.

    Each REST, AsyncAPI and Avro change is breaking on the wire, breaking for generated code,
    or safe. Exit 0: nothing failing; 1: breaking changes; 2: a usage, git or spec error.
    """
    try:
        settings = read_settings(specs.resolve().parent)
    except ConfigError as error:
        _fail(str(error))
    revision = revision or settings.baseline
    days = settings.deprecation_days if deprecation_days is None else deprecation_days
    out = Findings(days, date.today())
    try:
        top, _ = repository(specs)
        commit, revision = _resolve(top, revision)
        new = Side.of(load_project(specs, storage_rules=False))
        with (
            baseline(specs, commit, revision) as old,
            tempfile.TemporaryDirectory(prefix="contractgen-history-") as tmp,
        ):
            history = GitHistory(specs, commit, settings.history_limit, Path(tmp))
            compare(out, old, new, history)
    except GitError as error:
        _fail(str(error))
    except SpecError as error:
        for issue in error.issues:
            click.echo(f"error: {issue}", err=True)
        _fail(f"{len(error.issues)} problem(s) in the contracts")
    except FileNotFoundError as error:
        _fail(str(error))
    verdict = Verdict(revision, commit, tuple(out.sorted()), fail_on)
    click.echo(as_json(verdict) if output == "json" else as_text(verdict), nl=False)
    sys.exit(verdict.exit_code)


def _resolve(top: Path, revision: str) -> tuple[str, str]:
    """The commit of `revision`; a branch this clone only has as `origin/<branch>` (a CI checkout
    of another branch) is taken from there, saying so."""
    try:
        return commit_of(top, revision), revision
    except GitError:
        remote = f"origin/{revision}"
        try:
            commit = commit_of(top, remote)
        except GitError:
            raise GitError(f"no revision {revision!r} (nor {remote!r})") from None
        click.echo(f"contractgen diff: no local {revision!r}, comparing with {remote}", err=True)
        return commit, remote


def _fail(message: str) -> None:
    click.echo(f"contractgen diff: {message}", err=True)
    sys.exit(EXIT_ERROR)
