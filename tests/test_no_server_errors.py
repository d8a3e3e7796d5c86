"""Property tests: arbitrary text, Unicode and huge numbers never give a 500, on SQLite and PostgreSQL.

(a) Every operation of the OpenAPI document, with every parameter and body field of its schema
    (and some it does not name) filled with hostile values; (b) every console page and form,
    signed in, with the CSRF token taken from a page.
"""
from __future__ import annotations

import re

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from api_helpers import education, new_patient
from team_helpers import PLAN_GOAL
from test_console import sign_in

EXAMPLES = 20
SETTINGS = settings(max_examples=EXAMPLES, deadline=None, suppress_health_check=list(HealthCheck), database=None)

# Text a browser or client can send (no lone surrogates), weighted towards the characters that broke things.
TEXT = st.one_of(
    st.text(st.characters(exclude_categories=["Cs"]), max_size=40),
    st.text(st.characters(categories=["Nd", "No"]) | st.sampled_from("²³"), min_size=1, max_size=3),
    st.text(st.sampled_from("0123456789\u00b2\u0660\u0663\u06f5\u0967\uff11-._ \u200b\u202e\x00\x1b\x85"),
            max_size=25),
    st.integers(min_value=-(10**30), max_value=10**30).map(str),
    st.sampled_from(["9999-12", "0000-00", "2026-\u0661\u0661", "1e400", "NaN", "-0", "99999999999999999999"]),
)
# For parameters documented as numbers: digits of other scripts (int() takes some, not all), huge values.
NUMBERISH = st.one_of(st.text(st.sampled_from("0123456789\u00b2\u00b3\u0663\u0967\uff11"), min_size=1, max_size=4),
                      st.integers(min_value=-(10**30), max_value=10**30).map(str), TEXT)
JSON = st.recursive(st.none() | st.booleans() | st.integers(min_value=-(10**30), max_value=10**30)
                    | st.floats(allow_nan=False) | TEXT,
                    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(TEXT, inner, max_size=4),
                    max_leaves=12)


def _body_fields(document: dict, operation: dict) -> list[str]:
    """The property names of an operation's JSON body (its schema's, resolved one level)."""
    schema = operation.get("requestBody", {}).get("content", {}).get("application/json", {}).get("schema", {})
    if "$ref" in schema:
        schema = document["components"]["schemas"][schema["$ref"].rsplit("/", 1)[1]]
    return list(schema.get("properties", {}))


def _query_value(parameter: dict):
    """Hostile values for a query parameter: number-like ones for numbers, near-misses for choices."""
    schema = parameter.get("schema", {})
    if schema.get("type") == "integer":
        return NUMBERISH
    return st.one_of(st.sampled_from(schema["enum"]), TEXT) if "enum" in schema else TEXT


def _fill(real: dict, name: str):
    """A value for a path parameter: the real id sometimes, anything otherwise."""
    return st.one_of(st.just(real[name]), TEXT) if name in real else TEXT


def test_no_api_operation_gives_a_500(api_app, api, users):
    patient = new_patient(api, users.admin, "MRN-PROP", "en")
    assignment = api.post(f"/api/v1/patients/{patient}/assignments", json={"items": ["condition:heart-failure"]},
                          headers=users.admin).json
    record = api.post(f"/api/v1/patients/{patient}/education-records", json=education(), headers=users.admin).json
    plan = api.post(f"/api/v1/patients/{patient}/care-plans", json={"goals": [PLAN_GOAL]}, headers=users.admin).json
    real = {"patient_id": patient, "assignment_id": assignment["id"], "record_id": record["id"],
            "code": assignment["code"], "plan_id": plan["id"]}
    document = api.get("/api/v1/openapi.json").json
    tried = 0
    for path, item in document["paths"].items():
        for method, operation in item.items():
            names = re.findall(r"{(\w+)}", path)
            query = {p["name"]: _query_value(p) for p in operation.get("parameters", []) if p["in"] == "query"}
            fields = _body_fields(document, operation)

            @given(path_values=st.fixed_dictionaries({n: _fill(real, n) for n in names}),
                   query_values=st.fixed_dictionaries({}, optional=query),
                   body=st.one_of(st.fixed_dictionaries({}, optional={f: JSON for f in fields}), JSON))
            @SETTINGS
            def run(path_values, query_values, body):
                url = "/api/v1" + re.sub(r"{(\w+)}", lambda m: _quote(path_values[m.group(1)]), path)
                response = api.open(url, method=method.upper(), query_string=query_values, headers=users.admin,
                                    json=body if method in ("post", "patch") else None)
                assert response.status_code < 500, (method, url, query_values, body, response.data[:300])
                assert response.status_code in (200, 201) or response.mimetype == "application/problem+json"

            run()
            tried += 1
    assert tried >= 18


