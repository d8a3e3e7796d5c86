"""Schemas of the content: what each front-matter field and resource field may hold.

Every field carries an example; the error messages use it to say what to write instead.
"""
from __future__ import annotations

import datetime as dt
import re
from typing import Annotated, Literal

import phonenumbers
from pydantic import AfterValidator, BaseModel, BeforeValidator, ConfigDict, Field, HttpUrl
from pydantic_core import PydanticCustomError

from portal.content.markup import plain_text_problem

SLUG_RE = re.compile(r"^[a-z0-9]+(-[a-z0-9]+)*$")
ICD10_RE = re.compile(r"^[A-TV-Z][0-9][0-9AB](\.[0-9A-TV-Z]{1,4})?$")
US_STATES = frozenset(
    "AL AK AZ AR CA CO CT DE DC FL GA HI ID IL IN IA KS KY LA ME MD MA MI MN MS MO MT NE NV NH NJ "
    "NM NY NC ND OH OK OR PA RI SC SD TN TX UT VT VA WA WV WI WY AS GU MP PR VI".split())
SHORT_CODES = frozenset({"211", "311", "511", "711", "811", "911", "988"})


def problem(text: str, fix: str) -> PydanticCustomError:
    """A validation error whose message says what is wrong and what to write instead."""
    return PydanticCustomError("content", "{problem}", {"problem": text, "fix": fix})


def _slug(value: str) -> str:
    if not SLUG_RE.match(value):
        suggestion = re.sub(r"[^a-z0-9]+", "-", str(value).lower()).strip("-")
        raise problem(f"'{value}' is not a slug", f"use lower-case letters, digits and hyphens, like '{suggestion}'")
    return value


def _plain(value: str) -> str:
    found = plain_text_problem(value)
    if found:
        raise problem(*found)
    return value


def _not_future(value: dt.date) -> dt.date:
    if value > dt.date.today():
        raise problem(f"{value.isoformat()} is in the future", "write the date it actually happened, YYYY-MM-DD")
    return value


def _hash(value: str) -> str:
    value = str(value).strip().lower()
    if not re.fullmatch(r"[0-9a-f]{12}", value):
        raise problem(f"'{value}' is not a page hash",
                      "copy the 12 letters and digits that 'portal report review' prints for this page")
    return value


def digit_code(what: str, count: str, example: str):
    """The type of a code of `count` digits (a quantifier like '4' or '1,6'), with a plain message."""
    def check(value: str | int) -> str:
        value = str(value).strip()
        if not re.fullmatch(rf"\d{{{count}}}", value):
            raise problem(f"'{value}' is not {what}", f'write only its digits, in quotes, like "{example}"')
        return value
    return Annotated[str, BeforeValidator(check)]


def _translation_source(value: str) -> str:
    value = str(value).strip().lower()
    if not re.fullmatch(r"[0-9a-f]{12}", value):
        raise problem(f"'{value}' is not a page hash", "copy the 12 letters and digits that 'portal report "
                                                       "translations' prints for the English page")
    return value


def _language_code(value: str) -> str:
    value = str(value).strip()
    if not re.fullmatch(r"[a-z]{2,3}(-[A-Za-z0-9]+)?", value):
        raise problem(f"'{value}' is not a language code", "write the language's two- or three-letter code in "
                                                           "lower case, like en, es or zh")
    return value


def _https(value: HttpUrl) -> HttpUrl:
    if value.scheme != "https":
        raise problem(f"'{value}' is not a secure web address", "use the https:// address of the page")
    return value


def _icd10(value: str) -> str:
    value = str(value).strip().upper()
    if not ICD10_RE.match(value):
        raise problem(f"'{value}' is not an ICD-10-CM code", "write a code like E11, I10 or J44.9")
    return value


def _rxnorm(value: str | int) -> str:
    value = str(value).strip()
    if not value.isdigit():
        raise problem(f"'{value}' is not an RxNorm code", "write the RxNorm ingredient code in quotes, like \"6809\"")
    return value


def _one_or_more(value):
    """A single code, or a list of them, as a list (nothing: an empty list)."""
    return [] if value is None else value if isinstance(value, list) else [value]


