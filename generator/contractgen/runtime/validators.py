"""Connexion's validators, with ECMA-262 `pattern`s and one gap closed.

* `pattern` is ECMA-262 in JSON Schema and OpenAPI; Connexion's validators use Python's `re`
  (see `contractgen.runtime.ecma`). Body, parameter and response validators here use the same
  Draft 4 rules as Connexion's with an ECMA `pattern`, built once per operation, not per request.
* `compiled_acceptor` is the fast path's first look at a body: jsonschema-rs with the ECMA
  `pattern`, for the schemas whose every keyword it judges exactly as the validators here do.
* Connexion 3.3 decodes the body before its JSONDecodeError handling, so invalid UTF-8 escaped as
  a 500; here it is a 400.

Passed to `add_api(validator_map=...)`.
"""

from __future__ import annotations

from collections.abc import AsyncGenerator, Callable
from typing import Any

import jsonschema_rs
from connexion.datastructures import MediaTypeDict
from connexion.exceptions import BadRequestProblem
from connexion.json_schema import Draft4RequestValidator, Draft4ResponseValidator
from connexion.utils import is_null, is_nullable
from connexion.validators import (
    VALIDATOR_MAP,
    JSONRequestBodyValidator,
    JSONResponseBodyValidator,
    ParameterValidator,
)
from jsonschema import Draft4Validator, ValidationError

from contractgen.runtime import ecma
from contractgen.runtime.ecma import ecma_validator

EcmaRequestValidator = ecma_validator(Draft4RequestValidator)
EcmaResponseValidator = ecma_validator(Draft4ResponseValidator)
EcmaParameterValidator = ecma_validator(Draft4Validator)
FORMAT_CHECKER = Draft4Validator.FORMAT_CHECKER


class JsonBodyValidator(JSONRequestBodyValidator):
    @property
    def _validator(self) -> Any:
        # Connexion builds a validator per request; one per operation is enough.
        validator = self.__dict__.get("_ecma_validator")
        if validator is None:
            validator = EcmaRequestValidator(self._schema, format_checker=FORMAT_CHECKER)
            self.__dict__["_ecma_validator"] = validator
        return validator

    async def _parse(self, stream: AsyncGenerator[bytes, None], scope: Any) -> Any:
        try:
            return await super()._parse(stream, scope)
        except UnicodeDecodeError as error:
            raise BadRequestProblem(
                detail=f"The body is not valid UTF-8: {error.reason}."
            ) from None


class JsonResponseValidator(JSONResponseBodyValidator):
    @property
    def validator(self) -> Any:
        validator = self.__dict__.get("_ecma_validator")
        if validator is None:
            validator = EcmaResponseValidator(self._schema, format_checker=FORMAT_CHECKER)
            self.__dict__["_ecma_validator"] = validator
        return validator


class EcmaParameters(ParameterValidator):
    @staticmethod
    def validate_parameter(
        parameter_type: str, value: Any, param: dict[str, Any], param_name: str | None = None
    ) -> str | None:
        if is_nullable(param) and is_null(value):
            return None
        if value is not None:
            try:
                _parameter_validator(param.get("schema", param)).validate(value)
            except ValidationError as exception:
                return str(exception)
            return None
        if param.get("required"):
            return f"Missing {parameter_type} parameter '{param['name']}'"
        return None


_parameter_validators: dict[int, tuple[Any, Any]] = {}


def _parameter_validator(schema: dict[str, Any]) -> Any:
    """One validator per parameter schema (they live as long as the app's operations)."""
    known = _parameter_validators.get(id(schema))
    if known is None or known[0] is not schema:
        known = (schema, EcmaParameterValidator(schema, format_checker=FORMAT_CHECKER))
        _parameter_validators[id(schema)] = known
    return known[1]


def validator_map() -> dict[str, Any]:
    body = MediaTypeDict({**VALIDATOR_MAP["body"], "*/*json": JsonBodyValidator})
    response = MediaTypeDict({**VALIDATOR_MAP["response"], "*/*json": JsonResponseValidator})
    return {**VALIDATOR_MAP, "parameter": EcmaParameters, "body": body, "response": response}