def _quote(value: str) -> str:
    from urllib.parse import quote

    return quote(value, safe="") or "x"


CONSOLE_FIELDS = ["reference", "language", "items", "topics", "taught_on", "learner", "readiness", "barriers",
                  "methods", "evaluation-condition:heart-failure", "interpreter_used", "interpreter_language",
                  "minutes", "minutes_by", "program", "practitioner", "email", "note", "reason", "save",
                  "idempotency_key", "lang", "next", "q",
                  "templates", "written", "goal-0-keep", "goal-0-goal", "goal-0-steps", "goal-0-target_date",
                  "goal-0-id", "goal-0-guide", "goal-0-template", "goal-1-keep", "goal-1-measure", "plan_goals"]
CONSOLE_QUERY_PLAN = ["plan", "templates", "written"]
CONSOLE_QUERY = ["page", "month", "format", "q", "error", "saved", "lang"]


def test_no_console_page_or_form_gives_a_500(api_app, api, users):
    client = api_app.test_client()
    token = sign_in(client, "admin@clinic.example")
    found = client.post("/console/patients", data={"reference": "MRN-PROP", "language": "en", "csrf_token": token})
    patient = found.location.rsplit("/", 1)[1]
    record = api.post(f"/api/v1/patients/{patient}/education-records", json=education(), headers=users.admin).json
    plan = api.post(f"/api/v1/patients/{patient}/care-plans", json={"goals": [PLAN_GOAL]}, headers=users.admin).json
    real = {"patient_id": patient, "record_id": record["id"], "plan_id": plan["id"]}
    rules = [(method, rule.rule) for rule in api_app.url_map.iter_rules() if rule.rule.startswith("/console")
             and not rule.rule.endswith(("/logout", "/login", "<path:filename>"))
             for method in sorted(rule.methods - {"HEAD", "OPTIONS"})]
    assert len(rules) >= 9
    for method, rule in rules:
        names = re.findall(r"<(?:\w+:)?(\w+)>", rule)

        @given(path_values=st.fixed_dictionaries({n: _fill(real, n) for n in names}),
               query_values=st.fixed_dictionaries({}, optional={name: NUMBERISH if name in ("page", "month") else TEXT
                                                                for name in CONSOLE_QUERY + CONSOLE_QUERY_PLAN}),
               form=st.dictionaries(st.sampled_from(CONSOLE_FIELDS), st.lists(TEXT, min_size=1, max_size=3),
                                    max_size=8))
        @SETTINGS
        def run(path_values, query_values, form):
            url = re.sub(r"<(?:\w+:)?(\w+)>", lambda m: _quote(path_values[m.group(1)]), rule)
            data = {**form, "csrf_token": token} if method == "POST" else None
            response = client.open(url, method=method, query_string=query_values, data=data)
            assert response.status_code < 500, (method, url, query_values, form, response.data[:300])

        run()


def test_sign_in_form_takes_anything(api_app, users):
    client = api_app.test_client()
    token = re.search(r'name="csrf_token" value="([^"]+)"', client.get("/console/login").data.decode()).group(1)

    @given(email=TEXT, password=TEXT, following=TEXT)
    @SETTINGS
    def run(email, password, following):
        response = client.post("/console/login", query_string={"next": following},
                               data={"email": email, "password": password, "next": following, "csrf_token": token})
        assert response.status_code < 500

    run()


def test_plan_page_takes_anything(api_app):
    client = api_app.test_client()

    @given(code=TEXT, lang=st.sampled_from(["en", "ar"]), extra=st.dictionaries(TEXT, TEXT, max_size=3))
    @SETTINGS
    def run(code, lang, extra):
        response = client.post(f"/{lang}/my-plan/", data={**extra, "code": code})
        assert response.status_code == 404, (code, lang, response.status_code)

    run()
