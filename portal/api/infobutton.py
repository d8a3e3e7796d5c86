"""The infobutton response: an Atom feed (text/xml) or its JSON form, shaped like MedlinePlus Connect's.

An EHR that points its infobutton at MedlinePlus Connect can point it at the clinic's portal
instead; it gets the same shape back: the request echoed as categories, one entry per page.
"""
from __future__ import annotations

import datetime as dt
import json
from xml.etree import ElementTree as ET

from portal.search import SearchHit
from portal.search.codes import ICD10

ATOM = "http://www.w3.org/2005/Atom"
XSI = "http://www.w3.org/2001/XMLSchema-instance"
FORMATS = ("text/xml", "application/json")
OIDS = {ICD10: "2.16.840.1.113883.6.90", "rxnorm": "2.16.840.1.113883.6.88"}
SYSTEM_LABELS = {ICD10: "ICD-10-CM", "rxnorm": "RxNorm"}


def _feed(code: str, system: str, lang: str, hits: list[SearchHit], absolute, site_name: str, base: str,
          request_url: str) -> dict:
    """The feed as plain data, in the order Atom writes it."""
    return {
        "base": base, "lang": lang, "title": site_name,
        "updated": dt.datetime.now(dt.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ"), "id": request_url,
        "subtitle": f"{site_name}: pages for {SYSTEM_LABELS[system]} code {code}",
        "category": [{"scheme": "mainSearchCriteria.v.c", "term": code},
                     {"scheme": "mainSearchCriteria.v.cs", "term": OIDS[system]},
                     {"scheme": "informationRecipient.languageCode.c", "term": lang}],
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


def render(response_type: str, code: str, system: str, lang: str, hits: list[SearchHit], absolute,
           site_name: str, base: str, request_url: str) -> str:
    """The infobutton answer in `response_type` (text/xml or application/json)."""
    feed = _feed(code, system, lang, hits, absolute, site_name, base, request_url)
    return _json(feed) if response_type == "application/json" else _xml(feed)
