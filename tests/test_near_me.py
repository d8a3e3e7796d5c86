"""Near me: where listings are, and the ZIP code centers the site ships (only for the area served)."""
from __future__ import annotations

import json

import pytest
import zipcodes
from bs4 import BeautifulSoup

from conftest import STARTER
from near_me_helpers import READER_ZIP, near_me_content
from portal import create_app
from portal.content import load_library
from portal.content.resource_models import Resource
from portal.site.near_me import located, miles, prefixes, served_states, state_file, zip_place


@pytest.fixture(scope="module")
def near_app(tmp_path_factory):
    content = near_me_content(tmp_path_factory.mktemp("near") / "content")
    return create_app({"PORTAL_CONTENT_DIR": str(content), "PORTAL_CACHE_DIR": ""})


def _package(state: str) -> dict[str, dict]:
    """The package's own records of a state, read the slow way (a full scan) to check ours against."""
    return {z["zip_code"]: z for z in zipcodes.filter_by(state=state)}


def test_zip_centers_come_from_the_package():
    place = zip_place(READER_ZIP)
    record = zipcodes.matching(READER_ZIP)[0]
    assert (place.latitude, place.longitude) == (round(float(record["lat"]), 3), round(float(record["long"]), 3))
    assert place.state == "CA" and place.county == "riverside"  # "Riverside County", as compared
    assert zip_place(READER_ZIP + "-1234") == place


@pytest.mark.parametrize("bad", ["90000", "9250", "925077", "abcde", "", "00000"])
def test_a_zip_code_that_does_not_exist_has_no_center(bad):
    assert zip_place(bad) is None


def test_the_site_ships_only_the_states_its_listings_serve(near_app):
    client = near_app.test_client()
    with near_app.app_context():
        lib = near_app.extensions["portal.library"]
        # CA: addresses, a county, ZIP codes and a whole-state line; NV: a whole-state line. National lines add none.
        assert served_states(entry.data for entry in lib.resources.values()) == ["CA", "NV"]
    california = client.get("/directory/zip/CA.json")
    assert california.status_code == 200 and california.mimetype == "application/json"
    data = json.loads(california.data)
    assert set(data["zips"]) == set(_package("CA"))  # every ZIP code of the state, and no other
    assert "10001" not in data["zips"] and "89501" not in data["zips"]
    latitude, longitude, county = data["zips"][READER_ZIP]
    assert (latitude, longitude) == tuple(zip_place(READER_ZIP)[:2]) and data["counties"][county] == "riverside"
    assert client.get("/directory/zip/NV.json").status_code == 200
    for other in ("NY", "TX", "XX", "ca"):
        assert client.get(f"/directory/zip/{other}.json").status_code == 404
    assert len(california.data) < 150_000  # the largest states (CA, TX) fit the directory's file budget


def test_the_starter_library_ships_california_only():
    lib = load_library(STARTER)
    assert served_states(entry.data for entry in lib.resources.values()) == ["CA"]


def test_prefixes_name_the_first_digits_of_each_states_zip_codes():
    ranges = prefixes(["NV"])["NV"].split(" ")
    spans = [tuple(int(n) for n in (r.split("-") * 2)[:2]) for r in ranges]
    assert all(a <= b for a, b in spans) and spans == sorted(spans)
    first = {int(code[:3]) for code in state_file("NV")["zips"]}
    assert first == {n for a, b in spans for n in range(a, b + 1)}
    assert 889 in first and 900 not in first


def test_a_listing_is_where_its_coordinates_say_else_at_its_zip_codes_center():
    def resource(location: dict) -> Resource:
        return Resource.model_validate({"name": "X", "description": "Y", "categories": ["food"], "cost": "free",
                                        "last_verified": "2026-11-01", "verified_by": "Dana", "locations": [location]})
    address = {"street": "1 Main St", "city": "Riverside", "state": "CA", "zip": "92501"}
    [given] = located(resource({"address": address, "latitude": 33.9425, "longitude": -117.2297}))
    assert given == (33.9425, -117.2297, None)
    [centre] = located(resource({"address": address}))
    assert centre == (*zip_place("92501")[:2], "92501")
    assert located(resource({"address": {**address, "zip": "90000"}})) == []  # no such ZIP code: no place


def test_cards_carry_where_the_listing_is_and_what_it_serves(near_app):
    soup = BeautifulSoup(near_app.test_client().get("/en/categories/food/").data, "html.parser")
    cards = {card.h3.get_text(): card for card in soup.select("li.resource-card")}
    assert cards["Example: Riverside Food Pantry"]["data-at"] == "33.992 -117.369 92501"  # the ZIP code's center
    assert cards["Moreno Valley Meals"]["data-at"] == "33.9425 -117.2297"  # its own coordinates
    county = cards["County Meals on Call"]
    assert not county.has_attr("data-at") and county["data-counties"] == "riverside/CA"  # no address: no place
    assert cards["California Food Line"]["data-states"] == "CA"
    data = json.loads(soup.find("script", id="directory-data").string)
    assert data["near"]["files"] == {"CA": "/directory/zip/CA.json", "NV": "/directory/zip/NV.json"}
    assert data["near"]["states"] == {"CA": "Serves all of California", "NV": "Serves all of Nevada"}
    assert soup.find("form", id="near-me").has_attr("hidden")  # shown by the script; without it, the list as before
    arabic = BeautifulSoup(near_app.test_client().get("/ar/categories/food/").data, "html.parser")
    states = json.loads(arabic.find("script", id="directory-data").string)["near"]["states"]
    assert states["CA"] != "Serves all of California" and "كاليفورنيا" in states["CA"]


def test_a_list_of_national_services_offers_no_near_me(near_app):
    soup = BeautifulSoup(near_app.test_client().get("/en/categories/mental-health/").data, "html.parser")
    assert soup.find("form", id="near-me") is None
    assert json.loads(soup.find("script", id="directory-data").string)["near"] is None


def test_distances_are_great_circle_miles():
    los_angeles, new_york = (34.0522, -118.2437), (40.7128, -74.0060)
    assert 2440 < miles(los_angeles, new_york) < 2455  # about 2,445 miles as the crow flies
    assert miles(los_angeles, los_angeles) == 0
