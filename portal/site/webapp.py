"""The site as an installable web app: its manifest, its service worker and the page shown offline.

The service worker (templates/site/sw.js) keeps the pages a patient opened readable without a
connection. It is served from the site's root so that its scope is the whole site, and it only
ever stores this site's own files.
"""
from __future__ import annotations

import hashlib
import json
import re
from pathlib import Path

from flask import current_app, render_template, request, url_for
from flask_babel import gettext as _

from portal.site import site

THEME_COLOR = "#0b4f9c"
BACKGROUND_COLOR = "#ffffff"
SHORT_NAME_LIMIT = 12  # longer names are cut off under a home-screen icon
ICONS = [("icons/icon-192.png", "192x192", "any"), ("icons/icon-512.png", "512x512", "any"),
         ("icons/icon-maskable-512.png", "512x512", "maskable")]
NO_CANONICAL = {"site.not_found_page", "site.offline", "site.reading_list"}


def _static_files() -> list[str]:
    folder = Path(site.static_folder)
    return sorted(p.relative_to(folder).as_posix() for p in folder.rglob("*") if p.is_file())


def cache_prefix() -> str:
    """Names of this site's caches begin with this: two portals on one host keep apart."""
    return "cgp:" + url_for("site.choose_language") + ":"


@site.app_template_global()
def canonical_url() -> str | None:
    """The page's full address when the base URL is absolute (PORTAL_BASE_URL=https://...), else None."""
    host = re.match(r"https?://[^/]+", current_app.config["PORTAL_BASE_URL"])
    if not host or request.blueprint != "site" or request.endpoint in NO_CANONICAL:
        return None
    return host.group(0) + url_for(request.endpoint, **(request.view_args or {}))


@site.route("/<lang:lang>/manifest.webmanifest")
def manifest(lang):
    """The web app manifest, in the reader's language: it opens on that language's home page."""
    name = current_app.config["PORTAL_SITE_NAME"]
    data = {
        "name": name,
        "short_name": name if len(name) <= SHORT_NAME_LIMIT else _("Health guides"),
        "description": _("Easy-to-read health guides and community help."),
        "lang": lang,
        "dir": "rtl" if lang in ("ar", "he", "fa", "ur") else "ltr",
        "start_url": url_for("site.home", lang=lang),
        "scope": url_for("site.choose_language"),
        "display": "standalone",
        "background_color": BACKGROUND_COLOR,
        "theme_color": THEME_COLOR,
        "icons": [{"src": url_for("site.static", filename=path), "sizes": sizes, "type": "image/png",
                   "purpose": purpose} for path, sizes, purpose in ICONS],
    }
    return current_app.response_class(json.dumps(data, ensure_ascii=False, indent=1),
                                      mimetype="application/manifest+json")


@site.route("/sw.js")
def service_worker():
    """The service worker, with the list of files it keeps from the start and a version that
    changes whenever a static file does (so browsers fetch the new files)."""
    folder = Path(site.static_folder)
    files = _static_files()
    version = hashlib.sha256(b"".join(name.encode() + (folder / name).read_bytes() for name in files)).hexdigest()[:16]
    languages = current_app.config["PORTAL_LANGUAGES"]
    settings = {
        "base": url_for("site.choose_language"),
        "caches": cache_prefix(),
        "version": version,
        "languages": list(languages),
        "shell": [url_for("site.static", filename=name) for name in files],
        "pages": [url_for("site.choose_language")]
                 + [url_for(endpoint, lang=lang) for lang in languages
                    for endpoint in ("site.home", "site.reading_list", "site.offline")],
        "offline": {lang: url_for("site.offline", lang=lang) for lang in languages},
    }
    script = render_template("site/sw.js", settings=settings)
    return current_app.response_class(script, mimetype="text/javascript")


@site.route("/<lang:lang>/offline/")
def offline(lang):
    """What the service worker shows for a page that was never opened on this device."""
    return render_template("site/offline.html", lang=lang, cache=cache_prefix() + "pages")
