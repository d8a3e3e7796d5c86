"""The HL7 infobutton (URL-based implementation guide), answered like MedlinePlus Connect.

    GET /api/v1/public/infobutton?mainSearchCriteria.v.c=E11.65&mainSearchCriteria.v.cs=2.16.840.1.113883.6.90
        &mainSearchCriteria.v.dn=Type+2+diabetes&informationRecipient.languageCode.c=es
        &knowledgeResponseType=application/json

An EHR that points its infobutton at MedlinePlus Connect can point it here instead and gets the
same shape back: an Atom feed (text/xml) or its JSON form, the request's parameters echoed as
categories, one entry per page. Codes: ICD-10-CM, SNOMED CT and RxNorm (by OID, with or without
`urn:oid:`); any other system finds nothing from its code (an empty feed, not an error). A
criterion whose code finds nothing, or that has only a display name (`.dn`), is matched by name.
Indexed repeats (`mainSearchCriteria.v.c1`, `.cs1`, `.dn1` ...) are further criteria. The answer
is public content, so any origin may read it (`Access-Control-Allow-Origin: *`).
"""
from __future__ import annotations

import datetime as dt
import json
import re
import threading
from xml.etree import ElementTree as ET

from flask import Flask, Response, current_app, request

from portal.care.concepts import LABELS, Concept, ConceptError, ConceptIndex, code_system, unique
from portal.search import SearchHit

ATOM = "http://www.w3.org/2005/Atom"
XSI = "http://www.w3.org/2001/XMLSchema-instance"
FORMATS = ("text/xml", "application/json")
CRITERION = re.compile(r"^mainSearchCriteria\.v\.(c|cs|dn)(\d*)$")
ECHOED = ("mainSearchCriteria.", "informationRecipient", "patientPerson.", "age.", "taskContext.", "performer",
          "encounter.", "locationOfInterest.", "subTopic.", "holder.")
_LOCK = threading.Lock()
_OIDS = "2.16.840.1.113883.6.90 (ICD-10-CM), 2.16.840.1.113883.6.96 (SNOMED CT), 2.16.840.1.113883.6.88 (RxNorm)"


def _criterion(suffix: str, note: str) -> list[dict]:
    return [
        {"name": f"mainSearchCriteria.v.c{suffix}", "in": "query", "schema": {"type": "string"},
         "description": f"A code{note}.", "examples": {"icd10": {"value": "E11.65"}, "snomed": {"value": "38341003"},
                                                        "rxnorm": {"value": "29046"}}},
        {"name": f"mainSearchCriteria.v.cs{suffix}", "in": "query", "schema": {"type": "string"},
         "description": f"Its code system, by OID (`urn:oid:` may come first): {_OIDS}. Any other system finds "
                        "nothing from the code (an empty feed).",
         "examples": {"snomed": {"value": "2.16.840.1.113883.6.96"}, "urn": {"value": "urn:oid:2.16.840.1.113883.6.90"}}},
        {"name": f"mainSearchCriteria.v.dn{suffix}", "in": "query", "schema": {"type": "string"},
         "description": "The concept's name (display name); used when the code finds nothing, or alone."},
    ]


OPENAPI = {
    "summary": "HL7 infobutton (URL-based), answered like MedlinePlus Connect",
    "description": "Point an EHR's infobutton here instead of MedlinePlus Connect. Public: no sign-in; any origin "
                   "may read the answer (`Access-Control-Allow-Origin: *`). Send at least one code or name; "
                   "indexed repeats (`mainSearchCriteria.v.c1`, `.cs1`, `.dn1`, `.c2` ...) are further criteria. "
                   "Every infobutton parameter sent is echoed as a category of the feed.",
    "operationId": "infobutton",
    "parameters": [
        *_criterion("", ""), *_criterion("1", " (a second criterion; .c2, .c3 ... work the same)"),
        {"name": "informationRecipient.languageCode.c", "in": "query",
         "schema": {"type": "string", "default": "en", "examples": ["es", "es-MX"]},
         "description": "The reader's language; one the site lacks falls back to English."},
        {"name": "knowledgeResponseType", "in": "query",
         "schema": {"type": "string", "default": "text/xml",
                    "examples": ["text/xml", "application/json", "application/json; charset=utf-8"]},
         "description": "text/xml (Atom) or application/json, with or without a charset."},
    ],
    "responses": {
        "200": {"description": "An Atom feed with one entry per page (empty when nothing matches).", "content": {
            "text/xml": {"schema": {"type": "string"}},
            "application/json": {"schema": {"type": "object", "required": ["feed"],
                                            "properties": {"feed": {"type": "object"}}}}}},
        "400": {"description": "No code or name, a code without its system, a code that cannot be one of its "
                               "system, or a response type the portal does not send (RFC 9457).",
                "content": {"application/problem+json": {"schema": {"$ref": "#/components/schemas/Problem"}}}},
    },
}


