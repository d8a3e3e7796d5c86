"""Who may see which patient, for every API and console route and every identity, on both databases.

Care manager A (team one) reaches team one's patient; B (team two) gets the 404 of an unknown id;
the admin reaches it; anonymous, revoked and expired tokens get 401 (the console: the sign-in page).
The routes come from the app's URL map, so a new route fails `test_every_route_is_in_the_matrix`
until it has a row here.
"""
from __future__ import annotations

import re

import pytest

from api_helpers import education
from team_helpers import MONTH, PLAN_GOAL, make_world
from test_api_auth import ROUTES as API_ROUTES
from test_console import OPEN as CONSOLE_OPEN, ROUTES as CONSOLE_ROUTES, sign_in

SCOPED, OPEN, ADMIN, PUBLIC = "scoped", "open", "admin", "public"
AMEND = {**education(), "reason": "Minutes were 20."}
NEW_PASSWORD = "violet harbor lamps drift slowly"

# (method, rule): (kind, url with {patient} {assignment} {record} {code}, JSON body, status when allowed)
API = {
    ("POST", "/api/v1/patients"): (SCOPED, "/api/v1/patients", {"reference": "REF-ONE", "language": "en"}, 200),
    ("POST", "/api/v1/patients/lookup"): (SCOPED, "/api/v1/patients/lookup", {"reference": "REF-ONE"}, 200),
    ("GET", "/api/v1/patients/<patient_id>"): (SCOPED, "/api/v1/patients/{patient}", None, 200),
    ("PATCH", "/api/v1/patients/<patient_id>"): (SCOPED, "/api/v1/patients/{patient}", {"language": "es"}, 200),
    ("GET", "/api/v1/patients/<patient_id>/timeline"): (SCOPED, "/api/v1/patients/{patient}/timeline", None, 200),
    ("POST", "/api/v1/patients/<patient_id>/assignments"): (
        SCOPED, "/api/v1/patients/{patient}/assignments", {"items": ["condition:heart-failure"]}, 201),
    ("GET", "/api/v1/patients/<patient_id>/assignments"): (SCOPED, "/api/v1/patients/{patient}/assignments", None, 200),
    ("GET", "/api/v1/assignments/<assignment_id>/qr.svg"): (SCOPED, "/api/v1/assignments/{assignment}/qr.svg", None, 200),
    ("POST", "/api/v1/patients/<patient_id>/education-records"): (
        SCOPED, "/api/v1/patients/{patient}/education-records", education(), 201),
    ("GET", "/api/v1/patients/<patient_id>/education-records"): (
        SCOPED, "/api/v1/patients/{patient}/education-records", None, 200),
    ("GET", "/api/v1/education-records/<record_id>"): (SCOPED, "/api/v1/education-records/{record}", None, 200),
    ("POST", "/api/v1/education-records/<record_id>/amendments"): (
        SCOPED, "/api/v1/education-records/{record}/amendments", AMEND, 201),
    ("GET", "/api/v1/patients/<patient_id>/fhir"): (SCOPED, "/api/v1/patients/{patient}/fhir", None, 200),
    ("POST", "/api/v1/patients/<patient_id>/care-plans"): (
        SCOPED, "/api/v1/patients/{patient}/care-plans", {"goals": [PLAN_GOAL]}, 201),
    ("GET", "/api/v1/patients/<patient_id>/care-plans"): (SCOPED, "/api/v1/patients/{patient}/care-plans", None, 200),
    ("GET", "/api/v1/care-plans/<plan_id>"): (SCOPED, "/api/v1/care-plans/{plan}", None, 200),
    ("POST", "/api/v1/care-plans/<plan_id>/amendments"): (
        SCOPED, "/api/v1/care-plans/{plan}/amendments", {"goals": [PLAN_GOAL], "reason": "Walk after dinner."}, 201),
    ("POST", "/api/v1/care-plans/<plan_id>/codes"): (SCOPED, "/api/v1/care-plans/{plan}/codes", {}, 201),
    ("GET", "/api/v1/reports/ccm-minutes"): (OPEN, f"/api/v1/reports/ccm-minutes?month={MONTH}", None, 200),
    ("GET", "/api/v1/audit"): (ADMIN, "/api/v1/audit", None, 200),
    ("GET", "/api/v1/me"): (OPEN, "/api/v1/me", None, 200),
    ("GET", "/api/v1/search"): (OPEN, "/api/v1/search?q=heart", None, 200),
    ("GET", "/api/v1/lookup"): (OPEN, "/api/v1/lookup?code=I10", None, 200),
    ("GET", "/api/v1/openapi.json"): (PUBLIC, "/api/v1/openapi.json", None, 200),
    ("POST", "/api/v1/public/codes"): (PUBLIC, "/api/v1/public/codes", {"code": "{code}"}, 200),
    ("GET", "/api/v1/public/infobutton"): (
        PUBLIC, "/api/v1/public/infobutton?mainSearchCriteria.v.c=I10&mainSearchCriteria.v.cs=2.16.840.1.113883.6.90",
        None, 200),
}

