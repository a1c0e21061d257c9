"""A project's contracts: one folder per service under `specs/`, validated together."""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from contractgen.config import ProjectConfig, config_for_specs
from contractgen.spec.asyncapi import AsyncApiSpec, load_asyncapi
from contractgen.spec.documents import Documents
from contractgen.spec.errors import SpecError, SpecIssue
from contractgen.spec.openapi import OpenApiSpec, load_openapi
from contractgen.spec.storage import STORING_NO_NUL, storage_issues

SERVICE_NAME = re.compile(r"^[a-z][a-z0-9_]*$")


@dataclass(frozen=True, eq=False)
class ServiceSpec:
    name: str
    openapi: OpenApiSpec
    asyncapi: AsyncApiSpec | None

    @property
    def class_prefix(self) -> str:
        return "".join(part.capitalize() for part in self.name.split("_"))


@dataclass(frozen=True, eq=False)
class Project:
    specs_dir: Path
    docs: Documents
    services: tuple[ServiceSpec, ...]
    config: ProjectConfig


def load_project(
    specs_dir: Path, config: ProjectConfig | None = None, *, storage_rules: bool = True
) -> Project:
    """Load and validate every service's contracts; raise SpecError listing every problem.
    The project's configuration comes from `contractgen.toml` beside `specs_dir` unless given.
    `storage_rules=False` skips the rules about what the databases can store (a comparison of
    two revisions must load a baseline that predates them)."""
    specs_dir = specs_dir.resolve()
    docs = Documents(specs_dir.parent)
    if not specs_dir.is_dir():
        raise SpecError.at(docs.location(specs_dir), "the specs folder does not exist")
    issues: list[SpecIssue] = []
    services = []
    for folder in sorted(p for p in specs_dir.iterdir() if p.is_dir()):
        try:
            service = _load_service(docs, folder, storage_rules)
        except SpecError as error:
            issues.extend(error.issues)
            continue
        if service is not None:
            services.append(service)
    if issues:
        raise SpecError(issues)
    if not services:
        raise SpecError.at(docs.location(specs_dir), "no service folders with an openapi.yaml")
    return Project(specs_dir, docs, tuple(services), config or config_for_specs(specs_dir))


def _load_service(docs: Documents, folder: Path, storage_rules: bool = True) -> ServiceSpec | None:
    openapi_path, asyncapi_path = folder / "openapi.yaml", folder / "asyncapi.yaml"
    if not openapi_path.is_file():
        if asyncapi_path.is_file():
            raise SpecError.at(docs.location(folder), "a service folder needs an openapi.yaml")
        return None
    if not SERVICE_NAME.match(folder.name):
        raise SpecError.at(
            docs.location(folder), "service folder names are lower_snake_case identifiers"
        )
    issues: list[SpecIssue] = []
    openapi: OpenApiSpec | None = None
    asyncapi: AsyncApiSpec | None = None
    try:
        openapi = load_openapi(docs, openapi_path)
    except SpecError as error:
        issues.extend(error.issues)
    if asyncapi_path.is_file():
        try:
            asyncapi = load_asyncapi(docs, asyncapi_path)
        except SpecError as error:
            issues.extend(error.issues)
    if issues:
        raise SpecError(issues)
    assert openapi is not None
    _check_emits(openapi, asyncapi, issues)
    if storage_rules:
        issues += storage_issues(
            docs, openapi_path, asyncapi.databases if asyncapi else STORING_NO_NUL
        )
    if issues:
        raise SpecError(issues)
    return ServiceSpec(folder.name, openapi, asyncapi)


def _check_emits(
    openapi: OpenApiSpec, asyncapi: AsyncApiSpec | None, issues: list[SpecIssue]
) -> None:
    sent = {m.name for m in asyncapi.sent} if asyncapi else set()
    for operation in openapi.operations:
        for index, name in enumerate(operation.emits):
            if name not in sent:
                issues.append(
                    SpecIssue(
                        operation.where.child("x-emits", index),
                        f"{name!r} is not a message this service sends (sends: {sorted(sent) or 'none'})",
                    )
                )
