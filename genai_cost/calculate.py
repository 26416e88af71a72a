"""Cost of one call from its usage: a breakdown by kind of token, the resolved model, a status."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Literal, NamedTuple

from genai_cost.rates import tier_key
from genai_cost.usage import Usage

if TYPE_CHECKING:
    from genai_cost.database import Catalog, PricingDatabase

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


class Evaluation(NamedTuple):
    """The shared core of calculate_cost and the span processor (no dataclass overhead)."""

    status: Status
    key: str | None
    provider: str | None
    rule: str
    parts: dict[str, float] | None  # priced only
    input_usd: float
    output_usd: float


Counts = tuple[int, int, int, int, int, int]  # input, output, read, write, reasoning, write_1h


def counts_of(usage: Usage | None) -> Counts | None:
    """A Usage as the plain tuple evaluate() takes."""
    if usage is None:
        return None
    return (
        usage.input_tokens,
        usage.output_tokens,
        usage.cache_read_tokens,
        usage.cache_write_tokens,
        usage.reasoning_tokens,
        usage.cache_write_1h_tokens,
    )


def evaluate(
    catalog: Catalog,
    model: str,
    provider: str | None,
    counts: Counts | None,
    service_tier: str | None,
    batch: bool,
    at: float | None = None,
) -> Evaluation:
    """Resolve the model and price validated token counts (inclusive semantics).

    The span processor calls this directly with counts it validated itself, skipping
    Usage and CostResult construction on the per-span path.
    """
    resolution = catalog.resolver.resolve(model, provider)
    key = resolution.key
    if key is not None and not provider:
        provider = str(catalog.entries[key].get("litellm_provider", "")) or None
    if counts is None:
        return Evaluation("no_usage", key, provider, resolution.rule, None, 0.0, 0.0)
    pricing = catalog.pricing(key) if key is not None else None
    if pricing is None or not pricing.priced:
        rule = resolution.rule if pricing is None else "no-token-rates"
        return Evaluation("unpriced", key, provider, rule, None, 0.0, 0.0)
    inp, out, read, write, reasoning, write_1h = counts
    rates = pricing.rates(tier_key(service_tier), batch, inp, at)
    uncached = inp - read - write
    input_usd = uncached * rates.input if uncached > 0 else 0.0
    parts = {"uncached_input": input_usd}
    if read:
        parts["cache_read"] = value = read * rates.cache_read
        input_usd += value
    if write:
        write_1h = min(write_1h, write)
        value = (write - write_1h) * rates.cache_write + write_1h * rates.cache_write_1h
        parts["cache_write"] = value
        input_usd += value
    text = out - reasoning
    output_usd = parts["output_text"] = text * rates.output if text > 0 else 0.0
    if reasoning:
        parts["reasoning"] = value = reasoning * rates.reasoning
        output_usd += value
    return Evaluation("priced", key, provider, resolution.rule, parts, input_usd, output_usd)


def calculate_cost(
    db: PricingDatabase,
    model: str,
    provider: str | None = None,
    usage: Usage | None = None,
    *,
    service_tier: str | None = None,
    batch: bool = False,
    at: dt.datetime | None = None,
) -> CostResult:
    """Price one call. service_tier: flex/priority (others = standard); batch: the Batch API;
    at: when the call was made (off-peak rates; default now; a naive datetime is UTC)."""
    catalog = db.catalog
    when = None
    if at is not None:
        when = (at if at.tzinfo is not None else at.replace(tzinfo=dt.UTC)).timestamp()
    ev = evaluate(catalog, model, provider, counts_of(usage), service_tier, batch, when)
    return CostResult(
        status=ev.status,
        model_resolved=ev.key,
        provider=ev.provider,
        input_usd=ev.input_usd,
        output_usd=ev.output_usd,
        total_usd=ev.input_usd + ev.output_usd,
        breakdown=ev.parts or {},
        pricing_source=catalog.source,
        match=ev.rule,
    )
