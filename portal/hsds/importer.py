"""An HSDS 3.0 dataset (JSON or the CSV package) into resource YAML files, again and again.

Every record and field that cannot be mapped is reported, and also written as a comment at the top
of the file it belongs to, so nothing is dropped silently. The files are then checked with the
same validation as `portal check`. Importing the same feed again updates the listings it made
(matched by `hsds_id`) and keeps what a person edited since (portal.hsds.sync).
"""
from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from pathlib import Path

import yaml

from portal.content.models import SLUG_RE
from portal.content.pages import read_resource
from portal.content.resource_models import WEEKDAYS, Taxonomy
from portal.hsds.export import ALL_DAY, BYDAY
from portal.hsds.records import services_in
from portal.hsds.sync import fresh, listings_by_id, merge
from portal.hsds.tables import read_package

PHONE_TYPES = {"voice": "voice", "cell": "voice", "text": "text", "fax": "fax", "textphone": "tty", "tty": "tty"}
# US standard-time offsets, for datasets that give only HSDS's numeric time zone.
ZONES = {-5: "America/New_York", -6: "America/Chicago", -7: "America/Denver", -8: "America/Los_Angeles",
         -9: "America/Anchorage", -10: "Pacific/Honolulu", -4: "America/Puerto_Rico"}
# Service fields we keep elsewhere or on purpose leave out; anything else not mapped is reported.
HANDLED = {"id", "organization_id", "name", "description", "url", "email", "status", "interpretation_services",
           "application_process", "fees_description", "eligibility_description", "assured_date", "phones",
           "schedules", "service_areas", "service_at_locations", "languages", "organization", "cost_options",
           "attributes", "metadata", "last_modified", "program_id", "alternate_name", "minimum_age", "maximum_age",
           "required_documents", "assurer_email"}


@dataclass
class ImportReport:
    added: list[Path] = field(default_factory=list)
    changed: list[tuple[Path, list[str]]] = field(default_factory=list)  # file, fields the feed changed
    kept: list[tuple[Path, list[str]]] = field(default_factory=list)  # file, fields edited here and kept
    gone: list[tuple[Path, str]] = field(default_factory=list)  # listings made by an import, not in the feed now
    unchanged: int = 0
    skipped: list[str] = field(default_factory=list)  # whole records not imported, with why
    unmapped: list[str] = field(default_factory=list)  # fields kept only as comments
    invalid: list[str] = field(default_factory=list)  # errors `portal check` will show in the written files

    @property
    def written(self) -> list[Path]:
        return self.added + [path for path, _ in self.changed]


