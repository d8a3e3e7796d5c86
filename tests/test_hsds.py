"""HSDS 3.0.1 export validates against the official schemas; export -> import loses nothing we model."""
from __future__ import annotations

import hashlib
import json
import shutil
from pathlib import Path

import pytest
import yaml
from jsonschema import Draft7Validator
from referencing import Registry
from referencing.jsonschema import DRAFT7

from conftest import FIXTURES, LANGUAGES, STARTER
from portal.cli import main
from portal.content import load_library
from portal.hsds.export import uid

VENDORED = FIXTURES / "hsds-3.0.1"  # the official schemas, vendored: the tests' source of truth


def _schema_dir() -> Path:
    return VENDORED / "schema"


def test_vendored_schemas_are_unchanged_since_they_were_copied():
    """SHA256SUMS was written when the official 3.0.1 schemas were copied in; an edit shows here."""
    listed = dict(reversed(line.split(maxsplit=1)) for line in (VENDORED / "SHA256SUMS").read_text().splitlines())
    present = {str(path.relative_to(VENDORED)) for path in _schema_dir().rglob("*.json")}
    assert set(listed) == present and len(present) >= 20
    for name, digest in listed.items():
        assert hashlib.sha256((VENDORED / name).read_bytes()).hexdigest() == digest, name


@pytest.fixture(scope="module")
def exported(tmp_path_factory) -> Path:
    output = tmp_path_factory.mktemp("hsds")
    from click.testing import CliRunner

    result = CliRunner().invoke(main, ["export", "hsds", str(output), "--content", str(STARTER)])
    assert result.exit_code == 0, result.output
    return output


def _validators() -> tuple[Draft7Validator, Draft7Validator]:
    schemas = _schema_dir()
    registry = Registry().with_resources(
        [(p.name, DRAFT7.create_resource(json.loads(p.read_text()))) for p in schemas.glob("*.json")])
    service = Draft7Validator(json.loads((schemas / "compiled" / "service_with_definitions.json").read_text()),
                              format_checker=Draft7Validator.FORMAT_CHECKER)
    organization = Draft7Validator(json.loads((schemas / "organization.json").read_text()), registry=registry,
                                   format_checker=Draft7Validator.FORMAT_CHECKER)
    return service, organization


def test_every_exported_record_validates_against_the_official_schemas(exported):
    service_schema, organization_schema = _validators()
    services = json.loads((exported / "services.json").read_text())
    organizations = json.loads((exported / "organizations.json").read_text())
    assert len(services) == len(load_library(STARTER, LANGUAGES).resources)
    assert organizations
    problems = [f"{s['name']}: {list(e.path)}: {e.message}" for s in services for e in service_schema.iter_errors(s)]
    problems += [f"{o['name']}: {list(e.path)}: {e.message}" for o in organizations
                 for e in organization_schema.iter_errors(o)]
    assert problems == []
    # The validators do catch HSDS's quirks: freq is WEEKLY or MONTHLY, timezone is a number.
    broken = dict(services[0], schedules=[{"id": services[0]["id"], "freq": "DAILY", "timezone": "America/New_York"}])
    assert len(list(service_schema.iter_errors(broken))) == 2


def test_hsds_quirks(exported):
    services = {s["name"]: s for s in json.loads((exported / "services.json").read_text())}
    nami = services["NAMI HelpLine"]
    [schedule] = nami["schedules"]
    assert (schedule["freq"], schedule["byday"], schedule["opens_at"], schedule["closes_at"]) == (
        "WEEKLY", "MO,TU,WE,TH,FR", "10:00", "22:00")
    assert schedule["timezone"] == -5  # HSDS wants a UTC offset; the IANA zone rides in an attribute
    assert schedule["attributes"][0]["value"] == "America/New_York"
    assert nami["assured_date"] == "2026-11-22"
    categories = [a for a in nami["attributes"] if a["taxonomy_term"]["taxonomy"] == "Open Eligibility"]
    assert {(a["value"], a["taxonomy_term"]["code"], a["taxonomy_term"]["name"]) for a in categories} == {
        ("mental-health", "1220", "Counseling"), ("caregiver-support", "1286", "Relief for Caregivers")}


