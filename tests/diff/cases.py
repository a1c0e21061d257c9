"""Pairs of contracts, one per rule: the base contract (data/base) changed one way, and the verdict.

Each case edits the baseline's and/or the new side's YAML (as dicts) and names the findings it
must produce: (rule, class, pointer or None). The same pairs feed the oasdiff comparison
(scripts in tests/diff/oasdiff_compare.py), so they stay small and REST cases touch only REST."""

from __future__ import annotations

import copy
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

Docs = dict[str, Any]
Edit = Callable[[Docs, Docs], None]
Expected = tuple[str, str, str | None]


def _nothing(o: Docs, a: Docs) -> None:
    pass


@dataclass(frozen=True)
class Case:
    id: str
    new: Edit
    expected: tuple[Expected, ...]
    old: Edit = _nothing
    rest_only: bool = True
    services: tuple[str, ...] = field(default=())
    """Extra copies of the base service on the baseline side only (a removed service)."""
    new_services: tuple[str, ...] = field(default=())
    """Extra copies of the base service on the new side only (an added service)."""


def schemas(o: Docs) -> Docs:
    return o["components"]["schemas"]


def op(o: Docs, path: str, method: str) -> Docs:
    return o["paths"][path][method]


def message(a: Docs, name: str) -> Docs:
    return a["components"]["messages"][name]


def fields(a: Docs, name: str) -> list[Docs]:
    return message(a, name)["payload"]["schema"]["fields"]


def _set(target: Docs, key: str, value: Any) -> None:
    target[key] = value


def _deprecate(spec: Docs, on: str) -> None:
    spec["deprecated"] = True
    spec["x-deprecated-on"] = on


def _simple_get(operation_id: str) -> Docs:
    return {
        "operationId": operation_id,
        "security": [],
        "responses": {"204": {"description": "Done."}},
    }


def _rename_media(response: Docs) -> None:
    response["content"] = {"application/vnd.shop+json": response["content"]["application/json"]}


def _add_required(schema: Docs, name: str) -> None:
    schema["properties"][name] = {"type": "string"}
    schema["required"].append(name)


def _rename_path_param(o: Docs, a: Docs) -> None:
    item = o["paths"].pop("/orders/{orderId}")
    item["get"]["parameters"][0]["name"] = "id"
    o["paths"]["/orders/{id}"] = item


def _rename_response_schema(o: Docs, a: Docs) -> None:
    schemas(o)["OrderView"] = schemas(o)["Order"]
    response = op(o, "/orders/{orderId}", "get")["responses"]["200"]
    response["content"]["application/json"]["schema"] = {"$ref": "#/components/schemas/OrderView"}


def _add_avro_field(a: Docs, name: str, **extra: Any) -> None:
    fields(a, "OrderPlaced").append({"name": name, "type": "string", **extra})


def _drop_channel(o: Docs, a: Docs) -> None:
    a["channels"].pop("orderEvents")
    a.pop("operations")
    op(o, "/orders", "post").pop("x-emits")


def _rename_channel(o: Docs, a: Docs) -> None:
    a["channels"]["orders"] = a["channels"].pop("orderEvents")
    for operation in a["operations"].values():
        operation["channel"]["$ref"] = "#/channels/orders"
        for ref in operation["messages"]:
            ref["$ref"] = ref["$ref"].replace("/orderEvents/", "/orders/")


def _drop_shipped(o: Docs, a: Docs) -> None:
    a["channels"]["orderEvents"]["messages"].pop("OrderShipped")
    a["operations"].pop("sendOrderShipped")


def _placed_sends_both(o: Docs, a: Docs) -> None:
    a["operations"]["sendOrderPlaced"]["messages"].append(
        {"$ref": "#/channels/orderEvents/messages/OrderShipped"}
    )


