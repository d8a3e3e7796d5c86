"""RFC 9457 problem details: the one error shape of the whole API, 404/405/413/429 included."""
from __future__ import annotations

from flask import Response, json, request
from werkzeug.exceptions import HTTPException

from portal.care.errors import CareError

MEDIA_TYPE = "application/problem+json"
HINTS = {
    401: "Send 'Authorization: Bearer <token>'; make a token with 'portal tokens create'.",
    403: "Your account may not do this; ask an admin.",
    404: "Nothing is at this address; the API's paths are listed at /api/v1/openapi.json.",
    405: "This address does not take that method; see the Allow header.",
    413: "The request body is too large.",
    429: "Too many requests; wait and try again (see Retry-After).",
}


def problem(status: int, title: str, detail: str, errors: list[dict] | None = None,
            headers: dict | None = None) -> Response:
    """A problem-details response; `errors` lists each wrong field as {field, detail}."""
    body = {"type": "about:blank", "title": title, "status": status, "detail": detail, "instance": request.path}
    if errors:
        body["errors"] = errors
    response = Response(json.dumps(body), status=status, mimetype=MEDIA_TYPE)
    for name, value in (headers or {}).items():
        response.headers[name] = value
    return response


def from_care_error(error: CareError) -> Response:
    return problem(error.status, error.title, error.detail, error.errors, error.headers)


def from_http_exception(error: HTTPException) -> Response:
    status = error.code or 500
    detail = HINTS.get(status) or error.description or error.name
    if status == 429:
        detail = f"{HINTS[429]} Limit: {error.description}."
    headers = {}
    if status == 405 and getattr(error, "valid_methods", None):
        headers["Allow"] = ", ".join(error.valid_methods)
    if status == 429:
        response = error.get_response()
        headers.update({k: v for k, v in response.headers.items() if k.lower().startswith(("retry-after", "x-ratelimit"))})
    return problem(status, error.name, detail, headers=headers)
