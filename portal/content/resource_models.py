"""Schemas of the community resource directory, shaped after Open Referral HSDS 3.0.

One YAML file is one HSDS service with its organization, locations, phones and schedule.
Every field carries an example; the error messages use it to say what to write instead.
"""
from __future__ import annotations

import datetime as dt
import difflib
import re
from typing import Annotated, Literal
from functools import cache
from zoneinfo import ZoneInfo, available_timezones

from pydantic import BeforeValidator, Field, ValidationInfo, field_validator, model_validator

from portal.content.models import (LanguageCode, PastDate, PhoneNumber, PlainText, SecureUrl, Slug, Strict, Text,
                                   US_STATES, digit_code, problem)

WEEKDAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
COSTS = ("free", "low-cost", "sliding-scale", "fees")


def _zip(value: str | int) -> str:
    value = str(value).strip()
    if not re.fullmatch(r"\d{5}(-\d{4})?", value):
        raise problem(f"'{value}' is not a US ZIP code", 'write 5 digits in quotes, like "92501"')
    return value


def _state(value: str) -> str:
    value = str(value).strip().upper()
    if value not in US_STATES:
        raise problem(f"'{value}' is not a US state", "write the two-letter postal code, like CA or NY")
    return value


def _weekday(value: str) -> str:
    day = str(value).strip().lower()
    if day not in WEEKDAYS:
        close = difflib.get_close_matches(day, WEEKDAYS, n=1, cutoff=0.5)
        raise problem(f"'{value}' is not a day of the week",
                      f"did you mean '{close[0]}'?" if close else "write monday, tuesday, ... or sunday")
    return day


def _time(value) -> str:
    """24-hour HH:MM; YAML reads an unquoted 09:00 as a number of minutes, so accept that too."""
    if isinstance(value, int) and not isinstance(value, bool) and 0 <= value < 24 * 60:
        value = f"{value // 60:02d}:{value % 60:02d}"
    text = str(value).strip()
    match = re.fullmatch(r"([01]?\d|2[0-3]):([0-5]\d)", text)
    if text == "24:00":
        return text
    if not match:
        raise problem(f"'{value}' is not a time of day", 'write 24-hour time in quotes, like "09:00" or "17:30"')
    return f"{int(match.group(1)):02d}:{match.group(2)}"


@cache
def _zones() -> frozenset[str]:
    """Every time zone name (available_timezones() reads the zone folders at each call)."""
    return frozenset(available_timezones())


def _timezone(value: str) -> str:
    name = str(value).strip()
    if name not in _zones():
        us = sorted(z for z in _zones() if z.startswith(("America/", "Pacific/Honolulu")))
        close = difflib.get_close_matches(name, us, n=1)
        raise problem(f"'{value}' is not a time zone",
                      f"did you mean '{close[0]}'?" if close else
                      "write the zone's name, like America/New_York, America/Chicago, America/Denver, "
                      "America/Phoenix or America/Los_Angeles")
    return name


def _email(value: str) -> str:
    text = str(value).strip()
    if not re.fullmatch(r"[^@\s]+@[^@\s]+\.[A-Za-z]{2,}", text):
        raise problem(f"'{value}' is not an email address", "write it like help@example.org")
    return text


ZipCode = Annotated[str, BeforeValidator(_zip)]
State = Annotated[str, BeforeValidator(_state)]
Weekday = Annotated[str, BeforeValidator(_weekday)]
TimeOfDay = Annotated[str, BeforeValidator(_time)]
TimeZone = Annotated[str, BeforeValidator(_timezone)]
Email = Annotated[str, BeforeValidator(_email)]
Extension = digit_code("a phone extension", "1,6", "204")
OpenEligibilityCode = digit_code("an Open Eligibility code", "4", "1130")


class Organization(Strict):
    name: Text = Field(examples=['"Riverside Food Bank"'])
    description: PlainText | None = Field(default=None, examples=['"A food bank serving Riverside County."'])
    website: SecureUrl | None = Field(default=None, examples=["https://www.example.org"])
    email: Email | None = Field(default=None, examples=["help@example.org"])