def _add_cancelled(o: Docs, a: Docs) -> None:
    cancelled = copy.deepcopy(message(a, "OrderShipped"))
    cancelled["name"] = cancelled["payload"]["schema"]["name"] = "OrderCancelled"
    a["components"]["messages"]["OrderCancelled"] = cancelled
    a["channels"]["orderEvents"]["messages"]["OrderCancelled"] = {
        "$ref": "#/components/messages/OrderCancelled"
    }
    a["operations"]["sendOrderCancelled"] = {
        "action": "send",
        "channel": {"$ref": "#/channels/orderEvents"},
        "messages": [{"$ref": "#/channels/orderEvents/messages/OrderCancelled"}],
    }


def _mode(a: Docs, mode: str) -> None:
    message(a, "OrderPlaced")["x-compatibility"] = mode


def _mode_then(mode: str, edit: Callable[[Docs], None]) -> Edit:
    def both(o: Docs, a: Docs) -> None:
        _mode(a, mode)
        edit(a)

    return both


def _second_channel(o: Docs, a: Docs) -> None:
    a["channels"]["auditEvents"] = {
        "address": "shop.audit",
        "messages": {"OrderShipped": {"$ref": "#/components/messages/OrderShipped"}},
    }


def _ship_to_audit(o: Docs, a: Docs) -> None:
    _second_channel(o, a)
    operation = a["operations"]["sendOrderShipped"]
    operation["channel"] = {"$ref": "#/channels/auditEvents"}
    operation["messages"] = [{"$ref": "#/channels/auditEvents/messages/OrderShipped"}]


def _receive_placed(o: Docs, a: Docs) -> None:
    a["operations"]["receiveOrderPlaced"] = {
        "action": "receive",
        "channel": {"$ref": "#/channels/orderEvents"},
        "messages": [{"$ref": "#/channels/orderEvents/messages/OrderPlaced"}],
    }


def _api_key(o: Docs, a: Docs) -> None:
    o["components"]["securitySchemes"]["apiKey"] = {
        "type": "apiKey",
        "in": "header",
        "name": "X-Key",
    }
    op(o, "/orders", "post")["security"] = [{"apiKey": []}]


W, C, S, A = "wire", "code", "safe", "allowed"
ORDER = "/components/schemas/Order"
CREATE = "/components/schemas/OrderCreate"
ORDERS = "/paths/~1orders"
ONE = "/paths/~1orders~1{orderId}"
PLACED = "/components/messages/OrderPlaced"
RECENT = "2026-11-30"
"""A deprecation date less than 90 days before the tests' fixed today (2026-12-04)."""

