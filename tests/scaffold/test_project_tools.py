"""The tools a team uses every day work on a project made by `contractgen init`: the contract
test (in process, on a real database, every schemathesis check and the outbox check), the docs
portal, and the REST mock with the project's own identity."""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest
from click.testing import CliRunner
from starlette.testclient import TestClient

from contractgen.cli import main
from contractgen.config import load_config
from contractgen.docs.cli import build_portal
from contractgen.mock.rest import mock_app
from contractgen.runtime.jwt import LOCAL_SECRET, JwtSettings, JwtVerifier, mint_token
from contractgen.spec.project import load_project

CONTRACTGEN = Path(sys.executable).with_name("contractgen")


@pytest.fixture(scope="module")
def project(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("tools") / "shop"
    result = CliRunner().invoke(main, ["init", str(root)], catch_exceptions=False)
    assert result.exit_code == 0, result.output
    return root


@pytest.mark.postgres
def test_contractgen_test_passes_on_a_new_projects_service(
    project: Path, new_database: Callable[[str], str]
) -> None:
    url = new_database("notes")
    result = subprocess.run(
        [
            CONTRACTGEN,
            "test",
            "notes",
            "--database-url",
            url,
            "--dev-secret",
            "--seed",
            "7",
            "--max-examples",
            "10",
        ],
        cwd=project,
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
    assert "contractgen test notes: passed (seed 7)" in result.stderr


def test_the_docs_portal_of_a_new_project(project: Path, tmp_path: Path) -> None:
    count = build_portal(project / "specs", tmp_path / "site", title="shop")
    assert count > 3
    message = next((tmp_path / "site").glob("message-*NoteCreated*.html")).read_text()
    assert "noteId" in message and "createNote" in message


def test_the_rest_mock_of_a_new_project_takes_its_own_tokens(project: Path) -> None:
    identity = load_config(project).identity
    assert identity is not None
    notes = next(s for s in load_project(project / "specs").services if s.name == "notes")
    app = mock_app(notes, verify_token=JwtVerifier(JwtSettings(identity, secret=LOCAL_SECRET)))
    token = mint_token(identity, "someone", secret=LOCAL_SECRET)
    with TestClient(app) as client:
        headers = {"Authorization": f"Bearer {token}"}
        created = client.post("/notes", json={"name": "mocked"}, headers=headers)
        assert created.status_code == 201, created.text
        again = client.get(f"/notes/{created.json()['id']}", headers=headers)
        assert again.json()["name"] == "mocked"
        assert client.post("/notes", json={}, headers=headers).status_code == 400
        assert client.get("/notes/1").status_code == 401
