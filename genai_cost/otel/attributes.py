"""Reading an LLM call from span attributes (every variant in the wild) and the names we write.

The accepted variants are DESIGN.md's contract: provider from gen_ai.provider.name or
gen_ai.system, model from the response or the request, tokens under current and older names.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from genai_cost.usage import Usage

PROVIDER_KEYS = ("gen_ai.provider.name", "gen_ai.system")
MODEL_KEYS = ("gen_ai.response.model", "gen_ai.request.model")
INPUT_KEYS = ("gen_ai.usage.input_tokens", "gen_ai.usage.prompt_tokens")
OUTPUT_KEYS = ("gen_ai.usage.output_tokens", "gen_ai.usage.completion_tokens")
CACHE_READ_KEYS = ("gen_ai.usage.cache_read.input_tokens", "gen_ai.usage.cache_read_input_tokens")
CACHE_WRITE_KEYS = (
    "gen_ai.usage.cache_write.input_tokens",
    "gen_ai.usage.cache_creation.input_tokens",
    "gen_ai.usage.cache_creation_input_tokens",
)
CACHE_WRITE_1H_KEYS = ("gen_ai.usage.cache_creation.ephemeral_1h_input_tokens",)
REASONING_KEYS = ("gen_ai.usage.reasoning.output_tokens", "gen_ai.usage.reasoning_tokens")
SERVICE_TIER_KEYS = (
    "openai.response.service_tier",
    "gen_ai.openai.response.service_tier",
    "openai.request.service_tier",
    "gen_ai.openai.request.service_tier",
)
USAGE_KEYS = INPUT_KEYS + OUTPUT_KEYS + CACHE_READ_KEYS + CACHE_WRITE_KEYS + REASONING_KEYS

# Written by the processor (DESIGN.md "Contracts").
COST_INPUT = "gen_ai.cost.input_usd"
COST_OUTPUT = "gen_ai.cost.output_usd"
COST_TOTAL = "gen_ai.cost.total_usd"
COST_PARTS = {
    "cache_read": "gen_ai.cost.cache_read_usd",
    "cache_write": "gen_ai.cost.cache_write_usd",
    "reasoning": "gen_ai.cost.reasoning_usd",
}
COST_MODEL = "gen_ai.cost.model_resolved"
COST_PROVIDER = "gen_ai.cost.provider"
COST_SOURCE = "gen_ai.cost.pricing_source"
COST_STATUS = "gen_ai.cost.status"
SYSTEM = "gen_ai.system"

Attrs = Mapping[str, object]


@dataclass(frozen=True, slots=True)
class LLMCall:
    """What a span says about one LLM call."""

    provider: str
    model: str
    usage: Usage | None  # None: the span reports no token usage at all
    service_tier: str | None
    batch: bool


def _first_str(attrs: Attrs, keys: tuple[str, ...]) -> str | None:
    for key in keys:
        value = attrs.get(key)
        if isinstance(value, str) and value.strip():
            return value
    return None


def _first_count(attrs: Attrs, keys: tuple[str, ...]) -> int | None:
    """The first usable token count (ints, or integral floats); garbage counts as absent."""
    for key in keys:
        value = attrs.get(key)
        if isinstance(value, bool) or value is None:
            continue
        if isinstance(value, int) and value >= 0:
            return value
        if isinstance(value, float) and value >= 0 and value.is_integer():
            return int(value)
    return None


def read_call(attrs: Attrs) -> LLMCall | None:
    """The LLM call a span describes, or None when it is not an LLM span.

    An LLM span has a provider attribute and a model or usage attribute.
    """
    provider = _first_str(attrs, PROVIDER_KEYS)
    if provider is None:
        return None
    model = _first_str(attrs, MODEL_KEYS)
    counts = [_first_count(attrs, keys) for keys in _COUNT_GROUPS]
    if model is None and all(c is None for c in counts):
        return None
    usage = None
    if any(c is not None for c in counts):
        inp, out, read, write, reasoning, write_1h = (c or 0 for c in counts)
        usage = Usage(inp, out, read, write, reasoning, write_1h)
    tier = _first_str(attrs, SERVICE_TIER_KEYS)
    batch = tier is not None and tier.strip().lower() == "batch"
    return LLMCall(provider, model or "", usage, None if batch else tier, batch)


_COUNT_GROUPS = (
    INPUT_KEYS,
    OUTPUT_KEYS,
    CACHE_READ_KEYS,
    CACHE_WRITE_KEYS,
    REASONING_KEYS,
    CACHE_WRITE_1H_KEYS,
)
