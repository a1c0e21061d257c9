"""The `[diff]` table of contractgen.toml, and `x-compatibility` as the AsyncAPI loader reads it."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from contractgen.diff.config import ConfigError, DiffSettings, read_settings
from contractgen.spec.errors import SpecError
from contractgen.spec.project import load_project
from tests.diff.harness import base_documents


def test_defaults_without_a_file(tmp_path: Path) -> None:
    assert read_settings(tmp_path) == DiffSettings("main", 90, 50)


def test_the_diff_table_is_read(tmp_path: Path) -> None:
    (tmp_path / "contractgen.toml").write_text(
        '[project]\nname = "x"\n\n[diff]\nbaseline = "v1.2"\ndeprecation_days = 30\n'
    )
    assert read_settings(tmp_path) == DiffSettings("v1.2", 30, 50)


@pytest.mark.parametrize(
    ("table", "message"),
    [
        ("baseline = 3", "baseline must be a git revision"),
        ("deprecation_days = -1", "deprecation_days must be a whole number"),
        ("since = 1", "unknown keys: since"),
    ],
)
def test_bad_settings_are_named(tmp_path: Path, table: str, message: str) -> None:
    (tmp_path / "contractgen.toml").write_text(f"[diff]\n{table}\n")
    with pytest.raises(ConfigError, match=message):
        read_settings(tmp_path)


@pytest.mark.parametrize(
    ("where", "pointer"),
    [
        ("message", "/components/messages/OrderPlaced/x-compatibility"),
        ("channel", "/channels/orderEvents/x-compatibility"),
    ],
)
def test_an_unknown_compatibility_mode_is_a_spec_error(
    tmp_path: Path, where: str, pointer: str
) -> None:
    openapi, asyncapi = base_documents()
    target = (
        asyncapi["components"]["messages"]["OrderPlaced"]
        if where == "message"
        else asyncapi["channels"]["orderEvents"]
    )
    target["x-compatibility"] = "SIDEWAYS"
    folder = tmp_path / "specs" / "shop"
    folder.mkdir(parents=True)
    (folder / "openapi.yaml").write_text(yaml.safe_dump(openapi))
    (folder / "asyncapi.yaml").write_text(yaml.safe_dump(asyncapi))
    with pytest.raises(SpecError) as raised:
        load_project(tmp_path / "specs", storage_rules=False)
    assert [str(i.location) for i in raised.value.issues] == [f"specs/shop/asyncapi.yaml#{pointer}"]
    assert "BACKWARD_TRANSITIVE" in raised.value.issues[0].message


def test_declared_modes_are_kept(tmp_path: Path) -> None:
    openapi, asyncapi = base_documents()
    asyncapi["components"]["messages"]["OrderPlaced"]["x-compatibility"] = "FULL_TRANSITIVE"
    asyncapi["channels"]["orderEvents"]["x-compatibility"] = "NONE"
    folder = tmp_path / "specs" / "shop"
    folder.mkdir(parents=True)
    (folder / "openapi.yaml").write_text(yaml.safe_dump(openapi))
    (folder / "asyncapi.yaml").write_text(yaml.safe_dump(asyncapi))
    events = load_project(tmp_path / "specs", storage_rules=False).services[0].asyncapi
    assert events is not None
    channel = events.channels[0]
    assert channel.compatibility == "NONE"
    assert {m.name: m.compatibility for m in channel.messages} == {
        "OrderPlaced": "FULL_TRANSITIVE",
        "OrderShipped": None,
    }