def test_export_is_byte_identical_and_ids_are_stable(exported, tmp_path, runner):
    again = tmp_path / "again"
    assert runner.invoke(main, ["export", "hsds", str(again), "--content", str(STARTER)]).exit_code == 0
    files = sorted(p.relative_to(exported) for p in exported.rglob("*") if p.is_file())
    assert files == sorted(p.relative_to(again) for p in again.rglob("*") if p.is_file())
    for name in files:
        assert (again / name).read_bytes() == (exported / name).read_bytes(), name


def test_csv_package_matches_the_tabular_schema(exported):
    tabular = json.loads((_schema_dir() / "compiled" / "tabular.json").read_text())["properties"]
    tables = {spec["items"]["path"]: spec["items"] for spec in tabular.values()}
    package = json.loads((exported / "csv" / "datapackage.json").read_text())
    import csv

    for resource in package["resources"]:
        spec = tables[resource["path"]]
        with (exported / "csv" / resource["path"]).open(newline="") as handle:
            reader = csv.DictReader(handle)
            assert set(reader.fieldnames) <= set(spec["properties"]), resource["path"]
            rows = list(reader)
        assert set(spec.get("required", [])) <= set(reader.fieldnames), resource["path"]
        for row in rows:  # every row has its identifier, and names where the table requires one
            missing = [c for c in spec.get("required", []) if c in ("id", "name", "number") and not row.get(c)]
            assert not missing, f"{resource['path']}: {missing}"
    services = list(csv.DictReader((exported / "csv" / "services.csv").read_text().splitlines()))
    assert len(services) == len(json.loads((exported / "services.json").read_text()))


def _round_trip(source_content: Path, exported: Path, tmp_path: Path, runner) -> tuple:
    target = tmp_path / "imported" / "content"
    (target / "conditions").mkdir(parents=True)
    (target / "medications").mkdir()
    shutil.copy(source_content / "taxonomy.yaml", target / "taxonomy.yaml")
    result = runner.invoke(main, ["import", "hsds", str(exported), "--content", str(target)])
    assert result.exit_code == 0, result.output
    return load_library(source_content, LANGUAGES), load_library(target, LANGUAGES), result


@pytest.mark.parametrize("form", ["services.json", "csv"])
def test_round_trip_loses_no_field_we_model(form, content_dir, tmp_path, runner):
    """Every field of the schema, set, survives export and import (JSON and CSV)."""
    (content_dir / "resources" / "full.yaml").write_text(FULL_RESOURCE)
    output = tmp_path / "export"
    assert runner.invoke(main, ["export", "hsds", str(output), "--content", str(content_dir)]).exit_code == 0
    before, after, result = _round_trip(content_dir, output / form if form == "csv" else output / form,
                                        tmp_path, runner)
    assert "0 fields kept as comments, 0 problems to fix" in result.output
    assert sorted(before.resources) == sorted(after.resources)
    for slug, entry in before.resources.items():
        assert _listing(after.resources[slug].data) == _listing(entry.data), slug
    # The imported copy remembers the feed's id: exporting it again gives the same id.
    assert after.resources["full"].data.hsds_id == uid("service", "full")
    full = after.resources["full"].data
    assert full.translations["es"].description == "Comida gratis los martes."
    assert full.locations[0].latitude == 33.9806 and full.phones[0].extension == "204"


def test_starter_directory_round_trips(exported, tmp_path, runner):
    before, after, _ = _round_trip(STARTER, exported, tmp_path, runner)
    assert ({s: _listing(e.data) for s, e in after.resources.items()}
            == {s: _listing(e.data) for s, e in before.resources.items()})


def _listing(resource) -> dict:
    """What a listing says, without what the import adds to remember the feed."""
    return resource.model_dump(exclude={"hsds_id", "imported"})


