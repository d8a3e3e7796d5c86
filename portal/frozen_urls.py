"""The address of each planned page, as Frozen-Flask freezes it, built straight from the app's URL map.

`Freezer.all_urls()` calls `url_for` once per page inside a request context, which costs about
a tenth of a millisecond a page in Flask's look-ups (0.25 s of a rebuild at 10,000 pages, where
one page changed). The URL map builds the same path in about a quarter of that. Frozen-Flask
builds under the base URL's path (PORTAL_BASE_URL /clinic-portal/ gives /clinic-portal/en/) and
then cuts that path off; here the map builds from the root directly, which gives the same
address (tests/test_frozen_urls.py compares the two, with and without a sub-path).
"""
from __future__ import annotations

from collections.abc import Iterable
from urllib.parse import unquote, urlsplit

from flask import Flask


def page_urls(app: Flask, pages: Iterable[tuple[str, dict]]) -> list[str]:
    """The URL of each (endpoint, values), relative to the base URL, as `Freezer.all_urls()` yields it:
    unquoted, without a query string or a fragment."""
    adapter = app.url_map.bind("localhost", "/")
    urls = []
    for endpoint, values in pages:
        values = dict(values)
        app.inject_url_defaults(endpoint, values)  # what url_for adds (the site registers none today)
        url = unquote(adapter.build(endpoint, values))
        if "?" in url or "#" in url:  # (never so far: a page's values all go into its path)
            url = urlsplit(url).path
        urls.append(url)
    return urls
