"""The patient's "My care plan" page behind a plan code: 12 symbols (over 50 bits), kept hashed, expiring,
rate-limited, the code in a POST body, no name or reference on the page, and a plain 404 for a bad code."""
from __future__ import annotations

import datetime as dt
import math
import re

import pytest
from sqlalchemy import select, update

from api_helpers import new_patient
from databases import add_users, make_api_app
from plan_helpers import add_goal_templates, written_goal
from portal.care import codes
from portal.db import get_session
from portal.db.models import AuditEvent, IdempotencyKey, PlanCode

CODE = re.compile(r"[2-9A-HJKMNP-TV-Z]{4}-[2-9A-HJKMNP-TV-Z]{4}-[2-9A-HJKMNP-TV-Z]{4}")


@pytest.fixture(autouse=True)
def _templates(content_dir):
    add_goal_templates(content_dir)


def plan_with_code(api, headers, language="es", reference="MRN-PLAN-7"):
    patient = new_patient(api, headers, reference=reference, language=language)
    plan = api.post(f"/api/v1/patients/{patient}/care-plans", headers=headers, json={"goals": [
        {"guide": "high-blood-pressure", "template": "walk-more", "target_date": "2027-03-01"},
        {"guide": "heart-failure", "template": "steady-weight"}, written_goal(goal="Dormir mejor")]}).json
    made = api.post(f"/api/v1/care-plans/{plan['id']}/codes", json={}, headers=headers)
    assert made.status_code == 201, made.json
    return patient, plan, made.json


def test_a_plan_code_has_more_than_50_bits_and_is_grouped_for_reading_aloud():
    assert codes.PLAN_LENGTH * math.log2(len(codes.ALPHABET)) > 50
    drawn = {codes.new_code(codes.PLAN_LENGTH, codes.PLAN_GROUP) for _ in range(200)}
    assert len(drawn) == 200 and all(CODE.fullmatch(code) for code in drawn)
    assert codes.normalize("k7m2 qxr8.d4hv", codes.PLAN_LENGTH, codes.PLAN_GROUP) == "K7M2-QXR8-D4HV"
    assert codes.normalize("K7M-2QX", codes.PLAN_LENGTH, codes.PLAN_GROUP) is None  # a reading code is not one


def test_the_code_opens_the_plan_in_the_patients_language_without_name_or_reference(api, users, api_app):
    patient, plan, made = plan_with_code(api, users.nurse)
    assert CODE.fullmatch(made["code"]) and made["page"].endswith("/es/my-plan/")
    assert api.get("/en/my-plan/").status_code == 200
    page = api.post("/en/my-plan/", data={"code": made["code"].lower().replace("-", " ")})
    assert page.status_code == 200 and page.headers["Cache-Control"] == "no-store"
    html = page.data.decode()
    assert '<html lang="es"' in html
    assert "Caminar más" in html and "Camine casi todos los días." in html and "Anote cada día que camina." in html
    assert '<span lang="en">Keep my weight steady</span>' in html  # the guide has no Spanish page yet
    assert "Dormir mejor" in html and "2027" in html
    for secret in ("MRN-PLAN-7", patient, plan["id"], made["code"], plan["goals"][0]["id"], "nurse@clinic.example",
                   "Nora"):
        assert secret not in html
    with api_app.app_context():
        session = get_session()
        stored = session.scalars(select(PlanCode.code_hash)).all()
        assert len(stored) == 1 and made["code"] not in stored[0]
        assert made["code"] not in str(session.scalars(select(IdempotencyKey.body)).all())
        opened = session.scalar(select(AuditEvent).where(AuditEvent.what == "care_plan_opened"))
        assert opened.channel == "public" and opened.user_id is None


def test_the_page_shows_the_plan_as_last_amended(api, users):
    _patient, plan, made = plan_with_code(api, users.nurse)
    walk = plan["goals"][0]["id"]
    api.post(f"/api/v1/care-plans/{plan['id']}/amendments", headers=users.nurse, json={
        "reason": "Walk after dinner.", "goals": [{"id": walk, "steps": ["Camine después de cenar."]}]})
    html = api.post("/es/my-plan/", data={"code": made["code"]}).data.decode()
    assert "Camine después de cenar." in html and "Dormir mejor" not in html


