"""The HSDS 3.0.1 tabular package: nested service records to CSV tables and back.

Column lists follow the HSDS tabular schema (`schema/compiled/tabular.json`), limited to the
tables and columns the portal writes; unknown columns in an imported package are kept in the
nested records, so the importer can report them.
"""
from __future__ import annotations

import csv
import io
import json
from pathlib import Path

TABLES: dict[str, tuple[str, list[str]]] = {
    "organization": ("organizations.csv", ["id", "name", "alternate_name", "description", "email", "website",
                                           "tax_status", "tax_id", "year_incorporated", "legal_status", "logo",
                                           "uri", "parent_organization_id"]),
    "service": ("services.csv", ["id", "organization_id", "program_id", "name", "alternate_name", "description",
                                 "url", "email", "status", "interpretation_services", "application_process",
                                 "fees_description", "wait_time", "fees", "accreditations",
                                 "eligibility_description", "minimum_age", "maximum_age", "assured_date",
                                 "assurer_email", "licenses", "alert", "last_modified"]),
    "phone": ("phones.csv", ["id", "location_id", "service_id", "organization_id", "contact_id",
                             "service_at_location_id", "number", "extension", "type", "description"]),
    "schedule": ("schedules.csv", ["id", "service_id", "location_id", "service_at_location_id", "valid_from",
                                   "valid_to", "dtstart", "timezone", "until", "count", "wkst", "freq", "interval",
                                   "byday", "byweekno", "bymonthday", "byyearday", "description", "opens_at",
                                   "closes_at", "schedule_link", "attending_type", "notes"]),
    "service_area": ("service_areas.csv", ["id", "service_id", "name", "description", "extent", "extent_type",
                                           "uri"]),
    "service_at_location": ("service_at_location.csv", ["id", "service_id", "location_id", "description"]),
    "location": ("locations.csv", ["id", "location_type", "url", "organization_id", "name", "alternate_name",
                                   "description", "transportation", "latitude", "longitude",
                                   "external_identifier", "external_identifier_type"]),
    "address": ("addresses.csv", ["id", "location_id", "attention", "address_1", "address_2", "city", "region",
                                  "state_province", "postal_code", "country", "address_type"]),
    "accessibility": ("accessibility.csv", ["id", "location_id", "description", "details", "url"]),
    "language": ("languages.csv", ["id", "service_id", "location_id", "phone_id", "name", "code", "note"]),
    "cost_option": ("cost_options.csv", ["id", "service_id", "valid_from", "valid_to", "option", "currency",
                                         "amount", "amount_description"]),
    "attribute": ("attributes.csv", ["id", "link_id", "taxonomy_term_id", "link_type", "link_entity", "value"]),
    "taxonomy_term": ("taxonomy_terms.csv", ["id", "code", "name", "description", "parent_id", "taxonomy",
                                             "language", "taxonomy_id", "term_uri"]),
    "taxonomy": ("taxonomies.csv", ["id", "name", "description", "uri", "version"]),
    "metadata": ("metadata.csv", ["id", "resource_id", "resource_type", "last_action_date", "last_action_type",
                                  "field_name", "previous_value", "replacement_value", "updated_by"]),
}
NUMBERS = {"timezone", "latitude", "longitude", "amount", "extension", "minimum_age", "maximum_age", "count",
           "interval", "year_incorporated"}


def flatten(services: list[dict], organizations: list[dict]) -> dict[str, list[dict]]:
    """Rows of every table, each row linked to its parent by id."""
    rows: dict[str, dict[str, dict]] = {name: {} for name in TABLES}

    def add(table: str, record: dict) -> None:
        rows[table].setdefault(record["id"], {k: v for k, v in record.items() if not isinstance(v, (list, dict))})

    def attributes(record: dict) -> None:
        for attribute in record.get("attributes", []):
            term = attribute["taxonomy_term"]
            add("taxonomy", term["taxonomy_detail"])
            add("taxonomy_term", dict(term, taxonomy_id=term["taxonomy_detail"]["id"]))
            add("attribute", dict(attribute, taxonomy_term_id=term["id"]))

    for organization in organizations:
        add("organization", organization)
    for service in services:
        add("service", service)
        attributes(service)
        for phone in service["phones"]:
            add("phone", phone)
            for language in phone["languages"]:
                add("language", language)
        for schedule in service["schedules"]:
            add("schedule", schedule)
            attributes(schedule)
        for table in ("service_area", "language", "cost_option", "metadata"):
            for record in service.get(table + "s" if table != "metadata" else table, []):
                add(table, record)
        for link in service["service_at_locations"]:
            add("service_at_location", link)
            location = link["location"]
            add("location", location)
            for address in location.get("addresses", []):
                add("address", address)
            for item in location.get("accessibility", []):
                add("accessibility", item)
    return {name: list(table.values()) for name, table in rows.items()}


