"""Domain errors as the RFC 9457 problems the contract documents."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from connexion.exceptions import BadRequestProblem

from contractgen.runtime import problems
from contractgen.runtime.paging import InvalidPage
from services.idea.domain import errors


@contextmanager
def as_problems() -> Iterator[None]:
    """Turn a domain error raised inside the block into its problem."""
    try:
        yield
    except (errors.UnknownOrganization, errors.UnknownIdea) as error:
        raise problems.NotFound(error.message) from error
    except (errors.InvalidInput, InvalidPage) as error:
        # Every operation documents 400 for a request that fails validation.
        raise BadRequestProblem(detail=error.message) from error
