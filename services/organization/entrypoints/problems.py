"""Domain errors as RFC 9457 problems (application/problem+json)."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from connexion.exceptions import BadRequestProblem

from contractgen.runtime import problems
from contractgen.runtime.paging import InvalidPage
from services.organization.domain import errors


@contextmanager
def as_problems() -> Iterator[None]:
    """Turn a domain error raised inside the block into the problem the contract documents."""
    try:
        yield
    except errors.NotFound as error:
        raise problems.NotFound(error.message) from error
    except errors.NameTaken as error:
        raise problems.Conflict(error.message) from error
    except errors.OutsideOrganization as error:
        # The target collection exists; the request conflicts with its current state (the role
        # or department is not among the organization's). 409, as the contract documents.
        raise problems.Conflict(error.message) from error
    except (errors.InvalidInput, InvalidPage) as error:
        # Every operation documents 400 for a request that fails validation.
        raise BadRequestProblem(detail=error.message) from error
