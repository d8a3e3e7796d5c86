"""Settings: each declared once with its default and help; all checked at start-up.

Settings come from the environment (PORTAL_* variables) or from the dict given to
`create_app`. Every bad value is reported together before the portal stops.
"""
from __future__ import annotations

import os
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Callable


class StartupError(Exception):
    """One or more settings are wrong; the message lists every one and how to fix it."""


@dataclass(frozen=True)
class Setting:
    name: str
    default: object
    help: str
    parse: Callable[[str], object] = str


def _languages(value) -> tuple[str, ...]:
    items = value if isinstance(value, (list, tuple)) else str(value).replace(",", " ").split()
    codes = tuple(str(v).strip() for v in items if str(v).strip())
    bad = [c for c in codes if not re.fullmatch(r"[a-z]{2,3}(_[A-Z][a-z]{3})?", c)]
    if not codes or bad:
        raise ValueError(f"{', '.join(bad) or 'nothing'} given; write language codes like 'en es zh'")
    if codes[0] != "en":
        raise ValueError("English ('en') must come first: it is the source language")
    return codes


def _base_url(value) -> str:
    value = str(value).strip()
    if not re.fullmatch(r"(https?://[^/\s]+)?(/[^\s?#]*)?", value) or not value:
        raise ValueError(f"'{value}' is not a base URL; write a path like /clinic-portal/ "
                         "or a full address like https://example.org/clinic-portal/")
    return value if value.endswith("/") else value + "/"


def _days(value) -> int:
    try:
        number = int(value)
    except (TypeError, ValueError):
        raise ValueError(f"'{value}' is not a number of days; write a whole number like 180") from None
    if number < 1:
        raise ValueError("write a whole number of days, 1 or more")
    return number


def _whole(value, least: int) -> int:
    try:
        number = int(value)
    except (TypeError, ValueError):
        number = None
    if number is None or number < least:
        raise ValueError(f"'{value}' is not a whole number {least} or more; write one, like {max(least, 1) * 100}")
    return number


def _positive(value) -> int:
    return _whole(value, 1)


def _count(value) -> int:
    return _whole(value, 0)


def _pages_or_auto(value) -> int | None:
    if value is None or str(value).strip().lower() in ("", "auto"):
        return None
    try:
        return _count(value)
    except ValueError:
        raise ValueError(f"'{value}' is not a number of pages; write a whole number like 100, 0 for none, "
                         "or 'auto'") from None


def _flag(value) -> bool:
    if isinstance(value, bool):
        return value
    text = str(value).strip().lower()
    if text in ("1", "true", "yes", "on"):
        return True
    if text in ("", "0", "false", "no", "off"):
        return False
    raise ValueError(f"'{value}' is not on or off; write 1 (on) or 0 (off)")


def _database_url(value) -> str:
    value = str(value).strip()
    if value and not re.match(r"(sqlite|postgresql)(\+\w+)?://", value):
        raise ValueError(f"'{value}' is not a database URL; write postgresql+psycopg://user@host:5432/name "
                         "or sqlite:////path/to/portal.db (empty: SQLite in the instance folder)")
    return value


def _origin(value) -> str:
    value = str(value).strip().rstrip("/")
    if value and not re.fullmatch(r"https?://[^/\s]+", value):
        raise ValueError(f"'{value}' is not an origin; write scheme and host only, like https://clinic.example.org")
    return value


def _api_url(value) -> str:
    value = str(value).strip().rstrip("/")
    if value and not re.fullmatch(r"https?://[^/\s]+(/[^\s?#]*)?", value):
        raise ValueError(f"'{value}' is not a web address; write it like https://api.example.org")
    return value


