"""Sommelier replies: a pairing strategy (free text) and per-course wine pairings."""

from __future__ import annotations

import random

from llmsim.content import banks

_STYLE_HINTS = (
    ("sweet", ("dessert", "chocolate", "soufflé", "brûlée", "tart", "mignardises", "cheese")),
    ("red", ("beef", "lamb", "duck", "venison", "pork", "main", "mushroom")),
    ("sparkling", ("amuse", "oyster", "caviar", "bread", "aperitif")),
    ("white", ("fish", "halibut", "scallop", "crab", "salad", "soup", "cod", "bass")),
)


def _dish_part(prompt: str) -> str:
    """The line that names the dish to pair, without any house approach appended to it."""
    lines = [line for line in prompt.lower().splitlines() if "pair" in line] or [prompt.lower()]
    return lines[0].split("approach")[0]


def wine_style(prompt: str) -> str:
    """Sparkling, white, red or sweet, from the course/dish words of the pairing request."""
    lowered = _dish_part(prompt)
    for style, words in _STYLE_HINTS:
        if any(word in lowered for word in words):
            return style
    return "white"


def pairing(rng: random.Random, prompt: str, incomplete: bool) -> str:
    """WINE / REGION / REASON lines; the incomplete branch drops REGION and/or REASON."""
    style = wine_style(prompt)
    wine, region = rng.choice(banks.WINES[style])
    reason = rng.choice(
        (
            f"Its acidity cuts through the richness while the {style} fruit echoes the garnish.",
            f"A {style} with enough structure to match the dish without overpowering it.",
            "The mineral finish lifts the seasoning and refreshes the palate between bites.",
        )
    )
    lines = [f"WINE: {wine}", f"REGION: {region}", f"REASON: {reason}"]
    if incomplete:
        drop = rng.choice(((1,), (2,), (1, 2)))
        lines = [line for n, line in enumerate(lines) if n not in drop]
    return "\n".join(lines)


def strategy(rng: random.Random, prompt: str) -> str:
    """A short free-text pairing strategy for the whole menu."""
    opening = rng.choice(
        (
            "Open with a sparkling wine to wake the palate",
            "Start light and mineral with the first courses",
            "Begin with a crisp, high-acid white",
        )
    )
    return (
        f"{opening}, then progress from lighter whites to fuller reds as the courses gain "
        "weight. Match acidity to acidity and body to body; avoid heavy oak with delicate fish. "
        "Use a single red for the main courses to keep the progression coherent, and close "
        "with a sweet wine slightly sweeter than the dessert. Offer a non-alcoholic pairing "
        "(verjus spritz, tea infusions) for guests who do not drink."
    )