CASES: tuple[Case, ...] = (
    # --- REST: removals
    Case(
        "path-removed",
        lambda o, a: o["paths"].pop("/orders/{orderId}"),
        (("rest.path.removed", W, ONE),),
    ),
    Case(
        "path-added",
        lambda o, a: _set(o["paths"], "/items", {"get": _simple_get("listItems")}),
        (("rest.path.added", S, "/paths/~1items"),),
    ),
    Case(
        "operation-removed",
        lambda o, a: o["paths"]["/orders"].pop("get"),
        (("rest.operation.removed", W, ORDERS + "/get"),),
    ),
    Case(
        "operation-added",
        lambda o, a: _set(o["paths"]["/orders"], "delete", _simple_get("deleteOrders")),
        (("rest.operation.added", S, ORDERS + "/delete"),),
    ),
    Case(
        "parameter-removed",
        lambda o, a: op(o, "/orders", "get")["parameters"].pop(1),
        (
            ("rest.parameter.removed", W, ORDERS + "/get/parameters/1"),
            ("code.handler.signature-changed", C, None),
        ),
    ),
    Case(
        "response-property-removed",
        lambda o, a: schemas(o)["Order"]["properties"].pop("note"),
        (("rest.response.property-removed", W, ORDER + "/properties/note"),),
    ),
    Case(
        "request-property-removed",
        lambda o, a: schemas(o)["OrderCreate"]["properties"].pop("note"),
        (("rest.request.property-removed", W, CREATE + "/properties/note"),),
    ),
    Case(
        "success-status-removed",
        lambda o, a: _set(
            op(o, "/orders", "post"),
            "responses",
            {
                "200": op(o, "/orders", "post")["responses"]["201"],
                "400": {"description": "Invalid."},
            },
        ),
        (
            ("rest.response.status-removed", W, ORDERS + "/post/responses/201"),
            ("rest.response.status-added", S, ORDERS + "/post/responses/200"),
        ),
    ),
    Case(
        "error-status-removed",
        lambda o, a: op(o, "/orders/{orderId}", "get")["responses"].pop("404"),
        (("rest.response.status-removed", S, ONE + "/get/responses/404"),),
    ),
    Case(
        "response-media-type-removed",
        lambda o, a: _rename_media(op(o, "/orders/{orderId}", "get")["responses"]["200"]),
        (
            (
                "rest.response.media-type-removed",
                W,
                ONE + "/get/responses/200/content/application~1json",
            ),
            ("code.handler.return-changed", C, ONE + "/get/responses"),
        ),
    ),
    Case(
        "request-body-removed",
        lambda o, a: op(o, "/orders", "post").pop("requestBody"),
        (
            ("rest.request.body-removed", W, ORDERS + "/post/requestBody"),
            ("code.handler.signature-changed", C, None),
        ),
    ),
    # --- REST: new required inputs
    Case(
        "required-parameter-added",
        lambda o, a: op(o, "/orders", "get")["parameters"].append(
            {"name": "region", "in": "query", "required": True, "schema": {"type": "string"}}
        ),
        (
            ("rest.parameter.required-added", W, ORDERS + "/get/parameters/2"),
            ("code.handler.signature-changed", C, None),
        ),
    ),
    Case(
        "optional-parameter-added",
        lambda o, a: op(o, "/orders", "get")["parameters"].append(
            {"name": "region", "in": "query", "schema": {"type": "string"}}
        ),
        (
            ("rest.parameter.added", S, ORDERS + "/get/parameters/2"),
            ("code.handler.signature-changed", C, None),
        ),
    ),
    Case(
        "parameter-became-required",
        lambda o, a: _set(op(o, "/orders", "get")["parameters"][0], "required", True),
        (
            ("rest.parameter.became-required", W, ORDERS + "/get/parameters/0/required"),
            ("code.handler.signature-changed", C, None),
        ),
    ),
    Case(
        "required-property-added",
        lambda o, a: _add_required(schemas(o)["OrderCreate"], "customer"),
        (("rest.request.required-property-added", W, CREATE + "/properties/customer"),),
    ),
    Case(
        "property-became-required",
        lambda o, a: schemas(o)["OrderCreate"]["required"].append("quantity"),
        (("rest.request.property-became-required", W, CREATE + "/properties/quantity"),),
    ),
    Case(
        "optional-property-added",
        lambda o, a: _set(schemas(o)["OrderCreate"]["properties"], "gift", {"type": "boolean"}),
        (("rest.request.property-added", S, CREATE + "/properties/gift"),),
    ),
    Case(
        "body-became-required",
        lambda o, a: _set(op(o, "/orders", "post")["requestBody"], "required", True),
        (("rest.request.body-became-required", W, ORDERS + "/post/requestBody/required"),),
        old=lambda o, a: _set(op(o, "/orders", "post")["requestBody"], "required", False),
    ),
    # --- REST: narrowed / widened constraints
    Case(
        "request-max-length-narrowed",
        lambda o, a: _set(schemas(o)["OrderCreate"]["properties"]["item"], "maxLength", 40),
        (("rest.request.constraint-narrowed", W, CREATE + "/properties/item/maxLength"),),
    ),
    Case(
        "request-max-length-relaxed",
        lambda o, a: _set(schemas(o)["OrderCreate"]["properties"]["item"], "maxLength", 80),
        (("rest.request.constraint-relaxed", S, CREATE + "/properties/item/maxLength"),),
    ),
    Case(
        "request-minimum-raised",
        lambda o, a: _set(schemas(o)["OrderCreate"]["properties"]["quantity"], "minimum", 2),
        (("rest.request.constraint-narrowed", W, CREATE + "/properties/quantity/minimum"),),
    ),
    Case(
        "parameter-maximum-lowered",
        lambda o, a: _set(op(o, "/orders", "get")["parameters"][0]["schema"], "maximum", 50),
        (("rest.request.constraint-narrowed", W, ORDERS + "/get/parameters/0/schema/maximum"),),
    ),
    Case(
        "request-pattern-changed",
        lambda o, a: _set(schemas(o)["OrderCreate"]["properties"]["item"], "pattern", "^[a-z]+$"),
        (("rest.schema.pattern-changed", W, CREATE + "/properties/item/pattern"),),
    ),
    Case(
        "request-format-changed",
        lambda o, a: _set(schemas(o)["OrderCreate"]["properties"]["note"], "format", "uri"),
        (("rest.schema.format-changed", W, CREATE + "/properties/note/format"),),
    ),
    Case(
        "request-enum-value-removed",
        lambda o, a: _set(schemas(o)["OrderCreate"]["properties"]["channel"], "enum", ["web"]),
        (("rest.request.enum-value-removed", W, CREATE + "/properties/channel/enum"),),
    ),
    Case(
        "request-enum-value-added",
        lambda o, a: schemas(o)["OrderCreate"]["properties"]["channel"]["enum"].append("phone"),
        (("rest.request.enum-value-added", S, CREATE + "/properties/channel/enum"),),
    ),
    Case(
        "parameter-enum-value-removed",
        lambda o, a: _set(op(o, "/orders", "get")["parameters"][1]["schema"], "enum", ["open"]),
        (
            ("rest.request.enum-value-removed", W, ORDERS + "/get/parameters/1/schema/enum"),
            ("code.handler.signature-changed", C, None),
        ),
    ),
    Case(
        "additional-properties-refused",
        lambda o, a: _set(schemas(o)["OrderCreate"], "additionalProperties", False),
        (("rest.request.additional-properties-refused", W, CREATE + "/additionalProperties"),),
    ),
    Case(
        "oneof-branch-removed",
        lambda o, a: schemas(o)["OrderCreate"]["properties"]["payment"]["oneOf"].pop(1),
        (("rest.schema.oneOf-branch-removed", W, CREATE + "/properties/payment/oneOf/1"),),
    ),
    Case(
        "oneof-branch-added-response",
        lambda o, a: _set(
            schemas(o)["Order"]["properties"],
            "payment",
            {
                "oneOf": [
                    {"$ref": "#/components/schemas/Card"},
                    {"$ref": "#/components/schemas/Voucher"},
                ]
            },
        ),
        (("rest.schema.oneOf-branch-added", W, ORDER + "/properties/payment/oneOf/1"),),
        old=lambda o, a: _set(
            schemas(o)["Order"]["properties"],
            "payment",
            {"oneOf": [{"$ref": "#/components/schemas/Card"}]},
        ),
    ),
    # --- REST: responses
    Case(
        "response-enum-widened",
        lambda o, a: schemas(o)["Order"]["properties"]["status"]["enum"].append("cancelled"),
        (("rest.response.enum-widened", W, ORDER + "/properties/status/enum"),),
    ),
    Case(
        "response-property-optional",
        lambda o, a: schemas(o)["Order"]["required"].remove("status"),
        (("rest.response.property-became-optional", W, ORDER + "/properties/status"),),
    ),
    Case(
        "response-max-items-widened",
        lambda o, a: _set(
            op(o, "/orders", "get")["responses"]["200"]["content"]["application/json"]["schema"],
            "maxItems",
            500,
        ),
        (
            (
                "rest.response.constraint-widened",
                W,
                ORDERS + "/get/responses/200/content/application~1json/schema/maxItems",
            ),
        ),
    ),
    Case(
        "response-nullable-added",
        lambda o, a: _set(schemas(o)["Order"]["properties"]["item"], "nullable", True),
        (("rest.response.nullable-added", W, ORDER + "/properties/item/nullable"),),
    ),
    Case(
        "response-type-changed",
        lambda o, a: _set(schemas(o)["Order"]["properties"]["id"], "type", "string"),
        (("rest.schema.type-changed", W, ORDER + "/properties/id/type"),),
    ),
    Case(
        "request-type-widened",
        lambda o, a: _set(schemas(o)["OrderCreate"]["properties"]["quantity"], "type", "number"),
        (("rest.schema.type-changed", S, CREATE + "/properties/quantity/type"),),
    ),
    # --- REST: security
    Case(
        "security-added",
        lambda o, a: op(o, "/orders", "get").pop("security"),
        (
            ("rest.security.added", W, ORDERS + "/get/security"),
            ("code.handler.signature-changed", C, None),
        ),
    ),
    Case(
        "security-scopes-added",
        lambda o, a: _set(
            op(o, "/orders", "post"), "security", [{"bearerAuth": ["orders:write", "orders:read"]}]
        ),
        (("rest.security.scopes-added", W, ORDERS + "/post/security"),),
    ),
    Case(
        "security-removed",
        lambda o, a: _set(op(o, "/orders/{orderId}", "get"), "security", []),
        (
            ("rest.security.removed", S, ONE + "/get/security"),
            ("code.handler.signature-changed", C, None),
        ),
    ),
    # --- generated code
    Case(
        "operation-id-renamed",
        lambda o, a: _set(op(o, "/orders/{orderId}", "get"), "operationId", "fetchOrder"),
        (("code.operation-id.renamed", C, ONE + "/get/operationId"),),
    ),
    Case(
        "path-parameter-renamed",
        _rename_path_param,
        (("code.parameter.renamed", C, "/paths/~1orders~1{id}/get/parameters"),),
    ),
    Case(
        "response-schema-renamed",
        _rename_response_schema,
        (("code.handler.return-changed", C, ONE + "/get/responses"),),
    ),
    Case(
        "parameter-default-added",
        lambda o, a: _set(op(o, "/orders", "get")["parameters"][0]["schema"], "default", 20),
        (("code.handler.signature-changed", C, ORDERS + "/get"),),
    ),
    # --- deprecation path
    Case(
        "operation-removed-after-deprecation",
        lambda o, a: o["paths"]["/orders"].pop("get"),
        (("rest.operation.removed", A, ORDERS + "/get"),),
        old=lambda o, a: _deprecate(op(o, "/orders", "get"), "2020-01-01"),
    ),
    Case(
        "operation-removed-too-early",
        lambda o, a: o["paths"]["/orders"].pop("get"),
        (("rest.operation.removed", W, ORDERS + "/get"),),
        old=lambda o, a: _deprecate(op(o, "/orders", "get"), RECENT),
    ),
    Case(
        "property-removed-after-deprecation",
        lambda o, a: schemas(o)["Order"]["properties"].pop("note"),
        (("rest.response.property-removed", A, ORDER + "/properties/note"),),
        old=lambda o, a: _deprecate(schemas(o)["Order"]["properties"]["note"], "2020-01-01"),
    ),
    Case(
        "parameter-removed-after-deprecation",
        lambda o, a: op(o, "/orders", "get")["parameters"].pop(1),
        (
            ("rest.parameter.removed", A, ORDERS + "/get/parameters/1"),
            ("code.handler.signature-changed", A, None),
        ),
        old=lambda o, a: _deprecate(op(o, "/orders", "get")["parameters"][1], "2020-01-01"),
    ),
)


