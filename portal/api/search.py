"""Search and code lookup over the content, for care managers and EHRs (JSON; errors as RFC 9457 problems).

    GET /api/v1/search?q=&lang=&type=&limit=       words, brand names, misspellings, codes
    GET /api/v1/lookup?code=&system=&lang=         ICD-10-CM (by prefix) or RxNorm code
    GET /api/v1/public/infobutton?...              the HL7 infobutton request MedlinePlus Connect answers

The index is built from the app's content library on the first request (or opened from
PORTAL_CACHE_DIR when the content is unchanged) and again whenever the library is reloaded.
"""
from __future__ import annotations

from dataclasses import asdict

from flask import Blueprint, Response, current_app, request
from werkzeug.exceptions import HTTPException
from werkzeug.http import HTTP_STATUS_CODES

from portal.api import whole_number
from portal.api.auth import require_token
from portal.api.problems import from_care_error, from_http_exception, problem
from portal.care.errors import CareError
from portal.search import KINDS, CodeError, SearchHit, resolve_language
from portal.search.app_index import search_index
from portal.search.codes import code_system, looks_like_code

search_api = Blueprint("search_api", __name__, url_prefix="/api/v1")
MAX_QUERY = 200
MAX_LIMIT = 50


class Problem(Exception):
    """A request the API cannot answer, sent as application/problem+json (RFC 9457)."""

    def __init__(self, status: int, detail: str, parameter: str | None = None):
        super().__init__(detail)
        self.status, self.detail, self.parameter = status, detail, parameter


def problem_response(status: int, detail: str, parameter: str | None = None) -> Response:
    """The API's one problem-details shape; `errors` names the wrong parameter."""
    return problem(status, HTTP_STATUS_CODES.get(status, "Error"), detail,
                   [{"field": parameter, "detail": detail}] if parameter else None)


@search_api.errorhandler(Problem)
def _problem(error: Problem):
    return problem_response(error.status, error.detail, error.parameter)


@search_api.errorhandler(CareError)
def _care_error(error: CareError):
    return from_care_error(error)


@search_api.errorhandler(HTTPException)
def _http_error(error: HTTPException):
    return from_http_exception(error)


def absolute(url: str) -> str:
    """A page address to send to a patient: with the API's host when the base URL is only a path."""
    return url if url.startswith(("http://", "https://")) else request.host_url.rstrip("/") + url


def hit_json(hit: SearchHit) -> dict:
    data = asdict(hit)
    data["type"] = data.pop("kind")
    data["url"] = absolute(hit.url)
    if hit.kind != "resource":
        data.pop("categories")
    return data


def argument(name: str, required: bool = False, default: str | None = None) -> str | None:
    value = request.args.get(name, default)
    value = value.strip() if isinstance(value, str) else value
    if required and not value:
        raise Problem(400, f"the '{name}' parameter is required", name)
    return value


def language(name: str = "lang", strict: bool = True) -> str:
    """The site language asked for (es-MX counts as es); unknown ones are an error or, if not strict, English."""
    languages = current_app.config["PORTAL_LANGUAGES"]
    asked = argument(name) or languages[0]
    lang = resolve_language(asked, languages)
    if strict and lang != asked.replace("_", "-").split("-")[0].lower():
        raise Problem(400, f"'{asked}' is not a language of the site; use one of: {', '.join(languages)}", name)
    return lang


@search_api.get("/search")
@require_token()
def search():
    """Pages matching the words of `q` in `lang`, best first, with a spelling suggestion."""
    query = argument("q", required=True)
    if len(query) > MAX_QUERY:
        raise Problem(400, f"the query is {len(query)} characters long; send at most {MAX_QUERY}", "q")
    lang = language()
    kind = argument("type")
    if kind and kind not in KINDS:
        raise Problem(400, f"'{kind}' is not a page type; use one of: {', '.join(KINDS)}", "type")
    raw_limit = argument("limit", default="10")
    if whole_number(raw_limit, MAX_LIMIT) is None:
        raise Problem(400, f"'{raw_limit}' is not a number of results; send 1 to {MAX_LIMIT}", "limit")
    results = search_index(current_app).search(query, lang, kind or None, int(raw_limit))
    return {"query": query, "lang": lang, "type": kind or None, "suggestion": results.suggestion,
            "results": [hit_json(hit) for hit in results.hits]}


def lookup_hits(code: str, system: str | None, lang: str) -> tuple[str, list[SearchHit]]:
    """The code system used and the pages for the code; a code or system that makes no sense is a Problem."""
    system = system or looks_like_code(code)
    if not system:
        raise Problem(400, f"'{code}' is not an ICD-10-CM or RxNorm code; send a code like E11.65 or 6809", "code")
    try:
        system = code_system(system)
        return system, search_index(current_app).lookup(code, system, lang)
    except CodeError as error:
        raise Problem(400, str(error), error.parameter) from None


@search_api.get("/lookup")
@require_token()
def lookup():
    """Guides and medication sheets for an ICD-10-CM code (prefix match) or an RxNorm code."""
    code = argument("code", required=True)
    asked = argument("lang") or "en"
    lang = language(strict=False)
    system, hits = lookup_hits(code, argument("system"), lang)
    return {"code": code, "system": system, "lang": lang, "requested_lang": asked,
            "results": [hit_json(hit) for hit in hits]}


@search_api.get("/public/infobutton")
def infobutton():
    """The HL7 infobutton URL request (as sent to MedlinePlus Connect), answered as Atom XML or JSON."""
    from portal.api.infobutton import answer

    return answer()