def _identifier_system(value) -> str:
    value = str(value).strip()
    if value and not re.fullmatch(r"(https?://[^\s]+|urn:(oid:[0-2](\.\d+)+|uuid:[0-9a-f-]{36}|[a-z0-9][a-z0-9-]*:\S+))",
                                  value):
        raise ValueError(f"'{value}' is not an identifier system; write the URI or OID your EHR uses for "
                         "patient references, like https://clinic.example.org/mrn or urn:oid:2.16.840.1.113883.3.1")
    return value


def _cds_issuers(value) -> dict:
    """Issuer -> JWK Set, read from a local JSON file {"https://ehr.example.org": {"keys": [...]}, ...}."""
    if isinstance(value, dict):
        data = value
    else:
        path = str(value).strip()
        if not path:
            return {}
        import json

        try:
            data = json.loads(Path(path).read_text(encoding="utf-8"))
        except OSError as exc:
            raise ValueError(f"cannot read '{path}' ({exc.strerror}); give the path of the issuers' JSON file") from None
        except ValueError:
            raise ValueError(f"'{path}' is not JSON; write {{\"ISSUER\": {{\"keys\": [JWK, ...]}}}}") from None
    if not isinstance(data, dict):
        raise ValueError("the issuers file must hold an object: {\"ISSUER\": {\"keys\": [JWK, ...]}}")
    if not data:
        return {}  # (settings already read, as the app is given them, hold {}: no need to import jwt)
    import jwt

    issuers = {}
    for issuer, jwks in data.items():
        if any(isinstance(key, dict) and "d" in key for key in (jwks or {}).get("keys", [])):
            raise ValueError(f"issuer '{issuer}': the file holds a private key; copy the public keys only")
        try:
            issuers[issuer] = jwt.PyJWKSet.from_dict(jwks)
        except (jwt.PyJWKError, jwt.PyJWKSetError, AttributeError, TypeError, KeyError) as exc:
            raise ValueError(f"issuer '{issuer}': not a JWK Set of public keys ({exc})") from None
        if any(key.key_type not in ("RSA", "EC") for key in issuers[issuer].keys):
            raise ValueError(f"issuer '{issuer}': use RSA (RS384) or EC P-384 (ES384) keys")
    return issuers


def _programs(value) -> tuple[str, ...]:
    from portal.care.programs import parse_setting

    return parse_setting(value)


PUBLIC_RATE_LIMIT = "30 per minute; 300 per hour"
API_RATE_LIMIT = "600 per minute"


def _rate(value) -> str:
    value = str(value).strip()
    if value in (PUBLIC_RATE_LIMIT, API_RATE_LIMIT):
        return value  # the defaults, checked by tests/test_config.py rather than at every start (a 40 ms import)
    from limits import parse_many

    try:
        parse_many(value)
    except ValueError:
        raise ValueError(f"'{value}' is not a rate limit; write it like '30 per minute; 300 per hour'") from None
    return value


def _phone(value) -> str:
    value = str(value).strip()
    if value and len(re.sub(r"\D", "", value)) < 3:
        raise ValueError(f"'{value}' is not a phone number; write it as patients should dial it")
    return value


def _report_to(value) -> str:
    value = str(value).strip()
    if not value:
        return value
    if re.fullmatch(r"https://github\.com/[\w.-]+/[\w.-]+/?", value):
        return value.rstrip("/")
    email = value.removeprefix("mailto:")
    if re.fullmatch(r"[^@\s/]+@[^@\s/]+\.[A-Za-z]{2,}", email):
        return "mailto:" + email
    raise ValueError(f"'{value}' is neither a GitHub repository nor an email address; write "
                     "https://github.com/OWNER/REPO or listings@example.org")