EVENT_CASES: tuple[Case, ...] = (
    Case(
        "service-removed",
        _nothing,
        (("service.removed", W, "specs/stock/openapi.yaml#"),),
        services=("stock",),
    ),
    Case(
        "channel-removed",
        _drop_channel,
        (
            ("asyncapi.channel.removed", W, "/channels/orderEvents"),
            ("asyncapi.operation.removed", W, "/operations/sendOrderPlaced"),
            ("events.emits-removed", W, ORDERS + "/post/x-emits"),
        ),
    ),
    Case(
        "channel-renamed", _rename_channel, (("asyncapi.channel.renamed", C, "/channels/orders"),)
    ),
    Case(
        "channel-address-changed",
        lambda o, a: _set(a["channels"]["orderEvents"], "address", "shop.orders.v2"),
        (("asyncapi.channel.address-changed", W, "/channels/orderEvents/address"),),
    ),
    Case(
        "partitions-decreased",
        lambda o, a: _set(a["channels"]["orderEvents"]["bindings"]["kafka"], "partitions", 1),
        (
            (
                "asyncapi.channel.partitions-decreased",
                W,
                "/channels/orderEvents/bindings/kafka/partitions",
            ),
        ),
    ),
    Case(
        "partitions-increased",
        lambda o, a: _set(a["channels"]["orderEvents"]["bindings"]["kafka"], "partitions", 6),
        (
            (
                "asyncapi.channel.partitions-increased",
                S,
                "/channels/orderEvents/bindings/kafka/partitions",
            ),
        ),
    ),
    Case(
        "message-removed",
        _drop_shipped,
        (
            ("asyncapi.channel.message-removed", W, "/components/messages/OrderShipped"),
            ("asyncapi.operation.removed", W, "/operations/sendOrderShipped"),
        ),
    ),
    Case(
        "message-removed-after-deprecation",
        _drop_shipped,
        (
            ("asyncapi.channel.message-removed", A, "/components/messages/OrderShipped"),
            ("asyncapi.operation.removed", W, "/operations/sendOrderShipped"),
        ),
        old=lambda o, a: _set(message(a, "OrderShipped"), "x-deprecated-on", "2020-01-01"),
    ),
    Case(
        "message-added",
        _add_cancelled,
        (
            ("asyncapi.channel.message-added", S, "/components/messages/OrderCancelled"),
            ("asyncapi.operation.added", S, "/operations/sendOrderCancelled"),
        ),
    ),
    Case(
        "operation-message-removed",
        lambda o, a: a["operations"]["sendOrderPlaced"]["messages"].pop(1),
        (("asyncapi.operation.message-removed", W, "/operations/sendOrderPlaced/messages"),),
        old=_placed_sends_both,
    ),
    Case(
        "key-changed",
        lambda o, a: _set(message(a, "OrderPlaced"), "x-aggregate-id", "item"),
        (("asyncapi.message.key-changed", W, PLACED + "/x-aggregate-id"),),
    ),
    Case(
        "key-binding-changed",
        lambda o, a: _set(
            message(a, "OrderPlaced")["bindings"]["kafka"], "key", {"type": "integer"}
        ),
        (("asyncapi.message.key-changed", W, PLACED + "/bindings/kafka/key"),),
    ),
    Case(
        "header-removed",
        lambda o, a: message(a, "OrderPlaced")["headers"]["properties"].pop("traceparent"),
        (("asyncapi.message.header-removed", W, PLACED + "/headers"),),
    ),
    Case(
        "emits-removed",
        lambda o, a: op(o, "/orders", "post").pop("x-emits"),
        (("events.emits-removed", W, ORDERS + "/post/x-emits"),),
    ),
    # --- Avro under the declared mode
    Case(
        "avro-backward-field-without-default",
        lambda o, a: _add_avro_field(a, "coupon"),
        (("avro.incompatible", W, PLACED + "/payload/schema/fields/3"),),
    ),
    Case(
        "avro-backward-field-with-default",
        lambda o, a: _add_avro_field(a, "coupon", default=""),
        (("avro.schema.compatible", S, PLACED + "/payload/schema"),),
    ),
    Case(
        "avro-forward-field-removed",
        _mode_then("FORWARD", lambda a: fields(a, "OrderPlaced").pop(2)),
        (
            ("avro.incompatible", W, PLACED + "/payload/schema/fields/2"),
            ("code.event.field-removed", C, PLACED + "/payload/schema/fields/2"),
        ),
        old=lambda o, a: _mode(a, "FORWARD"),
    ),
    Case(
        "avro-full-type-promoted",
        _mode_then("FULL", lambda a: _set(fields(a, "OrderPlaced")[2], "type", "long")),
        (("avro.incompatible", W, PLACED + "/payload/schema/fields/2/type"),),
        old=lambda o, a: _mode(a, "FULL"),
    ),
    Case(
        "avro-backward-type-promoted",
        lambda o, a: _set(fields(a, "OrderPlaced")[2], "type", "long"),
        (("avro.schema.compatible", S, PLACED + "/payload/schema"),),
    ),
    Case(
        "avro-channel-mode-forward",
        lambda o, a: (
            _set(a["channels"]["orderEvents"], "x-compatibility", "FORWARD"),
            fields(a, "OrderPlaced").pop(1),
        ),
        (
            ("avro.incompatible", W, PLACED + "/payload/schema/fields/1"),
            ("code.event.field-removed", C, PLACED + "/payload/schema/fields/1"),
        ),
        old=lambda o, a: _set(a["channels"]["orderEvents"], "x-compatibility", "FORWARD"),
    ),
    Case(
        "avro-none",
        _mode_then("NONE", lambda a: _add_avro_field(a, "coupon")),
        (("avro.schema.changed", S, PLACED + "/payload/schema"),),
        old=lambda o, a: _mode(a, "NONE"),
    ),
    Case(
        "avro-field-renamed-with-alias",
        lambda o, a: fields(a, "OrderPlaced")[1].update(name="product", aliases=["item"]),
        (
            ("avro.schema.compatible", S, PLACED + "/payload/schema"),
            ("code.event.field-removed", C, PLACED + "/payload/schema/fields/1"),
        ),
    ),
    # --- the safe (or other-direction) side of the rules above
    Case(
        "service-added",
        _nothing,
        (("service.added", S, "specs/stock/openapi.yaml#"),),
        new_services=("stock",),
    ),
    Case(
        "channel-added", _second_channel, (("asyncapi.channel.added", S, "/channels/auditEvents"),)
    ),
    Case(
        "operation-moved-to-another-channel",
        _ship_to_audit,
        (("asyncapi.operation.changed", W, "/operations/sendOrderShipped"),),
    ),
    Case(
        "receive-operation-removed",
        lambda o, a: a["operations"].pop("receiveOrderPlaced"),
        (("asyncapi.operation.removed", S, "/operations/receiveOrderPlaced"),),
        old=_receive_placed,
    ),
    Case(
        "compatibility-mode-changed",
        lambda o, a: _mode(a, "FULL"),
        (("avro.compatibility.changed", S, PLACED + "/x-compatibility"),),
    ),
    Case(
        "emits-added",
        lambda o, a: op(o, "/orders", "post")["x-emits"].append("OrderShipped"),
        (("events.emits-added", S, ORDERS + "/post/x-emits"),),
    ),
    Case(
        "operation-deprecated",
        lambda o, a: _deprecate(op(o, "/orders/{orderId}", "get"), "2026-12-01"),
        (("rest.operation.deprecated", S, ONE + "/get/deprecated"),),
    ),
    Case(
        "required-body-added",
        lambda o, a: _set(
            op(o, "/orders", "post"),
            "requestBody",
            {
                "required": True,
                "content": {
                    "application/json": {"schema": {"$ref": "#/components/schemas/OrderCreate"}}
                },
            },
        ),
        (
            ("rest.request.body-added", W, ORDERS + "/post/requestBody"),
            ("code.handler.signature-changed", C, None),
        ),
        old=lambda o, a: op(o, "/orders", "post").pop("requestBody"),
    ),
    Case(
        "request-media-type-removed",
        lambda o, a: _rename_media(op(o, "/orders", "post")["requestBody"]),
        (
            (
                "rest.request.media-type-removed",
                W,
                ORDERS + "/post/requestBody/content/application~1json",
            ),
            ("code.handler.signature-changed", C, None),
        ),
    ),
    Case(
        "request-nullable-removed",
        lambda o, a: schemas(o)["OrderCreate"]["properties"]["note"].pop("nullable"),
        (("rest.request.nullable-removed", W, CREATE + "/properties/note/nullable"),),
        old=lambda o, a: _set(schemas(o)["OrderCreate"]["properties"]["note"], "nullable", True),
    ),
    Case(
        "response-max-length-narrowed",
        lambda o, a: _set(schemas(o)["Order"]["properties"]["item"], "maxLength", 30),
        (("rest.response.constraint-narrowed", S, ORDER + "/properties/item/maxLength"),),
    ),
    Case(
        "response-enum-value-removed",
        lambda o, a: _set(schemas(o)["Order"]["properties"]["status"], "enum", ["open"]),
        (("rest.response.enum-value-removed", S, ORDER + "/properties/status/enum"),),
    ),
    Case(
        "anyof-branch-removed",
        lambda o, a: schemas(o)["OrderCreate"]["properties"]["payment"].update(
            anyOf=[{"$ref": "#/components/schemas/Card"}]
        ),
        (("rest.schema.anyOf-branch-removed", W, CREATE + "/properties/payment/anyOf/1"),),
        old=lambda o, a: schemas(o)["OrderCreate"]["properties"]["payment"].update(
            anyOf=schemas(o)["OrderCreate"]["properties"]["payment"].pop("oneOf")
        ),
    ),
    Case(
        "security-scheme-changed",
        _api_key,
        (("rest.security.changed", W, ORDERS + "/post/security"),),
    ),
    Case(
        "security-scopes-removed",
        lambda o, a: _set(op(o, "/orders", "post"), "security", [{"bearerAuth": []}]),
        (("rest.security.relaxed", S, ORDERS + "/post/security"),),
    ),
    Case(
        "response-pattern-added",
        lambda o, a: _set(schemas(o)["Order"]["properties"]["item"], "pattern", "^[a-z-]+$"),
        (("rest.schema.pattern-changed", S, ORDER + "/properties/item/pattern"),),
    ),
    # --- probes of oasdiff's documented misses (oneOf, type changes, allOf)
    Case(
        "inline-oneof-branch-removed",
        lambda o, a: schemas(o)["OrderCreate"]["properties"]["gift"]["oneOf"].pop(1),
        (("rest.schema.oneOf-branch-removed", W, CREATE + "/properties/gift/oneOf/1"),),
        old=lambda o, a: _set(
            schemas(o)["OrderCreate"]["properties"],
            "gift",
            {"oneOf": [{"type": "boolean"}, {"type": "string", "maxLength": 20}]},
        ),
    ),
    Case(
        "response-items-type-changed",
        lambda o, a: _set(
            op(o, "/orders", "get")["responses"]["200"]["content"]["application/json"]["schema"],
            "items",
            {"type": "string"},
        ),
        (
            (
                "rest.schema.type-changed",
                W,
                ORDERS + "/get/responses/200/content/application~1json/schema/items/type",
            ),
            ("code.handler.return-changed", C, None),
        ),
    ),
    Case(
        "allof-part-narrowed",
        lambda o, a: _set(
            schemas(o)["OrderCreate"]["allOf"][0]["properties"]["ref"], "maxLength", 10
        ),
        (("rest.request.constraint-narrowed", W, CREATE + "/allOf/0/properties/ref/maxLength"),),
        old=lambda o, a: _set(
            schemas(o)["OrderCreate"],
            "allOf",
            [{"type": "object", "properties": {"ref": {"type": "string", "maxLength": 20}}}],
        ),
    ),
)

OTHER_CASES: tuple[Case, ...] = (
    Case(
        "description-changed",
        lambda o, a: _set(op(o, "/orders", "post"), "description", "Places an order."),
        (("contract.other-changes", S, ""),),
    ),
)
