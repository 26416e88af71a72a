"""Strict parsers of what the agents answer; a parse failure is a value, never a silent default."""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field

from pydantic import BaseModel, ConfigDict, Field, ValidationError


class PlannedCourse(BaseModel):
    """One course of the coordinator's plan."""

    model_config = ConfigDict(extra="ignore")
    course_type: str = Field(min_length=1, max_length=60)
    dish_name: str = Field(min_length=1, max_length=120)
    description: str = Field(default="", max_length=1000)


class MenuPlan(BaseModel):
    """The coordinator's plan: a theme and exactly the asked number of courses."""

    model_config = ConfigDict(extra="ignore")
    theme: str = Field(default="", max_length=300)
    courses: list[PlannedCourse]


class PlanError(ValueError):
    """The coordinator's answer is not a valid plan; the message says why (for the retry prompt)."""


def parse_plan(text: str, courses: int) -> MenuPlan:
    """Parse the coordinator's JSON (a ```json fence is tolerated) and check the course count."""
    body = text.strip()
    fenced = re.match(r"^```(?:json)?\s*(.*?)\s*```$", body, re.DOTALL)
    if fenced:
        body = fenced.group(1)
    try:
        plan = MenuPlan.model_validate(json.loads(body))
    except json.JSONDecodeError as exc:
        raise PlanError(f"not valid JSON ({exc.msg} at position {exc.pos})") from None
    except ValidationError as exc:
        first = exc.errors()[0]
        where = ".".join(str(p) for p in first["loc"])
        raise PlanError(f"field {where}: {first['msg']}") from None
    if len(plan.courses) != courses:
        raise PlanError(f"{len(plan.courses)} courses instead of {courses}")
    return plan


@dataclass(frozen=True)
class Review:
    """The nutritionist's verdict. Only a first line of exactly `APPROVED: YES` approves."""

    approved: bool
    feedback: str
    well_formed: bool


_VERDICT = re.compile(r"^APPROVED:\s*(YES|NO)\s*$", re.IGNORECASE)
_FEEDBACK = re.compile(r"^FEEDBACK:\s*(.*)$", re.IGNORECASE | re.DOTALL | re.MULTILINE)


def parse_review(text: str) -> Review:
    """Strict: 'APPROVED: No', 'Approved - yes' or prose are not approvals."""
    lines = [line.strip() for line in text.strip().splitlines() if line.strip()]
    verdict = _VERDICT.match(lines[0]) if lines else None
    feedback_match = _FEEDBACK.search(text)
    feedback = feedback_match.group(1).strip() if feedback_match else text.strip()
    if verdict is None:
        return Review(approved=False, feedback=feedback[:2000], well_formed=False)
    return Review(
        approved=verdict.group(1).upper() == "YES", feedback=feedback[:2000], well_formed=True
    )


@dataclass(frozen=True)
class Pairing:
    """A wine pairing; `missing` lists the required fields the answer lacked."""

    wine: str = ""
    region: str = ""
    reason: str = ""
    missing: tuple[str, ...] = field(default=())

    @property
    def complete(self) -> bool:
        return not self.missing


def parse_pairing(text: str) -> Pairing:
    """Read the WINE / REGION / REASON lines; each is required."""
    found: dict[str, str] = {}
    for line in text.splitlines():
        key, sep, value = line.partition(":")
        name = key.strip().lower()
        if sep and name in ("wine", "region", "reason") and value.strip():
            found.setdefault(name, value.strip()[:500])
    missing = tuple(n.upper() for n in ("wine", "region", "reason") if n not in found)
    return Pairing(
        wine=found.get("wine", ""),
        region=found.get("region", ""),
        reason=found.get("reason", ""),
        missing=missing,
    )


@dataclass(frozen=True)
class Recipe:
    """A recipe as the chef wrote it: `text` whole, the sections parsed when present."""

    title: str
    ingredients: list[str]
    instructions: list[str]
    serves: int | None
    text: str


_SECTION = re.compile(r"^(TITLE|INGREDIENTS|INSTRUCTIONS|SERVES):\s*(.*)$", re.IGNORECASE)


def parse_recipe(text: str, fallback_title: str) -> Recipe:
    """Split the TITLE / INGREDIENTS / INSTRUCTIONS / SERVES sections; lenient on bullets."""
    title, serves = fallback_title, None
    sections: dict[str, list[str]] = {"ingredients": [], "instructions": []}
    current: str | None = None
    for raw in text.splitlines():
        line = raw.strip()
        match = _SECTION.match(line)
        if match:
            name, rest = match.group(1).lower(), match.group(2).strip()
            if name == "title" and rest:
                title = rest[:200]
            elif name == "serves":
                digits = re.search(r"\d+", rest)
                serves = int(digits.group()) if digits else None
            current = name if name in sections else None
            if current and rest:
                sections[current].append(rest)
        elif current and line:
            sections[current].append(re.sub(r"^(?:[-*•]|\d+[.)])\s*", "", line)[:500])
    return Recipe(
        title=title,
        ingredients=sections["ingredients"][:100],
        instructions=sections["instructions"][:100],
        serves=serves,
        text=text,
    )