def _phone(value: str | int) -> str:
    """Normalize a US phone number to 1-800-662-4357 style; keep N11 and 988 short codes."""
    raw = str(value).strip()
    if re.search(r"(ext\.?|extension|x|#)\s*\d+\s*$", raw, re.I) and len(re.sub(r"\D", "", raw)) > 11:
        raise problem(f"'{raw}' has an extension in the number",
                      "write the number alone, and the extension digits under 'extension:'")
    digits = re.sub(r"\D", "", raw)
    if digits in SHORT_CODES:
        return digits
    try:
        number = phonenumbers.parse(raw, "US")
    except phonenumbers.NumberParseException:
        number = None
    if number is None or number.country_code != 1 or not phonenumbers.is_valid_number(number):
        raise problem(f"'{raw}' is not a US phone number",
                      "write 10 digits with the area code, like \"1-800-662-4357\" or \"(951) 555-0142\"")
    national = str(number.national_number)
    if national[0] == "8" and national[1] == national[2]:  # toll-free: 800, 833, 844 ... 888
        return f"1-{national[0:3]}-{national[3:6]}-{national[6:]}"
    return f"({national[0:3]}) {national[3:6]}-{national[6:]}"


Slug = Annotated[str, AfterValidator(_slug)]
PastDate = Annotated[dt.date, AfterValidator(_not_future)]
SecureUrl = Annotated[HttpUrl, AfterValidator(_https)]
Icd10 = Annotated[str, BeforeValidator(_icd10)]
RxNorm = Annotated[str, BeforeValidator(_rxnorm)]
SnomedCode = digit_code("a SNOMED CT concept code", "6,18", "44054006")
PhoneNumber = Annotated[str, BeforeValidator(_phone)]
PageHash = Annotated[str, BeforeValidator(_hash)]
PlainText = Annotated[str, AfterValidator(_plain)]  # shown as written: no HTML
Text = Annotated[PlainText, Field(min_length=1)]
LanguageCode = Annotated[str, BeforeValidator(_language_code), Field(examples=["en", "es", "zh"])]


class Strict(BaseModel):
    """Unknown fields are errors: a typo must not silently drop information. Validators are built when a
    model first validates (defer_build), not at import: a rebuild that finds every page in its cache never
    validates, and so never builds them."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True, defer_build=True)


class Source(Strict):
    title: Text = Field(examples=['"High Blood Pressure (MedlinePlus)"'])
    url: SecureUrl = Field(examples=["https://medlineplus.gov/highbloodpressure.html"])


class ReadabilityException(Strict):
    """A reviewed decision to let one page stay above the reading-level limit."""

    reason: Text = Field(examples=['"Drug names raise the score; sentences are already short."'])
    reviewed_by: Text = Field(examples=['"Dana Lee, RN"'])
    reviewed_on: PastDate = Field(examples=["2026-11-20"])


class Translation(Strict):
    """How a translated page was made, and from which version of the English page."""

    status: Literal["machine", "reviewed"] = Field(examples=["machine"])
    source: Annotated[str, BeforeValidator(_translation_source)] = Field(examples=["3f9a0c21b7de"])
    reviewed_by: PlainText | None = Field(default=None, examples=['"Ana Ruiz, RN"'])


class ClinicalReview(Strict):
    """A clinician's review of one version of the English page (named by its hash)."""

    reviewer: Text = Field(examples=['"Jane Doe"'])
    credentials: Text = Field(examples=['"RN, CDCES"'])
    date: PastDate = Field(examples=["2026-11-30"])
    source_hash: PageHash = Field(examples=['"1a2b3c4d5e6f"'])


