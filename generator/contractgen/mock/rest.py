"""`mock_app`: a service's REST API from its contract alone, on the runtime's own app factory.

The handler object is synthesized from the contract: one `async` method per operationId with the
parameters the generated interface would have, so `contractgen.runtime.app.create_app` routes,
validates (Connexion, strict), authenticates (bearer JWT), limits bodies and renders problems
exactly as it does for the real service. Only the answers differ: they come from the contract's
examples (or data generated from its schemas) and from what earlier requests created.
"""

from __future__ import annotations

import inspect
import random
from typing import Any

import connexion
from connexion.exceptions import BadRequestProblem, ProblemException
from connexion.middleware import MiddlewarePosition
from starlette.types import ASGIApp, Receive, Scope, Send

from contractgen.mock.examples import (
    PREFERENCE,
    Preference,
    ResponseExamples,
    UnknownExample,
    operation_responses,
)
from contractgen.mock.schemadata import SchemaData, resolve
from contractgen.mock.store import MAX_RESOURCES, Collection, Role, Store, classify
from contractgen.runtime.app import Binding, create_app
from contractgen.runtime.problems import NotFound
from contractgen.runtime.security import TokenVerifier
from contractgen.spec.openapi import Operation
from contractgen.spec.project import ServiceSpec


class MockAnswers:
    """The answers of one mocked service: examples, generated data, and the store."""

    def __init__(self, service: ServiceSpec, rng: random.Random | None = None) -> None:
        spec = service.openapi
        self.document = spec.document
        self.data = SchemaData(self.document, rng)
        self.roles = classify(self.document, spec.operations)
        self.responses = {
            op.operation_id: operation_responses(self.document, op.path, op.method)
            for op in spec.operations
        }
        self.store = Store()
        for op in spec.operations:
            self._seed(op)

    def _seed(self, op: Operation) -> None:
        """Make the documented example of an item GET readable at the path it describes."""
        role = self.roles[op.operation_id]
        if role.kind != "read" or role.collection is None:
            return
        example = self._success(op).pick(None)
        collection = role.collection
        names = [p.name for p in collection.scope]
        if isinstance(example, dict) and all(n in example for n in [*names, collection.id_field]):
            self.store.seed(collection, tuple(example[n] for n in names), example)

    def _success(self, op: Operation) -> ResponseExamples:
        return self.responses[op.operation_id][op.success_status]

    def template(self, op: Operation, preference: Preference) -> Any:
        """The success body as the client prefers it: a named example, generated, or the first."""
        success = self._success(op)
        if success.schema is None:
            return None
        if preference.dynamic or (preference.example is None and not success.examples):
            return self.data.value(success.schema)
        return success.pick(preference.example)

    async def answer(self, op: Operation, arguments: dict[str, Any]) -> Any:
        preference = PREFERENCE.get() or Preference()
        try:
            if preference.code is not None and preference.code != op.success_status:
                raise self._documented_problem(op, preference)
            role = self.roles[op.operation_id]
            explicit = preference.example is not None or preference.dynamic
            if role.collection is None:
                return self.template(op, preference)
            if role.kind in ("read", "list") and explicit:
                # Asked for by name or generated: not from the store, but at the path asked for.
                template = self.template(op, preference)
                if role.kind == "list" or not isinstance(template, dict):
                    return template
                resource = dict(template)
                resource[role.collection.id_field] = arguments[
                    role.collection.item_parameter.python_name
                ]
                return self._merge(op, resource, role.collection, arguments)
            return self._stateful(op, role, role.collection, arguments, preference)
        except UnknownExample as error:
            raise BadRequestProblem(detail=str(error)) from None

    def _stateful(
        self,
        op: Operation,
        role: Role,
        collection: Collection,
        arguments: dict[str, Any],
        preference: Preference,
    ) -> Any:
        key = collection.key(arguments)
        if role.kind == "list":
            return self._page(op, collection, key, arguments, preference)
        if role.kind == "create":
            if self.store.count() >= MAX_RESOURCES:
                raise ProblemException(
                    status=507, title="Insufficient Storage", detail="the mock's store is full"
                )
            resource = self._merge(op, self.template(op, preference), collection, arguments)
            resource[collection.id_field] = self.store.new_id(collection)
            self.store.put(collection, key, resource)
            return resource
        resource_id = arguments[collection.item_parameter.python_name]
        stored = self.store.get(collection, key, resource_id)
        if stored is None:
            raise NotFound(
                f"{collection.path}/{{{collection.item_parameter.name}}}: no {resource_id}"
            )
        if role.kind == "replace":
            stored = self._merge(op, stored, collection, arguments)
            self.store.put(collection, key, stored)
        elif role.kind == "delete":
            self.store.delete(collection, key, resource_id)
            return self.template(op, preference)
        return stored

    def _merge(
        self, op: Operation, base: Any, collection: Collection, arguments: dict[str, Any]
    ) -> dict[str, Any]:
        """`base` with the request body and the collection's path parameters written over it,
        only where the response schema has the property (the answer stays valid)."""
        schema = resolve(self.document, self._success(op).schema)
        properties = schema.get("properties", {}) if isinstance(schema, dict) else {}
        resource = dict(base) if isinstance(base, dict) else {}
        body = arguments.get("body")
        if isinstance(body, dict):
            resource |= {
                k: v for k, v in body.items() if k in properties and k != collection.id_field
            }
        for parameter in collection.scope:
            if parameter.name in properties:
                resource[parameter.name] = arguments[parameter.python_name]
        return resource

    def _page(
        self,
        op: Operation,
        collection: Collection,
        key: tuple[Any, ...],
        arguments: dict[str, Any],
        preference: Preference,
    ) -> Any:
        items = self.store.all(collection, key)
        offset = arguments.get("offset") or 0
        limit = arguments.get("limit")
        page = items[offset : offset + limit if limit is not None else None]
        schema = resolve(self.document, self._success(op).schema)
        if not isinstance(schema, dict) or schema.get("type") == "array":
            return page
        # A page object: its array property holds the items; paging fields say where we are.
        body = dict(self.template(op, preference) or {})
        properties = schema.get("properties", {})
        array = next(
            (n for n, s in properties.items() if resolve(self.document, s).get("type") == "array"),
            None,
        )
        if array is not None:
            body[array] = page
        for name, value in (("limit", limit), ("offset", offset), ("total", len(items))):
            if name in properties and value is not None:
                body[name] = value
        return body

    def _documented_problem(self, op: Operation, preference: Preference) -> ProblemException:
        documented = self.responses[op.operation_id].get(preference.code or 0)
        if documented is None:
            known = ", ".join(str(code) for code in self.responses[op.operation_id])
            return BadRequestProblem(
                detail=f"{op.operation_id} documents no {preference.code} response (it documents {known})"
            )
        example = documented.pick(preference.example)
        if not isinstance(example, dict):
            example = self.data.value(documented.schema) if documented.schema else {}
        fields = {k: example[k] for k in ("title", "detail", "type", "instance") if k in example}
        return ProblemException(status=documented.status, **fields)


