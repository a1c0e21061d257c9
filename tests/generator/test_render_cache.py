"""The Jinja bytecode cache: used when it can be, never in the way when it cannot."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from jinja2.bccache import bc_magic

from contractgen.gen import render as render_module
from contractgen.gen.render import CACHE_ENV, render

TEMPLATE = "package_init.py.jinja2"
CONTEXT = {"version": "0.0.0", "header": "# header", "doc": "A package."}


@pytest.fixture(autouse=True)
def fresh_environment() -> Iterator[None]:
    """Each test builds its own Jinja environment, and leaves none behind built from its cache."""
    render_module._environment.cache_clear()
    yield
    render_module._environment.cache_clear()


def test_compiled_templates_are_kept_and_reused(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv(CACHE_ENV, str(tmp_path))
    first = render(TEMPLATE, **CONTEXT)
    cached = list((tmp_path / "contractgen" / "jinja").iterdir())
    assert len(cached) == 1
    render_module._environment.cache_clear()
    assert render(TEMPLATE, **CONTEXT) == first


def test_a_corrupt_cache_is_ignored(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(CACHE_ENV, str(tmp_path))
    expected = render(TEMPLATE, **CONTEXT)
    for path in (tmp_path / "contractgen" / "jinja").iterdir():
        # Jinja's own header, then a source checksum cut short (Jinja handles bad code itself)
        path.write_bytes(path.read_bytes()[: len(bc_magic) + 2])
    render_module._environment.cache_clear()
    assert render(TEMPLATE, **CONTEXT) == expected


def test_an_unusable_cache_folder_means_no_cache(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    blocker = tmp_path / "a-file"
    blocker.write_text("not a folder")
    monkeypatch.setenv(CACHE_ENV, str(blocker))
    assert render_module._bytecode_cache() is None
    assert render(TEMPLATE, **CONTEXT).startswith("# header")
