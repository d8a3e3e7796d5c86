"""Every API route refuses a request without the right credentials (401), or role (403)."""
from __future__ import annotations

import datetime as dt

import pytest

from portal import create_app
from portal.db import get_session
from portal.db.models import ApiToken, User
from portal.api.openapi import document

PUBLIC = {"/api/v1/openapi.json", "/api/v1/public/codes", "/api/v1/public/infobutton"}
ADMIN_ONLY = {"/api/v1/audit"}


def api_routes():
    app = create_app({"PORTAL_CONTENT_DIR": "tests/fixtures/content"})
    for rule in app.url_map.iter_rules():
        if rule.rule.startswith("/api/"):
            for method in sorted(rule.methods - {"HEAD", "OPTIONS"}):
                yield method, rule.rule


ROUTES = list(api_routes())


def url_of(rule: str) -> str:
    return rule.replace("<", "").replace(">", "-x")


def test_the_route_list_is_complete_and_documented():
    assert len(ROUTES) >= 15
    documented = {(method.upper(), "/api/v1" + path.replace("{", "<").replace("}", ">"))
                  for path, operations in document()["paths"].items() for method in operations}
    assert documented == set(ROUTES)


@pytest.mark.parametrize("method, rule", [r for r in ROUTES if r[1] not in PUBLIC])
def test_route_needs_a_valid_token(api, users, api_app, method, rule):
    for headers in ({}, {"Authorization": "Bearer cgp_wrong"}, {"Authorization": users.nurse_token},
                    {"Authorization": "Basic " + users.nurse_token}):
        response = api.open(url_of(rule), method=method, headers=headers, json={})
        assert response.status_code == 401, (rule, headers)
        assert response.content_type == "application/problem+json"
        assert response.headers["WWW-Authenticate"].startswith("Bearer")
    with api_app.app_context():  # an expired token, and a disabled user's token
        session = get_session()
        session.query(ApiToken).update({"expires_at": dt.datetime(2020, 1, 1)})
        session.commit()
    assert api.open(url_of(rule), method=method, headers=users.nurse, json={}).status_code == 401


@pytest.mark.parametrize("method, rule", [r for r in ROUTES if r[1] not in PUBLIC])
def test_disabled_user_token_is_refused(api, users, api_app, method, rule):
    with api_app.app_context():
        session = get_session()
        session.query(User).update({"active": False})
        session.commit()
    assert api.open(url_of(rule), method=method, headers=users.admin, json={}).status_code == 401


@pytest.mark.parametrize("method, rule", [r for r in ROUTES if r[1] in ADMIN_ONLY])
def test_admin_route_is_forbidden_to_care_managers(api, users, method, rule):
    response = api.open(url_of(rule), method=method, headers=users.nurse)
    assert response.status_code == 403 and response.content_type == "application/problem+json"
    assert api.open(url_of(rule), method=method, headers=users.admin).status_code == 200


@pytest.mark.parametrize("method, rule", [r for r in ROUTES if r[1] not in PUBLIC | ADMIN_ONLY])
def test_care_manager_token_passes_authentication(api, users, method, rule):
    response = api.open(url_of(rule), method=method, headers=users.nurse, json={})
    assert response.status_code not in (401, 403), (rule, response.json)


@pytest.mark.parametrize("rule", sorted(PUBLIC))
def test_public_routes_need_no_token(api, rule):
    # 400: the infobutton without its parameters, answered (not refused) without a token.
    method = "POST" if rule.endswith("/codes") else "GET"
    response = api.open(url_of(rule), method=method, json={"code": "AAA-AAA"} if method == "POST" else None)
    assert response.status_code in (200, 400, 404)


def test_api_is_rate_limited_per_address(content_dir, database_url):
    from databases import add_users, make_api_app

    app = make_api_app(content_dir, database_url, PORTAL_API_RATE_LIMIT="2 per minute")
    headers = add_users(app).nurse
    client = app.test_client()
    assert [client.get("/api/v1/me", headers=headers).status_code for _ in range(3)] == [200, 200, 429]
    app.extensions["portal.db"].dispose()


def test_rate_limits_are_shared_through_redis_when_configured(content_dir, database_url):
    """Two apps (two gunicorn workers, say) count against one limit in Redis at 127.0.0.1:6379."""
    import secrets

    from databases import make_api_app

    settings = {"PORTAL_RATELIMIT_STORAGE": "redis://127.0.0.1:6379", "PORTAL_PUBLIC_RATE_LIMIT": "3 per minute",
                "RATELIMIT_KEY_PREFIX": f"portal-test-{secrets.token_hex(4)}"}
    first, second = (make_api_app(content_dir, database_url, **settings) for _ in range(2))
    statuses = [app.test_client().post("/api/v1/public/codes", json={"code": "AAA-AAA"}).status_code
                for app in (first, second, first, second)]
    assert statuses == [404, 404, 404, 429]
    for app in (first, second):
        app.extensions["portal.db"].dispose()


def test_behind_a_proxy_each_client_has_its_own_limit(content_dir, database_url):
    from databases import make_api_app

    app = make_api_app(content_dir, database_url, PORTAL_PUBLIC_RATE_LIMIT="1 per minute", PORTAL_PROXY_COUNT="1")
    client = app.test_client()

    def status(address):
        return client.post("/api/v1/public/codes", json={"code": "AAA-AAA"},
                           headers={"X-Forwarded-For": address}).status_code
    assert [status("203.0.113.5"), status("203.0.113.5"), status("198.51.100.7")] == [404, 429, 404]
    app.extensions["portal.db"].dispose()


def test_a_revoked_token_or_a_disabled_user_is_refused_on_the_very_next_request(api, users, api_app):
    """Nothing about a token is kept between requests: the request right after the revocation is refused."""
    from sqlalchemy import select

    from api_helpers import education, new_patient
    from portal.care.users import revoke_token, set_active, token_hash

    url = f"/api/v1/patients/{new_patient(api, users.nurse)}/education-records"
    for headers, email in ((users.nurse, "nurse@clinic.example"), (users.admin, "admin@clinic.example")):
        assert api.post(url, json=education(), headers=headers).status_code == 201
        with api_app.app_context():
            session = get_session()
            if email.startswith("nurse"):
                token = headers["Authorization"].removeprefix("Bearer ")
                revoke_token(session, session.scalar(select(ApiToken.id).where(
                    ApiToken.token_hash == token_hash(token))))
            else:
                set_active(session, email, False, None, "cli")
            session.commit()
        response = api.post(url, json=education(), headers=headers)
        assert response.status_code == 401 and response.content_type == "application/problem+json", email


def test_a_request_looks_its_token_up_once(api, users, api_app):
    """The rate limiter's key and the route's authentication share one look-up of the token and its user."""
    from sqlalchemy import event

    from api_helpers import education, new_patient

    url = f"/api/v1/patients/{new_patient(api, users.nurse)}/education-records"
    statements: list[str] = []

    def seen(_connection, _cursor, statement, *_rest):
        statements.append(statement)
    engine = api_app.extensions["portal.db"].engine
    event.listen(engine, "before_cursor_execute", seen)
    try:
        response = api.post(url, json=education(), headers={**users.nurse, "Idempotency-Key": "once"})
    finally:
        event.remove(engine, "before_cursor_execute", seen)
    assert response.status_code == 201, response.json
    assert sum("api_tokens" in statement for statement in statements) == 1, statements
    assert not any("password_hash" in statement for statement in statements)
