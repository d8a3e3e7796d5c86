"""A small directory spread over Riverside County, California, for the "near me" tests.

Beside the fixture library's pantry (100 Sample Street, ZIP 92501, no coordinates) and its
national crisis line: food listings at known places, one with its own coordinates, listings that
serve a ZIP code or a county and have no address, two whole-state lines and a national one.
"""
from __future__ import annotations

import shutil
from pathlib import Path

FIXTURE = Path(__file__).parent / "fixtures" / "content"
READER_ZIP = "92507"  # Riverside, CA


def _listing(name: str, phone: str, extra: str) -> str:
    return (f'name: "{name}"\ndescription: Free food for families.\ncategories: [food]\ncost: free\n'
            f'phones:\n  - number: "(951) 555-{phone}"\n{extra}'
            "last_verified: 2026-11-01\nverified_by: Dana Lee, community health worker\n")


def _at(street: str, city: str, zip_code: str, coordinates: str = "") -> str:
    return (f"locations:\n  - address:\n      street: {street}\n      city: {city}\n      state: CA\n"
            f'      zip: "{zip_code}"\n{coordinates}')


LISTINGS = {
    "campus-pantry": _listing("Campus Pantry", "0201", _at("1 University Ave", "Riverside", "92507")),
    "moreno-meals": _listing("Moreno Valley Meals", "0202", _at("5 Alessandro Blvd", "Moreno Valley", "92553",
                                                                "    latitude: 33.9425\n    longitude: -117.2297\n")),
    "desert-pantry": _listing("Desert Pantry", "0203", _at("9 Palm Canyon Dr", "Palm Springs", "92262")),
    "city-food-bank": _listing("City Food Bank", "0204", _at("2 Main St", "Los Angeles", "90012")),
    "county-meals": _listing("County Meals on Call", "0205", 'service_area:\n  counties: ["Riverside County, CA"]\n'),
    "orange-meals": _listing("Orange Meals on Call", "0206", 'service_area:\n  counties: ["Orange County, CA"]\n'),
    "ride-to-food": _listing("Ride to Food", "0207", 'service_area:\n  zip_codes: ["92507"]\n'),
    "california-food-line": _listing("California Food Line", "0208", "service_area:\n  states: [CA]\n"),
    "nevada-food-line": _listing("Nevada Food Line", "0209", "service_area:\n  states: [NV]\n"),
    "national-food-line": _listing("National Food Line", "0210", "service_area:\n  national: true\n"),
}
# Near ZIP code 92507, nearest first; then the ones that serve it without an address (A to Z).
NEAR = ["Campus Pantry", "Example: Riverside Food Pantry", "Moreno Valley Meals", "Desert Pantry", "City Food Bank"]
NO_ADDRESS = ["County Meals on Call", "Ride to Food"]
WHOLE_STATE = ["California Food Line"]
WHOLE_COUNTRY = ["National Food Line"]
NOT_SERVED = ["Nevada Food Line", "Orange Meals on Call"]


def near_me_content(target: Path) -> Path:
    """The fixture library with the listings above, copied to `target`."""
    shutil.copytree(FIXTURE, target)
    for slug, text in LISTINGS.items():
        (target / "resources" / f"{slug}.yaml").write_text(text, encoding="utf-8")
    return target
