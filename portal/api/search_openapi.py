"""OpenAPI 3.1 path objects of the search routes (portal/api/search.py), to merge into the API's document."""
from __future__ import annotations

from portal.api.infobutton import OPENAPI as INFOBUTTON_OPERATION
from portal.api.openapi import problem_response

_PROBLEM = {"description": "A parameter is missing or wrong (RFC 9457 problem details; `invalid-params` names it).",
            "content": {"application/problem+json": {"schema": {"$ref": "#/components/schemas/Problem"}}}}
_LANG = {"name": "lang", "in": "query", "schema": {"type": "string", "default": "en", "examples": ["es", "es-MX"]},
         "description": "Language of the pages: en, es, zh, vi or ar (a region such as es-MX is ignored)."}
_HITS = {"type": "array", "items": {"$ref": "#/components/schemas/SearchHit"}}

SCHEMAS = {
    "SearchHit": {"type": "object", "required": ["type", "slug", "title", "summary", "url", "lang", "content_lang"],
                  "properties": {
        "type": {"enum": ["condition", "medication", "topic", "resource"]}, "slug": {"type": "string"},
        "title": {"type": "string"}, "summary": {"type": "string"},
        "url": {"type": "string", "format": "uri", "description": "The page on the static site, to send to the patient."},
        "lang": {"type": "string", "description": "Language of the page's address."},
        "content_lang": {"type": "string", "description": "Language of its text: en where not yet translated."},
        "score": {"type": "number"}, "reviewed": {"type": "string", "format": "date"},
        "categories": {"type": "array", "items": {"type": "string"}, "description": "Resources only."}}},
}

PATHS = {
    "/api/v1/search": {"get": {
        "summary": "Search the guides, medication sheets and community resources",
        "description": "Everyday words, brand names and misspellings (with a spelling suggestion); a query that "
                       "is an ICD-10-CM or RxNorm code also finds the code's pages first.",
        "operationId": "search",
        "parameters": [
            {"name": "q", "in": "query", "required": True, "schema": {"type": "string", "maxLength": 200},
             "examples": {"lay": {"value": "water pill"}, "code": {"value": "E11.65"}}},
            _LANG,
            {"name": "type", "in": "query", "description": "One kind of page; empty or left out: every kind.",
             "schema": {"enum": ["", "condition", "medication", "topic", "resource"]}},
            {"name": "limit", "in": "query", "schema": {"type": "integer", "minimum": 1, "maximum": 50, "default": 10}},
        ],
        "responses": {"200": {"description": "Pages, best first.", "content": {"application/json": {"schema": {
            "type": "object", "required": ["query", "lang", "results"], "properties": {
                "query": {"type": "string"}, "lang": {"type": "string"}, "type": {"type": ["string", "null"]},
                "suggestion": {"type": ["string", "null"], "description": "The query spelled with words the "
                                                                          "pages use (did you mean)."},
                "results": _HITS}}}}},
            "400": _PROBLEM},
    }},
    "/api/v1/lookup": {"get": {
        "summary": "Pages for a clinical code",
        "description": "An ICD-10-CM code finds the guides of its category (E11.65 finds the E11 guide); an RxNorm "
                       "ingredient code finds its medication sheet. A language the site lacks falls back to English.",
        "operationId": "lookup",
        "parameters": [
            {"name": "code", "in": "query", "required": True, "schema": {"type": "string"},
             "examples": {"icd10": {"value": "E11.65"}, "rxnorm": {"value": "6809"}}},
            {"name": "system", "in": "query", "schema": {"type": "string", "examples": [
                "icd10", "rxnorm", "2.16.840.1.113883.6.90", "2.16.840.1.113883.6.88"]},
             "description": "Code system by name or OID; guessed from the code when left out."},
            _LANG,
        ],
        "responses": {"200": {"description": "Matching pages, the most specific first.", "content": {
            "application/json": {"schema": {"type": "object", "properties": {
                "code": {"type": "string"}, "system": {"enum": ["icd10", "rxnorm"]}, "lang": {"type": "string"},
                "requested_lang": {"type": "string"}, "results": _HITS}}}}},
            "400": _PROBLEM},
    }},
    "/api/v1/public/infobutton": {"get": INFOBUTTON_OPERATION},
}


def openapi_part() -> dict:
    """The three paths, relative to /api/v1 like the rest of the document; search and lookup need a token."""
    paths = {}
    for path, item in PATHS.items():
        operation = dict(item["get"])
        public = path.startswith("/api/v1/public/")
        operation["security"] = [] if public else [{"bearer": []}]
        operation["tags"] = ["Search"]
        responses = dict(operation["responses"])
        for code in [400, 404, 422, 429] + ([] if public else [401, 403]):
            responses.setdefault(str(code), problem_response(code))
        responses["default"] = problem_response(None)
        operation["responses"] = responses
        paths[path.removeprefix("/api/v1")] = {"get": operation}
    return {"paths": paths, "schemas": SCHEMAS}
