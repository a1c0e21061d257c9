"""A database outage is a `503 Service Unavailable` with `Retry-After`, never a `500`.

When the service's database cannot be reached (connection refused, connection lost mid-request,
the pool out of connections for too long) or cannot serve the request for now (too many
connections, a deadlock or serialization failure: psycopg and pyodbc report these as
OperationalError), the client did nothing wrong and can retry: it gets an
application/problem+json 503 with `Retry-After`. Nothing was half-written: the unit of work's
transaction did not commit. Every other error keeps Connexion's own answer (a 500 problem).
"""

from __future__ import annotations

import logging

import connexion
from connexion.lifecycle import ConnexionRequest, ConnexionResponse
from connexion.middleware.exceptions import ExceptionMiddleware
from connexion.problem import problem
from sqlalchemy import exc

log = logging.getLogger("contractgen.outages")

DEFAULT_RETRY_AFTER_SECONDS = 5
TITLE = "Service Unavailable"
DETAIL = "The service cannot use its database right now; retry after the time in Retry-After."


def is_outage(error: BaseException) -> bool:
    """True for a failure of the database connection, not of the request's own statements."""
    if isinstance(error, exc.TimeoutError):  # no pooled connection within pool_timeout
        return True
    if isinstance(error, exc.DBAPIError):
        return bool(error.connection_invalidated) or isinstance(
            error, exc.OperationalError | exc.InterfaceError
        )
    # Raised by some drivers (and by SQLAlchemy's async adaptors) unwrapped.
    return isinstance(error, ConnectionError)


def answer_outages(app: connexion.AsyncApp, retry_after: int = DEFAULT_RETRY_AFTER_SECONDS) -> None:
    """Answer `app`'s database outages with 503 problems telling clients when to retry."""

    def handle(request: ConnexionRequest, error: Exception) -> ConnexionResponse:
        if not is_outage(error):
            return ExceptionMiddleware.common_error_handler(request, error)
        log.warning("database unavailable: %r", error)
        return problem(
            status=503,
            title=TITLE,
            detail=DETAIL,
            headers={"Retry-After": str(retry_after)},
        )

    for kind in (exc.DBAPIError, exc.TimeoutError, ConnectionError):
        app.add_error_handler(kind, handle)
