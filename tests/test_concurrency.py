"""8 concurrent writers, each with its own connection: nothing lost, nothing duplicated."""
from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from threading import Barrier

from api_helpers import education, new_patient

WRITERS, EACH = 8, 12


def test_eight_writers_lose_and_duplicate_nothing(api_app, users):
    patient = new_patient(api_app.test_client(), users.nurse)
    start = Barrier(WRITERS)

    def writer(number: int) -> list[str]:
        client = api_app.test_client()
        start.wait()
        ids = []
        for index in range(EACH):
            key = f"writer-{number}-{index}"
            body = education(minutes=1 + (number * EACH + index) % 200, note=key)
            headers = {**users.nurse, "Idempotency-Key": key}
            first = client.post(f"/api/v1/patients/{patient}/education-records", json=body, headers=headers)
            retry = client.post(f"/api/v1/patients/{patient}/education-records", json=body, headers=headers)
            assert first.status_code == retry.status_code == 201, first.json
            assert retry.json["id"] == first.json["id"]
            ids.append(first.json["id"])
        return ids

    with ThreadPoolExecutor(WRITERS) as pool:
        written = [record for ids in pool.map(writer, range(WRITERS)) for record in ids]
    assert len(written) == len(set(written)) == WRITERS * EACH
    stored = api_app.test_client().get(f"/api/v1/patients/{patient}/education-records?per_page=100&page=1",
                                       headers=users.nurse).json
    assert stored["total"] == WRITERS * EACH
    notes = sorted(r["note"] for r in stored["items"])
    assert len(notes) == len(set(notes))


def test_eight_writers_racing_with_one_key_create_one_record(api_app, users):
    patient = new_patient(api_app.test_client(), users.nurse)
    start = Barrier(WRITERS)

    def writer(_number: int):
        client = api_app.test_client()
        start.wait()
        response = client.post(f"/api/v1/patients/{patient}/education-records", json=education(),
                               headers={**users.nurse, "Idempotency-Key": "same-call"})
        return response.status_code, response.json["id"]

    with ThreadPoolExecutor(WRITERS) as pool:
        results = list(pool.map(writer, range(WRITERS)))
    assert {status for status, _ in results} == {201}
    assert len({record for _, record in results}) == 1
    stored = api_app.test_client().get(f"/api/v1/patients/{patient}/education-records", headers=users.nurse).json
    assert stored["total"] == 1
