"""Scenario mix of the load generator: request bodies per endpoint and the attribution population.

Kept apart from loadgen.py (the runner) so the mix can be read and changed on its own; the bodies
follow the app's request schemas (tests check them against app/schemas.py).
"""

from __future__ import annotations

import random
from collections.abc import Callable
from typing import Any

PROVIDERS = ("openai", "anthropic")
DEFAULT_MIX = "generate=5,compare=2,batch=1,menu=2"
# Small fixed population: each feature belongs to one team; each user to one tenant.
FEATURE_TEAM = {
    "recipe-assistant": "consumer-app",
    "meal-planner": "consumer-app",
    "provider-eval": "platform",
    "catalog-import": "content",
    "menu-designer": "catering",
    "catering-quotes": "catering",
}
SCENARIO_FEATURES = {
    "generate": ("recipe-assistant", "meal-planner"),
    "compare": ("provider-eval",),
    "batch": ("catalog-import", "meal-planner"),
    "menu": ("menu-designer", "catering-quotes"),
}
TENANTS = ("acme-foods", "bistro-group", "home-cooks")
USERS = tuple(f"user-{n:02d}" for n in range(1, 13))
DISHES = (
    ("Pad Thai", "Thai"),
    ("Risotto ai funghi", "Italian"),
    ("Chicken tikka masala", "Indian"),
    ("Ratatouille", "French"),
    ("Tacos al pastor", "Mexican"),
    ("Bibimbap", "Korean"),
    ("Shakshuka", "Middle Eastern"),
    ("Ramen", "Japanese"),
)
DIETS = ("vegetarian", "vegan", "gluten-free", "dairy-free", "nut-free")
MENU_TYPES = ("dinner", "lunch", "tasting", "brunch")
BUDGETS = ("budget", "moderate", "premium")
SEASONS = ("spring", "summer", "autumn", "winter")
OCCASIONS = ("birthday", "wedding", "corporate event", "family dinner")


def _diets(rng: random.Random) -> list[str]:
    return rng.sample(DIETS, k=rng.choice((0, 0, 1, 2)))


def generate_body(rng: random.Random, providers: tuple[str, ...]) -> dict[str, Any]:
    """Body of POST /recipe/generate."""
    dish, cuisine = rng.choice(DISHES)
    return {
        "provider": rng.choice(providers),
        "dish_name": dish,
        "cuisine_type": cuisine,
        "dietary_restrictions": _diets(rng),
        "servings": rng.randint(1, 8),
    }


def compare_body(rng: random.Random, providers: tuple[str, ...]) -> dict[str, Any]:
    """Body of POST /recipe/compare (the app asks both providers)."""
    body = generate_body(rng, providers)
    body.pop("provider")
    return body


def batch_body(rng: random.Random, providers: tuple[str, ...]) -> dict[str, Any]:
    """Body of POST /recipe/batch: two or three recipes, providers mixed."""
    return {"recipes": [generate_body(rng, providers) for _ in range(rng.randint(2, 3))]}


def menu_body(rng: random.Random, providers: tuple[str, ...]) -> dict[str, Any]:
    """Body of POST /menu/design (the multi-agent workflow)."""
    return {
        "cuisine": rng.choice(DISHES)[1],
        "menu_type": rng.choice(MENU_TYPES),
        "courses": rng.randint(2, 4),
        "dietary_requirements": _diets(rng),
        "budget": rng.choice(BUDGETS),
        "season": rng.choice(SEASONS),
        "occasion": rng.choice(OCCASIONS),
    }


Builder = Callable[[random.Random, tuple[str, ...]], dict[str, Any]]
SCENARIOS: dict[str, tuple[str, Builder]] = {
    "generate": ("/recipe/generate", generate_body),
    "compare": ("/recipe/compare", compare_body),
    "batch": ("/recipe/batch", batch_body),
    "menu": ("/menu/design", menu_body),
}


def attribution_headers(rng: random.Random, scenario: str) -> dict[str, str]:
    """X-Feature/X-Team/X-Tenant-Id/X-User-Id from the fixed population."""
    feature = rng.choice(SCENARIO_FEATURES[scenario])
    user = rng.choice(USERS)
    return {
        "X-Feature": feature,
        "X-Team": FEATURE_TEAM[feature],
        "X-Tenant-Id": TENANTS[USERS.index(user) % len(TENANTS)],
        "X-User-Id": user,
    }


def parse_mix(text: str) -> dict[str, int]:
    """Parse "generate=5,menu=2" into weights; ValueError naming the bad part."""
    weights: dict[str, int] = {}
    for part in (p.strip() for p in text.split(",") if p.strip()):
        name, sep, weight = part.partition("=")
        if name not in SCENARIOS:
            raise ValueError(f"--mix: unknown scenario {name!r}; known: {', '.join(SCENARIOS)}")
        if not sep or not weight.isdigit():
            raise ValueError(f"--mix: {part!r} needs a whole-number weight, e.g. {name}=2")
        weights[name] = int(weight)
    if not any(weights.values()):
        raise ValueError("--mix: at least one scenario needs a weight above 0")
    return weights