SETTINGS = [
    Setting("PORTAL_CONTENT_DIR", "content",
            "Folder holding conditions/, medications/, topics/, resources/ and taxonomy.yaml.",
            lambda v: str(Path(v))),
    Setting("PORTAL_LANGUAGES", ("en", "es", "zh", "vi", "ar"),
            "Languages of the site, English first (space or comma separated).",
            _languages),
    Setting("PORTAL_SITE_NAME", "Care Guide Portal", "Name shown in the header and page titles."),
    Setting("PORTAL_CLINIC_NAME", "your clinic", "The clinic's name, used in 'call your clinic' advice."),
    Setting("PORTAL_CLINIC_PHONE", "", "The clinic's phone number, shown in every 'Call your clinic if' box.",
            _phone),
    Setting("PORTAL_TEMPLATES_DIR", "", "Folder of templates that replace the built-in ones of the same name "
            "(site/base.html, site/about.html, ...), for a clinic's own look and words.", lambda v: str(v).strip()),
    Setting("PORTAL_CACHE_DIR", ".portal-cache", "Folder where parsed pages are kept between runs, keyed by "
            "content hash; empty to turn the cache off.", lambda v: str(v).strip()),
    Setting("PORTAL_STALE_AFTER_DAYS", 180, "A resource not verified for this many days is flagged 'may be out of "
            "date: call first' and listed by 'portal report stale'.", _days),
    Setting("PORTAL_DIRECTORY_PAGE_SIZE", 100, "Listings on one page of the directory's lists (every service, "
            "each kind of help); longer lists continue on .../page/2/ and so on, so no page grows with the "
            "directory.", _positive),
    Setting("PORTAL_GUIDE_LIST_PAGE_SIZE", 100, "Guides on one page of the lists of conditions, medicines and "
            "topics; longer lists continue on .../page/2/ and so on, so no page grows with the library.", _positive),
    Setting("PORTAL_SEARCH_DELTA_MAX_PAGES", "auto", "How many pages changed since the last full search index a "
            "build indexes on their own (in pagefind-delta/) before it indexes every page again; 'auto': 5% of the "
            "pages, at least 50; 0: always every page.", _pages_or_auto),
    Setting("PORTAL_REPORT_PROBLEM_TO", "", "Where 'Report a problem with this listing' goes: a GitHub repository "
            "(https://github.com/OWNER/REPO, opens a prefilled issue) or an email address. Empty: the link leads "
            "to the About page, which asks readers to call the clinic.", _report_to),
    Setting("PORTAL_REQUIRE_REVIEW", False, "1: 'portal build' fails while any page's English text has no "
            "clinician's review (see 'portal report review'). 0: such pages are published with a 'Not yet reviewed "
            "by our clinicians' note.", _flag),
    Setting("PORTAL_BASE_URL", "/", "Where the site is published: a path (/clinic-portal/) or a full URL "
            "(https://example.org/clinic-portal/). A full URL makes hreflang links, sitemap.xml, robots.txt and "
            "printed addresses absolute.", _base_url),
    Setting("PORTAL_API_URL", "", "Address of the API that the static site's 'enter your code' page calls "
            "(https://api.example.org); empty: a built site offers no code entry and text messages carry the link "
            "('portal serve' answers codes on its own origin).", _api_url),
    Setting("DATABASE_URL", "", "Database of the care manager API: postgresql+psycopg://user@host:5432/name; "
            "empty: SQLite file portal.db in the instance folder.", _database_url),
    Setting("PORTAL_SECRET_KEY", "", "Key that signs console sessions and form tokens; empty: a random key kept "
            "in the instance folder (file secret_key).", lambda v: str(v).strip()),
    Setting("PORTAL_PATIENT_KEY", "", "If set, patient references are stored only as an HMAC-SHA256 keyed with "
            "it (keep it secret and never change it: references cannot be matched without it).",
            lambda v: str(v).strip()),
    Setting("PORTAL_PATIENT_IDENTIFIER_SYSTEM", "", "The identifier system (URI or urn:oid:) of the clinic's patient "
            "references, sent with the reference in the FHIR export so an EHR can match the patient; empty: the "
            "reference is sent without a system.", _identifier_system),
    Setting("PORTAL_CDS_ISSUERS", "", "Path of a JSON file naming the EHRs allowed to call the CDS Hooks service: "
            "{\"ISSUER\": {\"keys\": [public JWK, ...]}} (their JWK Sets, copied here: keys are never fetched). "
            "Empty: every CDS Hooks call is refused.", _cds_issuers),
    Setting("PORTAL_CODE_DAYS", 30, "Days a reading code keeps working after it is made.", _days),
    Setting("PORTAL_PLAN_CODE_DAYS", 30, "Days a care plan code (the patient's 'My care plan' page) keeps "
            "working after it is made.", _days),
    Setting("PORTAL_SITE_ORIGIN", "", "Origin of the static site allowed to call the API from a browser (CORS), "
            "like https://clinic.example.org; empty: no other origin.", _origin),
    Setting("PORTAL_RATELIMIT_STORAGE", "memory://", "Where rate-limit counters live: memory:// (one process) "
            "or redis://host:6379 (shared by every worker; gunicorn refuses several workers with memory://).", lambda v: str(v).strip() or "memory://"),
    Setting("PORTAL_PUBLIC_RATE_LIMIT", PUBLIC_RATE_LIMIT, "Requests one address may make to the "
            "public code endpoint.", _rate),
    Setting("PORTAL_API_RATE_LIMIT", API_RATE_LIMIT, "Requests one token (or address) may make to the rest "
            "of the API and the console.", _rate),
    Setting("PORTAL_PROXY_COUNT", 0, "Proxies in front of the portal (nginx, a load balancer) whose "
            "X-Forwarded-For/-Proto/-Host to trust, so rate limits count each client; 0: none. WARNING: set it "
            "only to the number of proxies really in front; otherwise clients forge X-Forwarded-For and escape "
            "the rate limits.", _count),
    Setting("PORTAL_MAX_REQUEST_BYTES", 65536, "Largest request body accepted, in bytes (bigger: 413).", _positive),
    Setting("PORTAL_SESSION_IDLE_MINUTES", 15, "A console session unused for this many minutes ends; the page warns "
            "two minutes before.", _positive),
    Setting("PORTAL_SESSION_MAX_HOURS", 12, "A console session ends this many hours after sign-in, used or not.",
            _positive),
    Setting("PORTAL_SECURE_COOKIES", True, "Mark the console cookie Secure and name it __Host-… (1, the default, "
            "for HTTPS; 'portal serve' on plain http turns it off). Over HTTPS it is Secure either way.", _flag),
    Setting("PORTAL_PROGRAMS", ("ccm", "ccm_complex", "pcm", "bhi"), "Care-management programs the clinic runs "
            "and records minutes toward (space or comma separated): ccm, ccm_complex, pcm, bhi.", _programs),
    Setting("PORTAL_LOGIN_CONCURRENCY", 2, "Password checks (argon2, about 64 MiB each) one process runs at "
            "once; sign-ins beyond that wait a few seconds, then get 503.", _positive),
]


def load_settings(overrides: dict | None = None, environ: dict | None = None) -> dict:
    """Read every setting from overrides, then the environment, then its default; check them all."""
    overrides = overrides or {}
    environ = os.environ if environ is None else environ
    values, problems = {}, []
    for setting in SETTINGS:
        raw = overrides.get(setting.name, environ.get(setting.name, setting.default))
        try:
            values[setting.name] = setting.parse(raw) if raw != setting.default or isinstance(raw, str) else raw
        except (ValueError, TypeError) as exc:
            problems.append(f"{setting.name}: {exc} ({setting.help})")
    unknown = [k for k in overrides if k.startswith("PORTAL_") and k not in {s.name for s in SETTINGS}]
    problems += [f"{k}: not a setting (known: {', '.join(s.name for s in SETTINGS)})" for k in unknown]
    if problems:
        raise StartupError("The portal cannot start:\n  " + "\n  ".join(problems))
    return values
