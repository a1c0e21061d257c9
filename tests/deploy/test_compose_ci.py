"""docker-compose.yml against the Compose specification, the CircleCI config against CircleCI's
schema (both vendored in check-jsonschema), and the compose stack against the specs."""

from __future__ import annotations

import json
import re
import subprocess
import sys

import pytest
import yaml

from tests.deploy.tools import REPO


@pytest.mark.parametrize(
    ("schema", "path"),
    [
        ("vendor.compose-spec", "docker-compose.yml"),
        ("vendor.compose-spec", "generated/deploy/compose/docker-compose.yml"),
        ("vendor.circle-ci", ".circleci/config.yml"),
    ],
)
def test_validates_against_its_vendored_schema(schema: str, path: str) -> None:
    result = subprocess.run(
        [sys.executable, "-m", "check_jsonschema", "--builtin-schema", schema, str(REPO / path)],
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr


COMPOSE = REPO / "generated" / "deploy" / "compose" / "docker-compose.yml"


def test_the_projects_compose_file_includes_the_generated_one() -> None:
    root = yaml.safe_load((REPO / "docker-compose.yml").read_text(encoding="utf-8"))
    assert root["include"] == [
        {"path": "generated/deploy/compose/docker-compose.yml", "project_directory": "."}
    ]
    for service in yaml.safe_load(COMPOSE.read_text(encoding="utf-8"))["services"].values():
        for volume in service.get("volumes", []):
            source = volume.split(":")[0]
            if source.startswith("./"):
                assert (REPO / source).exists(), f"{source} is mounted but does not exist"


def _platform() -> dict[str, dict[str, dict[str, object]]]:
    text = (REPO / "generated" / "deploy" / "platform.json").read_text(encoding="utf-8")
    platform: dict[str, dict[str, dict[str, object]]] = json.loads(text)
    return platform


def test_compose_runs_every_service_on_its_spec_port_and_the_consumer() -> None:
    compose = yaml.safe_load(COMPOSE.read_text(encoding="utf-8"))
    services = compose["services"]
    for name, spec in _platform()["services"].items():
        port = str(spec["port"])
        assert f"127.0.0.1:{port}:{port}" in services[name]["ports"]
        assert port in services[name]["command"]
    for group, consumer in _platform()["consumers"].items():
        assert services[str(consumer["deployment"])]["command"] == ["--consume"]
        assert group in str(services[str(consumer["deployment"])]["environment"])


def test_compose_connect_has_every_variable_the_connectors_name() -> None:
    compose = yaml.safe_load(COMPOSE.read_text(encoding="utf-8"))
    environment = compose["services"]["connect"]["environment"]
    for name, spec in _platform()["connectors"].items():
        path = REPO / "generated" / str(spec["service"]) / "connect" / f"{name}.json"
        for variable in re.findall(r"\$\{env:([A-Z0-9_]+)\}", path.read_text(encoding="utf-8")):
            assert variable in environment, f"{name} needs {variable}"


def test_dockerfiles_expose_the_spec_port() -> None:
    for name, spec in _platform()["services"].items():
        text = (REPO / "generated" / "deploy" / "docker" / name / "Dockerfile").read_text(
            encoding="utf-8"
        )
        assert f"EXPOSE {spec['port']}\n" in text
        assert f"127.0.0.1:{spec['port']}/healthz" in text
        assert f'ENTRYPOINT ["contractgen", "serve", "{name}"]' in text