FORM_AMEND = {"save": "1", "topics": "condition:heart-failure", "taught_on": education()["taught_on"],
              "evaluation-condition:heart-failure": "verbalizes_understanding", "learner": "patient",
              "readiness": "eager", "barriers": "none", "methods": "verbal", "minutes": "20",
              "minutes_by": "clinical_staff", "reason": "Minutes were 20."}
FORM_PLAN = {"save": "1", "goal-0-keep": "1", "goal-0-goal": "Walk more", "goal-0-steps": "Walk after dinner.",
             "reason": "Walk after dinner."}
CONSOLE = {
    ("GET", "/console/"): (OPEN, "/console/", None, 200),
    ("POST", "/console/patients"): (SCOPED, "/console/patients", {"reference": "REF-ONE", "language": "en"}, 302),
    ("GET", "/console/patients/<patient_id>"): (SCOPED, "/console/patients/{patient}", None, 200),
    ("GET", "/console/patients/<patient_id>/fhir"): (SCOPED, "/console/patients/{patient}/fhir", None, 200),
    ("GET", "/console/patients/<patient_id>/education.csv"): (
        SCOPED, "/console/patients/{patient}/education.csv", None, 200),
    ("POST", "/console/patients/<patient_id>/assignments"): (
        SCOPED, "/console/patients/{patient}/assignments", {"items": "condition:heart-failure"}, 200),
    ("POST", "/console/patients/<patient_id>/education"): (
        SCOPED, "/console/patients/{patient}/education", {"items": "condition:heart-failure"}, 200),
    ("GET", "/console/records/<record_id>/amend"): (SCOPED, "/console/records/{record}/amend", None, 200),
    ("POST", "/console/records/<record_id>/amend"): (SCOPED, "/console/records/{record}/amend", FORM_AMEND, 302),
    ("GET", "/console/reports/ccm"): (OPEN, f"/console/reports/ccm?month={MONTH}", None, 200),
    ("GET", "/console/patients/<patient_id>/care-plans/new"): (
        SCOPED, "/console/patients/{patient}/care-plans/new", None, 200),
    ("POST", "/console/patients/<patient_id>/care-plans"): (
        SCOPED, "/console/patients/{patient}/care-plans", {"written": "1"}, 200),
    ("GET", "/console/care-plans/<plan_id>"): (SCOPED, "/console/care-plans/{plan}", None, 200),
    ("POST", "/console/care-plans/<plan_id>/codes"): (SCOPED, "/console/care-plans/{plan}/codes", {}, 200),
    ("GET", "/console/care-plans/<plan_id>/print"): (SCOPED, "/console/care-plans/{plan}/print", None, 200),
    ("GET", "/console/care-plans/<plan_id>/amend"): (SCOPED, "/console/care-plans/{plan}/amend", None, 200),
    ("POST", "/console/care-plans/<plan_id>/amend"): (SCOPED, "/console/care-plans/{plan}/amend", FORM_PLAN, 302),
    ("GET", "/console/audit"): (ADMIN, "/console/audit", None, 200),
    ("GET", "/console/admin/teams"): (ADMIN, "/console/admin/teams", None, 200),
    ("POST", "/console/admin/teams"): (ADMIN, "/console/admin/teams", {"action": "create", "slug": "three",
                                                                       "name": "Team three"}, 302),
    ("GET", "/console/session"): (OPEN, "/console/session", None, 200),
    ("POST", "/console/session"): (OPEN, "/console/session", None, 200),
    ("GET", "/console/password"): (OPEN, "/console/password", None, 200),
    ("POST", "/console/password"): (OPEN, "/console/password", {"current_password": "not my password at all",
                                                                "new_password": NEW_PASSWORD, "confirm_password": NEW_PASSWORD}, 422),
    ("GET", "/console/admin/users"): (ADMIN, "/console/admin/users", None, 200),
    ("POST", "/console/admin/users"): (ADMIN, "/console/admin/users", {
        "email": "new@clinic.example", "name": "New", "role": "care_manager", "password": NEW_PASSWORD}, 302),
    # B has had its turn when the admin's comes (b, a, admin, ...), so the admin may change B.
    ("POST", "/console/admin/users/active"): (ADMIN, "/console/admin/users/active",
                                              {"email": "b@clinic.example", "active": "0"}, 302),
    ("POST", "/console/admin/users/role"): (ADMIN, "/console/admin/users/role",
                                            {"email": "b@clinic.example", "role": "admin"}, 302),
    ("POST", "/console/admin/users/password"): (ADMIN, "/console/admin/users/password",
                                                {"email": "b@clinic.example", "password": NEW_PASSWORD}, 302),
    ("POST", "/console/admin/users/practitioner"): (ADMIN, "/console/admin/users/practitioner",
                                                    {"email": "b@clinic.example", "practitioner": "1"}, 302),
}


