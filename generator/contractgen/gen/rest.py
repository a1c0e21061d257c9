"""The REST side of a service's generated package: models, the handler interface, the app."""

from __future__ import annotations

from dataclasses import dataclass

from contractgen import __version__
from contractgen.gen.naming import header
from contractgen.gen.pytypes import (
    NONE,
    Import,
    JsonSchemaTypes,
    PyType,
    TypedDictModel,
    import_lines,
    is_object,
)
from contractgen.gen.render import render
from contractgen.ports import DEFAULT_PORT
from contractgen.spec.documents import Documents
from contractgen.spec.openapi import Operation, schema_ref_name
from contractgen.spec.project import ServiceSpec

PRINCIPAL = PyType.named("Principal", "contractgen.runtime.principal")


@dataclass(frozen=True)
class Argument:
    name: str
    type: PyType
    default: str | None = None

    @property
    def text(self) -> str:
        return f"{self.name}: {self.type.hint}" + (f" = {self.default}" if self.default else "")


@dataclass(frozen=True)
class HandlerMethod:
    operation_id: str
    method: str
    arguments: tuple[Argument, ...]
    returns: PyType
    doc: str
    status: int
    secured: bool
    route: str
    emits: tuple[str, ...]

    @property
    def signature(self) -> str:
        return ", ".join(["self", *(argument.text for argument in self.arguments)])

    @property
    def imports(self) -> frozenset[Import]:
        return self.returns.imports.union(*(a.type.imports for a in self.arguments))


def rest_files(service: ServiceSpec, docs: Documents, package: str) -> dict[str, str]:
    name = service.name
    source = docs.display(service.openapi.path)
    models_module = f"{package}.{name}.models"
    types = JsonSchemaTypes(service.openapi.schemas, models_module)
    models = types.component_models()
    methods = [handler_method(op, types) for op in service.openapi.operations]
    interface = f"{service.class_prefix}Handlers"
    model_imports = frozenset().union(*(m.imports for m in models))
    handler_imports = frozenset().union(*(m.imports for m in methods))
    return {
        f"{name}/__init__.py": render(
            "package_init.py.jinja2",
            header=header(source),
            doc=f"Generated code of the {name} service.",
            version=__version__,
        ),
        f"{name}/models.py": render(
            "models.py.jinja2",
            header=header(source),
            service=name,
            models=models,
            imports=import_lines(model_imports, local_module=models_module),
        ),
        f"{name}/handlers.py": render(
            "handlers.py.jinja2",
            header=header(source),
            service=name,
            interface=interface,
            operations=methods,
            imports=import_lines(handler_imports),
        ),
        f"{name}/app.py": render(
            "app.py.jinja2",
            header=header(source),
            package=package,
            service=name,
            interface=interface,
            port=service.openapi.port or DEFAULT_PORT,
            sends_events=bool(service.asyncapi and service.asyncapi.sent),
        ),
        f"{name}/openapi.yaml": header(source)
        + service.openapi.path.read_text(encoding="utf-8").rstrip("\n")
        + "\n",
    }


def handler_method(op: Operation, types: JsonSchemaTypes) -> HandlerMethod:
    """The generated handler method of an operation (also what `contractgen diff` compares)."""
    arguments = [Argument("principal", PRINCIPAL)] if op.secured else []
    ordered = sorted(op.parameters, key=lambda p: (p.location != "path", not p.required))
    arguments += [Argument(p.python_name, types.type_of(p.schema)) for p in ordered if p.required]
    if op.body_schema is not None:
        arguments.append(Argument("body", _body_type(op, types)))
    for p in (p for p in ordered if not p.required):
        kind = types.type_of(p.schema)
        default = p.schema.get("default")
        arguments.append(
            Argument(p.python_name, kind, repr(default))
            if default is not None
            else Argument(p.python_name, kind.or_none(), "None")
        )
    returns = types.type_of(op.success_schema) if op.success_schema is not None else NONE
    doc = f"{op.summary.rstrip('.') or op.operation_id} ({op.method.upper()} {op.path})"
    if op.emits:
        doc += f"; emits {', '.join(op.emits)}"
    return HandlerMethod(
        operation_id=op.operation_id,
        method=op.python_name,
        arguments=tuple(arguments),
        returns=returns,
        doc=doc + ".",
        status=op.success_status,
        secured=op.secured,
        route=f"{op.method.upper()} {op.path}",
        emits=op.emits,
    )


def _body_type(op: Operation, types: JsonSchemaTypes) -> PyType:
    schema = op.body_schema or {}
    if schema_ref_name(schema) is None and is_object(schema):
        return types.type_of({"type": "object", "additionalProperties": True})
    return types.type_of(schema)


__all__ = ["HandlerMethod", "TypedDictModel", "handler_method", "rest_files"]
