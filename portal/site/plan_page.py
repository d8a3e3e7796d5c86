"""The patient's "My care plan" page: enter the plan code, see the plan. Served by the portal app only.

A plan is personal, so it never goes into the static site or a link: the page is a form, the code
travels in a POST body (never a URL, so no access log keeps it), and the plan comes back as the
answer, marked no-store. The lookups are rate-limited per address (PORTAL_PUBLIC_RATE_LIMIT), as
the reading-code endpoint is. A wrong and an expired code get the same plain 404 page. Each open is
audited (channel public).
"""
from __future__ import annotations

from flask import Blueprint, Flask, render_template, request
from flask_babel import force_locale

from portal.care import audit, plan_codes
from portal.care.errors import CareError
from portal.db import get_session
from portal.web import library, site_root

patient_plan = Blueprint("patient_plan", __name__)
NO_STORE = {"Cache-Control": "no-store", "X-Robots-Tag": "noindex"}


@patient_plan.get("/<lang:lang>/my-plan/")
def enter_code(lang):
    return render_template("site/plan_code.html", lang=lang, problem=None), 200, NO_STORE


@patient_plan.post("/<lang:lang>/my-plan/")
def show_plan(lang):
    session = get_session()
    try:
        plan = plan_codes.open_code(session, request.form.get("code", ""))
    except CareError:
        return render_template("site/plan_code.html", lang=lang, problem=404), 404, NO_STORE
    audit.record(session, None, "read", "care_plan_opened", [plan.patient_id], "public")
    session.commit()
    with force_locale(plan.language):
        page = render_template("site/my_plan.html", lang=plan.language,
                               plan=plan_codes.page(library(), plan, site_root()), made_on=plan.created_at.date())
    return page, 200, NO_STORE


@patient_plan.errorhandler(429)
def _too_many(_error):
    lang = (request.view_args or {}).get("lang", "en")
    return render_template("site/plan_code.html", lang=lang, problem=429), 429, NO_STORE


def init_plan_page(app: Flask) -> None:
    """Register the page; looking up codes is limited per address, like the public code endpoint."""
    from flask_limiter.util import get_remote_address

    from portal.limits import public_limit

    app.register_blueprint(patient_plan)
    limiter = app.extensions["portal.limiter"]
    app.view_functions["patient_plan.show_plan"] = limiter.limit(
        public_limit, key_func=get_remote_address, override_defaults=True)(app.view_functions["patient_plan.show_plan"])
