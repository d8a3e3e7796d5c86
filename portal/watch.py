"""Live preview for `portal serve`: when a content file is saved, reload the library and synonyms.

Before each request the content folder is checked for changed files (by size and modification
time). On a change the library is loaded again; the content cache re-reads only the files that
changed. If the new content has errors, the preview shows them, with file and line, and the
last good content stays loaded for when they are fixed.
"""
from __future__ import annotations

from pathlib import Path

from flask import Flask, render_template_string

from portal.content import ContentErrors, load_library
from portal.search.synonyms import load_synonyms

_ERRORS_PAGE = """<!doctype html><html lang="en"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1"><title>Content errors</title></head>
<body><main><h1>The content has {{ errors|length }} error(s)</h1>
<p>Fix them and save; this page reloads the content on the next request.</p>
<ul>{% for error in errors %}<li><code>{{ error }}</code></li>{% endfor %}</ul></main></body></html>"""


def _snapshot(root: Path) -> dict[str, tuple[int, int]]:
    return {str(p): (p.stat().st_mtime_ns, p.stat().st_size) for p in root.rglob("*") if p.is_file()}


def watch_content(app: Flask) -> None:
    """Reload the app's content library whenever a content file changes."""
    root = Path(app.config["PORTAL_CONTENT_DIR"])
    state = {"snapshot": _snapshot(root), "errors": None}

    @app.before_request
    def reload_changed_content():
        snapshot = _snapshot(root)
        if snapshot != state["snapshot"]:
            state["snapshot"] = snapshot
            try:
                library = load_library(root, app.config["PORTAL_LANGUAGES"], app.config["PORTAL_CACHE_DIR"])
                synonyms = load_synonyms(root, app.config["PORTAL_LANGUAGES"], library)
                app.extensions.update({"portal.library": library, "portal.synonyms": synonyms})
                state["errors"] = None
                app.logger.info("content reloaded")
            except ContentErrors as exc:
                state["errors"] = exc.errors
                for error in exc.errors:
                    app.logger.error("%s", error)
        if state["errors"]:
            return render_template_string(_ERRORS_PAGE, errors=state["errors"]), 500
        return None
