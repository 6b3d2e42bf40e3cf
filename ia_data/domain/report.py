"""What a council's report says besides its activities and meetings: who the contact and
the chair are, whether the council has an action plan, and the answers to the five
questions (``questions.QUESTIONS``)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date


@dataclass(kw_only=True)
class ReportDetails:
    contact: str = ""
    chair: str = ""
    chair_organisation: str = ""
    action_plan: bool | None = None
    action_plan_date: date | None = None  # when the plan was adopted, if the report says
    answers: list[str] = field(default_factory=lambda: [""] * 5)
