"""Rendered overlays, built once per session with the pinned kustomize."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from tests.deploy.tools import OVERLAYS, REPO, documents, kustomize_build


@pytest.fixture(scope="session")
def rendered_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Each overlay rendered to `<overlay>.yaml` (checkov scans this folder)."""
    folder = tmp_path_factory.mktemp("rendered")
    for overlay in OVERLAYS:
        text = kustomize_build(REPO / "k8s" / "overlays" / overlay)
        (folder / f"{overlay}.yaml").write_text(text, encoding="utf-8")
    return folder


@pytest.fixture(scope="session")
def rendered(rendered_dir: Path) -> dict[str, list[dict[str, Any]]]:
    return {
        overlay: documents((rendered_dir / f"{overlay}.yaml").read_text(encoding="utf-8"))
        for overlay in OVERLAYS
    }
