"""Request bodies and small steps shared by the API tests."""
from __future__ import annotations

import datetime as dt

TODAY = dt.date.today()


def education(topic: str = "condition:heart-failure", **changes) -> dict:
    body = {"taught_on": TODAY.isoformat(), "topics": [topic], "learner": "patient", "readiness": "eager",
            "barriers": ["none"], "methods": ["verbal", "teach_back"],
            "evaluations": [{"topic": topic, "evaluation": "verbalizes_understanding"}],
            "minutes": 15, "minutes_by": "clinical_staff", "note": "Knows to weigh daily."}
    body.update(changes)
    return body


def new_patient(api, headers, reference="MRN-0001", language="es") -> str:
    response = api.post("/api/v1/patients", json={"reference": reference, "language": language}, headers=headers)
    assert response.status_code in (200, 201), response.json
    return response.json["id"]
