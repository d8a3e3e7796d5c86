"""The directory as Open Referral HSDS 3.0.1: one service record per resource file.

IDs are UUIDs derived from slugs (uuid5), and nothing depends on the clock, so an unchanged
directory exports byte-identically. What HSDS has no field for (our category ids, the file's slug,
the example flag, not_duplicate_of, translations, the IANA time zone) travels as `attributes` whose taxonomy term
belongs to the `care-guide-portal` taxonomy, so an import restores it.
"""
from __future__ import annotations

import datetime as dt
import uuid
from zoneinfo import ZoneInfo

from babel import Locale

from portal.content.library import Library, ResourceEntry
from portal.content.resource_models import WEEKDAYS, Resource, Taxonomy

NAMESPACE = uuid.UUID("6f6c1c52-5d0b-4a53-9d55-2f0b7c2d8e11")  # fixed: the same slug always gets the same id
BYDAY = ("MO", "TU", "WE", "TH", "FR", "SA", "SU")
PHONE_TYPES = {"voice": "voice", "text": "text", "fax": "fax", "tty": "textphone"}
OPEN_ELIGIBILITY = {"name": "Open Eligibility",
                    "description": "The Open Eligibility human services taxonomy (CC BY-SA 3.0).",
                    "uri": "http://terminology.hl7.org/CodeSystem/OpenEligibilityTaxonomy"}
PORTAL_TAXONOMY = {"name": "care-guide-portal",
                   "description": "Fields of Care Guide Portal resource files that HSDS has no field for."}
ALL_DAY = ("00:00", "23:59")  # how an open-24/7 service is written: HSDS has no "always open"
# Offsets are taken in January, so they are standard time whatever the day of the export.
STANDARD_TIME = dt.datetime(2026, 1, 15, 12)


def uid(*parts: str) -> str:
    """A stable UUID for an object of the export, from the slug and the object's place in the file."""
    return str(uuid.uuid5(NAMESPACE, "/".join(parts)))


def utc_offset(zone: str) -> float:
    """HSDS writes a schedule's time zone as a UTC offset in hours: America/New_York -> -5."""
    offset = ZoneInfo(zone).utcoffset(STANDARD_TIME).total_seconds() / 3600
    return int(offset) if offset.is_integer() else offset


def _language(code: str, owner: str) -> dict:
    name = Locale.parse(code.replace("-", "_")).get_display_name("en") or code
    return {"id": uid(owner, "language", code), "name": name, "code": code}


def _portal_attribute(owner_id: str, entity: str, code: str, value: str, owner: str) -> dict:
    return {"id": uid(owner, "attribute", code), "link_id": owner_id, "link_type": code, "link_entity": entity,
            "value": value,
            "taxonomy_term": {"id": uid("care-guide-portal", code), "code": code, "name": code,
                              "description": f"Care Guide Portal field '{code}'", "taxonomy": "care-guide-portal",
                              "taxonomy_detail": {"id": uid("taxonomy", "care-guide-portal"), **PORTAL_TAXONOMY}}}


def _category_attribute(service_id: str, category_id: str, taxonomy: Taxonomy, slug: str) -> dict:
    category = next(c for c in taxonomy.categories if c.id == category_id)
    term = category.open_eligibility
    return {"id": uid(slug, "attribute", "category", category_id), "link_id": service_id,
            "link_type": "category", "link_entity": "service", "value": category_id,
            "taxonomy_term": {"id": uid("open-eligibility", term.code), "code": term.code, "name": term.name,
                              "description": category.description, "taxonomy": "Open Eligibility",
                              "language": "en", "term_uri": f"{OPEN_ELIGIBILITY['uri']}#{term.code}",
                              "taxonomy_detail": {"id": uid("taxonomy", "open-eligibility"), **OPEN_ELIGIBILITY}}}


def organization_record(resource: Resource) -> dict | None:
    org = resource.organization
    if org is None:
        return None
    # HSDS requires a description; without one of ours it repeats the name (the importer knows to drop it).
    record = {"id": uid("organization", org.name.casefold()), "name": org.name,
              "description": org.description or org.name}
    if org.email:
        record["email"] = org.email
    if org.website:
        record["website"] = str(org.website)
    return record


def _phones(resource: Resource, service_id: str, slug: str) -> list[dict]:
    phones = []
    for index, phone in enumerate(resource.phones):
        owner = f"{slug}/phone/{index}"
        record = {"id": uid(owner), "service_id": service_id, "number": phone.number,
                  "type": PHONE_TYPES[phone.type]}
        if phone.extension:
            record["extension"] = int(phone.extension)
        if phone.description:
            record["description"] = phone.description
        record["languages"] = [dict(_language(code, owner), phone_id=record["id"]) for code in phone.languages]
        phones.append(record)
    return phones


def _schedules(resource: Resource, service_id: str, slug: str) -> list[dict]:
    schedule = resource.schedule
    if schedule is None:
        return []
    lines = [(list(WEEKDAYS), *ALL_DAY)] if schedule.open_24_7 else [(h.days, h.opens, h.closes)
                                                                      for h in schedule.regular]
    records = []
    for index, (days, opens, closes) in enumerate(lines or [(None, None, None)]):
        record = {"id": uid(slug, "schedule", str(index)), "service_id": service_id}
        if days:
            record.update(freq="WEEKLY", wkst="MO", byday=",".join(BYDAY[WEEKDAYS.index(d)] for d in days),
                          opens_at=opens, closes_at="23:59" if closes == "24:00" else closes)
            if schedule.timezone:
                record["timezone"] = utc_offset(schedule.timezone)
        if schedule.open_24_7:
            record["description"] = "Open 24 hours, 7 days a week."
        if schedule.notes:
            record["notes"] = schedule.notes
        if schedule.timezone:
            record["attributes"] = [_portal_attribute(record["id"], "schedule", "timezone", schedule.timezone,
                                                      f"{slug}/schedule/{index}")]
        records.append(record)
    return records


