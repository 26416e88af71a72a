"""Cost of one call from its usage: a breakdown by kind of token, the resolved model, a status."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Literal

from genai_cost.rates import tier_key
from genai_cost.usage import Usage

if TYPE_CHECKING:
    from genai_cost.database import PricingDatabase

Status = Literal["priced", "unpriced", "no_usage"]
INPUT_PARTS = ("uncached_input", "cache_read", "cache_write")
OUTPUT_PARTS = ("output_text", "reasoning")


@dataclass(frozen=True, slots=True)
class CostResult:
    """The priced call. total_usd = input_usd + output_usd = sum(breakdown.values())."""

    status: Status
    model_resolved: str | None
    provider: str | None
    input_usd: float = 0.0
    output_usd: float = 0.0
    total_usd: float = 0.0
    breakdown: Mapping[str, float] = field(default_factory=dict)
    pricing_source: str = ""
    match: str = ""  # the resolution rule that found the model ("exact", "alias", ...)

    def to_dict(self) -> dict[str, Any]:
        """A JSON-ready dict (the CLI's --json output)."""
        return {
            "status": self.status,
            "model_resolved": self.model_resolved,
            "provider": self.provider,
            "input_usd": self.input_usd,
            "output_usd": self.output_usd,
            "total_usd": self.total_usd,
            "breakdown": dict(self.breakdown),
            "pricing_source": self.pricing_source,
            "match": self.match,
        }


def calculate_cost(
    db: PricingDatabase,
    model: str,
    provider: str | None = None,
    usage: Usage | None = None,
    *,
    service_tier: str | None = None,
    batch: bool = False,
) -> CostResult:
    """Price one call. service_tier: flex/priority (others = standard); batch: the Batch API."""
    catalog = db.catalog
    resolution = catalog.resolver.resolve(model, provider)
    key = resolution.key
    pricing = catalog.pricing(key) if key is not None else None
    provider_out = provider
    if key is not None and not provider:
        provider_out = str(catalog.entries[key].get("litellm_provider", "")) or None
    if usage is None:
        return CostResult(
            "no_usage", key, provider_out, pricing_source=catalog.source, match=resolution.rule
        )
    if pricing is None or not pricing.priced:
        rule = resolution.rule if pricing is None else "no-token-rates"
        return CostResult("unpriced", key, provider_out, pricing_source=catalog.source, match=rule)
    rates = pricing.rates(tier_key(service_tier), batch, usage.input_tokens)
    write_1h = min(usage.cache_write_1h_tokens, usage.cache_write_tokens)
    parts: dict[str, float] = {"uncached_input": usage.uncached_input_tokens * rates.input}
    if usage.cache_read_tokens:
        parts["cache_read"] = usage.cache_read_tokens * rates.cache_read
    if usage.cache_write_tokens:
        parts["cache_write"] = (usage.cache_write_tokens - write_1h) * rates.cache_write + (
            write_1h * rates.cache_write_1h
        )
    parts["output_text"] = usage.text_output_tokens * rates.output
    if usage.reasoning_tokens:
        parts["reasoning"] = usage.reasoning_tokens * rates.reasoning
    input_usd = sum(parts.get(p, 0.0) for p in INPUT_PARTS)
    output_usd = sum(parts.get(p, 0.0) for p in OUTPUT_PARTS)
    return CostResult(
        status="priced",
        model_resolved=key,
        provider=provider_out,
        input_usd=input_usd,
        output_usd=output_usd,
        total_usd=input_usd + output_usd,
        breakdown=parts,
        pricing_source=catalog.source,
        match=resolution.rule,
    )
