"""Editing a spec regenerates the code, and hand-written code missing a new operation fails loudly."""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
import yaml
from connexion.decorators.parameter import pythonic as connexion_pythonic

from contractgen.spec.naming import pythonic
from tests.generator.helpers import REPO, contractgen, copy_specs


@pytest.mark.parametrize(
    "name",
    ["organizationId", "type", "id", "limit", "HTTPStatus", "x-request-id", "class", "ideaId2"],
)
def test_parameter_names_match_connexion(name: str) -> None:
    assert pythonic(name) == connexion_pythonic(name)


def _run_python(project: Path, code: str) -> subprocess.CompletedProcess[str]:
    """Import the project's own generated/ package in a fresh interpreter."""
    env = {**os.environ, "PYTHONPATH": f"{project}{os.pathsep}{REPO}"}
    return subprocess.run(
        [sys.executable, "-c", textwrap.dedent(code)],
        cwd=project,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )


def test_new_field_and_new_operation_flow_into_generated_code(tmp_path: Path) -> None:
    specs = copy_specs(REPO / "specs", tmp_path)
    asyncapi = specs / "idea" / "asyncapi.yaml"
    document = yaml.safe_load(asyncapi.read_text())
    schema = document["components"]["messages"]["IdeaCreated"]["payload"]["schema"]
    schema["fields"].append(
        {
            "name": "tags",
            "type": {"type": "array", "items": "string"},
            "default": [],
            "doc": "Tags.",
        }
    )
    asyncapi.write_text(yaml.safe_dump(document, sort_keys=False))
    openapi = specs / "idea" / "openapi.yaml"
    document = yaml.safe_load(openapi.read_text())
    document["paths"]["/organizations/{organizationId}/ideas/{ideaId}/archive"] = {
        "post": {
            "operationId": "archiveIdea",
            "summary": "Archive an idea",
            "parameters": document["paths"]["/organizations/{organizationId}/ideas/{ideaId}"][
                "get"
            ]["parameters"],
            "responses": {"204": {"description": "Archived."}},
        }
    }
    openapi.write_text(yaml.safe_dump(document, sort_keys=False))

    run = contractgen("generate", "--specs", specs, "--out", tmp_path / "generated")
    assert run.exit_code == 0, run.stderr

    handlers = (tmp_path / "generated" / "idea" / "handlers.py").read_text()
    assert "async def archive_idea(" in handlers
    assert '"archiveIdea": Binding(' in handlers
    events = (tmp_path / "generated" / "idea" / "events.py").read_text()
    assert "tags: list[str]" in events

    # Hand-written code written against the old contract now fails at start-up, naming the gap.
    result = _run_python(
        tmp_path,
        """
        import inspect
        from generated.idea import handlers
        from generated.idea.app import create_app

        class OldService:  # implements every operation of the old contract, not archiveIdea
            pass

        for name, member in inspect.getmembers(handlers.IdeaHandlers):
            if getattr(member, "__isabstractmethod__", False) and name != "archive_idea":
                async def method(self, *args, **kwargs): ...
                method.__signature__ = inspect.signature(member)
                setattr(OldService, name, method)
        create_app(OldService())
        """,
    )
    assert result.returncode != 0
    assert (
        "operation archiveIdea (POST /organizations/{organizationId}/ideas/{ideaId}/archive)"
        in result.stderr
    )
    assert "OldService.archive_idea is missing" in result.stderr