def test_import_of_a_foreign_dataset_reports_what_it_could_not_map(content_dir, runner):
    """The specification's own example: UK data, fields we don't model; nothing is dropped silently."""
    result = runner.invoke(main, ["import", "hsds", str(VENDORED / "examples" / "service_full.json"),
                                  "--content", str(content_dir)])
    assert result.exit_code == 0, result.output
    written = content_dir / "resources" / "community-counselling.yaml"
    text = written.read_text()
    assert "# Not imported: wait_time: not part of a resource file" in text
    assert "# Not imported: schedules: time zone offset 3 is not a US zone" in text
    assert "kept as a comment: " in result.output
    assert (f"to fix: {written}:" in result.output and "is not a US phone number" in result.output)
    check = runner.invoke(main, ["check", str(content_dir)])
    assert check.exit_code == 1 and "community-counselling.yaml" in check.output


def test_import_never_overwrites_a_listing_it_did_not_make_and_rejects_what_is_not_hsds(content_dir, tmp_path,
                                                                                        runner):
    existing = (content_dir / "resources" / "crisis-line.yaml").read_text()
    output = tmp_path / "export"
    runner.invoke(main, ["export", "hsds", str(output), "--content", str(content_dir)])
    result = runner.invoke(main, ["import", "hsds", str(output), "--content", str(content_dir)])
    assert result.exit_code == 0
    assert (content_dir / "resources" / "crisis-line.yaml").read_text() == existing  # written by hand: no hsds_id
    assert (content_dir / "resources" / "crisis-line-2.yaml").exists()
    (tmp_path / "junk.json").write_text('{"hello": ')
    bad = runner.invoke(main, ["import", "hsds", str(tmp_path / "junk.json"), "--content", str(content_dir)])
    assert bad.exit_code == 1 and "cannot read it as JSON" in bad.output
    inactive = json.loads((output / "services.json").read_text())[:1]
    inactive[0]["status"] = "defunct"
    (tmp_path / "old.json").write_text(json.dumps(inactive))
    skipped = runner.invoke(main, ["import", "hsds", str(tmp_path / "old.json"), "--content", str(content_dir)])
    assert "status is 'defunct', so it is not listed" in skipped.output


FULL_RESOURCE = """\
name: Hillside Pantry
organization:
  name: Hillside Services
  description: A neighborhood group.
  website: https://hillside.example.org
  email: info@hillside.example.org
description: Free food on Tuesdays.
categories: [food, mental-health]
eligibility: Anyone in the county.
cost: low-cost
fees: $1 a bag.
application_process: Just come by.
interpretation_services: Interpreters by phone.
phones:
  - number: "(951) 555-0142"
    extension: "204"
    type: voice
    description: Front desk.
    languages: [en, es]
  - number: "(951) 555-0143"
    type: tty
website: https://hillside.example.org/pantry
email: pantry@hillside.example.org
service_area:
  description: Riverside area
  states: [CA]
  counties: ["Riverside County, CA"]
  zip_codes: ["92501", "92503"]
locations:
  - name: Main pantry
    address:
      street: 100 Sample Street
      street2: Suite 3
      city: Riverside
      state: CA
      zip: "92501"
    latitude: 33.9806
    longitude: -117.3755
    accessibility: Ramp at the side door.
    transportation: Bus 1 stops in front.
schedule:
  timezone: America/Phoenix
  regular:
    - days: [tuesday, thursday]
      opens: "09:00"
      closes: "13:00"
    - days: [saturday]
      opens: "10:00"
      closes: "12:00"
  notes: Closed on holidays.
languages: [en, es, vi]
last_verified: 2026-11-01
verified_by: Dana Lee
example: true
not_duplicate_of: [example-pantry]
translations:
  es:
    status: reviewed
    reviewed_by: Ana Ruiz
    name: Despensa Hillside
    description: Comida gratis los martes.
    eligibility: Cualquier persona del condado.
    fees: $1 por bolsa.
    application_process: Solo venga.
    interpretation_services: Intérpretes por teléfono.
    schedule_notes: Cerrado los días festivos.
"""