def test_every_route_is_in_the_matrix():
    assert set(API) == set(API_ROUTES)
    assert set(CONSOLE) == {route for route in CONSOLE_ROUTES if route[1] not in CONSOLE_OPEN}


def _url(template: str, world) -> str:
    return template.format(patient=world.patient["id"], assignment=world.assignment["id"],
                           record=world.record["id"], code=world.assignment["code"], plan=world.plan["id"],
                           plan_code=world.plan_code)


def _expected(kind: str, allowed: int) -> dict:
    """The status each identity gets on a route of this kind."""
    refused = {SCOPED: 404, OPEN: allowed, ADMIN: 403, PUBLIC: allowed}[kind]
    unauthenticated = allowed if kind == PUBLIC else 401
    return {"a": allowed if kind != ADMIN else 403, "b": refused, "admin": allowed,
            "anonymous": unauthenticated, "revoked": unauthenticated, "expired": unauthenticated}


@pytest.mark.parametrize("method, rule", sorted(API))
def test_api_route_for_every_identity(api_app, method, rule):
    world = make_world(api_app)
    kind, template, body, allowed = API[(method, rule)]
    client = api_app.test_client()
    if body and "code" in body:
        body = {"code": _url(body["code"], world)}
    got = {who: client.open(_url(template, world), method=method, json=body, headers=getattr(world, who)).status_code
           for who in ("anonymous", "revoked", "expired", "b", "a", "admin")}
    assert got == _expected(kind, allowed)


@pytest.mark.parametrize("method, rule", sorted(CONSOLE))
def test_console_route_for_every_identity(api_app, method, rule):
    """Anonymous and disabled users go to the sign-in page; B gets 404 for team one's patient."""
    from portal.db import get_session
    from portal.db.models import User

    world = make_world(api_app)
    api_app.config["WTF_CSRF_ENABLED"] = False  # CSRF is tested in test_console and test_teams
    kind, template, body, allowed = CONSOLE[(method, rule)]
    got = {}
    for who, email in (("b", "b@clinic.example"), ("a", "a@clinic.example"), ("admin", "admin@clinic.example"),
                       ("anonymous", None), ("disabled", "a@clinic.example")):
        client = api_app.test_client()
        if email:
            sign_in(client, email)
        if who == "disabled":
            with api_app.app_context():
                get_session().query(User).filter_by(email=email).update({"active": False})
                get_session().commit()
        response = client.open(_url(template, world), method=method, data=body)
        signed_out = response.status_code == 302 and response.location.endswith("/console/login")
        got[who] = "sign-in" if signed_out else response.status_code
    expected = _expected(kind, allowed)
    assert got == {"a": expected["a"], "b": expected["b"], "admin": expected["admin"], "anonymous": "sign-in",
                   "disabled": "sign-in"}


# The patient's own pages (neither API nor console): public, the same for every identity.
PAGES = {
    ("GET", "/<lang:lang>/my-plan/"): ("/en/my-plan/", None, 200),
    ("POST", "/<lang:lang>/my-plan/"): ("/en/my-plan/", {"code": "{plan_code}"}, 200),
}


def test_every_patient_page_is_in_the_matrix(api_app):
    rules = {(method, rule.rule) for rule in api_app.url_map.iter_rules() if rule.endpoint.startswith("patient_plan.")
             for method in rule.methods - {"HEAD", "OPTIONS"}}
    assert rules == set(PAGES)


@pytest.mark.parametrize("method, rule", sorted(PAGES))
def test_patient_page_for_every_identity(api_app, method, rule):
    """A plan page answers its code, whoever asks: no token or console session changes it (or is needed)."""
    world = make_world(api_app)
    template, body, allowed = PAGES[(method, rule)]
    data = {name: _url(value, world) for name, value in body.items()} if body else None
    got = {}
    for who in ("anonymous", "revoked", "expired", "b", "a", "admin"):
        response = api_app.test_client().open(_url(template, world), method=method, data=data,
                                              headers=getattr(world, who))
        got[who] = (response.status_code, response.data)
    statuses = {who: status for who, (status, _) in got.items()}
    assert statuses == dict.fromkeys(got, allowed)
    assert len({page for _, page in got.values()}) == 1
    console = api_app.test_client()
    sign_in(console, "b@clinic.example")
    assert console.open(_url(template, world), method=method, data=data).status_code == allowed
