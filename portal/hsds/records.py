"""Which HSDS records a file holds: services, or organizations and service-at-locations that carry them.

An organization with its `services` gives each of them (with the organization attached); service-at-
location records that carry their `service` give the services with their places. Anything else (a
location, an organization without services, a service-at-location without its service) is refused
with a sentence saying which file to give instead.
"""
from __future__ import annotations

ORGANIZATION_ONLY = {"services", "website", "tax_status", "tax_id", "year_incorporated", "legal_status", "logo",
                     "uri", "parent_organization_id", "organization_identifiers"}
GIVE_SERVICES = "give the services file (services.json, or the CSV package folder) instead"


def _label(record: dict) -> str:
    return f"'{record.get('name') or record.get('id') or '?'}'"


def services_in(records: list[dict], source: str) -> tuple[list[dict], list[str]]:
    """The service records that `records` hold, and a problem line for each record that is not one."""
    services: list[dict] = []
    by_id: dict[str, dict] = {}
    problems: list[str] = []
    for record in records:
        keys = set(record)
        if "location" in keys or "location_id" in keys:  # a service-at-location
            service = record.get("service")
            if not isinstance(service, dict):
                problems.append(f"{source}: service-at-location record {_label(record)} does not carry its "
                                f"service; {GIVE_SERVICES}")
                continue
            merged = by_id.get(service.get("id")) if service.get("id") else None
            if merged is None:
                merged = dict(service, service_at_locations=list(service.get("service_at_locations") or []))
                services.append(merged)
                if service.get("id"):
                    by_id[service["id"]] = merged
            if isinstance(record.get("location"), dict):
                merged["service_at_locations"].append({"location": record["location"]})
        elif keys & ORGANIZATION_ONLY and "organization_id" not in keys and "url" not in keys:
            inner = [s for s in record.get("services") or [] if isinstance(s, dict)]
            if not inner:
                problems.append(f"{source}: organization {_label(record)} lists no services, and an organization "
                                f"is not a listing; {GIVE_SERVICES}, or an organization file with its services")
                continue
            organization = {k: v for k, v in record.items() if k != "services"}
            services += [s if s.get("organization") else dict(s, organization=organization) for s in inner]
        elif "latitude" in keys or "location_type" in keys or "addresses" in keys:
            problems.append(f"{source}: record {_label(record)} is a location, not a service; {GIVE_SERVICES}")
        elif not record.get("name"):
            problems.append(f"{source}: record {record.get('id', '?')} has no name, so it is not a service; "
                            f"{GIVE_SERVICES}")
        else:
            services.append(record)
    return services, problems
