"""Menu coordinator replies: a JSON menu plan with exactly the number of courses asked for."""

from __future__ import annotations

import json
import random
import re

from llmsim.content import banks

_HYPHENATED = re.compile(r"(\d+)-course", re.IGNORECASE)
_COURSES = re.compile(r"(\d+)[ -]course", re.IGNORECASE)
MAX_COURSES = 30
DEFAULT_COURSES = 5


def requested_courses(prompt: str) -> int:
    """The N of "N-course" (else "N courses") in the prompt, last mention wins (default 5).

    The last mention, so a retry prompt quoting the previous error ("3 courses instead of 4")
    before restating the ask still gets the asked count.
    """
    matches = _HYPHENATED.findall(prompt) or _COURSES.findall(prompt)
    if not matches:
        return DEFAULT_COURSES
    match = matches[-1]
    return max(1, min(int(match), MAX_COURSES))


def find_word(prompt: str, words: dict[str, tuple[str, ...]] | tuple[str, ...]) -> str | None:
    """The first bank key mentioned in the prompt, as a whole word (case-insensitive)."""
    lowered = prompt.lower()
    for word in words:
        if re.search(rf"\b{re.escape(word)}\b", lowered):
            return word
    return None


def course_types(count: int) -> list[str]:
    """Course types in service order; beyond the classic twelve, extra tasting courses."""
    keep = set(banks.COURSE_PRIORITY[:count])
    ordered = [c for c in banks.COURSE_ORDER if c in keep]
    extra = ["tasting course"] * max(0, count - len(ordered))
    main_at = ordered.index("main") if "main" in ordered else len(ordered)
    return ordered[:main_at] + extra + ordered[main_at:]


def dish_name(rng: random.Random, course: str, cuisine: str | None, season: str) -> str:
    """A plausible dish: technique + base (+ seasonal produce) + cuisine accent."""
    base = rng.choice(banks.COURSE_BASES[course])
    produce = rng.choice(banks.SEASONS[season])
    accent = rng.choice(banks.CUISINES.get(cuisine or "", banks.DEFAULT_ACCENTS))
    if course in ("intermezzo", "pre-dessert", "mignardises", "cheese", "bread course"):
        return f"{produce.title()} {base} with {accent}"
    technique = rng.choice(banks.TECHNIQUES)
    return f"{technique.title()} {base} with {produce} and {accent}"


def menu_plan(rng: random.Random, prompt: str, malformed: bool) -> str:
    """The JSON plan; the malformed branch is invalid JSON or the wrong number of courses."""
    count = requested_courses(prompt)
    cuisine = find_word(prompt, banks.CUISINES)
    season_word = find_word(prompt, (*banks.SEASONS, *banks.SEASON_ALIASES))
    season = banks.SEASON_ALIASES.get(season_word or "", season_word) or rng.choice(
        tuple(banks.SEASONS)
    )
    theme = f"{season.title()} {(cuisine or 'seasonal').title()} Tasting Menu"
    courses = []
    for course in course_types(count):
        name = dish_name(rng, course, cuisine, season)
        description = (
            f"{'An' if course[0] in 'aeiou' else 'A'} {course} of {name.lower()}, "
            f"built around {season} produce"
            f"{' with ' + cuisine.title() + ' flavours' if cuisine else ''}."
        )
        courses.append({"course_type": course, "dish_name": name, "description": description})
    if malformed:
        if rng.random() < 0.5 or count == 1:
            text = json.dumps({"theme": theme, "courses": courses}, ensure_ascii=False, indent=2)
            return text[: max(10, len(text) * 2 // 3)]
        courses = courses[:-1]
    return json.dumps({"theme": theme, "courses": courses}, ensure_ascii=False, indent=2)
