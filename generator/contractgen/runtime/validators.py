"""Connexion's request validators with one gap closed: a JSON body that is not UTF-8 is a 400.

Connexion 3.3 decodes the body before its JSONDecodeError handling, so invalid UTF-8 escaped as
a 500. Passed to `add_api(validator_map=...)`.
"""

from __future__ import annotations

from collections.abc import AsyncGenerator
from typing import Any

from connexion.datastructures import MediaTypeDict
from connexion.exceptions import BadRequestProblem
from connexion.validators import VALIDATOR_MAP, JSONRequestBodyValidator


class JsonBodyValidator(JSONRequestBodyValidator):
    async def _parse(self, stream: AsyncGenerator[bytes, None], scope: Any) -> Any:
        try:
            return await super()._parse(stream, scope)
        except UnicodeDecodeError as error:
            raise BadRequestProblem(
                detail=f"The body is not valid UTF-8: {error.reason}."
            ) from None


def validator_map() -> dict[str, Any]:
    body = MediaTypeDict({**VALIDATOR_MAP["body"], "*/*json": JsonBodyValidator})
    return {**VALIDATOR_MAP, "body": body}
