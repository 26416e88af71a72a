"""Classify a request into a demo-domain kind and write its reply with the request's PRNG."""

from __future__ import annotations

import random
import re
from dataclasses import dataclass

from llmsim.content import cellar, kitchen, menu
from llmsim.conversation import Conversation


@dataclass(frozen=True)
class Branches:
    """Probability of each failure branch; a forced value (True/False) wins over the rate."""

    review_reject_rate: float = 0.3
    pairing_incomplete_rate: float = 0.25
    plan_malformed_rate: float = 0.0
    force_reject: bool | None = None
    force_incomplete: bool | None = None
    force_malformed: bool | None = None


def _first(text: str, a: str, b: str) -> str | None:
    """Which of two words occurs first in text (None if neither)."""
    pos = {w: text.find(w) for w in (a, b) if w in text}
    return min(pos, key=lambda w: pos[w]) if pos else None


def classify(conv: Conversation) -> str:
    """The reply kind: menu_plan, recipe, nutrition_*, pairing_strategy, wine_pairing, generic."""
    persona = (conv.system or " ".join(text for _, text in conv.turns)).lower()
    ask = conv.last_user_text().lower()
    if "menu coordinator" in persona:
        return "menu_plan"
    if "executive chef" in persona:
        return "recipe"
    if "nutritionist" in persona:
        first = _first(ask, "review", "guideline")
        return {"review": "nutrition_review", "guideline": "nutrition_guidelines"}.get(
            first or "", "generic"
        )
    if "sommelier" in persona:
        if "strategy" in ask:
            return "pairing_strategy"
        if "pair" in ask:
            return "wine_pairing"
    return "generic"


def _draw(rng: random.Random, rate: float, forced: bool | None) -> bool:
    """A branch decision: always consumes one draw so forcing does not shift the text."""
    drawn = rng.random() < rate
    return drawn if forced is None else forced


def generic(rng: random.Random, ask: str) -> str:
    """A plausible reply of moderate length that echoes the topic of the ask."""
    words = [w for w in re.findall(r"[A-Za-z][A-Za-z'-]{3,}", ask)][:6]
    topic = " ".join(words) if words else "your question"
    sentences = (
        f"Here is a considered answer about {topic}.",
        "The short version: start from the constraints, then weigh the trade-offs.",
        "In practice, the simplest option that meets the requirements is usually best.",
        "Measure before optimising, and keep the design easy to change later.",
        "If you share more context, I can make the recommendation more specific.",
        "A good next step is a small experiment that tests the riskiest assumption.",
    )
    picked = rng.sample(sentences[1:], rng.randint(2, 4))
    return " ".join([sentences[0], *picked])


def write_reply(conv: Conversation, rng: random.Random, branches: Branches) -> tuple[str, str]:
    """(label, text) for the request; deterministic for a given rng state.

    The label is the kind, plus the branch taken where there is one ("nutrition_review/reject",
    "wine_pairing/complete", "menu_plan/malformed"): the admin stats count replies by label.
    """
    kind = classify(conv)
    ask = conv.last_user_text()
    if kind == "menu_plan":
        bad = _draw(rng, branches.plan_malformed_rate, branches.force_malformed)
        return f"{kind}/{'malformed' if bad else 'valid'}", menu.menu_plan(rng, ask, bad)
    if kind == "recipe":
        return kind, kitchen.recipe(rng, ask)
    if kind == "nutrition_guidelines":
        return kind, kitchen.guidelines(rng, ask)
    if kind == "nutrition_review":
        reject = _draw(rng, branches.review_reject_rate, branches.force_reject)
        return f"{kind}/{'reject' if reject else 'approve'}", kitchen.review(rng, ask, reject)
    if kind == "pairing_strategy":
        return kind, cellar.strategy(rng, ask)
    if kind == "wine_pairing":
        bad = _draw(rng, branches.pairing_incomplete_rate, branches.force_incomplete)
        label = f"{kind}/{'incomplete' if bad else 'complete'}"
        return label, cellar.pairing(rng, ask, bad)
    return kind, generic(rng, ask)
