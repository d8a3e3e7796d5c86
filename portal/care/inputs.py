"""Request bodies of the API and forms of the console, as pydantic models (their JSON schemas go into the
OpenAPI document). Care input, not HTTP: the API and the console both parse with them."""
from __future__ import annotations

import unicodedata

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

from portal.care.education import validation_problem
from portal.care.text import plain_text, visible

LANGUAGE = Field(pattern=r"^[a-z]{2,3}(_[A-Z][a-z]{3})?$", examples=["es"])


class Body(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)
    _plain_text = model_validator(mode="before")(plain_text)


REFERENCE = Field(min_length=1, max_length=200, pattern=r"\S", examples=["MRN-004512"],
                  description="The clinic's reference (NFC); it must hold a visible character.")


class PatientLookup(Body):
    """Find a patient by the clinic's reference."""

    reference: str = REFERENCE

    @field_validator("reference")
    @classmethod
    def _visible(cls, value: str) -> str:
        """The same reference typed on any keyboard is the same patient: NFC, and never only invisible."""
        if not visible(value):
            raise ValueError("write the patient's reference; it holds no visible character")
        return unicodedata.normalize("NFC", value)


class PatientInput(PatientLookup):
    """Find a patient by the clinic's reference, or add them with their language."""

    language: str = LANGUAGE
    team: str | None = Field(default=None, max_length=60, examples=["default"], description=(
        "The slug of the team a new patient joins; needed when you may add patients to several teams"))


class PatientUpdate(Body):
    language: str = LANGUAGE


class AssignmentInput(Body):
    """Pages to send, as kind:slug; the language defaults to the patient's."""

    items: list[str] = Field(min_length=1, max_length=30, examples=[["condition:asthma", "medication:albuterol"]])
    language: str | None = Field(default=None, pattern=r"^[a-z]{2,3}(_[A-Z][a-z]{3})?$", examples=["es"])


class CodeInput(Body):
    """A reading code as the patient typed it; dashes, spaces and case do not matter."""

    # At least one letter or digit: the rest is ignored, so " " or "--" is no code (and the schema says so).
    code: str = Field(min_length=1, max_length=20, pattern=r"^[A-Za-z0-9 ._-]*[A-Za-z0-9][A-Za-z0-9 ._-]*$",
                      examples=["K7M-2QX"], description="Letters and digits; spaces, dots, dashes and underscores "
                      "are ignored")


def parse(model: type[BaseModel], body: dict):
    try:
        return model.model_validate(body)
    except ValidationError as exc:
        raise validation_problem(exc) from None
