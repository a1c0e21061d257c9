"""Invalid contracts: one test per validation rule. Each names file and JSON pointer and writes nothing."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import yaml

from tests.generator.helpers import GOLDEN_SPECS, contractgen, copy_specs, snapshot

Mutation = Callable[[dict[str, Any]], None]


def _message(doc: dict[str, Any]) -> dict[str, Any]:
    return doc["components"]["messages"]["WidgetCreated"]


def _avro(doc: dict[str, Any]) -> dict[str, Any]:
    return _message(doc)["payload"]["schema"]


def _link(**link: Any) -> Mutation:
    """Give createWidget's 201 the link GetWidget."""

    def mutate(doc: dict[str, Any]) -> None:
        doc["paths"]["/widgets"]["post"]["responses"]["201"]["links"] = {"GetWidget": link}

    return mutate


LINK = "specs/widget/openapi.yaml#/paths/~1widgets/post/responses/201/links/GetWidget"
WIDGET_NAME = "specs/widget/openapi.yaml#/components/schemas/WidgetCreate/properties/name"


def _name_schema(doc: dict[str, Any]) -> dict[str, Any]:
    return doc["components"]["schemas"]["WidgetCreate"]["properties"]["name"]


RULES: list[tuple[str, str, Mutation, str, str]] = [
    # (rule, file, mutation, expected location, expected words in the message)
    (
        "openapi-validator",
        "widget/openapi.yaml",
        lambda d: d["paths"]["/widgets"]["post"].pop("responses"),
        "specs/widget/openapi.yaml#/paths/~1widgets/post",
        '"responses" is a required property',
    ),
    (
        "operation-id-required",
        "widget/openapi.yaml",
        lambda d: d["paths"]["/widgets"]["post"].pop("operationId"),
        "specs/widget/openapi.yaml#/paths/~1widgets/post",
        "needs an operationId",
    ),
    (
        "openapi-local-refs",
        "widget/openapi.yaml",
        lambda d: d["paths"]["/widgets"]["post"]["responses"]["201"]["content"][
            "application/json"
        ].update(schema={"$ref": "other.yaml#/Widget"}),
        "specs/widget/openapi.yaml#/paths/~1widgets/post/responses/201/content/application~1json/schema/$ref",
        "local $refs only",
    ),
    (
        "asyncapi-json-schema",
        "widget/asyncapi.yaml",
        lambda d: d["operations"]["sendWidgetCreated"].update(action="publish"),
        "specs/widget/asyncapi.yaml#/operations/sendWidgetCreated/action",
        "AsyncAPI 3.0.0 schema",
    ),
    (
        "message-belongs-to-channel",
        "widget/asyncapi.yaml",
        lambda d: d["operations"]["sendWidgetCreated"].update(
            messages=[{"$ref": "#/components/messages/WidgetCreated"}]
        ),
        "specs/widget/asyncapi.yaml#/operations/sendWidgetCreated/messages/0",
        "is not one of channel 'widgetEvents''s messages",
    ),
    (
        "avro-parses",
        "widget/asyncapi.yaml",
        lambda d: _avro(d)["fields"][1].update(type="strin"),
        "specs/widget/asyncapi.yaml#/components/messages/WidgetCreated/payload/schema",
        "not a valid Avro schema",
    ),
    (
        "avro-needs-namespace",
        "widget/asyncapi.yaml",
        lambda d: _avro(d).pop("namespace"),
        "specs/widget/asyncapi.yaml#/components/messages/WidgetCreated/payload/schema/namespace",
        "needs a namespace",
    ),
    (
        "payload-is-avro",
        "widget/asyncapi.yaml",
        lambda d: _message(d)["payload"].update(
            schemaFormat="application/schema+json;version=draft-07"
        ),
        "specs/widget/asyncapi.yaml#/components/messages/WidgetCreated/payload",
        "must be an Avro schema",
    ),
    (
        "aggregate-id-is-a-field",
        "widget/asyncapi.yaml",
        lambda d: _message(d).update({"x-aggregate-id": "gadgetId"}),
        "specs/widget/asyncapi.yaml#/components/messages/WidgetCreated/x-aggregate-id",
        "must name a payload field",
    ),
    (
        "example-matches-avro",
        "widget/asyncapi.yaml",
        lambda d: _message(d)["examples"][0]["payload"].update(widgetId="seven"),
        "specs/widget/asyncapi.yaml#/components/messages/WidgetCreated/examples/0/payload",
        "does not match the Avro schema",
    ),
    (
        "emits-a-sent-message",
        "widget/openapi.yaml",
        lambda d: d["paths"]["/widgets"]["post"].update({"x-emits": ["WidgetMade"]}),
        "specs/widget/openapi.yaml#/paths/~1widgets/post/x-emits/0",
        "'WidgetMade' is not a message this service sends",
    ),
    (
        "ref-resolves-in-file",
        "widget/asyncapi.yaml",
        lambda d: d["channels"]["widgetEvents"]["messages"].update(
            WidgetCreated={"$ref": "#/components/messages/WidgetMade"}
        ),
        "specs/widget/asyncapi.yaml#/channels/widgetEvents/messages/WidgetCreated/$ref",
        "does not exist",
    ),
    (
        "ref-resolves-across-files",
        "watcher/asyncapi.yaml",
        lambda d: d["channels"].update(
            widgetEvents={"$ref": "../gadget/asyncapi.yaml#/channels/x"}
        ),
        "specs/watcher/asyncapi.yaml#/channels/widgetEvents/$ref",
        "file specs/gadget/asyncapi.yaml does not exist",
    ),
    (
        "outbox-databases",
        "widget/asyncapi.yaml",
        lambda d: d["info"].update({"x-databases": ["oracle"]}),
        "specs/widget/asyncapi.yaml#/info/x-databases",
        "outbox databases",
    ),
    (
        "link-by-operation-id",
        "widget/openapi.yaml",
        _link(operationRef="#/paths/~1widgets~1{widgetId}/get"),
        LINK,
        "must name its operation by operationId",
    ),
    (
        "link-operation-exists",
        "widget/openapi.yaml",
        _link(operationId="getGadget", parameters={"widgetId": "$response.body#/id"}),
        f"{LINK}/operationId",
        "names operation 'getGadget', which does not exist",
    ),
    (
        "link-parameter-exists",
        "widget/openapi.yaml",
        _link(operationId="getWidget", parameters={"gadgetId": "$response.body#/id"}),
        f"{LINK}/parameters/gadgetId",
        "operation 'getWidget' has no parameter 'gadgetId'",
    ),
    (
        "link-parameter-location",
        "widget/openapi.yaml",
        _link(operationId="getWidget", parameters={"query.widgetId": "$response.body#/id"}),
        f"{LINK}/parameters/query.widgetId",
        "has no parameter 'query.widgetId'",
    ),
    (
        "link-runtime-expression",
        "widget/openapi.yaml",
        _link(operationId="getWidget", parameters={"widgetId": "$response.bdy#/id"}),
        f"{LINK}/parameters/widgetId",
        "is not an OpenAPI runtime expression",
    ),
    (
        "link-response-property",
        "widget/openapi.yaml",
        _link(operationId="getWidget", parameters={"widgetId": "$response.body#/ident"}),
        f"{LINK}/parameters/widgetId",
        "the response body has no property 'ident'",
    ),
    (
        "link-request-body-taken",
        "widget/openapi.yaml",
        _link(operationId="getWidget", requestBody={"name": "x"}),
        f"{LINK}/requestBody",
        "operation 'getWidget' takes no JSON request body",
    ),
    (
        "link-request-body-property",
        "widget/openapi.yaml",
        _link(operationId="createWidget", requestBody={"colour": "$response.body#/color"}),
        f"{LINK}/requestBody/colour",
        "request body has no property 'colour'",
    ),
    (
        "storage-string-excludes-nul",
        "widget/openapi.yaml",
        lambda d: _name_schema(d).pop("pattern"),
        WIDGET_NAME,
        "a request string of a PostgreSQL-backed service must exclude NUL",
    ),
    (
        "storage-pattern-refuses-nul",
        "widget/openapi.yaml",
        lambda d: _name_schema(d).update(pattern="\\S"),
        WIDGET_NAME,
        "pattern '\\\\S' lets NUL through",
    ),
    (
        "storage-query-parameter",
        "widget/openapi.yaml",
        lambda d: d["paths"]["/widgets/{widgetId}"]["get"]["parameters"][1]["schema"].pop("enum"),
        "specs/widget/openapi.yaml#/paths/~1widgets~1{widgetId}/get/parameters/1/schema",
        "must exclude NUL",
    ),
]


