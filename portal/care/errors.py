"""One error type for the services; the API turns it into RFC 9457 problem details."""
from __future__ import annotations


class CareError(Exception):
    """A request the services refuse: `status` (HTTP-like), a title, a detail and the fields at fault."""

    def __init__(self, status: int, title: str, detail: str, errors: list[dict] | None = None,
                 headers: dict | None = None):
        super().__init__(detail)
        self.status, self.title, self.detail = status, title, detail
        self.errors, self.headers = errors or [], headers or {}


def not_found(what: str) -> CareError:
    return CareError(404, "Not found", f"No {what} has that id; check the id you were given when it was created.")


def invalid(field: str, detail: str) -> CareError:
    return CareError(422, "Invalid request", f"{field}: {detail}", [{"field": field, "detail": detail}])
