"""What the API and the console send about care plans: a plan's goals, an amendment, a goal's progress.

Care input, not HTTP. A goal comes from a guide's template (`guide` and `template`: its texts are
taken from the guide in the plan's language unless given) or is written out (`goal` and `steps`).
In an amendment, `id` names a goal of the plan that goes on (its progress stays with it): what the
amendment leaves out of that goal stays as it was.
"""
from __future__ import annotations

import datetime as dt
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from portal.care.text import plain_text

STATUSES = ("met", "partly_met", "not_met", "stopped")
PROGRESS_BARRIERS = ("cost", "transportation", "time", "motivation", "side_effects", "understanding",
                     "physical_limits", "support", "other")
MAX_GOALS, MAX_STEPS = 10, 10
YEARS = 10  # a target date further than this either way is a mistyped year
LANGUAGE = r"^[a-z]{2,3}(_[A-Z][a-z]{3})?$"


class _Body(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)
    _plain_text = model_validator(mode="before")(plain_text)


class GoalInput(_Body):
    """One goal: from a template (guide + template), written out (goal + steps), or going on (id)."""

    id: str | None = Field(default=None, max_length=40, examples=["gl_4fJk9qL2xY7m"], description=(
        "Amendments only: the id of a goal of this plan that goes on; fields left out stay as they were"))
    guide: str | None = Field(default=None, max_length=100, pattern=r"^[a-z0-9]+(-[a-z0-9]+)*$",
                              examples=["heart-failure"], description="The condition guide of the template")
    template: str | None = Field(default=None, max_length=100, examples=["steady-weight"],
                                 description="The id of one of the guide's care_plan goals")
    goal: str | None = Field(default=None, min_length=1, max_length=300, examples=["Keep my weight steady"])
    steps: list[str] | None = Field(default=None, min_length=1, max_length=MAX_STEPS,
                                    examples=[["Weigh myself every morning and write it down."]])
    measure: str | None = Field(default=None, max_length=600, examples=["Weigh every morning and write it down."])
    call_when: str | None = Field(default=None, max_length=600,
                                  examples=["Call the clinic if you gain 3 pounds in a day."])
    target_date: dt.date | None = Field(default=None, examples=["2027-03-01"])

    @field_validator("steps")
    @classmethod
    def _steps(cls, value):
        if value is not None and any(not step or len(step) > 300 for step in value):
            raise ValueError("write each step in 1 to 300 characters")
        return value

    @field_validator("target_date")
    @classmethod
    def _target(cls, value):
        if value is not None and abs((value - dt.date.today()).days) > YEARS * 366:
            raise ValueError(f"the target date is more than {YEARS} years away; check the year")
        return value

    @model_validator(mode="after")
    def _kind(self):
        if bool(self.guide) != bool(self.template):
            raise ValueError("guide: give both the guide and the template id, or neither")
        if not self.id and not self.template and (not self.goal or not self.steps):
            raise ValueError("goal: write the goal and its steps, or choose a guide's template")
        return self


class PlanInput(_Body):
    """A new plan: its goals, in the patient's language unless another is named."""

    language: str | None = Field(default=None, pattern=LANGUAGE, examples=["es"])
    goals: list[GoalInput] = Field(min_length=1, max_length=MAX_GOALS)


class PlanAmendment(PlanInput):
    """The plan as it should be from now on (a goal left out is taken off the plan), and why."""

    reason: str = Field(min_length=1, max_length=1000, examples=["New target date agreed with the patient."])


class ProgressInput(_Body):
    """How one goal of the patient's plan went since the last call."""

    goal: str = Field(min_length=1, max_length=40, examples=["gl_4fJk9qL2xY7m"],
                      description="The id of a goal of the patient's current plan")
    status: Literal[STATUSES]
    barriers: list[Literal[PROGRESS_BARRIERS]] = Field(default=[], max_length=len(PROGRESS_BARRIERS))
    note: str = Field(default="", max_length=2000)

    @field_validator("barriers")
    @classmethod
    def _once(cls, value):
        if len(set(value)) != len(value):
            raise ValueError("list each barrier once")
        return value