def _service_areas(resource: Resource, service_id: str, slug: str) -> list[dict]:
    area = resource.service_area
    if area is None:
        return []
    extents = ([("United States", "country:US")] if area.national else [])
    extents += [(state, f"state:{state}") for state in area.states]
    extents += [(county, f"county:{county}") for county in area.counties]
    extents += [(code, f"zip:{code}") for code in area.zip_codes]
    if not extents:
        extents = [(area.description or "", "")]
    records = []
    for index, (name, extent) in enumerate(extents):
        record = {"id": uid(slug, "service_area", str(index)), "service_id": service_id, "name": name}
        if area.description:
            record["description"] = area.description
        if extent:
            record.update(extent=extent, extent_type="text")
        records.append(record)
    return records


def _service_at_locations(resource: Resource, service_id: str, slug: str) -> list[dict]:
    records = []
    for index, location in enumerate(resource.locations):
        owner = f"{slug}/location/{index}"
        address = location.address
        place = {"id": uid(owner), "location_type": "physical"}
        if location.name:
            place["name"] = location.name
        if location.transportation:
            place["transportation"] = location.transportation
        if location.latitude is not None:
            place.update(latitude=location.latitude, longitude=location.longitude)
        place["addresses"] = [{"id": uid(owner, "address"), "location_id": place["id"], "address_1": address.street,
                               **({"address_2": address.street2} if address.street2 else {}),
                               "city": address.city, "state_province": address.state, "postal_code": address.zip,
                               "country": "US", "address_type": "physical"}]
        if location.accessibility:
            place["accessibility"] = [{"id": uid(owner, "accessibility"), "location_id": place["id"],
                                       "description": location.accessibility}]
        records.append({"id": uid(owner, "service_at_location"), "service_id": service_id,
                        "location_id": place["id"], "location": place})
    return records


def _portal_attributes(entry: ResourceEntry, service_id: str) -> list[dict]:
    resource, slug = entry.data, entry.slug
    fields = [("slug", slug)] + ([("example", "true")] if resource.example else [])
    if resource.not_duplicate_of:
        fields.append(("not_duplicate_of", ",".join(resource.not_duplicate_of)))
    for lang, text in sorted(resource.translations.items()):
        for name, value in text.model_dump(exclude_none=True).items():
            fields.append((f"translation:{lang}:{name}", str(value)))
    return [_portal_attribute(service_id, "service", code, value, slug) for code, value in fields]


def service_record(entry: ResourceEntry, taxonomy: Taxonomy) -> dict:
    """One resource as an HSDS 3.0.1 service, with its organization, phones, schedules and places."""
    resource, slug = entry.data, entry.slug
    service_id = resource.hsds_id or uid("service", slug)  # an imported listing keeps its feed's id
    record: dict = {"id": service_id}
    organization = organization_record(resource)
    if organization:
        record["organization_id"] = organization["id"]
    record.update(name=resource.name, description=resource.description)
    if resource.website:
        record["url"] = str(resource.website)
    if resource.email:
        record["email"] = resource.email
    record["status"] = "active"
    for ours, theirs in (("interpretation_services", "interpretation_services"),
                         ("application_process", "application_process"), ("fees", "fees_description"),
                         ("eligibility", "eligibility_description")):
        if getattr(resource, ours):
            record[theirs] = getattr(resource, ours)
    record["assured_date"] = resource.last_verified.isoformat()
    record["phones"] = _phones(resource, service_id, slug)
    record["schedules"] = _schedules(resource, service_id, slug)
    record["service_areas"] = _service_areas(resource, service_id, slug)
    record["service_at_locations"] = _service_at_locations(resource, service_id, slug)
    record["languages"] = [dict(_language(code, slug), service_id=service_id) for code in resource.languages]
    if organization:
        record["organization"] = organization
    record["cost_options"] = [{"id": uid(slug, "cost_option"), "service_id": service_id, "option": resource.cost,
                               "currency": "USD", **({"amount": 0} if resource.cost == "free" else {}),
                               **({"amount_description": resource.fees} if resource.fees else {})}]
    record["attributes"] = ([_category_attribute(service_id, c, taxonomy, slug) for c in resource.categories]
                            + _portal_attributes(entry, service_id))
    record["metadata"] = [{"id": uid(slug, "metadata", "verified"), "resource_id": service_id,
                           "resource_type": "service", "last_action_date": resource.last_verified.isoformat(),
                           "last_action_type": "verified", "field_name": "assured_date", "previous_value": "",
                           "replacement_value": resource.last_verified.isoformat(),
                           "updated_by": resource.verified_by}]
    return record


def export_records(library: Library) -> tuple[list[dict], list[dict]]:
    """(services, organizations) of the whole directory, in slug order."""
    services = [service_record(entry, library.taxonomy) for _, entry in sorted(library.resources.items())]
    organizations = {}
    for service in services:
        if "organization" in service:
            organizations.setdefault(service["organization"]["id"], service["organization"])
    return services, sorted(organizations.values(), key=lambda o: (o["name"].casefold(), o["id"]))
