"""The framework names no part of the platform built with it: no project name, no tenant model,
no service, no hard-coded package of generated or hand-written code. A project's names live in its
contractgen.toml."""

from __future__ import annotations

import re
from pathlib import Path

FRAMEWORK = Path(__file__).resolve().parents[2] / "generator" / "contractgen"
PLATFORM_NAMES = re.compile(
    r"microservicesapp|organi[sz]ations?|\borgs\b|\bactivit(?:y|ies)\b|\bideas?\b"
    r"""|["'](?:services|generated)\.""",
    re.IGNORECASE,
)
# Prose that uses a platform word in its ordinary English sense.
ORDINARY = {("mock/schemadata.py", "the contract author's idea of a realistic value")}


def framework_files() -> list[Path]:
    suffixes = {".py", ".jinja2", ".js", ".css", ".toml", ".json"}
    return sorted(
        p
        for p in FRAMEWORK.rglob("*")
        if p.is_file() and p.suffix in suffixes and "schemas" not in p.parts
    )


def test_the_framework_names_nothing_of_the_platform() -> None:
    found = []
    for path in framework_files():
        relative = path.relative_to(FRAMEWORK).as_posix()
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            if PLATFORM_NAMES.search(line) and not any(
                relative == file and phrase in line for file, phrase in ORDINARY
            ):
                found.append(f"{relative}:{number}: {line.strip()}")
    assert not found, "the framework names the platform:\n" + "\n".join(found)


def test_the_check_can_fail() -> None:
    assert PLATFORM_NAMES.search('module = "services.idea.bootstrap"')
    assert PLATFORM_NAMES.search("claims.get('orgs')")
    assert not PLATFORM_NAMES.search("tenants = claims.get(identity.tenant_claim)")