def _cell(value) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def write_package(folder: Path, services: list[dict], organizations: list[dict]) -> list[Path]:
    """Write the CSV tables and their datapackage.json into `folder`."""
    folder.mkdir(parents=True, exist_ok=True)
    written, resources = [], []
    for name, table_rows in flatten(services, organizations).items():
        path, columns = TABLES[name]
        buffer = io.StringIO()
        writer = csv.writer(buffer, lineterminator="\n")
        writer.writerow(columns)
        for row in table_rows:
            writer.writerow([_cell(row.get(column)) for column in columns])
        (folder / path).write_text(buffer.getvalue(), encoding="utf-8")
        written.append(folder / path)
        resources.append({"name": name, "path": path, "profile": "tabular-data-resource", "format": "csv",
                          "mediatype": "text/csv", "encoding": "utf-8",
                          "schema": {"fields": [{"name": c, "type": "number" if c in NUMBERS else "string"}
                                                for c in columns]}})
    package = {"name": "care-guide-portal-directory", "profile": "tabular-data-package",
               "title": "Community resource directory (HSDS 3.0.1)", "resources": resources}
    (folder / "datapackage.json").write_text(json.dumps(package, indent=2) + "\n", encoding="utf-8")
    return [*written, folder / "datapackage.json"]


def _typed(row: dict) -> dict:
    record = {}
    for key, value in row.items():
        if key is None or value in ("", None):
            continue
        if key in NUMBERS:
            number = float(value)
            value = int(number) if number.is_integer() else number
        record[key] = value
    return record


def read_package(folder: Path) -> tuple[list[dict], list[str]]:
    """Nested service records from a CSV package, and the problems met while joining tables."""
    problems: list[str] = []
    tables: dict[str, list[dict]] = {}
    for name, (path, _columns) in TABLES.items():
        file = folder / path
        if file.exists():
            with file.open(newline="", encoding="utf-8-sig") as handle:
                tables[name] = [_typed(row) for row in csv.DictReader(handle)]
        else:
            tables[name] = []
    if not (folder / "services.csv").exists():
        return [], [f"{folder}: no services.csv: not an HSDS tabular package"]
    by = lambda table, key: _group(tables[table], key)
    terms = {t["id"]: t for t in tables["taxonomy_term"]}
    taxonomies = {t["id"]: t for t in tables["taxonomy"]}
    attributes = by("attribute", "link_id")
    for attribute in tables["attribute"]:
        term = terms.get(attribute.get("taxonomy_term_id"))
        if term is not None:
            attribute["taxonomy_term"] = dict(term, taxonomy_detail=taxonomies.get(term.get("taxonomy_id"), {}))
    organizations = {o["id"]: o for o in tables["organization"]}
    languages_of_phone, languages_of_service = by("language", "phone_id"), by("language", "service_id")
    locations = {l["id"]: l for l in tables["location"]}
    for location in locations.values():
        location["addresses"] = by("address", "location_id").get(location["id"], [])
        location["accessibility"] = by("accessibility", "location_id").get(location["id"], [])
    services = []
    for service in tables["service"]:
        sid = service["id"]
        service["phones"] = [dict(p, languages=languages_of_phone.get(p["id"], []))
                             for p in by("phone", "service_id").get(sid, [])]
        service["schedules"] = [dict(s, attributes=attributes.get(s["id"], []))
                                for s in by("schedule", "service_id").get(sid, [])]
        service["service_areas"] = by("service_area", "service_id").get(sid, [])
        service["languages"] = [l for l in languages_of_service.get(sid, []) if not l.get("phone_id")]
        service["cost_options"] = by("cost_option", "service_id").get(sid, [])
        service["attributes"] = attributes.get(sid, [])
        service["metadata"] = by("metadata", "resource_id").get(sid, [])
        links = by("service_at_location", "service_id").get(sid, [])
        for link in links:
            if link.get("location_id") not in locations:
                problems.append(f"service_at_location.csv: {link['id']}: location '{link.get('location_id')}' "
                                "is not in locations.csv")
        service["service_at_locations"] = [dict(link, location=locations[link["location_id"]]) for link in links
                                           if link.get("location_id") in locations]
        if service.get("organization_id") in organizations:
            service["organization"] = organizations[service["organization_id"]]
        services.append(service)
    return services, problems


def _group(rows: list[dict], key: str) -> dict[str, list[dict]]:
    groups: dict[str, list[dict]] = {}
    for row in rows:
        if row.get(key):
            groups.setdefault(row[key], []).append(row)
    return groups
