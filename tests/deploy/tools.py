"""Where the deployment checkers live and how to run them; a missing tool fails, never skips.

`make deploy-tools` (part of `make test`) installs them: checkov in .venv-tools, kustomize built
from its Go module into .venv-tools/bin, the Strimzi CRD schemas under tests/deploy/strimzi.
"""

from __future__ import annotations

import json
import subprocess
from pathlib import Path
from typing import Any

import yaml

REPO = Path(__file__).resolve().parents[2]
TOOLS = REPO / ".venv-tools" / "bin"
STRIMZI = Path(__file__).parent / "strimzi"
OVERLAYS = ("dev", "prod")
# The Kubernetes minor version the manifests are validated against: AKS's, from terraform.
KUBERNETES_VERSION_VARIABLE = ("variables.tf", "kubernetes_version")


def tool(name: str) -> Path:
    path = TOOLS / name
    if not path.is_file():
        raise AssertionError(f"{path} is missing: run `make deploy-tools`")
    return path


def strimzi_validator() -> Path:
    if not (STRIMZI / "node_modules" / "@kubernetes-models" / "strimzi-kafka-operator").is_dir():
        raise AssertionError("the Strimzi CRD schemas are missing: run `make deploy-tools`")
    return STRIMZI / "validate.mjs"


def kustomize_build(folder: Path) -> str:
    result = subprocess.run(
        [str(tool("kustomize")), "build", str(folder)],
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, f"kustomize build {folder}:\n{result.stderr}"
    return result.stdout


def documents(text: str) -> list[dict[str, Any]]:
    return [d for d in yaml.safe_load_all(text) if d]


def strimzi_problems(resources: list[dict[str, Any]]) -> list[dict[str, Any]]:
    result = subprocess.run(
        ["node", str(strimzi_validator())],
        input=json.dumps(resources),
        capture_output=True,
        text=True,
        cwd=STRIMZI,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    problems: list[dict[str, Any]] = json.loads(result.stdout)
    return problems
