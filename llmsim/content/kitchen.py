"""Executive chef and nutritionist replies: recipes, dietary guidelines, recipe reviews."""

from __future__ import annotations

import random
import re

from llmsim.content import banks

_RECIPE_FOR = re.compile(r"recipe for (?:an? |the )?[\"']?([^\n.,;:!?\"'()]{2,120})", re.IGNORECASE)
_DISH_END = re.compile(
    r"\s+(?:that|which|for|serving|to serve|following|according|based on|against|per)\b.*$",
    re.IGNORECASE,
)
_TITLE = re.compile(r"\bTITLE:\s*([^\n]+)", re.IGNORECASE)
_DISH = re.compile(r"\bdish(?: name)?:\s*[\"']?([^\n\"']{2,80})", re.IGNORECASE)
_FEEDBACK = re.compile(r"feedback:\s*([^\n]{3,300})", re.IGNORECASE)
_SERVES = re.compile(r"serves:?\s+(\d+)|(\d+)\s+(?:servings|guests|people|portions)", re.IGNORECASE)

PANTRY = (
    "extra-virgin olive oil",
    "flaky sea salt",
    "unsalted butter",
    "shallots",
    "garlic",
    "lemon",
    "fresh thyme",
    "white wine",
    "chicken stock",
    "crème fraîche",
    "black pepper",
)
STEPS = (
    "Bring all ingredients to room temperature and prepare the mise en place.",
    "Season the {main} generously and rest for 15 minutes.",
    "Sweat the shallots and garlic in butter over medium heat until translucent.",
    "Cook the {main} until just done, basting with the pan juices.",
    "Reduce the white wine by half, then mount the sauce with cold butter.",
    "Blanch the vegetables in salted water and refresh in ice water.",
    "Rest the {main} for 5 minutes before slicing.",
    "Plate the {main}, spoon the sauce around it and finish with herbs.",
)
FEEDBACK = (
    "reduce the butter by half and finish with olive oil to lower saturated fat",
    "cut the added salt to keep the course under 600 mg sodium",
    "swap the cream for a vegetable purée to lighten the dish",
    "replace the white wine with verjus to keep it alcohol-free",
    "add a portion of greens to raise the fibre content",
)


def dish_of(prompt: str) -> str:
    """The dish asked for: "recipe for X", a TITLE: line being revised, or a "dish:" field."""
    for pattern in (_RECIPE_FOR, _TITLE, _DISH):
        match = pattern.search(prompt)
        if match:
            dish = _DISH_END.sub("", match.group(1).strip()).strip().rstrip(".")
            if dish:
                return dish
    return "Chef's Seasonal Special"


def servings_of(prompt: str) -> int:
    """The N of "serves N" / "N servings" (default 4, within 1..100)."""
    match = _SERVES.search(prompt)
    if not match:
        return 4
    return max(1, min(int(match.group(1) or match.group(2)), 100))


def recipe(rng: random.Random, prompt: str) -> str:
    """TITLE / INGREDIENTS / INSTRUCTIONS / SERVES lines; a revision adds a NOTES line."""
    dish = dish_of(prompt)
    skip = {*banks.TECHNIQUES, "with", "and", "from", "style", "served"}
    words = [
        w for w in re.findall(r"[a-zA-Zéèêàç'-]+", dish.lower()) if len(w) > 3 and w not in skip
    ]
    main = words[0] if words else "main ingredient"
    items = [f"{rng.randint(1, 4) * 100} g {word}" for word in words[:3]]
    items += [f"{rng.randint(1, 3)} tbsp {p}" for p in rng.sample(PANTRY, rng.randint(3, 5))]
    steps = rng.sample(STEPS, rng.randint(4, 6))
    lines = [f"TITLE: {dish}", "INGREDIENTS:"]
    lines += [f"- {item}" for item in items]
    lines.append("INSTRUCTIONS:")
    lines += [f"{n}. {step.format(main=main)}" for n, step in enumerate(steps, 1)]
    lines.append(f"SERVES: {servings_of(prompt)}")
    if "revise" in prompt.lower() or "revision" in prompt.lower():
        asked = _FEEDBACK.search(prompt)
        change = asked.group(1).strip().rstrip(".") if asked else rng.choice(FEEDBACK)
        lines.append(f"NOTES: Revised per feedback: {change}.")
    return "\n".join(lines)


def diets_in(prompt: str) -> list[str]:
    """Dietary requirements named in the prompt (bank keys, in bank order)."""
    lowered = (
        prompt.lower().replace("gluten free", "gluten-free").replace("dairy free", "dairy-free")
    )
    return [diet for diet in banks.DIETS if diet in lowered]


def guidelines(rng: random.Random, prompt: str) -> str:
    """A bullet list of guidelines, one per dietary requirement named, plus general ones."""
    diets = diets_in(prompt)
    lines = ["Nutritional guidelines for this menu:"]
    lines += [f"- {diet.title()}: {banks.DIETS[diet]}." for diet in diets]
    general = [
        "Keep each course to a tasting portion of 80-120 g.",
        "Balance rich courses with acidic or vegetable-forward ones.",
        "Total menu energy should stay near 1,200-1,500 kcal.",
        "Label the 14 major allergens on every course card.",
        "Offer water and a non-alcoholic pairing alongside the wines.",
    ]
    lines += [f"- {g}" for g in rng.sample(general, 3)]
    return "\n".join(lines)


def review(rng: random.Random, prompt: str, reject: bool) -> str:
    """First line APPROVED: YES|NO, then FEEDBACK (a concrete change request when NO)."""
    dish = dish_of(prompt)
    diets = diets_in(prompt)
    if reject:
        change = rng.choice(FEEDBACK)
        extra = f" and make sure it is fully {diets[0]}" if diets else ""
        return f"APPROVED: NO\nFEEDBACK: For {dish}, {change}{extra}."
    praise = rng.choice(
        ("well balanced", "appropriately portioned", "compliant with the guidelines")
    )
    return f"APPROVED: YES\nFEEDBACK: {dish} is {praise}; no changes needed."