class Phone(Strict):
    number: PhoneNumber = Field(examples=['"1-800-662-4357"'])
    extension: Extension | None = Field(default=None, examples=['"204"'])
    type: Literal["voice", "text", "tty", "fax"] = "voice"
    description: PlainText | None = None
    languages: list[LanguageCode] = Field(default_factory=list, examples=["[en, es]"])


class Address(Strict):
    street: Text = Field(examples=['"123 Main St"'])
    street2: PlainText | None = Field(default=None, examples=['"Suite 3"'])
    city: Text = Field(examples=["Riverside"])
    state: State = Field(examples=["CA"])
    zip: ZipCode = Field(examples=['"92501"'])

    def one_line(self) -> str:
        street = f"{self.street}, {self.street2}" if self.street2 else self.street
        return f"{street}, {self.city}, {self.state} {self.zip}"


class Location(Strict):
    """A place where people get the service."""

    name: PlainText | None = Field(default=None, examples=['"Main pantry"'])
    address: Address
    latitude: float | None = Field(default=None, ge=-90, le=90, examples=["33.9806"])
    longitude: float | None = Field(default=None, ge=-180, le=180, validate_default=True, examples=["-117.3755"])
    accessibility: PlainText | None = Field(default=None, examples=['"Ramp at the side door; accessible restroom."'])
    transportation: PlainText | None = Field(default=None, examples=['"Bus 1 stops in front."'])

    @field_validator("longitude")
    @classmethod
    def _both_coordinates(cls, longitude, info: ValidationInfo):
        # A field validator, not a model one, so it is reported along with the other fields' errors.
        if "latitude" in info.data and (info.data["latitude"] is None) != (longitude is None):
            raise problem("has only one of latitude and longitude", "give both, or leave both out")
        return longitude


class ServiceArea(Strict):
    national: bool = False
    description: PlainText | None = None
    states: list[State] = Field(default_factory=list, examples=["[CA]"])
    counties: list[Text] = Field(default_factory=list, examples=['["Riverside County, CA"]'])
    zip_codes: list[ZipCode] = Field(default_factory=list, examples=['["92501", "92503"]'])


class OpeningHours(Strict):
    """One line of regular hours: these days, from this time to that time."""

    days: list[Weekday] = Field(min_length=1, examples=["[monday, tuesday]"])
    opens: TimeOfDay = Field(examples=['"09:00"'])
    closes: TimeOfDay = Field(examples=['"17:00"'])

    @field_validator("closes")
    @classmethod
    def _opens_before_closes(cls, closes: str, info: ValidationInfo):
        opens = info.data.get("opens")
        if opens is not None and closes <= opens:
            raise problem(f"closes at {closes}, which is not after it opens at {opens}",
                          'use 24-hour times, like opens: "09:00" and closes: "17:00"; '
                          "for hours past midnight, add a second line for the next day")
        return closes


class Schedule(Strict):
    """When the service is open; 'open now' in the directory is computed from it."""

    timezone: TimeZone | None = Field(default=None, examples=["America/Los_Angeles"])
    open_24_7: bool = False
    regular: list[OpeningHours] = Field(default_factory=list,
                                        examples=['\n  - days: [monday]\n    opens: "09:00"\n    closes: "17:00"'])
    notes: PlainText | None = Field(default=None, examples=['"Closed on federal holidays."'])

    @model_validator(mode="after")
    def _consistent(self):
        if self.open_24_7 and self.regular:
            raise problem("is open 24/7 and also lists regular hours", "keep only one of them")
        if self.regular and self.timezone is None:
            raise problem("has regular hours but no time zone",
                          "add 'timezone: America/Los_Angeles' (the zone where the service is)")
        seen: dict[str, list[tuple[str, str]]] = {}
        for hours in self.regular:
            for day in hours.days:
                for opens, closes in seen.get(day, []):
                    if hours.opens < closes and opens < hours.closes:
                        raise problem(f"{day} is listed twice with hours that overlap",
                                      "list each day once, or give times that do not overlap")
                seen.setdefault(day, []).append((hours.opens, hours.closes))
        return self

    def is_open(self, moment: dt.datetime) -> bool | None:
        """Open at this moment (an aware datetime)? None when the schedule cannot say."""
        if self.open_24_7:
            return True
        if not self.regular:
            return None
        local = moment.astimezone(ZoneInfo(self.timezone))
        day, time = WEEKDAYS[local.weekday()], local.strftime("%H:%M")
        return any(day in h.days and h.opens <= time < h.closes for h in self.regular)


