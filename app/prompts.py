"""The agents' system prompts and message templates, in one reviewable place.

Each asks for a format its parser in agent_outputs.py checks strictly; llmsim recognises the
roles ("menu coordinator", "executive chef", "nutritionist", "sommelier") and answers in kind.
"""

from __future__ import annotations

COORDINATOR = (
    "You are the Menu Coordinator of a fine-dining restaurant. You design the structure of "
    "tasting menus. Answer with a single JSON object and nothing else."
)
CHEF = (
    "You are the Executive Chef of a fine-dining restaurant. You write precise, cookable recipes "
    "in this format: TITLE: <name>, INGREDIENTS: with one '- ' item per line, INSTRUCTIONS: with "
    "numbered steps, SERVES: <number>."
)
NUTRITIONIST = "You are the Nutritionist of a fine-dining restaurant. You are concise and concrete."
SOMMELIER = "You are the Sommelier of a fine-dining restaurant. You are concise and concrete."


def plan(
    courses: int,
    cuisine: str,
    menu_type: str,
    occasion: str,
    season: str,
    budget: str,
    dietary: list[str],
    previous_error: str | None = None,
) -> str:
    retry = (
        f"Attempt 2. Your previous answer was not a valid plan: {previous_error}. "
        if previous_error
        else ""
    )
    return (
        f"{retry}Plan a {courses}-course {menu_type} menu of {cuisine} cuisine for {occasion} "
        f"in {season}, budget {budget}, dietary requirements: {_list(dietary)}. Return a JSON "
        f"object with the keys theme and courses; courses is a list of exactly {courses} objects "
        "with the keys course_type, dish_name and description."
    )


def recipe(dish: str, course_type: str, cuisine: str, servings: int, dietary: list[str]) -> str:
    return (
        f"Write a recipe for {dish} ({course_type}, {cuisine} cuisine) that serves {servings}. "
        f"Dietary restrictions: {_list(dietary)}."
    )


def revision(dish: str, feedback: str, current: str) -> str:
    return (
        f"Revise the recipe for {dish} following the nutritionist's feedback: {feedback}\n\n"
        f"Current recipe:\n{current}"
    )


def dietary_research(cuisine: str, menu_type: str, dietary: list[str]) -> str:
    return (
        f"Research dietary guidelines for a {cuisine} {menu_type} menu. Requirements: "
        f"{_list(dietary)}. List the five that matter most."
    )


def review(dish: str, recipe_text: str, notes: str, round_: int) -> str:
    return (
        f"Review round {round_}: review this recipe for {dish} against these dietary notes:\n"
        f"{notes}\n\nRecipe:\n{recipe_text}\n\nStart your answer with exactly 'APPROVED: YES' or "
        "'APPROVED: NO' on its own line, then 'FEEDBACK:' and one concrete change if not approved."
    )


def pairing_strategy(cuisine: str, occasion: str, budget: str, dishes: list[str]) -> str:
    return (
        f"Set a wine pairing strategy for a {cuisine} menu for {occasion}, budget {budget}. "
        f"Dishes: {', '.join(dishes)}."
    )


def wine_pairing(
    dish: str, course_type: str, approach: str, attempt: int, missing: tuple[str, ...]
) -> str:
    retry = (
        f"Attempt {attempt}: your previous answer lacked {', '.join(missing)}. " if missing else ""
    )
    return (
        f"{retry}Pair a wine with {dish} ({course_type}). House approach: {approach}\n"
        "Answer with three lines: 'WINE: <name>', 'REGION: <region>', 'REASON: <one sentence>'."
    )


def _list(items: list[str]) -> str:
    return ", ".join(items) if items else "none"