@pytest.fixture
def project(tmp_path: Path) -> tuple[Path, Path, dict[str, bytes]]:
    """Valid specs, and generated/ written from them: the state a bad edit must not disturb."""
    specs = copy_specs(GOLDEN_SPECS, tmp_path)
    out = tmp_path / "generated"
    assert contractgen("generate", "--specs", specs, "--out", out, "-q").exit_code == 0
    return specs, out, snapshot(out)


@pytest.mark.parametrize(
    ("rule", "file", "mutate", "where", "words"), RULES, ids=[r[0] for r in RULES]
)
def test_invalid_spec_is_reported_and_nothing_is_written(
    project: tuple[Path, Path, dict[str, bytes]],
    rule: str,
    file: str,
    mutate: Mutation,
    where: str,
    words: str,
) -> None:
    specs, out, before = project
    path = specs / file
    document = yaml.safe_load(path.read_text())
    mutate(document)
    path.write_text(yaml.safe_dump(document, sort_keys=False))

    for command in ("generate", "check", "validate"):
        options = ["--out", out] if command != "validate" else []
        run = contractgen(command, "--specs", specs, *options)
        assert run.exit_code == 1, f"{command}: {run.stderr}"
        errors = [line for line in run.stderr.splitlines() if line.startswith("error: ")]
        assert any(line.startswith(f"error: {where}: ") and words in line for line in errors), (
            f"expected '{where}: ...{words}...' in:\n" + "\n".join(errors)
        )
        assert "nothing was written" in run.stderr
    assert snapshot(out) == before