def concept_index(app: Flask) -> ConceptIndex:
    """The app's pages by code and name, rebuilt with the search index when the library is reloaded."""
    from portal.search.app_index import search_index

    search = search_index(app)
    with _LOCK:
        state = app.extensions.setdefault("portal.concepts", {})
        if state.get("search") is not search:
            state.update(search=search, index=ConceptIndex(app.extensions["portal.library"], search,
                                                           app.config["PORTAL_BASE_URL"]))
        return state["index"]


def criteria(args) -> list[tuple[str, Concept]]:
    """The request's search criteria, in index order: (suffix, concept) for v.c/v.cs/v.dn, v.c1/v.cs1/v.dn1 ..."""
    found: dict[str, dict[str, str]] = {}
    for name in args:
        match = CRITERION.match(name)
        if match and args.get(name, "").strip():
            found.setdefault(match.group(2), {})[match.group(1)] = args[name].strip()
    result = []
    for suffix in sorted(found, key=lambda s: int(s) if s else -1):
        parts = found[suffix]
        if "c" not in parts and "dn" not in parts:
            raise InfobuttonError(f"send a code (mainSearchCriteria.v.c{suffix}) or a name "
                                  f"(mainSearchCriteria.v.dn{suffix}) with mainSearchCriteria.v.cs{suffix}",
                                  f"mainSearchCriteria.v.c{suffix}")
        if "c" in parts and "cs" not in parts:
            raise InfobuttonError(f"send the code system of code '{parts['c']}' as mainSearchCriteria.v.cs{suffix} "
                                  "(an OID: 2.16.840.1.113883.6.90 ICD-10-CM, 2.16.840.1.113883.6.96 SNOMED CT, "
                                  "2.16.840.1.113883.6.88 RxNorm)", f"mainSearchCriteria.v.cs{suffix}")
        codings = [(parts["cs"], parts["c"])] if "c" in parts else []
        result.append((suffix, Concept(codings, parts.get("dn", ""))))
    if not result:
        raise InfobuttonError("send a code (mainSearchCriteria.v.c with its system in mainSearchCriteria.v.cs) "
                              "or a name (mainSearchCriteria.v.dn)", "mainSearchCriteria.v.c")
    return result


class InfobuttonError(Exception):
    """A request the infobutton cannot read; `parameter` names the query parameter to fix."""

    def __init__(self, detail: str, parameter: str):
        super().__init__(detail)
        self.detail, self.parameter = detail, parameter


def response_type(raw: str | None) -> str:
    """text/xml or application/json from knowledgeResponseType; parameters like `; charset=utf-8` are allowed."""
    wanted = (raw or "text/xml").split(";")[0].strip().lower()
    if wanted not in FORMATS:
        raise InfobuttonError(f"'{raw}' is not a response type the portal sends; use {' or '.join(FORMATS)}",
                              "knowledgeResponseType")
    return wanted


def describe(concepts: list[tuple[str, Concept]]) -> str:
    """The criteria in words, for the feed's subtitle."""
    parts = []
    for _, concept in concepts:
        for system, code in concept.codings:
            parts.append(f"{LABELS.get(code_system(system), system)} code {code}")
        if concept.text and not concept.codings:
            parts.append(f"'{concept.text}'")
    return "; ".join(parts)