class PageMeta(Strict):
    """Front matter shared by condition guides, medication sheets and topics."""

    title: Text = Field(examples=['"High blood pressure"'])
    summary: Text = Field(examples=['"High blood pressure can hurt your heart. This guide shows how to lower it."'])
    also_called: list[Text] = Field(default_factory=list, examples=["[high blood pressure, hypertension]"])
    last_reviewed: PastDate = Field(examples=["2026-11-20"])
    reviewed_by: PlainText | None = Field(default=None, examples=['"Dana Lee, RN"'])  # a note only: see clinical_review
    clinical_review: ClinicalReview | None = None
    review_by: dt.date | None = Field(default=None, examples=["2027-11-30"])
    sources: list[Source] = Field(min_length=1, examples=["\n  - title: ...\n    url: https://medlineplus.gov/..."])
    related_conditions: list[Slug] = Field(default_factory=list, examples=["[heart-failure]"])
    related_topics: list[Slug] = Field(default_factory=list, examples=["[preventing-falls]"])
    related_resources: list[Slug] = Field(default_factory=list, examples=["[needymeds]"])
    keywords: list[Text] = Field(default_factory=list, examples=["[pressure, bp]"])
    teach_back: list[Text] = Field(min_length=3, max_length=5, examples=["\n  - What will you do if ...?"])
    readability_exception: ReadabilityException | None = None
    translation: Translation | None = None

    @property
    def review_due(self) -> dt.date | None:
        """When the clinical review runs out: `review_by`, else 12 months after the review."""
        if self.clinical_review is None:
            return None
        if self.review_by is not None:
            return self.review_by
        done = self.clinical_review.date
        return done.replace(year=done.year + 1, day=28 if (done.month, done.day) == (2, 29) else done.day)


class GoalStep(Strict):
    """One thing the patient does toward a goal, taken from the guide's own actions."""

    text: Text = Field(examples=['"Weigh myself every morning after I pee and before I eat, and write it down."'])
    # The id of a heading in this guide, in this language: its "## " or "### " title as
    # `portal check` lists it ("weigh-yourself-every-day", "what-you-can-do").
    section: Text = Field(examples=["weigh-yourself-every-day"])


class GoalTemplate(Strict):
    """A care-plan goal a care manager can offer from this guide (see docs/content-format.md, "Care plan")."""

    id: Slug = Field(examples=["steady-weight"])  # the same id in every language of the guide
    goal: Text = Field(examples=['"Keep my weight steady"'])
    steps: list[GoalStep] = Field(min_length=1, examples=["\n  - text: ...\n    section: what-you-can-do"])
    measure: Text = Field(examples=['"Weigh every morning and write it down."'])
    call_when: Text = Field(examples=['"Call the clinic if ... Call 911 if ..."'])


class ConditionMeta(PageMeta):
    icd10: list[Icd10] = Field(min_length=1, examples=["[I10]"])
    snomed: list[SnomedCode] = Field(default_factory=list, examples=['["38341003"]'])
    related_medications: list[Slug] = Field(default_factory=list, examples=["[lisinopril, amlodipine]"])
    care_plan: list[GoalTemplate] = Field(default_factory=list, examples=["\n  - id: steady-weight\n    goal: ..."])


class MedicationMeta(PageMeta):
    generic_name: Text = Field(examples=["lisinopril"])
    brand_names: list[Text] = Field(default_factory=list, examples=["[Prinivil, Zestril]"])
    # The ingredient's code first, then any clinical-drug codes (SCD, SBD) the sheet answers for.
    rxnorm_codes: Annotated[list[RxNorm], BeforeValidator(_one_or_more)] = Field(
        default_factory=list, alias="rxnorm", examples=['"29046"', '["29046", "206765"]'])
    drug_class: Text = Field(examples=['"ACE inhibitor (blood pressure medicine)"'])
    treats: list[Slug] = Field(default_factory=list, examples=["[high-blood-pressure]"])

    @property
    def rxnorm(self) -> str | None:
        """The ingredient's RxNorm code (the first one listed)."""
        return self.rxnorm_codes[0] if self.rxnorm_codes else None


class TopicMeta(PageMeta):
    """A subject that is not a disease (falls, advance care planning): like a guide, the code optional."""

    icd10: list[Icd10] = Field(default_factory=list, examples=["[Z91.81]"])
    snomed: list[SnomedCode] = Field(default_factory=list, examples=['["38341003"]'])
    related_medications: list[Slug] = Field(default_factory=list, examples=["[warfarin]"])
