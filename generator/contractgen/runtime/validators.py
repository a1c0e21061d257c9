"""Connexion's validators, with ECMA-262 `pattern`s and one gap closed.

* `pattern` is ECMA-262 in JSON Schema and OpenAPI; Connexion's validators use Python's `re`
  (see `contractgen.runtime.ecma`). Body, parameter and response validators here use the same
  Draft 4 rules as Connexion's with an ECMA `pattern`, built once per operation, not per request.
* Connexion 3.3 decodes the body before its JSONDecodeError handling, so invalid UTF-8 escaped as
  a 500; here it is a 400.

Passed to `add_api(validator_map=...)`.
"""

from __future__ import annotations

from collections.abc import AsyncGenerator
from typing import Any

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