def mock_handlers(service: ServiceSpec, answers: MockAnswers) -> object:
    """An object with one `async` method per operation, shaped like the generated interface."""
    methods: dict[str, Any] = {}
    for op in service.openapi.operations:
        methods[op.python_name] = _method(op, answers)
    cls = type(f"{service.class_prefix}Mock", (), methods)
    cls.__module__ = __name__
    return cls()


def _method(op: Operation, answers: MockAnswers) -> Any:
    async def method(self: object, **arguments: Any) -> Any:
        arguments.pop("principal", None)
        return await answers.answer(op, arguments)

    # The same parameters, in the same order, as the generated interface's method.
    keyword = inspect.Parameter.POSITIONAL_OR_KEYWORD
    parameters = [inspect.Parameter("self", keyword)]
    if op.secured:
        parameters.append(inspect.Parameter("principal", keyword))
    ordered = sorted(op.parameters, key=lambda p: (p.location != "path", not p.required))
    parameters += [inspect.Parameter(p.python_name, keyword) for p in ordered if p.required]
    if op.body_schema is not None:
        parameters.append(inspect.Parameter("body", keyword))
    parameters += [
        inspect.Parameter(p.python_name, keyword, default=p.schema.get("default"))
        for p in ordered
        if not p.required
    ]
    method.__signature__ = inspect.Signature(parameters)  # type: ignore[attr-defined]
    method.__name__ = op.python_name
    return method


def bindings(service: ServiceSpec) -> dict[str, Binding]:
    """The operation table the generator would write for this service."""
    return {
        op.operation_id: Binding(
            method=op.python_name,
            status=op.success_status,
            secured=op.secured,
            route=f"{op.method.upper()} {op.path}",
            emits=op.emits,
        )
        for op in service.openapi.operations
    }


class PreferenceMiddleware:
    """Puts the request's `Prefer` header where the mock's handlers read it."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        header = dict(scope.get("headers", [])).get(b"prefer")
        token = PREFERENCE.set(Preference.parse(header.decode("latin-1") if header else None))
        try:
            await self.app(scope, receive, send)
        finally:
            PREFERENCE.reset(token)


def mock_app(
    service: ServiceSpec,
    *,
    verify_token: TokenVerifier | None,
    validate_responses: bool = True,
    seed: int | None = None,
) -> connexion.AsyncApp:
    """The mock of `service`: the real service's app factory around synthesized handlers."""
    answers = MockAnswers(service, random.Random(seed))
    handlers = mock_handlers(service, answers)
    app = create_app(
        spec=service.openapi.path,
        handlers=handlers,
        interface=type(handlers),
        operations=bindings(service),
        verify_token=verify_token,
        validate_responses=validate_responses,
        service_name=f"{service.name}-mock",
    )
    app.add_middleware(PreferenceMiddleware, position=MiddlewarePosition.BEFORE_EXCEPTION)
    return app