def test_yaml_syntax_error_names_the_file(project: tuple[Path, Path, dict[str, bytes]]) -> None:
    specs, out, before = project
    (specs / "widget" / "asyncapi.yaml").write_text("asyncapi: 3.0.0\ninfo: [unclosed\n")
    run = contractgen("generate", "--specs", specs, "--out", out)
    assert run.exit_code == 1
    assert "error: specs/widget/asyncapi.yaml#: not valid YAML" in run.stderr
    assert snapshot(out) == before


def test_duplicate_operation_id(project: tuple[Path, Path, dict[str, bytes]]) -> None:
    specs, out, before = project
    path = specs / "widget" / "openapi.yaml"
    document = yaml.safe_load(path.read_text())
    document["paths"]["/widgets/{widgetId}"]["get"]["operationId"] = "createWidget"
    path.write_text(yaml.safe_dump(document, sort_keys=False))
    run = contractgen("generate", "--specs", specs, "--out", out)
    assert run.exit_code == 1
    # openapi-spec-validator finds this one first; its message names the method and path.
    assert (
        "Operation ID 'createWidget' for 'get' in '/widgets/{widgetId}' is not unique" in run.stderr
    )
    assert snapshot(out) == before


def test_every_problem_is_reported_at_once(project: tuple[Path, Path, dict[str, bytes]]) -> None:
    specs, _, _ = project
    for file, mutate in ((RULES[4][1], RULES[4][2]), (RULES[2][1], RULES[2][2])):
        path = specs / file
        document = yaml.safe_load(path.read_text())
        mutate(document)
        path.write_text(yaml.safe_dump(document, sort_keys=False))
    run = contractgen("validate", "--specs", specs)
    assert run.exit_code == 1
    assert "2 problem(s)" in run.stderr
    assert "#/operations/sendWidgetCreated/messages/0:" in run.stderr
    assert "local $refs only" in run.stderr


def test_a_service_stored_only_on_sql_server_may_take_nul(
    project: tuple[Path, Path, dict[str, bytes]],
) -> None:
    """NVARCHAR holds U+0000: the storage rule is PostgreSQL's."""
    specs, _, _ = project
    openapi, asyncapi = specs / "widget" / "openapi.yaml", specs / "widget" / "asyncapi.yaml"
    document = yaml.safe_load(openapi.read_text())
    _name_schema(document).pop("pattern")
    openapi.write_text(yaml.safe_dump(document, sort_keys=False))
    events = yaml.safe_load(asyncapi.read_text())
    events["info"]["x-databases"] = ["sqlserver"]
    asyncapi.write_text(yaml.safe_dump(events, sort_keys=False))
    run = contractgen("validate", "--specs", specs)
    assert run.exit_code == 0, run.stderr