def test_import_with_a_broken_taxonomy_lists_its_errors(content_dir, runner, exported):
    (content_dir / "taxonomy.yaml").write_text("categories:\n  - id: food\n    name: Food\n")
    result = runner.invoke(main, ["import", "hsds", str(exported), "--content", str(content_dir)])
    assert result.exit_code == 1 and isinstance(result.exception, SystemExit)  # an error list, no traceback
    assert "content/taxonomy.yaml:2: categories[1].description: is required but missing" in result.output
    assert "fix content/taxonomy.yaml first" in result.output
    assert not (content_dir / "resources" / "211-helpline.yaml").exists()


# --- files that are not services, and importing a feed again -----------------------------------------

def test_an_organization_file_imports_each_of_its_services(content_dir, runner):
    result = runner.invoke(main, ["import", "hsds", str(VENDORED / "examples" / "organization_full.json"),
                                  "--content", str(content_dir)])
    assert result.exit_code == 0, result.output
    written = yaml.safe_load((content_dir / "resources" / "community-counselling.yaml").read_text())
    assert (written["name"], written["organization"]["name"]) == ("Community Counselling", "Example Organization Inc.")
    assert written["hsds_id"] == "ac148810-d857-441c-9679-408f346de14b"
    assert sorted(p.name for p in (content_dir / "resources").glob("*.yaml")) == [
        "community-counselling.yaml", "crisis-line.yaml", "example-pantry.yaml"]


def test_a_service_at_location_file_imports_the_service_at_its_place(content_dir, runner):
    result = runner.invoke(main, ["import", "hsds", str(VENDORED / "examples" / "service_at_location_full.json"),
                                  "--content", str(content_dir)])
    assert result.exit_code == 0, result.output
    written = yaml.safe_load((content_dir / "resources" / "community-counselling.yaml").read_text())
    assert written["name"] == "Community Counselling"
    assert "MyCity Civic Center" in [place.get("name") for place in written["locations"]]


@pytest.mark.parametrize("record, problem", [
    ({"id": "o1", "name": "Riverside Services", "website": "https://r.example.org", "tax_status": "501c3"},
     "organization 'Riverside Services' lists no services, and an organization is not a listing; give the "
     "services file (services.json, or the CSV package folder) instead"),
    ({"id": "sal1", "service_id": "s1", "location_id": "l1"},
     "service-at-location record 'sal1' does not carry its service; give the services file"),
    ({"id": "l1", "name": "Main office", "latitude": 33.9, "longitude": -117.3, "location_type": "physical"},
     "record 'Main office' is a location, not a service"),
    ({"id": "x1", "description": "no name"}, "record x1 has no name, so it is not a service"),
])
def test_files_that_are_not_services_are_refused_with_what_to_give_instead(record, problem, content_dir, runner,
                                                                          tmp_path):
    (tmp_path / "feed.json").write_text(json.dumps([record]))
    before = sorted((content_dir / "resources").iterdir())
    result = runner.invoke(main, ["import", "hsds", str(tmp_path / "feed.json"), "--content", str(content_dir)])
    assert result.exit_code == 1 and "Traceback" not in result.output
    assert f"not imported: {tmp_path / 'feed.json'}: {problem}" in result.output
    assert sorted((content_dir / "resources").iterdir()) == before


def test_alternate_name_ages_and_documents_go_into_the_text_and_no_email_is_a_verifier(content_dir, runner, tmp_path):
    service = {"id": "s-1", "name": "Warm Line", "alternate_name": "Peer Support Line",
               "description": "Someone to talk to.", "eligibility_description": "People in Riverside County.",
               "minimum_age": 18, "maximum_age": 64.0, "application_process": "Call us.",
               "required_documents": [{"id": "d1", "document": "Photo ID."}, {"id": "d2", "document": "Proof of address"}],
               "assurer_email": "checker@211.example.org", "assured_date": "2026-10-01",
               "metadata": [{"last_action_type": "verified", "updated_by": "staff@211.example.org"}]}
    (tmp_path / "feed.json").write_text(json.dumps([service]))
    result = runner.invoke(main, ["import", "hsds", str(tmp_path / "feed.json"), "--content", str(content_dir)])
    text = (content_dir / "resources" / "warm-line.yaml").read_text()
    written = yaml.safe_load(text)
    assert written["description"] == "Someone to talk to. Also called Peer Support Line."
    assert written["eligibility"] == "People in Riverside County. Ages 18 to 64."
    assert written["application_process"] == "Call us. Bring: Photo ID; Proof of address."
    assert written["verified_by"] == "Imported from the HSDS feed feed.json"
    assert "@" not in text and "# Not imported" not in text and "kept as a comment" not in result.output


