"""Demo-domain replies as the menu-designer workload parses them, through both SDKs."""

from __future__ import annotations

import json
import re

import anthropic
import openai
import pytest

from tests.integration.llmsim.llmsim_harness import Sim

COORDINATOR = "You are the Menu Coordinator of a fine-dining restaurant. Answer with JSON only."
CHEF = "You are the Executive Chef of a fine-dining restaurant."
NUTRITIONIST = "You are the Nutritionist of a fine-dining restaurant."
SOMMELIER = "You are the Sommelier of a fine-dining restaurant."
COURSE_TYPES = {
    "amuse-bouche", "bread course", "appetizer", "soup", "salad", "fish", "intermezzo",
    "main", "cheese", "pre-dessert", "dessert", "mignardises", "tasting course",
}  # fmt: skip


def ask_openai(client: openai.OpenAI, system: str, user: str, **extra: object) -> str:
    r = client.chat.completions.create(
        model="gpt-4o",
        messages=[{"role": "system", "content": system}, {"role": "user", "content": user}],
        **extra,  # type: ignore[arg-type]
    )
    return r.choices[0].message.content or ""


def ask_anthropic(client: anthropic.Anthropic, system: str, user: str, **extra: object) -> str:
    m = client.messages.create(
        model="claude-sonnet-4-6",
        max_tokens=2000,
        system=[{"type": "text", "text": system}],
        messages=[{"role": "user", "content": user}],
        **extra,  # type: ignore[arg-type]
    )
    return m.content[0].text  # type: ignore[union-attr]


@pytest.mark.parametrize("courses", [1, 3, 5, 8, 12, 15])
def test_menu_plan_has_the_asked_courses(oai: openai.OpenAI, courses: int) -> None:
    text = ask_openai(
        oai, COORDINATOR, f"Plan a {courses}-course Japanese tasting menu for autumn. Return JSON."
    )
    plan = json.loads(text)
    assert set(plan) == {"theme", "courses"} and "Japanese" in plan["theme"]
    assert len(plan["courses"]) == courses
    for course in plan["courses"]:
        assert set(course) == {"course_type", "dish_name", "description"}
        assert course["course_type"] in COURSE_TYPES and course["dish_name"]
    assert len({c["dish_name"] for c in plan["courses"]}) >= min(courses, 3)


def test_menu_plan_retry_prompt_keeps_the_asked_count(ant: anthropic.Anthropic) -> None:
    retry = (
        "Attempt 2. Your previous answer was not a valid plan: 3 courses instead of 4. "
        "Plan a 4-course menu of Italian cuisine. courses is a list of exactly 4 objects."
    )
    assert len(json.loads(ask_anthropic(ant, COORDINATOR, retry))["courses"]) == 4


def test_malformed_plan_branch(oai: openai.OpenAI, sim: Sim) -> None:
    ask = "Plan a 4-course French dinner for winter as JSON."
    bad = ask_openai(oai, COORDINATOR, ask, extra_headers={"x-llmsim-scenario": "plan=malformed"})
    try:
        plan = json.loads(bad)
    except json.JSONDecodeError:
        plan = None  # the invalid-JSON flavour of the malformed branch
    assert plan is None or len(plan["courses"]) != 4
    good = ask_openai(oai, COORDINATOR, ask, extra_headers={"x-llmsim-scenario": "plan=valid"})
    assert len(json.loads(good)["courses"]) == 4
    sim.configure(plan_malformed_rate=1.0)
    assert ask_openai(oai, COORDINATOR, ask) == bad  # same request, same draw, same branch


def test_recipe_sections(ant: anthropic.Anthropic) -> None:
    text = ask_anthropic(
        ant, CHEF, "Write a recipe for Seared Halibut with Spring Peas (fish) that serves 6."
    )
    lines = text.splitlines()
    assert lines[0] == "TITLE: Seared Halibut with Spring Peas"
    assert "INGREDIENTS:" in lines and "INSTRUCTIONS:" in lines
    ingredients = lines[lines.index("INGREDIENTS:") + 1 : lines.index("INSTRUCTIONS:")]
    assert ingredients and all(i.startswith("- ") for i in ingredients)
    steps = [line for line in lines if re.match(r"^\d+\. ", line)]
    assert len(steps) >= 4 and steps[0].startswith("1. ")
    assert "SERVES: 6" in lines


