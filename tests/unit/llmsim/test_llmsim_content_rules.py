"""Request classification, demo content rules, branch forcing and the fault book."""

from __future__ import annotations

import json

import pytest

from llmsim.admin import is_loopback
from llmsim.completion import ScenarioError, complete, parse_scenario
from llmsim.config import Settings
from llmsim.content.kitchen import dish_of, servings_of
from llmsim.content.menu import course_types, requested_courses
from llmsim.content.replies import classify
from llmsim.conversation import Conversation
from llmsim.faults import FaultBook, FaultSpecError, QueuedFault, parse_fault_header


def conv(system: str, user: str, model: str = "gpt-4o") -> Conversation:
    return Conversation("openai", model, system, (("user", user),))


@pytest.mark.parametrize(
    ("system", "user", "kind"),
    [
        ("You are the MENU COORDINATOR.", "Plan a 3-course menu", "menu_plan"),
        ("You are the Executive Chef.", "Revise the recipe", "recipe"),
        ("You are the Nutritionist.", "Research dietary guidelines", "nutrition_guidelines"),
        (
            "You are the Nutritionist.",
            "Review this recipe against the guidelines",
            "nutrition_review",
        ),
        ("You are the Sommelier.", "Set a wine pairing strategy", "pairing_strategy"),
        ("You are the Sommelier.", "Pair a wine with duck", "wine_pairing"),
        ("You are helpful.", "Pair a wine with duck", "generic"),
        ("", "You are the sommelier. Pair a wine with duck", "wine_pairing"),
    ],
)
def test_classify(system: str, user: str, kind: str) -> None:
    assert classify(conv(system, user)) == kind


def test_course_count_parsing() -> None:
    assert requested_courses("a 7-course dinner") == 7
    assert requested_courses("give me 4 courses") == 4
    assert requested_courses("3 courses instead of 4. Plan a 4-course menu") == 4
    assert requested_courses("no number") == 5
    assert requested_courses("a 99-course feast") == 30
    assert course_types(3) == ["appetizer", "main", "dessert"]
    assert len(course_types(20)) == 20 and course_types(20)[-1] == "mignardises"


def test_recipe_prompt_parsing() -> None:
    assert dish_of("Write a recipe for Duck Breast (main, French) that serves 2.") == "Duck Breast"
    assert dish_of("Revise the recipe for Pea Soup following the feedback") == "Pea Soup"
    assert dish_of("Current recipe:\nTITLE: Lamb Loin\nSERVES: 4") == "Lamb Loin"
    assert servings_of("serves 6") == 6 and servings_of("for 8 guests") == 8
    assert servings_of("SERVES: 3") == 3 and servings_of("nothing") == 4


def test_completion_is_deterministic_and_cut() -> None:
    c = conv("You are the menu coordinator.", "Plan a 6-course Thai summer menu")
    settings = Settings()
    a, b = complete(c, settings, {}, None), complete(c, settings, {}, None)
    assert a == b and not a.cut
    assert len(json.loads(a.text)["courses"]) == 6
    cut = complete(c, settings, {}, 10)
    assert cut.cut and len(cut.pieces) == 10 and a.text.startswith(cut.text)
    other_seed = complete(c, Settings(seed=1), {}, None)
    assert other_seed.text != a.text


def test_reasoning_tokens_only_for_reasoning_models() -> None:
    settings = Settings()
    assert complete(conv("", "hi", "o3"), settings, {}, None).reasoning_tokens > 0
    assert complete(conv("", "hi", "gpt-5-mini"), settings, {}, None).reasoning_tokens > 0
    assert complete(conv("", "hi", "gpt-4o"), settings, {}, None).reasoning_tokens == 0
    tight = complete(conv("", "hi", "o3"), settings, {}, 20)
    assert tight.output_tokens == 20 and tight.cut
    full = complete(conv("", "hi", "o3"), settings, {}, None)
    budget = 2 * len(full.pieces) + 10
    roomy = complete(conv("", "hi", "o3"), settings, {}, budget)
    assert not roomy.cut and roomy.text == full.text  # reasoning leaves room for the answer
    assert 0 < roomy.reasoning_tokens <= budget - len(full.pieces)


def test_scenario_header() -> None:
    assert parse_scenario("review=reject, pairing=complete") == {"review": True, "pairing": False}
    assert parse_scenario(None) == {}
    with pytest.raises(ScenarioError, match="x-llmsim-scenario"):
        parse_scenario("review=sometimes")


def test_fault_book_order() -> None:
    book = FaultBook(seed=1)
    book.add(QueuedFault("500", 1, "anthropic", None))
    book.add(QueuedFault("429", 2, None, "gpt-4o"))
    no_rates = dict.fromkeys(("429", "500"), 0.0)
    assert book.choose("openai", "gpt-4o", "timeout", no_rates) == "timeout"  # header first
    assert book.choose("openai", "gpt-4o-mini", None, no_rates) is None
    assert book.choose("openai", "gpt-4o", None, no_rates) == "429"
    assert book.choose("anthropic", "claude", None, no_rates) == "500"
    assert book.choose("anthropic", "gpt-4o", None, no_rates) == "429"
    assert book.pending() == []
    draws = [book.choose("openai", "m", None, {"429": 0.5}) for _ in range(200)]
    assert 60 < draws.count("429") < 140
    with pytest.raises(FaultSpecError, match="x-llmsim-fault"):
        parse_fault_header("teapot")


@pytest.mark.parametrize(
    ("host", "loopback"),
    [("127.0.0.1", True), ("127.8.9.10", True), ("::1", True), ("::ffff:127.0.0.1", True),
     ("10.0.0.5", False), ("172.17.0.1", False), ("::ffff:10.0.0.5", False), ("nonsense", False)],
)  # fmt: skip
def test_admin_loopback_check(host: str, loopback: bool) -> None:
    assert is_loopback(host) is loopback
