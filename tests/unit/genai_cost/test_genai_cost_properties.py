"""Property tests over the whole snapshot: total = sum of parts, monotone, never negative/NaN."""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import replace

from hypothesis import given, settings
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


@given(calls(), st.sampled_from(sorted(STEPS)), st.integers(min_value=1, max_value=500_000))
@settings(max_examples=500)
def test_monotone_in_every_token_count(
    call: tuple[str, Usage, str | None, bool, dt.datetime], kind: str, more: int
) -> None:
    key, usage, tier, batch, at = call
    before = price(key, usage, tier, batch, at).total_usd
    after = price(key, STEPS[kind](usage, more), tier, batch, at).total_usd
    assert after >= before * (1 - 1e-12), (key, kind, more, before, after)


@given(st.sampled_from(PRICED_KEYS), st.lists(counts, min_size=6, max_size=6))
@settings(max_examples=300)
def test_inconsistent_usage_is_never_negative(key: str, raw: list[int]) -> None:
    r = calculate_cost(DB, key, None, Usage(*raw))
    assert r.status == "priced"
    assert all(math.isfinite(v) and v >= 0 for v in (r.total_usd, *r.breakdown.values()))