class ResourceText(Strict):
    """A resource's words in another language; what is left out is shown in English."""

    status: Literal["machine", "reviewed"] = Field(examples=["machine"])
    reviewed_by: PlainText | None = None
    name: PlainText | None = None
    description: PlainText | None = None
    eligibility: PlainText | None = None
    fees: PlainText | None = None
    application_process: PlainText | None = None
    interpretation_services: PlainText | None = None
    schedule_notes: PlainText | None = None


TRANSLATABLE = ("name", "description", "eligibility", "fees", "application_process", "interpretation_services")


class Resource(Strict):
    """A community resource: one HSDS service, who runs it, where and when, how to reach it."""

    name: Text = Field(examples=['"Riverside Food Bank"'])
    organization: Organization | None = None
    description: Text = Field(examples=['"Free groceries once a week for families in need."'])
    categories: list[Slug] = Field(min_length=1, examples=["[food]"])
    eligibility: PlainText | None = Field(default=None, examples=['"Anyone who lives in Riverside County."'])
    cost: Literal[COSTS] = Field(examples=["free"])
    fees: PlainText | None = Field(default=None, examples=['"$2 each way"'])
    application_process: PlainText | None = Field(default=None, examples=['"Call to make an appointment."'])
    interpretation_services: PlainText | None = Field(default=None,
                                                      examples=['"Interpreters for any language by phone."'])
    phones: list[Phone] = Field(default_factory=list)
    website: SecureUrl | None = Field(default=None, examples=["https://www.example.org"])
    email: Email | None = Field(default=None, examples=["help@example.org"])
    service_area: ServiceArea | None = None
    locations: list[Location] = Field(default_factory=list)
    schedule: Schedule | None = None
    languages: list[LanguageCode] = Field(default_factory=list, examples=["[en, es]"])
    last_verified: PastDate = Field(examples=["2026-11-20"])
    verified_by: Text = Field(examples=['"Dana Lee, community health worker"'])
    example: bool = False
    not_duplicate_of: list[Slug] = Field(default_factory=list, examples=["[riverside-food-bank-north]"])
    translations: dict[str, ResourceText] = Field(default_factory=dict)  # keys checked by the loader
    # Written by `portal import hsds`: the feed's service id, and a hash of each value the feed gave,
    # so that the next import updates this file and keeps the fields edited here.
    hsds_id: Text | None = Field(default=None, examples=['"riverside-211-00042"'])
    imported: dict[str, Annotated[str, Field(pattern=r"^[0-9a-f]{16}$")]] = Field(default_factory=dict)

    def text(self, field: str, lang: str) -> str | None:
        """A translatable field in `lang`, or in English when it has no translation."""
        translated = getattr(self.translations.get(lang), field, None)
        if translated:
            return translated
        if field == "schedule_notes":
            return self.schedule.notes if self.schedule else None
        return getattr(self, field)

    def days_since_verified(self, today: dt.date) -> int:
        return (today - self.last_verified).days

    def is_stale(self, after_days: int, today: dt.date) -> bool:
        """Not verified within `after_days` days: shown as 'may be out of date'."""
        return self.days_since_verified(today) > after_days


class OpenEligibilityTerm(Strict):
    """The Open Eligibility human-services term a category maps to (for HSDS exports)."""

    code: OpenEligibilityCode = Field(examples=['"1130"'])
    name: Text = Field(examples=['"Food Pantry"'])


class CategoryText(Strict):
    name: Text
    description: Text


class Category(Strict):
    id: Slug
    name: Text
    description: Text
    open_eligibility: OpenEligibilityTerm
    translations: dict[LanguageCode, CategoryText] = Field(default_factory=dict)

    def text(self, lang: str) -> CategoryText:
        """The category's name and description in `lang`, or in English."""
        return self.translations.get(lang) or CategoryText(name=self.name, description=self.description)


class Taxonomy(Strict):
    categories: list[Category] = Field(min_length=1)