def test_revision_changes_the_recipe(ant: anthropic.Anthropic) -> None:
    first = ask_anthropic(ant, CHEF, "Write a recipe for Duck Breast with Cherries. Serves 2.")
    revised = ask_anthropic(
        ant,
        CHEF,
        "Revise the recipe for Duck Breast with Cherries following the nutritionist's "
        f"feedback: use less butter.\n\nCurrent recipe:\n{first}",
    )
    assert revised.startswith("TITLE: Duck Breast with Cherries")
    assert "SERVES: 2" in revised and revised != first
    assert "use less butter" in revised


def test_guidelines_name_the_requirements(ant: anthropic.Anthropic) -> None:
    text = ask_anthropic(
        ant, NUTRITIONIST, "Research dietary guidelines. Requirements: vegan, gluten-free."
    )
    bullets = [line for line in text.splitlines() if line.startswith("- ")]
    assert len(bullets) >= 3
    assert "Vegan" in text and "Gluten-Free" in text


@pytest.mark.parametrize(("forced", "verdict"), [("reject", "NO"), ("approve", "YES")])
def test_review_verdict_can_be_forced(ant: anthropic.Anthropic, forced: str, verdict: str) -> None:
    text = ask_anthropic(
        ant,
        NUTRITIONIST,
        "Review this recipe for Lamb Loin against the notes. TITLE: Lamb Loin",
        extra_headers={"x-llmsim-scenario": f"review={forced}"},
    )
    first, second = text.splitlines()[:2]
    assert first == f"APPROVED: {verdict}"
    assert second.startswith("FEEDBACK: ") and len(second) > 20


def test_review_reject_rate_is_honoured(ant: anthropic.Anthropic, sim: Sim) -> None:
    verdicts = [
        ask_anthropic(
            ant, NUTRITIONIST, f"Review round {n}: review this recipe for Soup {n}."
        ).splitlines()[0]
        for n in range(40)
    ]
    assert set(verdicts) == {"APPROVED: YES", "APPROVED: NO"}
    assert 3 <= verdicts.count("APPROVED: NO") <= 25  # default rate 0.3
    assert sim.stats()["by_reply"] == {
        "nutrition_review/reject": verdicts.count("APPROVED: NO"),
        "nutrition_review/approve": verdicts.count("APPROVED: YES"),
    }
    sim.configure(review_reject_rate=0.0)
    assert ask_anthropic(ant, NUTRITIONIST, "Review this recipe.").startswith("APPROVED: YES")


def fields(text: str) -> dict[str, str]:
    found = {}
    for line in text.splitlines():
        name, sep, value = line.partition(":")
        if sep:
            found[name.strip()] = value.strip()
    return found


def test_wine_pairing_fields(oai: openai.OpenAI) -> None:
    text = ask_openai(
        oai,
        SOMMELIER,
        "Pair a wine with Chocolate Soufflé (dessert).",
        extra_headers={"x-llmsim-scenario": "pairing=complete"},
    )
    got = fields(text)
    assert set(got) == {"WINE", "REGION", "REASON"} and all(got.values())
    assert any(w in got["WINE"] for w in ("Sauternes", "Port", "Icewine"))


def test_incomplete_pairing_branch(oai: openai.OpenAI, sim: Sim) -> None:
    sim.configure(pairing_incomplete_rate=1.0)
    got = fields(ask_openai(oai, SOMMELIER, "Pair a wine with Roast Duck (main)."))
    assert "WINE" in got and not {"REGION", "REASON"} <= set(got)
    sim.configure(pairing_incomplete_rate=0.0)
    retry = "Attempt 2: your previous answer lacked REGION. Pair a wine with Roast Duck (main)."
    assert set(fields(ask_openai(oai, SOMMELIER, retry))) == {"WINE", "REGION", "REASON"}
    replies = sim.stats()["by_reply"]
    assert replies == {"wine_pairing/incomplete": 1, "wine_pairing/complete": 1}


def test_pairing_strategy_is_free_text(oai: openai.OpenAI) -> None:
    text = ask_openai(oai, SOMMELIER, "Set a wine pairing strategy for an Italian menu.")
    assert len(text) > 200 and "WINE:" not in text


def test_generic_reply(ant: anthropic.Anthropic) -> None:
    text = ask_anthropic(ant, "You are helpful.", "What is the capital of France?")
    assert 60 < len(text) < 1000
