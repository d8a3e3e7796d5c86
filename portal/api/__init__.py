"""The care manager API: JSON over /api/v1, bearer tokens, problem details, rate limits, CORS.

Route modules register their views on `api` and their part of the OpenAPI document with
`portal.api.openapi.register`. Another blueprint (search) can do the same.
"""
from __future__ import annotations

import re

from flask import Blueprint, Flask, current_app, request

from portal.api.problems import from_care_error, from_http_exception, problem
from portal.care.errors import CareError

PREFIX = "/api/v1"
api = Blueprint("api", __name__, url_prefix=PREFIX)
CORS_HEADERS = {"Access-Control-Allow-Methods": "GET, POST, PATCH, OPTIONS",
                "Access-Control-Allow-Headers": "Authorization, Content-Type, Idempotency-Key",
                "Access-Control-Max-Age": "600"}
API_HEADERS = {"Content-Security-Policy": "default-src 'none'; frame-ancestors 'none'",
               "Cache-Control": "no-store"}


def is_api_request() -> bool:
    return request.path == PREFIX or request.path.startswith(PREFIX + "/")


@api.errorhandler(CareError)
def _care_error(error: CareError):
    return from_care_error(error)


@api.before_request
def _size_limit():
    """Refuse a too-large body from its Content-Length, before anything else reads it."""
    limit = current_app.config["PORTAL_MAX_REQUEST_BYTES"]
    if request.content_length is not None and request.content_length > limit:
        from werkzeug.exceptions import RequestEntityTooLarge

        raise RequestEntityTooLarge(f"The body may hold at most {limit} bytes.")


def _api_headers(response):
    """API headers on every /api/v1 response, unknown paths and methods (404, 405) included."""
    if not is_api_request():
        return response
    for name, value in API_HEADERS.items():
        response.headers.setdefault(name, value)
    origin = request.headers.get("Origin")
    if origin and origin == current_app.config["PORTAL_SITE_ORIGIN"]:
        response.headers["Access-Control-Allow-Origin"] = origin
        response.headers["Vary"] = "Origin"
        if request.method == "OPTIONS":
            response.headers.update(CORS_HEADERS)
    return response


ID_PATTERN = re.compile(r"[A-Za-z0-9_-]{1,40}")


def _valid_ids(endpoint, values):
    """An id in a URL (patient_id, record_id ...) that no id could be is a 404 before any query sees it."""
    for name, value in (values or {}).items():
        if name.endswith("_id") and not ID_PATTERN.fullmatch(str(value)):
            from werkzeug.exceptions import NotFound

            raise NotFound()


def json_body() -> dict:
    """The request's JSON object, or a 400/415 problem saying what to send."""
    if not request.is_json:
        raise CareError(415, "Unsupported media type", "Send the body as JSON with 'Content-Type: application/json'.")
    body = request.get_json(silent=True)
    if not isinstance(body, dict):
        raise CareError(400, "Bad request", "The body is not a JSON object; send {\"field\": value, ...}.",
                        [{"field": "body", "detail": "not a JSON object"}])
    return body


def whole_number(text: str, top: int) -> int | None:
    """`text` as a number from 1 to `top` written in ASCII digits, or None."""
    if not re.fullmatch(r"[0-9]{1,%d}" % len(str(top)), text) or not 1 <= int(text) <= top:
        return None
    return int(text)


def page_args() -> tuple[int, int]:
    """?page= and ?per_page= (1-100, default 50), or a problem naming the bad one."""
    values = {}
    for name, default, top in (("page", 1, 10**6), ("per_page", 50, 100)):
        if whole_number(request.args.get(name, str(default)), top) is None:
            raise CareError(400, "Bad request", f"{name}: write a whole number from 1 to {top}",
                            [{"field": name, "detail": f"write a whole number from 1 to {top}"}])
        values[name] = int(request.args.get(name, str(default)))
    return values["page"], values["per_page"]


def paginated(items: list, page: int, per_page: int, total: int) -> dict:
    return {"items": items, "page": page, "per_page": per_page, "total": total,
            "pages": max(1, -(-total // per_page))}


def one_page(rows: list, describe=lambda rows: rows) -> dict:
    """The page the request asks for (?page=, ?per_page=) of a list held in full, each row described."""
    page, per_page = page_args()
    return paginated(describe(rows[(page - 1) * per_page:page * per_page]), page, per_page, len(rows))


def idempotent(body: dict, create, on_replay=None):
    """Run `create` once per Idempotency-Key (a retry with the same key and body gets the first answer;
    `on_replay` writes the audit event of handing that stored answer out again)."""
    from flask import g

    from portal.care import idempotency
    from portal.db import get_session

    digest = idempotency.request_hash("POST", request.path, body)
    status, result = idempotency.run(get_session(), g.user, request.headers.get("Idempotency-Key"), digest, create,
                                     on_replay)
    return result, status


_REGISTERED: list = []


def init_api(app: Flask) -> None:
    """Register the API and its limits; API errors of every kind become problem details."""
    from portal.api import assignments, care_plans, education, openapi, patients, reports  # noqa: F401  (routes)
    from flask_limiter.util import get_remote_address

    from portal.limits import api_limit, public_limit

    from portal.api.search import search_api
    from portal.api.search_openapi import openapi_part

    app.register_blueprint(api)
    app.register_blueprint(search_api)
    for rule in app.url_map.iter_rules():  # "//" in an API path: a 404 problem, never a redirect to another path
        if rule.rule.startswith(PREFIX + "/"):
            rule.merge_slashes = False
    # App-wide (a blueprint's after_request misses URLs that match no route).
    app.after_request(_api_headers)
    app.url_value_preprocessor(_valid_ids)  # the API's and the console's URLs
    limiter = app.extensions["portal.limiter"]
    limiter.limit(api_limit)(api)
    limiter.limit(api_limit)(search_api)
    if openapi_part not in _REGISTERED:
        openapi.register(openapi_part())
        _REGISTERED.append(openapi_part)
    # The limiter checks a view through its wrapper, so the registered view is replaced by it.
    # Counted per address always: a token must not buy the public endpoint a count of its own.
    app.view_functions["api.open_code"] = limiter.limit(public_limit, key_func=get_remote_address,
                                                        override_defaults=True)(app.view_functions["api.open_code"])
    app.config["MAX_CONTENT_LENGTH"] = app.config["PORTAL_MAX_REQUEST_BYTES"]


def api_error(error):
    """Problem details for HTTP errors raised on API paths (unknown path, method, too large ...)."""
    return from_http_exception(error)


__all__ = ["api", "init_api", "problem", "is_api_request", "json_body", "page_args", "paginated", "one_page",
           "idempotent", "api_error"]