def read_dataset(source: Path) -> tuple[list[dict], list[str]]:
    """Service records from a JSON file (a list, one service, or a paged API response) or a CSV package."""
    if source.is_dir():
        if (source / "services.csv").exists():
            return read_package(source)
        for name in ("services.json", "services_full.json", "service_list.json"):
            if (source / name).exists():
                return read_dataset(source / name)
        return [], [f"{source}: no services.csv or services.json here: not an HSDS dataset"]
    try:
        data = json.loads(source.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        return [], [f"{source}: cannot read it as JSON ({exc})"]
    if isinstance(data, dict) and isinstance(data.get("contents"), list):
        data = data["contents"]  # the HSDS API's paged list
    if isinstance(data, dict):
        data = [data]
    if not isinstance(data, list) or not all(isinstance(item, dict) for item in data):
        return [], [f"{source}: expected a list of HSDS service records"]
    return data, []


def _portal_fields(attributes: list[dict]) -> dict[str, str]:
    return {a.get("link_type") or a.get("taxonomy_term", {}).get("code"): a.get("value", "")
            for a in attributes if a.get("taxonomy_term", {}).get("taxonomy") == "care-guide-portal"}


def _categories(service: dict, taxonomy: Taxonomy, notes: list[str]) -> list[str]:
    known = {c.id for c in taxonomy.categories}
    by_code: dict[str, str] = {}
    for category in taxonomy.categories:
        by_code.setdefault(category.open_eligibility.code, category.id)
    found = []
    for attribute in service.get("attributes", []):
        term = attribute.get("taxonomy_term") or {}
        if term.get("taxonomy") == "care-guide-portal":
            continue
        value, code = attribute.get("value"), str(term.get("code", ""))
        category = value if value in known else by_code.get(code)
        if category and category not in found:
            found.append(category)
        elif not category:
            notes.append(f"attribute: taxonomy term '{term.get('name') or code}' ({term.get('taxonomy', '?')}) "
                         "matches no category in content/taxonomy.yaml")
    return found


def _schedule(service: dict, notes: list[str]) -> dict | None:
    records = service.get("schedules") or []
    if not records:
        return None
    schedule: dict = {}
    zone = next((a.get("value") for r in records for a in r.get("attributes", [])
                 if (a.get("taxonomy_term") or {}).get("code") == "timezone"), None)
    if zone is None:
        offset = next((r["timezone"] for r in records if r.get("timezone") is not None), None)
        zone = ZONES.get(offset)
        if offset is not None and zone is None:
            notes.append(f"schedules: time zone offset {offset} is not a US zone; add schedule.timezone by hand")
    regular = []
    for record in records:
        if record.get("freq") and record["freq"] != "WEEKLY":
            notes.append(f"schedules: a {record['freq']} schedule ({record.get('byday', '')}) is not imported; "
                         "describe it in schedule.notes")
            continue
        if record.get("byday"):
            days = [WEEKDAYS[BYDAY.index(d)] for d in record["byday"].split(",") if d in BYDAY]
            opens, closes = str(record.get("opens_at", ""))[:5], str(record.get("closes_at", ""))[:5]
            regular.append({"days": days, "opens": opens, "closes": closes})
    if len(regular) == 1 and len(regular[0]["days"]) == 7 and (regular[0]["opens"], regular[0]["closes"]) == ALL_DAY:
        schedule["open_24_7"] = True
    elif regular:
        schedule["timezone"] = zone
        schedule["regular"] = regular
    note = next((r.get("notes") for r in records if r.get("notes")), None)
    if note:
        schedule["notes"] = note
    return schedule or None


def _service_area(service: dict) -> dict | None:
    area: dict = {}
    for record in service.get("service_areas") or []:
        kind, _, value = str(record.get("extent", "")).partition(":")
        if record.get("description"):
            area["description"] = record["description"]
        if kind == "country" and value == "US":
            area["national"] = True
        elif kind in ("state", "county", "zip"):
            area.setdefault({"state": "states", "county": "counties", "zip": "zip_codes"}[kind], []).append(value)
        elif record.get("name") and record.get("name") != area.get("description"):
            area["description"] = "; ".join(filter(None, [area.get("description"), record["name"]]))
    return area or None


def _locations(service: dict) -> list[dict]:
    locations = []
    for link in service.get("service_at_locations") or []:
        place = link.get("location") or {}
        address = next((a for a in place.get("addresses") or [] if a.get("address_type") != "postal"),
                       (place.get("addresses") or [None])[0])
        if address is None:
            continue
        entry = {k: v for k, v in (("name", place.get("name")),) if v}
        entry["address"] = {k: v for k, v in (("street", address.get("address_1")),
                                               ("street2", address.get("address_2")),
                                               ("city", address.get("city")),
                                               ("state", address.get("state_province")),
                                               ("zip", str(address.get("postal_code", "")))) if v}
        if place.get("latitude") is not None:
            entry.update(latitude=place["latitude"], longitude=place.get("longitude"))
        access = "; ".join(a["description"] for a in place.get("accessibility") or [] if a.get("description"))
        if access:
            entry["accessibility"] = access
        if place.get("transportation"):
            entry["transportation"] = place["transportation"]
        locations.append(entry)
    return locations


def _joined(*parts: str | None) -> str | None:
    """Sentences joined with a space; None when there are none."""
    text = " ".join(p.strip() for p in parts if p and p.strip())
    return text or None


def _ages(service: dict) -> str | None:
    """minimum_age and maximum_age as a sentence for the eligibility: 'Ages 18 to 64.'"""
    def whole(value):
        return None if value in (None, "") else f"{float(value):g}"
    low, high = whole(service.get("minimum_age")), whole(service.get("maximum_age"))
    if low and high:
        return f"Ages {low} to {high}."
    if low:
        return f"Ages {low} and older."
    return f"Ages {high} and younger." if high else None


def resource_data(service: dict, taxonomy: Taxonomy, notes: list[str], source_name: str = "") -> dict:
    """One HSDS service as the fields of a resource file; what does not fit goes into `notes`.

    The verifier is a name from the feed's metadata, never an email address (those stay out of the
    site); without one, the listing says it was imported from the feed.
    """
    portal = _portal_fields(service.get("attributes", []))
    data: dict = {"name": service.get("name", "")}
    org = service.get("organization")
    if org:
        described = org.get("description") if org.get("description") != org.get("name") else None
        data["organization"] = {k: v for k, v in (("name", org.get("name")), ("description", described),
                                                   ("website", org.get("website")), ("email", org.get("email"))) if v}
    also = service.get("alternate_name")
    data["description"] = _joined(service.get("description", ""),
                                  f"Also called {also}." if also and also != data["name"] else None)
    data["categories"] = _categories(service, taxonomy, notes)
    eligibility = _joined(service.get("eligibility_description"), _ages(service))
    if eligibility:
        data["eligibility"] = eligibility
    cost = next((c for c in service.get("cost_options") or []), {})
    data["cost"] = cost.get("option") if cost.get("option") in ("free", "low-cost", "sliding-scale", "fees") else (
        "free" if cost.get("amount") == 0 else "fees")
    if cost and cost.get("option") not in ("free", "low-cost", "sliding-scale", "fees"):
        notes.append(f"cost_options: '{cost.get('option', '')}' was read as cost '{data['cost']}'; check it")
    fees = service.get("fees_description") or cost.get("amount_description")
    if fees:
        data["fees"] = fees
    documents = [d["document"] for d in service.get("required_documents") or [] if d.get("document")]
    application = _joined(service.get("application_process"),
                          "Bring: " + "; ".join(d.rstrip(".") for d in documents) + "." if documents else None)
    if application:
        data["application_process"] = application
    if service.get("interpretation_services"):
        data["interpretation_services"] = service["interpretation_services"]
    phones = []
    for phone in service.get("phones") or []:
        entry = {"number": str(phone.get("number", "")), "type": PHONE_TYPES.get(phone.get("type", "voice"), "voice")}
        if phone.get("extension") not in (None, ""):
            entry["extension"] = str(int(float(phone["extension"])))
        if phone.get("description"):
            entry["description"] = phone["description"]
        codes = [l["code"] for l in phone.get("languages") or [] if l.get("code")]
        if codes:
            entry["languages"] = codes
        phones.append(entry)
    if phones:
        data["phones"] = phones
    for ours, theirs in (("website", "url"), ("email", "email")):
        if service.get(theirs):
            data[ours] = service[theirs]
    for key, value in (("service_area", _service_area(service)), ("locations", _locations(service)),
                       ("schedule", _schedule(service, notes))):
        if value:
            data[key] = value
    codes = [l["code"] for l in service.get("languages") or [] if l.get("code")]
    if codes:
        data["languages"] = codes
    verified = next((m for m in service.get("metadata") or [] if m.get("last_action_type") == "verified"), {})
    data["last_verified"] = service.get("assured_date") or verified.get("last_action_date") or ""
    who = str(verified.get("updated_by") or "")
    data["verified_by"] = who if who and "@" not in who else f"Imported from the HSDS feed {source_name}".strip()
    if portal.get("example") == "true":
        data["example"] = True
    if portal.get("not_duplicate_of"):
        data["not_duplicate_of"] = portal["not_duplicate_of"].split(",")
    translations: dict = {}
    for code, value in portal.items():
        if code.startswith("translation:"):
            _, lang, name = code.split(":", 2)
            translations.setdefault(lang, {})[name] = value
    if translations:
        data["translations"] = translations
    for key in sorted(set(service) - HANDLED):
        if service[key] not in (None, "", [], {}):
            notes.append(f"{key}: not part of a resource file; its value was {json.dumps(service[key])[:200]}")
    return data


def slug_for(service: dict, taken: set[str]) -> str:
    portal = _portal_fields(service.get("attributes", []))
    base = portal.get("slug") if SLUG_RE.match(portal.get("slug", "")) else (
        re.sub(r"[^a-z0-9]+", "-", str(service.get("name", "")).lower()).strip("-")[:60] or "resource")
    slug, number = base, 2
    while slug in taken:
        slug, number = f"{base}-{number}", number + 1
    taken.add(slug)
    return slug


def import_dataset(source: Path, target: Path, taxonomy: Taxonomy, dry_run: bool = False,
                   overwrite: bool = False) -> ImportReport:
    """Add a YAML file per new active service of `source` into `target`, update the ones an import made.

    Fields edited here since the last import are kept unless `overwrite`. Listings that an import made
    but whose service is no longer in the feed (or no longer active) are reported as gone, never deleted.
    With `dry_run` nothing is written.
    """
    report = ImportReport()
    records, problems = read_dataset(source)
    services, refused = services_in(records, str(source))
    report.skipped += problems + refused
    existing = listings_by_id(target)
    taken = {p.stem for p in target.glob("*.yaml")} if target.is_dir() else set()
    seen: set[str] = set()
    if not dry_run:
        target.mkdir(parents=True, exist_ok=True)
    for service in services:
        hsds_id = str(service.get("id") or "")
        label = f"service '{service.get('name', '?')}' ({hsds_id or 'no id'})"
        if service.get("status", "active") != "active":
            report.skipped.append(f"{label}: status is '{service['status']}', so it is not listed")
            continue
        seen.add(hsds_id)
        notes: list[str] = []
        feed = resource_data(service, taxonomy, notes, source.name)
        path = existing.get(hsds_id) if hsds_id else None
        if path is None:
            path = target / f"{slug_for(service, taken)}.yaml"
            data = fresh(feed, hsds_id) if hsds_id else feed
            report.added.append(path)
        else:
            result = merge(yaml.safe_load(path.read_text(encoding="utf-8")), feed, overwrite)
            if result.kept:
                report.kept.append((path, result.kept))
            if not result.changed:
                report.unchanged += 1
                continue
            data = result.data
            report.changed.append((path, result.changed))
        report.unmapped += [f"{path}: {note}" for note in notes]
        if dry_run:
            continue
        header = "".join(f"# Not imported: {note}\n" for note in notes)
        path.write_text(header + yaml.safe_dump(data, sort_keys=False, allow_unicode=True, width=100),
                        encoding="utf-8")
        report.invalid += [str(error) for error in read_resource(path, str(path)).errors]
    for hsds_id, path in existing.items():
        if hsds_id not in seen:
            report.gone.append((path, hsds_id))
    return report
