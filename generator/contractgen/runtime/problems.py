"""RFC 9457 problems a handler raises; Connexion renders them as application/problem+json."""

from __future__ import annotations

from connexion.exceptions import ProblemException


class Problem(ProblemException):
    status_code = 500
    title = "Internal Server Error"

    def __init__(self, detail: str) -> None:
        super().__init__(status=self.status_code, title=self.title, detail=detail)


class Forbidden(Problem):
    status_code, title = 403, "Forbidden"


class NotFound(Problem):
    status_code, title = 404, "Not Found"


class Conflict(Problem):
    status_code, title = 409, "Conflict"


class Unprocessable(Problem):
    status_code, title = 422, "Unprocessable Content"


class ServiceUnavailable(Problem):
    status_code, title = 503, "Service Unavailable"
