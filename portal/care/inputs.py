"""Request bodies of the API and forms of the console, as pydantic models (their JSON schemas go into the
OpenAPI document). Care input, not HTTP: the API and the console both parse with them."""
from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from portal.care.education import no_nul, validation_problem

LANGUAGE = Field(pattern=r"^[a-z]{2,3}(_[A-Z][a-z]{3})?$", examples=["es"])


class Body(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)
    _no_nul = model_validator(mode="before")(no_nul)


class PatientInput(Body):
    """Find a patient by the clinic's reference, or add them with their language."""

    reference: str = Field(min_length=1, max_length=200, examples=["MRN-004512"])
    language: str = LANGUAGE
    team: str | None = Field(default=None, max_length=60, examples=["default"], description=(
        "The slug of the team a new patient joins; needed when you may add patients to several teams"))


class PatientLookup(Body):
    reference: str = Field(min_length=1, max_length=200, examples=["MRN-004512"])


class PatientUpdate(Body):
    language: str = LANGUAGE


class AssignmentInput(Body):
    """Pages to send, as kind:slug; the language defaults to the patient's."""

    items: list[str] = Field(min_length=1, max_length=30, examples=[["condition:asthma", "medication:albuterol"]])
    language: str | None = Field(default=None, pattern=r"^[a-z]{2,3}(_[A-Z][a-z]{3})?$", examples=["es"])


class CodeInput(Body):
    """A reading code as the patient typed it; dashes, spaces and case do not matter."""

    code: str = Field(min_length=1, max_length=20, examples=["K7M-2QX"])


def parse(model: type[BaseModel], body: dict):
    try:
        return model.model_validate(body)
    except ValidationError as exc:
        raise validation_problem(exc) from None