@pytest.mark.parametrize("typed", ["", "AAAA-AAAA-AAAA", "K7M-2QX", "x" * 5000, "<script>", "\u202eABCD"])
def test_a_wrong_code_gets_a_plain_404_page(api, users, typed):
    plan_with_code(api, users.nurse)
    page = api.post("/es/my-plan/", data={"code": typed})
    assert page.status_code == 404 and page.content_type.startswith("text/html")
    html = page.data.decode()
    assert 'role="alert"' in html and "Caminar" not in html and "<script>" not in html.split("<main", 1)[1]


def test_an_expired_code_gets_the_same_404(api, users, api_app):
    _patient, _plan, made = plan_with_code(api, users.nurse)
    wrong = api.post("/es/my-plan/", data={"code": "AAAA-AAAA-AAAA"})
    with api_app.app_context():
        session = get_session()
        session.execute(update(PlanCode).values(expires_at=dt.datetime(2020, 1, 1)))
        session.commit()
    expired = api.post("/es/my-plan/", data={"code": made["code"]})
    assert expired.status_code == wrong.status_code == 404 and expired.data == wrong.data


def test_codes_expire_after_the_setting_and_the_page_is_at_the_portals_address(content_dir, database_url):
    app = make_api_app(content_dir, database_url, PORTAL_PLAN_CODE_DAYS="7",
                       PORTAL_API_URL="https://portal.clinic.example", PORTAL_BASE_URL="https://clinic.example/")
    client = app.test_client()
    _patient, _plan, made = plan_with_code(client, add_users(app).nurse)
    assert made["page"] == "https://portal.clinic.example/es/my-plan/"  # never the static site's address
    expires = dt.datetime.fromisoformat(made["expires_at"].rstrip("Z"))
    assert dt.timedelta(days=6, hours=23) < expires - dt.datetime.now(dt.timezone.utc).replace(tzinfo=None) \
        <= dt.timedelta(days=7)
    app.extensions["portal.db"].dispose()


def test_code_lookups_are_rate_limited_per_address(content_dir, database_url):
    app = make_api_app(content_dir, database_url, PORTAL_PUBLIC_RATE_LIMIT="3 per hour")
    client = app.test_client()
    _patient, _plan, made = plan_with_code(client, add_users(app).nurse)
    statuses = [client.post("/en/my-plan/", data={"code": "AAAA-AAAA-AAAA"}).status_code for _ in range(3)]
    limited = client.post("/en/my-plan/", data={"code": made["code"]})
    assert statuses == [404, 404, 404] and limited.status_code == 429
    assert "Retry-After" in limited.headers and "Caminar" not in limited.data.decode()
    other = client.post("/en/my-plan/", data={"code": made["code"]}, environ_base={"REMOTE_ADDR": "10.0.0.9"})
    assert other.status_code == 200
    assert client.get("/en/my-plan/").status_code == 200  # the form itself is not counted
    app.extensions["portal.db"].dispose()


def test_a_retried_code_request_makes_no_second_code_and_shows_none(api, users, api_app):
    patient = new_patient(api, users.nurse, language="en")
    plan = api.post(f"/api/v1/patients/{patient}/care-plans", json={"goals": [written_goal()]},
                    headers=users.nurse).json
    headers = {**users.nurse, "Idempotency-Key": "code-1"}
    first = api.post(f"/api/v1/care-plans/{plan['id']}/codes", json={}, headers=headers)
    again = api.post(f"/api/v1/care-plans/{plan['id']}/codes", json={}, headers=headers)
    assert first.status_code == again.status_code == 201
    assert CODE.fullmatch(first.json["code"]) and again.json["code"] is None
    assert again.json["expires_at"] == first.json["expires_at"]
    with api_app.app_context():
        assert len(get_session().scalars(select(PlanCode)).all()) == 1
    refused = api.post(f"/api/v1/care-plans/{plan['id']}/codes", json={"days": 90}, headers=users.nurse)
    assert refused.status_code == 422 and refused.json["errors"][0]["field"] == "days"


def test_the_static_build_has_no_plan_page(content_dir, tmp_path, runner):
    from portal.cli import main

    result = runner.invoke(main, ["build", "--content", str(content_dir), "--output", str(tmp_path / "site")])
    assert result.exit_code == 0, result.output
    assert not list((tmp_path / "site").rglob("my-plan"))
