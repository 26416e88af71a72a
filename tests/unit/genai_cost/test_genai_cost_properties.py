"""Property tests over the whole snapshot: total = sum of parts, monotone, never negative/NaN."""

from __future__ import annotations

import datetime as dt
import math
import re
from dataclasses import replace

from hypothesis import assume, given, settings
from hypothesis import strategies as st

from genai_cost import PricingDatabase, Usage, calculate_cost
from genai_cost.calculate import CostResult

DB = PricingDatabase()
PRICED_KEYS = sorted(k for k in DB.catalog.entries if DB.catalog.pricing(k).priced)
counts = st.integers(min_value=0, max_value=2_000_000)


@st.composite
def calls(draw: st.DrawFn) -> tuple[str, Usage, str | None, bool, dt.datetime]:
    """A priced model and a consistent usage (parts add up to the inclusive totals)."""
    uncached, read, write, text, reasoning = (draw(counts) for _ in range(5))
    write_1h = draw(st.integers(min_value=0, max_value=write))
    usage = Usage(uncached + read + write, text + reasoning, read, write, reasoning, write_1h)
    tier = draw(st.sampled_from([None, "flex", "priority"]))
    lo, hi = dt.datetime(2000, 1, 1), dt.datetime(2100, 1, 1)
    at = draw(st.datetimes(lo, hi, timezones=st.just(dt.UTC)))  # fixed: off-peak rates
    return draw(st.sampled_from(PRICED_KEYS)), usage, tier, draw(st.booleans()), at


def price(key: str, usage: Usage, tier: str | None, batch: bool, at: dt.datetime) -> CostResult:
    return calculate_cost(DB, key, None, usage, service_tier=tier, batch=batch, at=at)


def test_enough_models_to_mean_something() -> None:
    assert len(PRICED_KEYS) > 3000


@given(calls())
@settings(max_examples=300)
def test_total_is_sum_of_parts(call: tuple[str, Usage, str | None, bool, dt.datetime]) -> None:
    r = price(*call)
    assert r.status == "priced" and r.model_resolved == call[0]
    assert math.isclose(r.total_usd, r.input_usd + r.output_usd, rel_tol=1e-12, abs_tol=0)
    assert math.isclose(r.total_usd, sum(r.breakdown.values()), rel_tol=1e-9, abs_tol=1e-18)
    for value in (r.total_usd, r.input_usd, r.output_usd, *r.breakdown.values()):
        assert math.isfinite(value) and value >= 0


STEPS = {
    "uncached": lambda u, k: replace(u, input_tokens=u.input_tokens + k),
    "cache_read": lambda u, k: replace(
        u, input_tokens=u.input_tokens + k, cache_read_tokens=u.cache_read_tokens + k
    ),
    "cache_write": lambda u, k: replace(
        u, input_tokens=u.input_tokens + k, cache_write_tokens=u.cache_write_tokens + k
    ),
    "cache_write_1h": lambda u, k: replace(
        u,
        input_tokens=u.input_tokens + k,
        cache_write_tokens=u.cache_write_tokens + k,
        cache_write_1h_tokens=u.cache_write_1h_tokens + k,
    ),
    "text": lambda u, k: replace(u, output_tokens=u.output_tokens + k),
    "reasoning": lambda u, k: replace(
        u, output_tokens=u.output_tokens + k, reasoning_tokens=u.reasoning_tokens + k
    ),
}


_THRESHOLD = re.compile(r"_above_(\d+)(k?)_tokens")


def _thresholds(key: str) -> set[int]:
    """The long-context thresholds (`*_above_Nk_tokens`) the entry lists."""
    found = set()
    for name in DB.catalog.entries[key]:
        match = _THRESHOLD.search(name)
        if match:
            found.add(int(match.group(1)) * (1000 if match.group(2) else 1))
    return found


def _tier_crosses_threshold(key: str, tier: str | None, before: Usage, after: Usage) -> bool:
    """The one documented exception to monotonicity: most long-context rates have no tier
    variant, and LiteLLM (whose reading we follow, test_tier_above_threshold_... below) then
    uses the standard long-context rate, which can be below the tier's base rate."""
    return tier is not None and any(
        before.input_tokens <= t < after.input_tokens for t in _thresholds(key)
    )


@given(calls(), st.sampled_from(sorted(STEPS)), st.integers(min_value=1, max_value=500_000))
@settings(max_examples=500)
def test_monotone_in_every_token_count(
    call: tuple[str, Usage, str | None, bool, dt.datetime], kind: str, more: int
) -> None:
    key, usage, tier, batch, at = call
    stepped = STEPS[kind](usage, more)
    assume(not _tier_crosses_threshold(key, tier, usage, stepped))
    before = price(key, usage, tier, batch, at).total_usd
    after = price(key, stepped, tier, batch, at).total_usd
    assert after >= before * (1 - 1e-12), (key, kind, more, before, after)


def test_tier_above_threshold_without_tier_rate_uses_the_standard_long_context_rate() -> None:
    """Found by the property above: azure/eu/gpt-5.4 lists output_cost_per_token_priority
    (3.3e-05) but no priority variant of output_cost_per_token_above_272k_tokens (2.475e-05).
    LiteLLM's generic_cost_per_token then falls back to the standard long-context key, so a
    priority call of 272,001 prompt tokens costs less per output token than one of 272,000;
    we agree with LiteLLM and assert the exact figures (worked out from the JSON)."""
    at = dt.datetime(2026, 1, 1, tzinfo=dt.UTC)
    below = price("azure/eu/gpt-5.4", Usage(272_000, 1000), "priority", False, at)
    above = price("azure/eu/gpt-5.4", Usage(272_001, 1000), "priority", False, at)
    assert math.isclose(below.total_usd, 272_000 * 5.5e-06 + 1000 * 3.3e-05, rel_tol=1e-12)
    assert math.isclose(above.total_usd, 272_001 * 5.5e-06 + 1000 * 2.475e-05, rel_tol=1e-12)
    assert above.total_usd < below.total_usd


@given(st.sampled_from(PRICED_KEYS), st.lists(counts, min_size=6, max_size=6))
@settings(max_examples=300)
def test_inconsistent_usage_is_never_negative(key: str, raw: list[int]) -> None:
    r = calculate_cost(DB, key, None, Usage(*raw))
    assert r.status == "priced"
    assert all(math.isfinite(v) and v >= 0 for v in (r.total_usd, *r.breakdown.values()))
