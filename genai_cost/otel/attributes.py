"""Reading an LLM call from span attributes (every variant in the wild) and the names we write.

The accepted variants are DESIGN.md's contract: provider from gen_ai.provider.name or
gen_ai.system, model from the response or the request, tokens under current and older names.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import NamedTuple

from genai_cost.calculate import Counts
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


class LLMCall(NamedTuple):
    """What a span says about one LLM call."""

    provider: str
    model: str
    counts: Counts | None  # None: the span reports no token usage at all
    service_tier: str | None
    batch: bool

    @property
    def usage(self) -> Usage | None:
        """The counts as a Usage (validated again)."""
        return None if self.counts is None else Usage(*self.counts)


def _text(value: object) -> str | None:
    return value if type(value) is str and value.strip() else None


def _count(value: object) -> int | None:
    """A usable token count (int, or integral float); anything else counts as absent."""
    if type(value) is int:
        return value if value >= 0 else None
    if type(value) is float and value >= 0 and value.is_integer():
        return int(value)
    return None


def _pick(get: Callable[[str], object], keys: tuple[str, ...]) -> int | None:
    for key in keys:
        value = get(key)
        if value is not None:
            found = _count(value)
            if found is not None:
                return found
    return None


def read_call(attrs: Attrs) -> LLMCall | None:
    """The LLM call a span describes, or None when it is not an LLM span.

    An LLM span has a provider attribute and a model or usage attribute. Written flat:
    this runs for every LLM span, so it does a handful of dict lookups and little else.
    """
    get = attrs.get
    provider = _text(get(PROVIDER_KEYS[0])) or _text(get(PROVIDER_KEYS[1]))
    if provider is None:
        return None
    model = _text(get(MODEL_KEYS[0])) or _text(get(MODEL_KEYS[1]))
    inp, out = _pick(get, INPUT_KEYS), _pick(get, OUTPUT_KEYS)
    read, write = _pick(get, CACHE_READ_KEYS), _pick(get, CACHE_WRITE_KEYS)
    reasoning, write_1h = _pick(get, REASONING_KEYS), _pick(get, CACHE_WRITE_1H_KEYS)
    counts: Counts | None = None
    if inp is not None or out is not None or read is not None or write is not None:
        counts = (inp or 0, out or 0, read or 0, write or 0, reasoning or 0, write_1h or 0)
    elif reasoning is not None:
        counts = (0, 0, 0, 0, reasoning, 0)
    elif model is None:
        return None
    tier = None
    for key in SERVICE_TIER_KEYS:
        tier = _text(get(key))
        if tier is not None:
            break
    if tier is not None and tier.strip().lower() == "batch":
        return LLMCall(provider, model or "", counts, None, True)
    return LLMCall(provider, model or "", counts, tier, False)
