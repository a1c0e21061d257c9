"""`contractgen init` and `add-service`: a working project, never overwriting what a user wrote,
and regenerating never touches hand-written files."""

from __future__ import annotations

import py_compile
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from contractgen.cli import main
from tests.scaffold.edits import add_delete_to_the_contracts, implement_delete


def run(*args: str | Path) -> tuple[int, str]:
    result = CliRunner().invoke(main, [str(a) for a in args], catch_exceptions=False)
    return result.exit_code, result.output


def hand_written(project: Path) -> dict[str, bytes]:
    return {
        p.relative_to(project).as_posix(): p.read_bytes()
        for p in sorted((project / "services").rglob("*.py"))
    }


@pytest.fixture
def project(tmp_path: Path) -> Path:
    root = tmp_path / "shop"
    code, output = run("init", root)
    assert code == 0, output
    code, output = run("add-service", "audit", "--consumes", "notes", "--project", root)
    assert code == 0, output
    return root


def test_init_makes_a_project_that_generates_and_compiles(project: Path) -> None:
    for name in (
        "contractgen.toml",
        "README.md",
        "specs/notes/openapi.yaml",
        "specs/audit/asyncapi.yaml",
    ):
        assert (project / name).is_file(), name
    assert 'name = "shop"' in (project / "contractgen.toml").read_text()
    code, output = run("check", "--specs", project / "specs", "--out", project / "generated")
    assert code == 0, output
    for path in [
        *project.joinpath("services").rglob("*.py"),
        *project.joinpath("generated").rglob("*.py"),
    ]:
        py_compile.compile(str(path), doraise=True)
    # Ports follow one another; the consumer subscribes to what the producer sends.
    assert "x-port: 8001" in (project / "specs/notes/openapi.yaml").read_text()
    assert "x-port: 8002" in (project / "specs/audit/openapi.yaml").read_text()
    assert "on_note_created" in (project / "generated/audit/consumer.py").read_text()


def test_adding_a_service_never_overwrites_an_edited_file(project: Path) -> None:
    handlers = project / "services/notes/handlers.py"
    handlers.write_text(handlers.read_text() + "\n# mine\n")
    code, output = run("add-service", "notes", "--project", project)
    assert code == 0, output
    assert "kept" in output and "not overwritten" in output
    assert handlers.read_text().endswith("# mine\n")


def test_regenerating_after_a_contract_change_never_touches_hand_written_files(
    project: Path,
) -> None:
    before = hand_written(project)
    add_delete_to_the_contracts(project)
    code, output = run("generate", "--specs", project / "specs", "--out", project / "generated")
    assert code == 0, output
    assert hand_written(project) == before
    assert "async def delete_note" in (project / "generated/notes/handlers.py").read_text()
    assert "on_note_deleted" in (project / "generated/audit/consumer.py").read_text()
    implement_delete(project)
    for path in project.joinpath("services").rglob("*.py"):
        py_compile.compile(str(path), doraise=True)


def test_a_consumer_of_a_service_that_sends_nothing_is_refused(project: Path) -> None:
    code, output = run("add-service", "reader", "--consumes", "audit", "--project", project)
    assert code != 0
    assert "no service 'audit' that sends events" in output


def test_service_names_are_checked(project: Path) -> None:
    code, output = run("add-service", "Bad-Name", "--project", project)
    assert code != 0
    assert "lower_snake_case" in output


BUILD = """
from contractgen.identity import Identity
from contractgen.runtime.jwt import LOCAL_SECRET, JwtSettings
from contractgen.runtime.settings import ServiceSettings, default_database_url
from services.notes.bootstrap import SERVICE as NOTES
from services.audit.bootstrap import SERVICE as AUDIT

for definition in (NOTES, AUDIT):
    settings = ServiceSettings(
        definition.name,
        default_database_url(definition.name),
        JwtSettings(Identity("shop", "shop"), secret=LOCAL_SECRET),
        kafka_bootstrap_servers="127.0.0.1:1",
    )
    definition.build_app(settings)  # checks every handler against the contract
    if definition.build_consumer:
        from contractgen.runtime.database import create_engine
        definition.build_consumer(settings, create_engine(settings.database_url))
    print(definition.name, definition.port)
"""


def test_the_services_of_a_new_project_build_after_a_contract_change(project: Path) -> None:
    add_delete_to_the_contracts(project)
    assert run("generate", "--specs", project / "specs", "--out", project / "generated")[0] == 0
    implement_delete(project)
    result = subprocess.run(
        [sys.executable, "-c", BUILD], cwd=project, capture_output=True, text=True, check=False
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["notes", "8001", "audit", "8002"]


def test_a_missing_handler_stops_the_service_with_its_name(project: Path) -> None:
    add_delete_to_the_contracts(project)
    assert run("generate", "--specs", project / "specs", "--out", project / "generated")[0] == 0
    result = subprocess.run(
        [sys.executable, "-c", BUILD], cwd=project, capture_output=True, text=True, check=False
    )
    assert result.returncode != 0
    # The abstract method the contract added: Python refuses the class before the app is built.
    assert "Can't instantiate abstract class NoteApi with abstract method delete_note" in (
        result.stderr
    )
