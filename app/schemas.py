"""Request bodies of the API: bounded, unknown fields rejected, every error names its field."""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, StringConstraints

# Printable text without control characters; bounded so that prompts stay bounded.
ShortText = Annotated[
    str,
    StringConstraints(
        strip_whitespace=True, min_length=1, max_length=80, pattern=r"^[^\x00-\x1f\x7f]+$"
    ),
]
DishName = Annotated[
    str,
    StringConstraints(
        strip_whitespace=True, min_length=1, max_length=120, pattern=r"^[^\x00-\x1f\x7f]+$"
    ),
]
ModelName = Annotated[
    str, StringConstraints(min_length=1, max_length=100, pattern=r"^[A-Za-z0-9._:/@-]+$")
]
Restrictions = Annotated[list[ShortText], Field(max_length=10)]

BATCH_MAX_ITEMS = 10  # documented cap of /recipe/batch (README); LLMOBS_BATCH_MAX_ITEMS lowers it


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)


class RecipeRequest(_Strict):
    """POST /recipe/generate."""

    provider: Literal["openai", "anthropic"]
    dish_name: DishName
    cuisine_type: ShortText | None = None
    dietary_restrictions: Restrictions = Field(default_factory=list)
    servings: int = Field(default=4, ge=1, le=50, strict=True)
    model: ModelName | None = None
    temperature: float | None = Field(default=None, ge=0.0, le=2.0, allow_inf_nan=False)


class CompareRequest(_Strict):
    """POST /recipe/compare: the same dish from both providers, in parallel."""

    dish_name: DishName
    cuisine_type: ShortText | None = None
    dietary_restrictions: Restrictions = Field(default_factory=list)
    servings: int = Field(default=4, ge=1, le=50, strict=True)
    temperature: float | None = Field(default=None, ge=0.0, le=2.0, allow_inf_nan=False)


class BatchRequest(_Strict):
    """POST /recipe/batch: up to BATCH_MAX_ITEMS recipes, generated with bounded concurrency."""

    recipes: list[RecipeRequest] = Field(min_length=1, max_length=BATCH_MAX_ITEMS)


class MenuRequest(_Strict):
    """POST /menu/design: the multi-agent menu designer."""

    cuisine: ShortText
    menu_type: ShortText = "dinner"
    courses: int = Field(default=3, ge=1, le=8, strict=True)
    dietary_requirements: Restrictions = Field(default_factory=list)
    budget: ShortText = "moderate"
    season: ShortText = "any"
    occasion: ShortText = "dinner"
