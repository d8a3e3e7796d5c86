"""The Flask app's search index, shared by everything that searches: the API, the console, infobutton.

It is built from the app's content library on first use (or opened from PORTAL_CACHE_DIR when the
content is unchanged) and again whenever the library or the synonyms are reloaded. It reads only the
app's `extensions` and `config`, so the package still imports no Flask.
"""
from __future__ import annotations

import threading
from typing import TYPE_CHECKING

from portal.search import SearchIndex, open_index

if TYPE_CHECKING:
    from flask import Flask

_LOCK = threading.Lock()


def search_index(app: Flask) -> SearchIndex:
    """The app's search index, rebuilt when its content library or synonyms were reloaded."""
    library, synonyms = app.extensions["portal.library"], app.extensions["portal.synonyms"]
    with _LOCK:
        state = app.extensions.setdefault("portal.search", {})
        if state.get("library") is not library or state.get("synonyms") is not synonyms:
            index = open_index(library, synonyms, app.config["PORTAL_LANGUAGES"], app.config["PORTAL_BASE_URL"],
                               app.config["PORTAL_CACHE_DIR"] or None)
            state.update(index=index, library=library, synonyms=synonyms)
        return state["index"]
