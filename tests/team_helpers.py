"""Two care teams on one database: care manager A in team one, B in team two, an admin in none,
a patient of each team (team one's with an assignment, an education record and a care plan with its
code), and the tokens
and signed-in consoles of every identity the access matrix tries."""
from __future__ import annotations

import datetime as dt
from types import SimpleNamespace

from api_helpers import education
from databases import PASSWORD
from portal.care import team_admin
from portal.care.users import create_token, create_user, revoke_token
from portal.db import get_session
from portal.db.models import ApiToken

MONTH = dt.date.today().strftime("%Y-%m")
PLAN_GOAL = {"goal": "Walk more", "steps": ["Walk after lunch."], "measure": "Count the days."}


def bearer(token: str) -> dict:
    return {"Authorization": f"Bearer {token}"}


def make_world(app) -> SimpleNamespace:
    with app.app_context():
        session = get_session()
        for slug, name in (("one", "Team one"), ("two", "Team two")):
            team_admin.create(session, slug, name, None, "cli")
        tokens = {}
        for email, role, team in (("a@clinic.example", "care_manager", "one"),
                                  ("b@clinic.example", "care_manager", "two"),
                                  ("admin@clinic.example", "admin", None)):
            create_user(session, email, email, role, PASSWORD)
            if team:
                team_admin.add_member(session, team, email, None, "cli")
            tokens[email] = create_token(session, email, "test")[1]
        revoked_row, revoked = create_token(session, "a@clinic.example", "revoked")
        expired_row, expired = create_token(session, "a@clinic.example", "expired")
        session.flush()
        revoke_token(session, revoked_row.id)
        session.get(ApiToken, expired_row.id).expires_at = dt.datetime(2020, 1, 1)
        session.commit()
    world = SimpleNamespace(
        a=bearer(tokens["a@clinic.example"]), b=bearer(tokens["b@clinic.example"]),
        admin=bearer(tokens["admin@clinic.example"]), revoked=bearer(revoked), expired=bearer(expired),
        anonymous={})
    api = app.test_client()
    world.patient = _ok(api.post("/api/v1/patients", json={"reference": "REF-ONE", "language": "en"}, headers=world.a))
    world.other = _ok(api.post("/api/v1/patients", json={"reference": "REF-TWO", "language": "en"}, headers=world.b))
    pid = world.patient["id"]
    world.assignment = _ok(api.post(f"/api/v1/patients/{pid}/assignments", headers=world.a,
                                    json={"items": ["condition:heart-failure"]}))
    world.record = _ok(api.post(f"/api/v1/patients/{pid}/education-records", headers=world.a, json=education()))
    world.plan = _ok(api.post(f"/api/v1/patients/{pid}/care-plans", headers=world.a, json={"goals": [PLAN_GOAL]}))
    world.plan_code = _ok(api.post(f"/api/v1/care-plans/{world.plan['id']}/codes", headers=world.a, json={}))["code"]
    _ok(api.post(f"/api/v1/patients/{world.other['id']}/education-records", headers=world.b,
                 json=education(minutes=30)))
    return world


def _ok(response) -> dict:
    assert response.status_code in (200, 201), response.get_json()
    return response.get_json()
