"""`contractgen docs`: golden files on the small example project, determinism, and what each
page must say (links between operations and events, Avro types, compatibility, git history)."""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import yaml

from contractgen.docs.avro import field_changes, fields, type_label
from tests.generator.helpers import GOLDEN_SPECS, REPO, contractgen, copy_specs, snapshot

EXPECTED = Path(__file__).parent / "data" / "expected"
WIDGET_MESSAGE = "message-demo.widget.events.WidgetCreated.html"


def build(specs: Path, out: Path, *options: str) -> str:
    run = contractgen("docs", "--specs", specs, "--out", out, *options)
    assert run.exit_code == 0, run.stderr
    return run.stderr


def test_the_portal_matches_the_golden_files(tmp_path: Path) -> None:
    # A copy outside any git repository: the pages say there is no history, and stay stable.
    specs = copy_specs(GOLDEN_SPECS, tmp_path)
    out = tmp_path / "site"
    build(specs, out)
    if os.environ.get("UPDATE_GOLDEN"):
        shutil.rmtree(EXPECTED, ignore_errors=True)
        shutil.copytree(out, EXPECTED)
    actual, expected = snapshot(out), snapshot(EXPECTED)
    assert sorted(actual) == sorted(expected)
    for name, content in expected.items():
        assert actual[name].decode() == content.decode(), f"{name} differs from its golden file"


def test_building_twice_gives_identical_bytes_with_history(tmp_path: Path) -> None:
    first, second = tmp_path / "one", tmp_path / "two"
    build(REPO / "specs", first)
    build(REPO / "specs", second)
    assert snapshot(first) == snapshot(second)
    # This repository's own specs are in git: every message has at least its first version.
    for page in first.glob("message-*.html"):
        assert '<table class="history">' in page.read_text(), page.name


def test_an_operation_links_the_event_it_emits_and_the_event_its_receivers(tmp_path: Path) -> None:
    out = tmp_path / "site"
    build(copy_specs(GOLDEN_SPECS, tmp_path), out)
    service = (out / "service-widget.html").read_text()
    assert f'Emits: <a href="{WIDGET_MESSAGE}">WidgetCreated</a>' in service
    message = (out / WIDGET_MESSAGE).read_text()
    assert '<a href="service-widget.html#op-createWidget">widget.createWidget</a>' in message
    assert "POST /widgets" in message
    assert '<a href="service-watcher.html">watcher</a>' in message
    channel = (out / "channel-demo.widget.events.html").read_text()
    assert "<th>partitions</th><td>2</td>" in channel
    assert "BACKWARD (default)" in channel
    assert "widgetId" in channel
    svg = (out / "map.svg").read_text()
    assert svg.count('class="edge"') == 2  # widget -> topic -> watcher


def test_a_declared_compatibility_mode_is_shown(tmp_path: Path) -> None:
    specs = copy_specs(GOLDEN_SPECS, tmp_path)
    path = specs / "widget" / "asyncapi.yaml"
    document = yaml.safe_load(path.read_text())
    document["channels"]["widgetEvents"]["x-compatibility"] = "FULL_TRANSITIVE"
    document["components"]["messages"]["WidgetCreated"]["x-compatibility"] = "FORWARD"
    path.write_text(yaml.safe_dump(document, sort_keys=False))
    out = tmp_path / "site"
    build(specs, out)
    assert "<td>FULL_TRANSITIVE</td>" in (out / "channel-demo.widget.events.html").read_text()
    assert "<td>FORWARD</td>" in (out / WIDGET_MESSAGE).read_text()


def test_history_lists_each_commit_that_changed_the_schema(tmp_path: Path) -> None:
    specs = copy_specs(GOLDEN_SPECS, tmp_path)

    def git(*args: str) -> None:
        subprocess.run(
            ["git", "-c", "user.name=T", "-c", "user.email=t@example.com", *args],
            cwd=tmp_path,
            check=True,
            capture_output=True,
            env={**os.environ, "GIT_COMMITTER_DATE": "2026-01-02T00:00:00Z"},
        )

    git("init", "-q")
    git("add", ".")
    git("commit", "-qm", "first widget contract")
    path = specs / "widget" / "asyncapi.yaml"
    path.write_text(path.read_text().replace("# unchanged", "") + "\n# a comment only\n")
    git("commit", "-qam", "comment only: no schema change")
    document = yaml.safe_load(path.read_text())
    schema = document["components"]["messages"]["WidgetCreated"]["payload"]["schema"]
    schema["fields"].append({"name": "size", "type": ["null", "int"], "default": None})
    path.write_text(yaml.safe_dump(document, sort_keys=False))
    git("commit", "-qam", "widgets have a size")
    schema["fields"] = [f for f in schema["fields"] if f["name"] != "color"]
    path.write_text(yaml.safe_dump(document, sort_keys=False))  # left uncommitted
    out = tmp_path / "site"
    build(specs, out)
    page = (out / WIDGET_MESSAGE).read_text()
    assert "first widget contract" in page
    assert "introduced with 4 field(s)" in page
    assert "widgets have a size" in page and "added size: int" in page
    assert "comment only" not in page
    assert "uncommitted" in page and "removed color" in page
    assert "2026-01-02" in page
    assert page.index("uncommitted") < page.index("widgets have a size") < page.index("first")
    build(specs, out, "--no-history")
    assert "first widget contract" not in (out / WIDGET_MESSAGE).read_text()


def test_avro_types_read_as_what_they_mean() -> None:
    record = {
        "type": "record",
        "name": "R",
        "fields": [
            {"name": "at", "type": {"type": "long", "logicalType": "timestamp-millis"}},
            {"name": "day", "type": {"type": "int", "logicalType": "date"}},
            {
                "name": "price",
                "type": {"type": "bytes", "logicalType": "decimal", "precision": 10, "scale": 2},
            },
            {"name": "id", "type": {"type": "string", "logicalType": "uuid"}},
            {"name": "note", "type": ["null", "string"], "default": None, "doc": "Free text."},
            {"name": "tags", "type": {"type": "array", "items": "string"}, "default": []},
        ],
    }
    shown = {f.name: f for f in fields(record)}
    assert shown["at"].type_label == "timestamp (ms since epoch, UTC) as long"
    assert shown["day"].type_label == "date (days since epoch) as int"
    assert shown["price"].type_label == "decimal(10, 2) as bytes"
    assert shown["id"].type_label == "UUID as string"
    assert shown["note"].optional and shown["note"].type_label == "string"
    assert shown["note"].default == "null" and shown["note"].doc == "Free text."
    assert not shown["tags"].optional and shown["tags"].default == "[]"
    assert type_label({"type": "enum", "name": "C", "symbols": ["A", "B"]}) == "enum C {A, B}"
    changed = {**record, "fields": [*record["fields"][1:], {"name": "n", "type": "int"}]}
    assert field_changes(record, changed) == ["added n: int", "removed at"]


def test_invalid_contracts_write_nothing(tmp_path: Path) -> None:
    specs = copy_specs(GOLDEN_SPECS, tmp_path)
    path = specs / "widget" / "openapi.yaml"
    path.write_text(path.read_text().replace("x-emits: [WidgetCreated]", "x-emits: [Nope]"))
    out = tmp_path / "site"
    run = contractgen("docs", "--specs", specs, "--out", out)
    assert run.exit_code == 1
    assert "'Nope' is not a message this service sends" in run.stderr
    assert not out.exists()
