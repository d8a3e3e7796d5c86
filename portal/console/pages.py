"""Console pages: sign in and out, language, home with patient finder and content search."""
from __future__ import annotations

from flask import current_app, flash, g, redirect, render_template, request, session, url_for
from flask_babel import gettext as _

from portal.care.teams import choosable
from portal.care.users import authenticate
from portal.console import console, console_language, login_required
from portal.console.content_search import search_content
from portal.db import get_session
from portal.web import library


@console.app_context_processor
def _console_globals() -> dict:
    from portal.web import site_root

    return {"console_lang": console_language, "site_root": site_root}


@console.route("/login", methods=["GET", "POST"])
def login():
    error = None
    if request.method == "POST":
        user = authenticate(get_session(), request.form.get("email", ""), request.form.get("password", ""))
        if user:
            session.clear()
            session["user_id"] = user.id
            return redirect(url_for("console.home"))
        error = _("That email and password do not match an active account.")
    return render_template("console/login.html", error=error), 401 if error else 200


@console.post("/logout")
def logout():
    session.pop("user_id", None)
    return redirect(url_for("console.login"))


@console.post("/language")
def language():
    if request.form.get("lang") in current_app.config["PORTAL_LANGUAGES"]:
        session["lang"] = request.form["lang"]
    return redirect(request.form.get("next", "") if request.form.get("next", "").startswith("/console/")
                    else url_for("console.home"))


@console.route("/")
@login_required()
def home():
    query = request.args.get("q", "").strip()
    lang = request.args.get("lang", console_language())
    if lang not in current_app.config["PORTAL_LANGUAGES"]:
        lang = "en"
    hits = search_content(library(), query, lang) if query else []
    return render_template("console/home.html", query=query, hits=hits, search_lang=lang, user=g.user,
                           teams=choosable(get_session(), g.user))


def flash_saved(message: str) -> None:
    flash(message)
