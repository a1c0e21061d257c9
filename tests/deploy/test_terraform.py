"""The Terraform parses (HCL2), and every module's variables are documented, used and passed."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import hcl2
import pytest

from tests.deploy.tools import REPO

ROOT = REPO / "terraform"
MODULES = sorted(p for p in (ROOT / "modules").iterdir() if p.is_dir())
SECRET_WORDS = re.compile(r"password|secret|api_key|token", re.IGNORECASE)


def unquote(value: Any) -> Any:
    if isinstance(value, str) and len(value) >= 2 and value[0] == value[-1] == '"':
        return value[1:-1]
    return value


def parse(folder: Path) -> dict[str, list[dict[str, Any]]]:
    """All blocks of a module's .tf files, merged by block type."""
    merged: dict[str, list[dict[str, Any]]] = {}
    for path in sorted(folder.glob("*.tf")):
        with path.open(encoding="utf-8") as handle:
            for kind, blocks in hcl2.load(handle).items():
                merged.setdefault(kind, []).extend(blocks)
    return merged


def variables(folder: Path) -> dict[str, dict[str, Any]]:
    return {unquote(k): v for block in parse(folder).get("variable", []) for k, v in block.items()}


def test_every_tf_file_parses() -> None:
    files = sorted(ROOT.rglob("*.tf"))
    assert len(files) >= 12
    for path in files:
        with path.open(encoding="utf-8") as handle:
            hcl2.load(handle)


def test_the_modules_are_aks_sql_and_kafka() -> None:
    assert [m.name for m in MODULES] == ["aks", "kafka", "sql"]
    called = {unquote(k) for block in parse(ROOT)["module"] for k in block}
    assert called == {"aks", "kafka", "sql"}


@pytest.mark.parametrize("folder", [ROOT, *MODULES], ids=lambda p: p.name)
def test_every_variable_is_documented_and_used(folder: Path) -> None:
    declared = variables(folder)
    assert declared
    code = "\n".join(p.read_text(encoding="utf-8") for p in folder.glob("*.tf"))
    for name, spec in declared.items():
        assert len(unquote(spec.get("description", "")).strip()) > 10, f"{name} is undocumented"
        assert "type" in spec, f"{name} has no type"
        assert re.search(rf"\bvar\.{name}\b", code), f"{folder.name}: var.{name} is never used"


@pytest.mark.parametrize("folder", [ROOT, *MODULES], ids=lambda p: p.name)
def test_every_output_is_documented(folder: Path) -> None:
    for block in parse(folder).get("output", []):
        for name, spec in block.items():
            assert unquote(spec.get("description", "")).strip(), f"output {name} is undocumented"


def test_module_calls_pass_exactly_declared_variables() -> None:
    for block in parse(ROOT)["module"]:
        for name, call in block.items():
            module = variables(ROOT / unquote(call["source"]))
            passed = {k for k in call if k not in {"source", "count", "for_each", "__is_block__"}}
            assert passed <= set(module), f"module {name}: unknown {passed - set(module)}"
            required = {k for k, v in module.items() if "default" not in v}
            assert required <= passed, f"module {name}: missing {required - passed}"


def test_tfvars_set_declared_variables_and_no_secrets() -> None:
    declared = variables(ROOT)
    for path in sorted((ROOT / "environments").glob("*.tfvars")):
        with path.open(encoding="utf-8") as handle:
            values = hcl2.load(handle)
        values = {k: v for k, v in values.items() if not k.startswith("__")}
        assert set(values) <= set(declared), f"{path.name}: {set(values) - set(declared)}"
        assert not [k for k in values if SECRET_WORDS.search(k)], path.name


def test_state_is_remote_and_providers_are_pinned() -> None:
    [terraform] = parse(ROOT)["terraform"]
    assert "azurerm" in {unquote(k) for b in terraform["backend"] for k in b}
    providers = {
        k: v
        for b in terraform["required_providers"]
        for k, v in b.items()
        if not k.startswith("__")
    }
    assert set(providers) >= {"azurerm", "confluent", "random"}
    for spec in providers.values():
        assert unquote(spec["version"]).startswith("~>")


def test_terraform_reads_what_the_specs_know_from_the_generated_file() -> None:
    text = (ROOT / "main.tf").read_text(encoding="utf-8")
    assert "generated/deploy/platform.json" in text
    assert (REPO / "generated" / "deploy" / "platform.json").is_file()