def _feed(content_dir, tmp_path, runner) -> tuple[Path, Path]:
    """The fixture directory exported as a feed, and an empty content folder that imported it once."""
    feed = tmp_path / "feed"
    assert runner.invoke(main, ["export", "hsds", str(feed), "--content", str(content_dir)]).exit_code == 0
    target = tmp_path / "clinic" / "content"
    for folder in ("conditions", "medications"):
        (target / folder).mkdir(parents=True)
    shutil.copy(content_dir / "taxonomy.yaml", target / "taxonomy.yaml")
    first = runner.invoke(main, ["import", "hsds", str(feed / "services.json"), "--content", str(target)])
    assert first.exit_code == 0 and "2 added, 0 changed, 0 unchanged, 0 gone" in first.output, first.output
    return feed / "services.json", target / "resources"


def test_importing_the_same_feed_again_changes_nothing(content_dir, tmp_path, runner):
    feed, resources = _feed(content_dir, tmp_path, runner)
    before = {p.name: p.read_text() for p in resources.iterdir()}
    again = runner.invoke(main, ["import", "hsds", str(feed), "--content", str(resources.parent)])
    assert again.exit_code == 0 and "0 added, 0 changed, 2 unchanged, 0 gone" in again.output
    assert {p.name: p.read_text() for p in resources.iterdir()} == before  # no -2 copies


def test_a_second_import_updates_reports_and_keeps_local_edits(content_dir, tmp_path, runner):
    feed, resources = _feed(content_dir, tmp_path, runner)
    pantry, crisis = resources / "example-pantry.yaml", resources / "crisis-line.yaml"
    # Here, a person rewrites the pantry's cost; in the feed, its description changes and the crisis line closes.
    pantry.write_text(pantry.read_text().replace("cost: free", "cost: low-cost"))
    services = json.loads(feed.read_text())
    services[1]["description"] = "Free groceries on Tuesdays."
    services[1]["cost_options"] = [{"id": "c", "service_id": services[1]["id"], "option": "sliding-scale"}]
    services[0]["status"] = "inactive"
    feed.write_text(json.dumps(services))
    edited = pantry.read_text()

    dry = runner.invoke(main, ["import", "hsds", str(feed), "--content", str(resources.parent), "--dry-run"])
    assert dry.exit_code == 0, dry.output
    assert f"would be changed: {pantry} (description)" in dry.output
    assert f"kept as edited here: {pantry} (cost; --overwrite takes the feed's)" in dry.output
    assert f"gone: {crisis} (service {services[0]['id']} is no longer an active service" in dry.output
    assert "Dry run, nothing written: 0 added, 1 changed, 0 unchanged, 1 gone" in dry.output
    assert pantry.read_text() == edited and crisis.exists()

    real = runner.invoke(main, ["import", "hsds", str(feed), "--content", str(resources.parent)])
    assert f"changed: {pantry} (description)" in real.output and "kept as edited here" in real.output
    data = yaml.safe_load(pantry.read_text())
    assert (data["description"], data["cost"]) == ("Free groceries on Tuesdays.", "low-cost")
    assert sorted(p.name for p in resources.iterdir()) == ["crisis-line.yaml", "example-pantry.yaml"]
    kept = runner.invoke(main, ["import", "hsds", str(feed), "--content", str(resources.parent)])
    assert "0 changed, 1 unchanged" in kept.output and "kept as edited here" in kept.output  # still edited here

    forced = runner.invoke(main, ["import", "hsds", str(feed), "--content", str(resources.parent), "--overwrite"])
    assert f"changed: {pantry} (cost)" in forced.output
    assert yaml.safe_load(pantry.read_text())["cost"] == "sliding-scale"
    assert load_library(resources.parent, LANGUAGES).resources["example-pantry"].data.cost == "sliding-scale"
