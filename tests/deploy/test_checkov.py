"""checkov on terraform/, k8s/ (raw and every overlay rendered) and the Dockerfiles: nothing fails.

One checkov run for all of it (it is slow to start). Checks may only be skipped inline, each
with its reason.
"""

from __future__ import annotations

import json
import subprocess
from pathlib import Path
from typing import Any

import pytest

from tests.deploy.tools import REPO, tool

DOCKERFILES = sorted(REPO.glob("generated/deploy/docker/*/Dockerfile"))


@pytest.fixture(scope="module")
def checkov_reports(rendered_dir: Path) -> list[dict[str, Any]]:
    command = [
        str(tool("checkov")),
        "--skip-download",  # offline: no policy metadata from the vendor's API
        "--output",
        "json",
        "--framework",
        "terraform",
        "kubernetes",
        "dockerfile",
        "secrets",
        "--directory",
        str(REPO / "terraform"),
        "--directory",
        str(REPO / "k8s"),
        "--directory",
        str(rendered_dir),
        # The Dockerfiles, generated (checkov ignores --file next to --directory).
        "--directory",
        str(REPO / "generated" / "deploy" / "docker"),
    ]
    result = subprocess.run(command, capture_output=True, text=True, cwd=REPO, check=False)
    assert result.stdout.strip(), result.stderr
    return _json_stream(result.stdout)


def _json_stream(text: str) -> list[dict[str, Any]]:
    """checkov prints one JSON document (a report or a list of them) per scanned target."""
    decoder, reports, index = json.JSONDecoder(), [], 0
    while index < len(text):
        if text[index].isspace():
            index += 1
            continue
        value, index = decoder.raw_decode(text, index)
        reports.extend(value if isinstance(value, list) else [value])
    return reports


def _results(reports: list[dict[str, Any]], kind: str) -> list[dict[str, Any]]:
    return [c for r in reports for c in r.get("results", {}).get(kind, [])]


def test_there_is_a_dockerfile_per_service() -> None:
    services = sorted(p.parent.name for p in (REPO / "specs").glob("*/openapi.yaml"))
    assert [d.parent.name for d in DOCKERFILES] == services


def test_checkov_scanned_every_framework(checkov_reports: list[dict[str, Any]]) -> None:
    scanned = {r["check_type"] for r in checkov_reports}
    assert {"terraform", "kubernetes", "dockerfile"} <= scanned
    assert len(_results(checkov_reports, "passed_checks")) > 500


def test_checkov_finds_no_failed_check(checkov_reports: list[dict[str, Any]]) -> None:
    failed = [
        f"{c['check_id']} {c['check_name']}: {c['file_path']}:{c['file_line_range']} ({c['resource']})"
        for c in _results(checkov_reports, "failed_checks")
    ]
    assert failed == []


def test_every_skipped_check_says_why(checkov_reports: list[dict[str, Any]]) -> None:
    skipped = _results(checkov_reports, "skipped_checks")
    assert skipped
    for check in skipped:
        reason = (check.get("check_result") or {}).get("suppress_comment", "")
        assert len(reason.strip()) > 15, (
            f"{check['check_id']} in {check['file_path']} has no reason"
        )
