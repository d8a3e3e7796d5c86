"""The OpenAPI 3.1 document at /api/v1/openapi.json, merged from the parts each blueprint registers.

A part is {"paths": {...}, "schemas": {...}}; `register(part)` adds it. Paths are relative to
/api/v1. Every operation answers errors as problem details (the `default` response).
"""
from __future__ import annotations

from flask import jsonify
from pydantic import BaseModel

from portal.api import api

_PARTS: list[dict] = []
PROBLEM = {"$ref": "#/components/schemas/Problem"}
BASE_SCHEMAS = {
    "Problem": {"type": "object", "required": ["type", "title", "status", "detail"], "properties": {
        "type": {"type": "string"}, "title": {"type": "string"}, "status": {"type": "integer"},
        "detail": {"type": "string"}, "instance": {"type": "string"},
        "errors": {"type": "array", "items": {"type": "object", "required": ["field", "detail"], "properties": {
            "field": {"type": "string"}, "detail": {"type": "string"}}}},
        "invalid-params": {"type": "array", "description": "Search routes: each wrong parameter", "items": {
            "type": "object", "properties": {"name": {"type": "string"}, "reason": {"type": "string"}}}}}},
}


def register(part: dict) -> None:
    """Add a blueprint's paths and schemas to the document."""
    _PARTS.append(part)


def model_schema(model: type[BaseModel], schemas: dict) -> dict:
    """A pydantic model's JSON schema under components/schemas (with the models it uses); its $ref."""
    schema = model.model_json_schema(ref_template="#/components/schemas/{model}")
    schemas.update(schema.pop("$defs", {}))
    schemas[model.__name__] = schema
    return {"$ref": f"#/components/schemas/{model.__name__}"}


def operation(summary: str, tag: str, responses: dict, *, auth: bool = True, parameters: list | None = None,
              body: dict | None = None, operation_id: str) -> dict:
    """An operation with the problem-details default response (and 401 when it needs a token)."""
    errors = [400, 404, 422, 429] + ([401, 403] if auth else []) + ([409, 413, 415] if body else [])
    op = {"summary": summary, "tags": [tag], "operationId": operation_id, "responses": {
        **responses, **{str(code): problem_response(code) for code in sorted(errors) if str(code) not in responses},
        "default": problem_response(None)}}
    if parameters:
        op["parameters"] = parameters
    if body:
        op["requestBody"] = {"required": True, "content": {"application/json": {"schema": body}}}
    op["security"] = [{"bearer": []}] if auth else []
    return op


ERROR_DESCRIPTIONS = {
    400: "Malformed request (a query parameter or the JSON itself)", 401: "No valid bearer token",
    403: "The token's user may not do this", 404: "Nothing with that id (or no such path)",
    409: "The Idempotency-Key was used with another body", 413: "The body is too large",
    415: "The body is not JSON", 422: "A field is invalid; `errors` names each one",
    429: "Too many requests; see Retry-After",
}


def problem_response(status: int | None) -> dict:
    """A problem-details response: one of ERROR_DESCRIPTIONS, or any other error (status None)."""
    description = ERROR_DESCRIPTIONS[status] if status else "An error, as RFC 9457 problem details"
    response = {"description": description, "content": {"application/problem+json": {"schema": PROBLEM}}}
    if status == 429:
        response["headers"] = {"Retry-After": {"description": "Seconds to wait", "schema": {"type": "integer"}}}
    if status == 401:
        response["headers"] = {"WWW-Authenticate": {"schema": {"type": "string"}}}
    return response


def json_response(description: str, schema: dict, media: str = "application/json") -> dict:
    return {"description": description, "content": {media: {"schema": schema}}}


def path_param(name: str, description: str) -> dict:
    return {"name": name, "in": "path", "required": True, "description": description,
            "schema": {"type": "string", "pattern": "^[A-Za-z0-9_-]{1,40}$"}}


PAGE_PARAMS = [
    {"name": "page", "in": "query", "schema": {"type": "integer", "minimum": 1, "maximum": 1000000, "default": 1}},
    {"name": "per_page", "in": "query", "schema": {"type": "integer", "minimum": 1, "maximum": 100, "default": 50}},
]
IDEMPOTENCY = {"name": "Idempotency-Key", "in": "header", "required": False,
               "description": "Any unique string (a UUID); a retried request with the same key and body "
                              "creates nothing new and gets the first response again.",
               "schema": {"type": "string", "minLength": 1, "maxLength": 200}}


def page_of(item_schema: dict) -> dict:
    return {"type": "object", "required": ["items", "page", "per_page", "total", "pages"], "properties": {
        "items": {"type": "array", "items": item_schema}, "page": {"type": "integer"},
        "per_page": {"type": "integer"}, "total": {"type": "integer"}, "pages": {"type": "integer"}}}


def document() -> dict:
    """The whole OpenAPI 3.1 document."""
    paths, schemas = {}, dict(BASE_SCHEMAS)
    for part in _PARTS:
        paths.update(part.get("paths", {}))
        schemas.update(part.get("schemas", {}))
    return {"openapi": "3.1.0",
            "info": {"title": "Care Guide Portal API", "version": "1",
                     "description": "Assign reading, record education delivered, report CCM minutes. Errors are "
                                    "RFC 9457 problem details. Patient data never goes in a URL: patients are "
                                    "found by reference in a request body and then named by an opaque id."},
            "servers": [{"url": "/api/v1"}],
            "paths": dict(sorted(paths.items())),
            "components": {"schemas": schemas,
                           "securitySchemes": {"bearer": {"type": "http", "scheme": "bearer",
                                                          "description": "A token from 'portal tokens create'."}}}}


@api.route("/openapi.json")
def openapi_json():
    """The OpenAPI document (no token needed)."""
    return jsonify(document())
