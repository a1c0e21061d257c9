"""The quick OpenAPI 3.0 check says yes only where openapi-spec-validator does, and a document it
cannot confirm is reported with openapi-spec-validator's words and JSON pointer, as before."""

from __future__ import annotations

import copy
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import yaml
from openapi_spec_validator import OpenAPIV30SpecValidator

from contractgen.spec.documents import Documents
from contractgen.spec.openapi import _validate
from contractgen.spec.openapi_check import confirm_openapi30
from tests.generator.helpers import GOLDEN_SPECS, REPO

Mutation = Callable[[dict[str, Any]], None]
WIDGET = GOLDEN_SPECS / "widget" / "openapi.yaml"
VALID_DOCUMENTS = sorted((REPO / "specs").glob("*/openapi.yaml")) + sorted(
    GOLDEN_SPECS.glob("*/openapi.yaml")
)


def _widget() -> dict[str, Any]:
    document: dict[str, Any] = yaml.safe_load(WIDGET.read_text(encoding="utf-8"))
    return document


def _schemas(doc: dict[str, Any]) -> dict[str, Any]:
    schemas: dict[str, Any] = doc["components"]["schemas"]
    return schemas


def _get_widget(doc: dict[str, Any]) -> dict[str, Any]:
    operation: dict[str, Any] = doc["paths"]["/widgets/{widgetId}"]["get"]
    return operation


def _limit(doc: dict[str, Any]) -> dict[str, Any]:
    schema: dict[str, Any] = _get_widget(doc)["parameters"][2]["schema"]
    return schema


def _all_of(required: list[str]) -> Mutation:
    def mutate(doc: dict[str, Any]) -> None:
        _schemas(doc)["Both"] = {
            "allOf": [{"$ref": "#/components/schemas/Problem"}],
            "required": required,
            "properties": {"extra": {"type": "string"}},
        }

    return mutate


# (case, mutation): each breaks one rule the reference enforces beyond the OpenAPI JSON Schema
# (each fails when that check is taken out of openapi_check), or the JSON Schema itself. The
# meta-schema and regex checks mirror the reference, but the OpenAPI JSON Schema already catches
# every case found so far, so no row fails when only they are taken out.
INVALID: list[tuple[str, Mutation]] = [
    ("document-schema", lambda d: _get_widget(d).pop("responses")),
    ("schema-meta", lambda d: _schemas(d)["Widget"]["properties"]["name"].update(minLength=-1)),
    ("schema-meta-nested", lambda d: _schemas(d)["Widget"].update(required=[])),
    (
        "pattern-not-ecma-262",
        lambda d: _schemas(d)["WidgetCreate"]["properties"]["name"].update(pattern="(unclosed"),
    ),
    (
        "duplicate-operation-id",
        lambda d: _get_widget(d).update(operationId="createWidget"),
    ),
    (
        "duplicate-parameter",
        # not an exact copy: the JSON Schema's uniqueItems would catch that one
        lambda d: _get_widget(d)["parameters"].append(
            {**_get_widget(d)["parameters"][1], "description": "Again."}
        ),
    ),
    ("path-parameter-undeclared", lambda d: _get_widget(d)["parameters"].pop(0)),
    (
        "path-parameter-not-in-url",
        lambda d: d["paths"]["/widgets"]["post"].update(
            parameters=[
                {"name": "ghost", "in": "path", "required": True, "schema": {"type": "string"}}
            ]
        ),
    ),
    ("all-of-required-undeclared", _all_of(["title", "nowhere"])),
    ("default-wrong-type", lambda d: _limit(d).update(default="ten")),
    ("default-below-minimum", lambda d: _limit(d).update(minimum=20)),
    ("default-outside-int32", lambda d: _limit(d).update(format="int32", default=1 << 40)),
    (
        "default-not-a-date",
        lambda d: _limit(d).clear() or _limit(d).update(type="string", format="date", default="x"),
    ),
    (
        "default-not-a-multiple",
        lambda d: (
            _limit(d).clear() or _limit(d).update(type="number", multipleOf=0.01, default=0.07)
        ),
    ),
    (
        "default-of-ref",
        lambda d: _schemas(d)["Id"].update(default=0),
    ),
    (
        "duplicate-tag",
        lambda d: d.update(
            tags=[{"name": "widgets"}, {"name": "widgets", "description": "Again."}]
        ),
    ),
]

# Documents the reference accepts, touching the same rules: the quick path must accept them too
# (or the speed-up is lost on them).
VALID: list[tuple[str, Mutation]] = [
    ("unchanged", lambda d: None),
    ("all-of-required-from-nested", _all_of(["title", "status", "extra"])),
    ("default-in-range", lambda d: _limit(d).update(minimum=1, maximum=100, format="int32")),
    ("nullable-default-null", lambda d: _limit(d).update(nullable=True, default=None)),
    (
        "pattern-default",
        lambda d: (
            _limit(d).clear() or _limit(d).update(type="string", pattern="^[a-z]+$", default="abc")
        ),
    ),
    ("tags", lambda d: d.update(tags=[{"name": "widgets"}, {"name": "health"}])),
]


def _reference_valid(document: dict[str, Any]) -> bool:
    return next(iter(OpenAPIV30SpecValidator(document).iter_errors()), None) is None


@pytest.mark.parametrize("path", VALID_DOCUMENTS, ids=lambda p: p.parent.name)
def test_the_contracts_are_confirmed_quickly(path: Path) -> None:
    document = yaml.safe_load(path.read_text(encoding="utf-8"))
    assert _reference_valid(document)
    assert confirm_openapi30(document)


@pytest.mark.parametrize(("case", "mutate"), VALID, ids=[case for case, _ in VALID])
def test_valid_variants_are_confirmed(case: str, mutate: Mutation) -> None:
    document = _widget()
    mutate(document)
    assert _reference_valid(document), case
    assert confirm_openapi30(document), case


@pytest.mark.parametrize(("case", "mutate"), INVALID, ids=[case for case, _ in INVALID])
def test_invalid_documents_are_left_to_the_reference(case: str, mutate: Mutation) -> None:
    document = _widget()
    mutate(document)
    assert not _reference_valid(document), case
    assert not confirm_openapi30(document), case


@pytest.mark.parametrize(("case", "mutate"), INVALID, ids=[case for case, _ in INVALID])
def test_errors_are_worded_and_located_by_the_reference(
    tmp_path: Path, case: str, mutate: Mutation
) -> None:
    document = _widget()
    mutate(document)
    expected = [
        (tuple(error.absolute_path), error.message)
        for error in OpenAPIV30SpecValidator(copy.deepcopy(document)).iter_errors()
    ]
    path = tmp_path / "specs" / "widget" / "openapi.yaml"
    path.parent.mkdir(parents=True)
    path.write_text(yaml.safe_dump(document, sort_keys=False), encoding="utf-8")
    docs = Documents(tmp_path / "specs")
    issues = _validate(docs, docs.root_node(path))
    assert [issue.message for issue in issues] == [message for _, message in expected], case
    assert [str(issue.location) for issue in issues] == [
        str(docs.location(path).child(*where)) for where, _ in expected
    ], case


def test_openapi_3_1_goes_to_the_reference() -> None:
    document = _widget()
    document["openapi"] = "3.1.0"
    assert not confirm_openapi30(document)
