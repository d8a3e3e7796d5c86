"""Care Guide Portal: plain-language patient education and a community resource directory."""
from __future__ import annotations

from pathlib import Path

from flask import Flask, request
from flask_babel import Babel

from portal.config import load_settings
from portal.content import Library, load_library
from portal.json_depth import DepthLimitedJSON
from portal.i18n import TRANSLATIONS, compile_catalogs
from portal.search.synonyms import load_synonyms


def create_app(settings: dict | None = None, library: Library | None = None, synonyms=None,
               site_only: bool = False) -> Flask:
    """Build the portal app: check settings, load the content library and synonyms, wire the blueprints.

    `site_only` (the static build) wires the public site alone: no database, API, console, rate
    limits or API error documents, none of which a frozen page uses (nor their imports and
    per-request hooks)."""
    values = load_settings(settings)
    # A clinic's own templates, if any, are found before the built-in ones of the same name.
    app = Flask(__name__, static_folder=None, template_folder=str(Path(values["PORTAL_TEMPLATES_DIR"]).resolve())
                if values["PORTAL_TEMPLATES_DIR"] else None)
    app.json = DepthLimitedJSON(app)
    app.config.update(values)
    app.config.update({k: v for k, v in (settings or {}).items() if not k.startswith("PORTAL_")})
    if library is None:
        library = load_library(app.config["PORTAL_CONTENT_DIR"], app.config["PORTAL_LANGUAGES"],
                               app.config["PORTAL_CACHE_DIR"])
    app.extensions["portal.library"] = library
    if synonyms is None:
        synonyms = load_synonyms(app.config["PORTAL_CONTENT_DIR"], app.config["PORTAL_LANGUAGES"], library)
    app.extensions["portal.synonyms"] = synonyms

    compile_catalogs()
    Babel(app, locale_selector=_locale, default_translation_directories=str(TRANSLATIONS))

    from portal.site import site

    app.register_blueprint(site)
    if site_only:
        return app
    from portal import db
    from portal.api import init_api
    from portal.api.cds_hooks import init_cds_hooks
    from portal.console import init_console
    from portal.errors import init_errors
    from portal.limits import init_limits
    from portal.site.plan_page import init_plan_page

    if app.config["PORTAL_PROXY_COUNT"]:
        from werkzeug.middleware.proxy_fix import ProxyFix

        count = app.config["PORTAL_PROXY_COUNT"]
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=count, x_proto=count, x_host=count)
    db.init_app(app)
    init_limits(app)
    init_api(app)
    init_console(app)
    init_plan_page(app)
    init_cds_hooks(app)
    init_errors(app)
    return app


def _locale() -> str:
    """The page's language: from its URL on the site, from the user's choice in the console."""
    if request.blueprint == "console":
        from portal.console import console_language

        return console_language()
    return (request.view_args or {}).get("lang", "en")