# --- The fast path's acceptor -------------------------------------------------------------------

# Keywords whose meaning jsonschema-rs (Draft 4) and Connexion's Draft 4 validator share exactly.
# Anything else (readOnly, nullable, not, oneOf, $ref, patternProperties, checked formats, ...)
# makes `compiled_acceptor` refuse the schema, so the fast path never accepts what the normal
# validator would refuse.
_STRUCTURAL = frozenset(
    {
        "type",
        "required",
        "additionalProperties",
        "minLength",
        "maxLength",
        "minimum",
        "maximum",
        "exclusiveMinimum",
        "exclusiveMaximum",
        "minItems",
        "maxItems",
        "minProperties",
        "maxProperties",
    }
)
_ANNOTATIONS = frozenset({"title", "description", "example", "examples", "default", "deprecated"})
_TYPES = frozenset({"object", "array", "string", "integer", "number", "boolean"})
# Rust compares big numbers as floats: a bound past 2**53 could let through what Python refuses.
_EXACT_BOUND = 2**53
_ECMA_PATTERN = "x-contractgen-ecma-pattern"


class _Refused(Exception):
    """The schema uses something the acceptor does not evaluate exactly as Connexion does."""


class _EcmaPatternKeyword:
    """`pattern` under ECMA-262, as jsonschema-rs calls a custom keyword."""

    def __init__(self, parent_schema: Any, value: str, schema_path: Any) -> None:
        self._pattern = value

    def validate(self, instance: Any) -> None:
        if isinstance(instance, str) and not ecma.search(self._pattern, instance):
            raise ValueError(f"{instance!r} does not match {self._pattern!r}")


def _fast_schema(schema: Any) -> dict[str, Any]:
    """`schema` for jsonschema-rs (`pattern` renamed to the ECMA keyword), or `_Refused`."""
    if not isinstance(schema, dict):
        raise _Refused(schema)
    fast: dict[str, Any] = {}
    for key, value in schema.items():
        if key in _ANNOTATIONS:
            continue
        if key == "type":
            if not isinstance(value, str) or value not in _TYPES:
                raise _Refused(key)
            fast[key] = value
        elif key in ("minimum", "maximum"):
            if isinstance(value, bool) or not isinstance(value, int | float):
                raise _Refused(key)
            if abs(value) > _EXACT_BOUND:
                raise _Refused(key)
            fast[key] = value
        elif key in _STRUCTURAL:
            fast[key] = value if not isinstance(value, dict) else _fast_schema(value)
        elif key == "properties" and isinstance(value, dict):
            fast[key] = {name: _fast_schema(item) for name, item in value.items()}
        elif key == "items" and isinstance(value, dict):
            fast[key] = _fast_schema(value)
        elif key == "enum" and isinstance(value, list) and all(isinstance(v, str) for v in value):
            fast[key] = value
        elif key == "pattern" and isinstance(value, str):
            try:
                ecma.compiled(value)
            except ecma.PatternError:
                raise _Refused(key) from None
            fast[_ECMA_PATTERN] = value
        elif key == "format" and value not in FORMAT_CHECKER.checkers:
            continue  # a format nobody checks (int64, uuid without its extra): an annotation
        else:
            raise _Refused(key)
    return fast


Acceptor = Callable[[Any], bool]


def compiled_acceptor(schema: Any) -> Acceptor | None:
    """A compiled check that says yes only to bodies Connexion's validator accepts, or None when
    `schema` uses something it cannot judge identically. A no (or an error) means "ask the normal
    validator", which also words the problem."""
    try:
        fast = _fast_schema(schema)
    except _Refused:
        return None
    validator = jsonschema_rs.Draft4Validator(
        fast, validate_formats=False, keywords={_ECMA_PATTERN: _EcmaPatternKeyword}
    )

    def accepts(instance: Any) -> bool:
        try:
            return bool(validator.is_valid(instance))
        except Exception:  # a value Rust cannot hold (a lone surrogate, NaN): not ours to judge
            return False

    return accepts