def answer() -> Response:
    """The infobutton request of the current Flask request, answered (errors as problem details)."""
    from portal.api.search import absolute, language, problem_response

    try:
        wanted = response_type(request.args.get("knowledgeResponseType"))
        asked = criteria(request.args)
        lang = language("informationRecipient.languageCode.c", strict=False)
        index = concept_index(current_app)
        hits: list[SearchHit] = []
        for suffix, concept in asked:
            try:
                hits += index.pages(concept, lang)
            except ConceptError as error:
                raise InfobuttonError(str(error), f"mainSearchCriteria.v.c{suffix}") from None
    except InfobuttonError as error:
        response = problem_response(400, error.detail, error.parameter)
    else:
        categories = [{"scheme": name, "term": value} for name, value in request.args.items(multi=True)
                      if name.startswith(ECHOED) and value.strip()]
        body = render(wanted, describe(asked), categories, lang, unique(hits), absolute,
                      current_app.config["PORTAL_SITE_NAME"], absolute(current_app.config["PORTAL_BASE_URL"]),
                      request.url)
        response = Response(body, content_type=f"{wanted}; charset=utf-8")
    response.headers["Access-Control-Allow-Origin"] = "*"  # public content: any page may read it
    return response


def _feed(asked: str, categories: list[dict], lang: str, hits: list[SearchHit], absolute, site_name: str,
          base: str, request_url: str) -> dict:
    """The feed as plain data, in the order Atom writes it."""
    return {
        "base": base, "lang": lang, "title": site_name,
        "updated": dt.datetime.now(dt.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ"), "id": request_url,
        "subtitle": f"{site_name}: pages for {asked}", "category": categories,
        "entry": [{"lang": hit.content_lang, "title": hit.title, "href": absolute(hit.url), "id": absolute(hit.url),
                   "updated": f"{hit.reviewed}T00:00:00Z" if hit.reviewed else "", "summary": hit.summary}
                  for hit in hits],
    }


def _json(feed: dict) -> str:
    """MedlinePlus Connect's JSON: Atom elements as objects, their text under `_value`."""
    return json.dumps({"feed": {
        "xsi": XSI, "base": feed["base"], "lang": feed["lang"],
        "title": {"_value": feed["title"], "type": "text"}, "updated": {"_value": feed["updated"]},
        "id": {"_value": feed["id"]}, "author": {"name": {"_value": feed["title"]}, "uri": {"_value": feed["base"]}},
        "subtitle": {"_value": feed["subtitle"], "type": "text"}, "category": feed["category"],
        "entry": [{"lang": e["lang"], "title": {"_value": e["title"], "type": "text"},
                   "link": [{"href": e["href"], "rel": "alternate", "type": "text/html", "hreflang": e["lang"]}],
                   "id": {"_value": e["id"]}, "updated": {"_value": e["updated"]},
                   "summary": {"_value": e["summary"], "type": "text"}} for e in feed["entry"]],
    }}, ensure_ascii=False)


def _xml(feed: dict) -> str:
    ET.register_namespace("", ATOM)
    ET.register_namespace("xsi", XSI)
    lang_attr = "{http://www.w3.org/XML/1998/namespace}lang"
    root = ET.Element(f"{{{ATOM}}}feed", {"{http://www.w3.org/XML/1998/namespace}base": feed["base"],
                                          lang_attr: feed["lang"]})

    def add(parent, tag, text=None, **attrs):
        element = ET.SubElement(parent, f"{{{ATOM}}}{tag}", attrs)
        element.text = text
        return element

    add(root, "title", feed["title"], type="text")
    add(root, "updated", feed["updated"])
    add(root, "id", feed["id"])
    author = add(root, "author")
    add(author, "name", feed["title"])
    add(author, "uri", feed["base"])
    add(root, "subtitle", feed["subtitle"], type="text")
    for category in feed["category"]:
        add(root, "category", **category)
    for e in feed["entry"]:
        entry = add(root, "entry", **{lang_attr: e["lang"]})
        add(entry, "title", e["title"], type="text")
        add(entry, "link", href=e["href"], rel="alternate", type="text/html", hreflang=e["lang"])
        add(entry, "id", e["id"])
        add(entry, "updated", e["updated"])
        add(entry, "summary", e["summary"], type="text")
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + ET.tostring(root, encoding="unicode")


def render(response_type: str, asked: str, categories: list[dict], lang: str, hits: list[SearchHit], absolute,
           site_name: str, base: str, request_url: str) -> str:
    """The infobutton answer in `response_type` (text/xml or application/json)."""
    feed = _feed(asked, categories, lang, hits, absolute, site_name, base, request_url)
    return _json(feed) if response_type == "application/json" else _xml(feed)
