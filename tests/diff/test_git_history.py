"""End to end on a real git history: `contractgen diff` run as a command in a fresh repository."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
import yaml

from tests.diff.harness import base_documents

GIT_ENV = {
    "GIT_AUTHOR_NAME": "t",
    "GIT_AUTHOR_EMAIL": "t@example.com",
    "GIT_COMMITTER_NAME": "t",
    "GIT_COMMITTER_EMAIL": "t@example.com",
    "GIT_CONFIG_GLOBAL": os.devnull,
    "GIT_CONFIG_NOSYSTEM": "1",
}
OPENAPI = "specs/shop/openapi.yaml"
ASYNCAPI = "specs/shop/asyncapi.yaml"


class Repo:
    def __init__(self, root: Path) -> None:
        self.root = root
        self.openapi, self.asyncapi = base_documents()
        self.git("init", "-q", "-b", "main")

    def git(self, *args: str) -> str:
        return subprocess.run(
            ["git", *args],
            cwd=self.root,
            env={**os.environ, **GIT_ENV},
            check=True,
            capture_output=True,
            text=True,
        ).stdout

    def write(self) -> None:
        folder = self.root / "specs" / "shop"
        folder.mkdir(parents=True, exist_ok=True)
        (folder / "openapi.yaml").write_text(yaml.safe_dump(self.openapi, sort_keys=False))
        (folder / "asyncapi.yaml").write_text(yaml.safe_dump(self.asyncapi, sort_keys=False))

    def commit(self, message: str) -> None:
        self.write()
        self.git("add", "-A")
        self.git("commit", "-q", "-m", message)

    def diff(self, *args: str) -> tuple[int, dict[str, Any]]:
        self.write()
        run = subprocess.run(
            [sys.executable, "-m", "contractgen", "diff", "--format", "json", *args],
            cwd=self.root,
            capture_output=True,
            text=True,
            env={**os.environ, **GIT_ENV},
            timeout=120,
        )
        assert run.returncode in (0, 1), run.stderr
        return run.returncode, json.loads(run.stdout)

    def placed(self) -> list[dict[str, Any]]:
        fields: list[dict[str, Any]] = self.asyncapi["components"]["messages"]["OrderPlaced"][
            "payload"
        ]["schema"]["fields"]
        return fields

    def order(self) -> dict[str, Any]:
        order: dict[str, Any] = self.openapi["components"]["schemas"]["Order"]
        return order


@pytest.fixture()
def repo(tmp_path: Path) -> Repo:
    repo = Repo(tmp_path)
    # The baseline: a response property deprecated long ago, one deprecated recently.
    props = repo.order()["properties"]
    props["note"].update({"deprecated": True, "x-deprecated-on": "2020-01-01"})
    props["item"].update({"deprecated": True, "x-deprecated-on": "2999-01-01"})
    repo.commit("baseline")
    return repo


def _rules(report: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {f"{f['file']}#{f['pointer']}": f for f in report["findings"]}


def test_safe_change_passes(repo: Repo) -> None:
    repo.openapi["components"]["schemas"]["OrderCreate"]["properties"]["gift"] = {"type": "boolean"}
    code, report = repo.diff("--against", "main")
    assert code == 0
    assert report["result"] == "pass"
    assert [f["rule"] for f in report["findings"]] == ["rest.request.property-added"]


def test_incompatible_avro_change_fails_naming_the_field(repo: Repo) -> None:
    repo.placed().append({"name": "coupon", "type": "string"})
    code, report = repo.diff("--against", "main")
    assert code == 1
    found = _rules(report)[f"{ASYNCAPI}#/components/messages/OrderPlaced/payload/schema/fields/3"]
    assert found["rule"] == "avro.incompatible"
    assert found["class"] == "wire"
    assert "BACKWARD" in found["why"]


def test_removed_rest_property_fails(repo: Repo) -> None:
    repo.order()["properties"].pop("id")
    code, report = repo.diff("--against", "main")
    assert code == 1
    found = _rules(report)[f"{OPENAPI}#/components/schemas/Order/properties/id"]
    assert (found["rule"], found["class"]) == ("rest.response.property-removed", "wire")


def test_removal_after_the_deprecation_period_passes(repo: Repo) -> None:
    repo.order()["properties"].pop("note")
    code, report = repo.diff("--against", "main")
    assert code == 0, report
    found = _rules(report)[f"{OPENAPI}#/components/schemas/Order/properties/note"]
    assert found["allowed"].startswith("deprecated on 2020-01-01")


def test_removal_before_the_deprecation_period_fails(repo: Repo) -> None:
    repo.order()["properties"].pop("item")
    repo.order()["required"].remove("item")
    code, report = repo.diff("--against", "main")
    assert code == 1
    assert "allowed" not in _rules(report)[f"{OPENAPI}#/components/schemas/Order/properties/item"]


def test_transitive_mode_checks_every_past_version(repo: Repo) -> None:
    message = repo.asyncapi["components"]["messages"]["OrderPlaced"]
    message["x-compatibility"] = "BACKWARD_TRANSITIVE"
    repo.commit("declare the mode")
    repo.placed().append({"name": "coupon", "type": "string", "default": ""})
    repo.commit("coupon, with a default")
    # Against the baseline alone this is compatible (the baseline wrote a coupon); against the
    # version before it, which wrote none, a reader without a default fails.
    del repo.placed()[3]["default"]
    code, report = repo.diff("--against", "main")
    assert code == 1
    found = _rules(report)[f"{ASYNCAPI}#/components/messages/OrderPlaced/payload/schema/fields/3"]
    assert found["rule"] == "avro.incompatible"
    assert "version " in found["why"]
    message["x-compatibility"] = "BACKWARD"
    code, report = repo.diff("--against", "main")
    assert code == 0, report


def test_configuration_and_errors(repo: Repo) -> None:
    repo.git("branch", "release")
    repo.order()["properties"].pop("id")
    repo.commit("drop id")
    (repo.root / "contractgen.toml").write_text('[diff]\nbaseline = "release"\n')
    code, report = repo.diff()
    assert (code, report["baseline"]) == (1, "release")
    code, report = repo.diff("--fail-on", "none")
    assert code == 0
    run = subprocess.run(
        [sys.executable, "-m", "contractgen", "diff", "--against", "no-such-branch"],
        cwd=repo.root,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert run.returncode == 2
    assert "no-such-branch" in run.stderr


def test_an_invalid_baseline_is_named_as_git_names_it(tmp_path: Path) -> None:
    repo = Repo(tmp_path)
    repo.asyncapi["components"]["messages"]["OrderPlaced"]["x-compatibility"] = "SIDEWAYS"
    repo.commit("a mode that does not exist")
    repo.asyncapi["components"]["messages"]["OrderPlaced"]["x-compatibility"] = "FULL"
    repo.write()
    run = subprocess.run(
        [sys.executable, "-m", "contractgen", "diff", "--against", "main"],
        cwd=repo.root,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert run.returncode == 2
    assert (
        "main:specs/shop/asyncapi.yaml#/components/messages/OrderPlaced/x-compatibility"
        in run.stderr
    )
