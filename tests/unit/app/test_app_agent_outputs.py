"""The agents' answers are parsed strictly: no silent approvals, no silent generic plans."""

import json

import pytest

from app.agent_outputs import PlanError, parse_pairing, parse_plan, parse_recipe, parse_review


def _plan(n: int) -> str:
    return json.dumps(
        {
            "theme": "Autumn in Lyon",
            "courses": [
                {"course_type": f"c{i}", "dish_name": f"dish {i}", "description": "d"}
                for i in range(n)
            ],
        }
    )


def test_plan_with_the_asked_number_of_courses_parses() -> None:
    plan = parse_plan(_plan(3), 3)
    assert [c.dish_name for c in plan.courses] == ["dish 0", "dish 1", "dish 2"]
    assert plan.theme == "Autumn in Lyon"


def test_plan_in_a_json_fence_parses() -> None:
    assert len(parse_plan("```json\n" + _plan(2) + "\n```", 2).courses) == 2


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ("{not json", "not valid JSON"),
        (_plan(2), "2 courses instead of 3"),
        (json.dumps({"theme": "x", "courses": [{"course_type": "a"}] * 3}), "dish_name"),
        (json.dumps(["a", "b", "c"]), "Input should be"),
    ],
)
def test_invalid_plans_raise_with_the_reason(text: str, reason: str) -> None:
    with pytest.raises(PlanError, match=reason):
        parse_plan(text, 3)


@pytest.mark.parametrize(
    ("text", "approved", "well_formed"),
    [
        ("APPROVED: YES\nFEEDBACK: balanced", True, True),
        ("approved: yes\nFEEDBACK: fine", True, True),
        ("APPROVED: NO\nFEEDBACK: less salt", False, True),
        ("APPROVED: No\nFEEDBACK: less salt", False, True),  # the reference repo approved this
        ("APPROVED: YES, but less butter", False, False),
        ("Looks approved to me", False, False),
        ("", False, False),
    ],
)
def test_review_approval_is_strict(text: str, approved: bool, well_formed: bool) -> None:
    review = parse_review(text)
    assert (review.approved, review.well_formed) == (approved, well_formed)


def test_review_feedback_is_extracted() -> None:
    assert parse_review("APPROVED: NO\nFEEDBACK: use less cream").feedback == "use less cream"


def test_complete_pairing() -> None:
    p = parse_pairing("WINE: Chablis Premier Cru\nREGION: Burgundy\nREASON: acidity vs butter")
    assert p.complete and (p.wine, p.region) == ("Chablis Premier Cru", "Burgundy")


def test_incomplete_pairing_lists_what_is_missing() -> None:
    p = parse_pairing("WINE: Chablis\nREASON:   \nsomething else")
    assert not p.complete
    assert p.missing == ("REGION", "REASON")


def test_recipe_sections() -> None:
    text = (
        "TITLE: Duck confit\nINGREDIENTS:\n- 4 duck legs\n- salt\n"
        "INSTRUCTIONS:\n1. Cure.\n2. Confit.\nSERVES: 4"
    )
    r = parse_recipe(text, "fallback")
    assert r.title == "Duck confit"
    assert r.ingredients == ["4 duck legs", "salt"]
    assert r.instructions == ["Cure.", "Confit."]
    assert r.serves == 4


def test_recipe_without_sections_keeps_text_and_fallback_title() -> None:
    r = parse_recipe("just prose", "Soup")
    assert (r.title, r.ingredients, r.text) == ("Soup", [], "just prose")
