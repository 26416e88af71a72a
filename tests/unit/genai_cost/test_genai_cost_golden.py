"""Golden cases: one per pricing rule, worked out by hand from the snapshot's JSON entries.

Each test first pins the rates it uses (so a snapshot refresh that changes them fails here,
loudly, rather than silently changing the arithmetic), then checks the hand computation.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from genai_cost import PricingDatabase, Usage, calculate_cost


def rates(raw: dict[str, Any], key: str, **expected: float) -> None:
    for name, value in expected.items():
        assert raw[key][name] == value, f"{key}.{name} changed in the snapshot"


def approx(value: float) -> Any:
    return pytest.approx(value, rel=1e-12, abs=1e-18)


def test_plain_input_and_output(db: PricingDatabase, raw_table: dict[str, Any]) -> None:
    rates(raw_table, "gpt-4o-mini", input_cost_per_token=1.5e-07, output_cost_per_token=6e-07)
    r = calculate_cost(db, "gpt-4o-mini", "openai", Usage(input_tokens=1000, output_tokens=200))
    assert r.status == "priced" and r.model_resolved == "gpt-4o-mini"
    assert r.input_usd == approx(1000 * 1.5e-07)
    assert r.output_usd == approx(200 * 6e-07)
    assert r.total_usd == approx(1000 * 1.5e-07 + 200 * 6e-07)
    assert set(r.breakdown) == {"uncached_input", "output_text"}


def test_cache_read_is_part_of_input(db: PricingDatabase, raw_table: dict[str, Any]) -> None:
    rates(raw_table, "gpt-4o-mini", cache_read_input_token_cost=7.5e-08)
    r = calculate_cost(
        db,
        "gpt-4o-mini",
        "openai",
        Usage(input_tokens=1000, output_tokens=0, cache_read_tokens=400),
    )
    assert r.breakdown["uncached_input"] == approx(600 * 1.5e-07)
    assert r.breakdown["cache_read"] == approx(400 * 7.5e-08)
    assert r.input_usd == approx(600 * 1.5e-07 + 400 * 7.5e-08)


def test_cache_write_5m_and_1h(db: PricingDatabase, raw_table: dict[str, Any]) -> None:
    rates(
        raw_table,
        "claude-sonnet-4-5",
        input_cost_per_token=3e-06,
        cache_creation_input_token_cost=3.75e-06,
        cache_creation_input_token_cost_above_1hr=6e-06,
        cache_read_input_token_cost=3e-07,
        output_cost_per_token=1.5e-05,
    )
    usage = Usage(
        input_tokens=10_000,
        output_tokens=100,
        cache_read_tokens=2_000,
        cache_write_tokens=3_000,
        cache_write_1h_tokens=1_000,
    )
    r = calculate_cost(db, "claude-sonnet-4-5", "anthropic", usage)
    assert r.breakdown["uncached_input"] == approx(5_000 * 3e-06)
    assert r.breakdown["cache_read"] == approx(2_000 * 3e-07)
    assert r.breakdown["cache_write"] == approx(2_000 * 3.75e-06 + 1_000 * 6e-06)
    assert r.output_usd == approx(100 * 1.5e-05)


def test_missing_cache_rates_fall_back_to_input(
    db: PricingDatabase, raw_table: dict[str, Any]
) -> None:
    rates(raw_table, "gpt-4", input_cost_per_token=3e-05, output_cost_per_token=6e-05)
    assert "cache_read_input_token_cost" not in raw_table["gpt-4"]
    assert "cache_creation_input_token_cost" not in raw_table["gpt-4"]
    usage = Usage(
        input_tokens=1_000, output_tokens=10, cache_read_tokens=300, cache_write_tokens=200
    )
    r = calculate_cost(db, "gpt-4", "openai", usage)
    assert r.breakdown["cache_read"] == approx(300 * 3e-05)
    assert r.breakdown["cache_write"] == approx(200 * 3e-05)
    assert r.input_usd == approx(1_000 * 3e-05)


def test_reasoning_at_its_own_rate(db: PricingDatabase, raw_table: dict[str, Any]) -> None:
    rates(
        raw_table,
        "dashscope/qwen-plus-2025-04-28",
        output_cost_per_token=1.2e-06,
        output_cost_per_reasoning_token=4e-06,
    )
    r = calculate_cost(
        db,
        "dashscope/qwen-plus-2025-04-28",
        None,
        Usage(input_tokens=0, output_tokens=1_000, reasoning_tokens=600),
    )
    assert r.breakdown["output_text"] == approx(400 * 1.2e-06)
    assert r.breakdown["reasoning"] == approx(600 * 4e-06)
    assert r.output_usd == approx(400 * 1.2e-06 + 600 * 4e-06)


def test_reasoning_without_own_rate_is_output(
    db: PricingDatabase, raw_table: dict[str, Any]
) -> None:
    assert "output_cost_per_reasoning_token" not in raw_table["gpt-5-mini"]
    rates(raw_table, "gpt-5-mini", output_cost_per_token=2e-06)
    r = calculate_cost(
        db, "gpt-5-mini", "openai", Usage(input_tokens=0, output_tokens=1_000, reasoning_tokens=600)
    )
    assert r.breakdown["reasoning"] == approx(600 * 2e-06)
    assert r.output_usd == approx(1_000 * 2e-06)


def test_long_context_prices_whole_request(db: PricingDatabase, raw_table: dict[str, Any]) -> None:
    rates(
        raw_table,
        "gemini-2.5-pro",
        input_cost_per_token=1.25e-06,
        input_cost_per_token_above_200k_tokens=2.5e-06,
        output_cost_per_token=1e-05,
        output_cost_per_token_above_200k_tokens=1.5e-05,
        cache_read_input_token_cost_above_200k_tokens=2.5e-07,
    )
    at = calculate_cost(db, "gemini-2.5-pro", None, Usage(input_tokens=200_000, output_tokens=10))
    assert at.total_usd == approx(200_000 * 1.25e-06 + 10 * 1e-05)  # not *above* 200k yet
    usage = Usage(input_tokens=200_001, output_tokens=10, cache_read_tokens=1_000)
    above = calculate_cost(db, "gemini-2.5-pro", None, usage)
    assert above.breakdown["uncached_input"] == approx(199_001 * 2.5e-06)
    assert above.breakdown["cache_read"] == approx(1_000 * 2.5e-07)
    assert above.output_usd == approx(10 * 1.5e-05)


def test_long_context_threshold_is_inclusive_for_xai(
    db: PricingDatabase, raw_table: dict[str, Any]
) -> None:
    key = "xai/grok-4.20-multi-agent-beta-0309"
    rates(
        raw_table,
        key,
        input_cost_per_token=1.25e-06,
        input_cost_per_token_above_200k_tokens=2.5e-06,
    )
    r = calculate_cost(db, key, "xai", Usage(input_tokens=200_000, output_tokens=0))
    assert r.input_usd == approx(200_000 * 2.5e-06)  # xAI bills the higher tier from N on


def test_batch_rates(db: PricingDatabase, raw_table: dict[str, Any]) -> None:
    rates(
        raw_table,
        "claude-sonnet-4-5",
        input_cost_per_token_batches=1.5e-06,
        output_cost_per_token_batches=7.5e-06,
        cache_read_input_token_cost_batches=1.5e-07,
        cache_creation_input_token_cost_batches=1.875e-06,
    )
    usage = Usage(
        input_tokens=1_000, output_tokens=100, cache_read_tokens=200, cache_write_tokens=300
    )
    r = calculate_cost(db, "claude-sonnet-4-5", "anthropic", usage, batch=True)
    assert r.input_usd == approx(500 * 1.5e-06 + 200 * 1.5e-07 + 300 * 1.875e-06)
    assert r.output_usd == approx(100 * 7.5e-06)


def test_batch_without_batch_rates_is_half(db: PricingDatabase, raw_table: dict[str, Any]) -> None:
    assert "input_cost_per_token_batches" not in raw_table["gpt-4"]
    r = calculate_cost(
        db, "gpt-4", "openai", Usage(input_tokens=1_000, output_tokens=10), batch=True
    )
    assert r.input_usd == approx(1_000 * 3e-05 / 2)
    assert r.output_usd == approx(10 * 6e-05 / 2)


@pytest.mark.parametrize(
    ("tier", "inp", "out", "read"),
    [
        ("flex", 1.25e-07, 1e-06, 1.25e-08),
        ("priority", 4.5e-07, 3.6e-06, 4.5e-08),
        ("default", 2.5e-07, 2e-06, 2.5e-08),
        (None, 2.5e-07, 2e-06, 2.5e-08),
    ],
)
def test_service_tiers(
    db: PricingDatabase,
    raw_table: dict[str, Any],
    tier: str | None,
    inp: float,
    out: float,
    read: float,
) -> None:
    rates(
        raw_table,
        "gpt-5-mini",
        input_cost_per_token_flex=1.25e-07,
        input_cost_per_token_priority=4.5e-07,
        output_cost_per_token_priority=3.6e-06,
    )
    usage = Usage(input_tokens=1_000, output_tokens=100, cache_read_tokens=100)
    r = calculate_cost(db, "gpt-5-mini", "openai", usage, service_tier=tier)
    assert r.input_usd == approx(900 * inp + 100 * read)
    assert r.output_usd == approx(100 * out)


def test_priority_tier_above_threshold(db: PricingDatabase, raw_table: dict[str, Any]) -> None:
    key = "azure_ai/gpt-5.5"
    rates(
        raw_table,
        key,
        input_cost_per_token_above_272k_tokens_priority=2e-05,
        output_cost_per_token_above_272k_tokens_priority=9e-05,
    )
    r = calculate_cost(
        db, key, None, Usage(input_tokens=300_000, output_tokens=10), service_tier="priority"
    )
    assert r.total_usd == approx(300_000 * 2e-05 + 10 * 9e-05)


def test_tiered_pricing_list(db: PricingDatabase, raw_table: dict[str, Any]) -> None:
    key = "dashscope/qwen-plus-2025-07-28"
    tiers = raw_table[key]["tiered_pricing"]
    assert tiers[1] == {
        "input_cost_per_token": 1.2e-06,
        "output_cost_per_reasoning_token": 1.2e-05,
        "output_cost_per_token": 3.6e-06,
        "range": [256000.0, 1000000.0],
    }
    small = calculate_cost(db, key, None, Usage(input_tokens=256_000, output_tokens=10))
    assert small.total_usd == approx(256_000 * 4e-07 + 10 * 1.2e-06)
    big = calculate_cost(
        db, key, None, Usage(input_tokens=256_001, output_tokens=10, reasoning_tokens=4)
    )
    assert big.total_usd == approx(256_001 * 1.2e-06 + 6 * 3.6e-06 + 4 * 1.2e-05)


def test_statuses(db: PricingDatabase) -> None:
    assert calculate_cost(db, "no-such-model-xyz", "openai", Usage(1, 1)).status == "unpriced"
    none = calculate_cost(db, "gpt-4o-mini", "openai", None)
    assert none.status == "no_usage" and none.model_resolved == "gpt-4o-mini"
    assert none.total_usd == 0.0
    image_only = calculate_cost(db, "dall-e-3", "openai", Usage(10, 10))
    assert image_only.status == "unpriced"  # no per-token rates: unknown cost, never $0


def test_usage_rejects_bad_counts() -> None:
    with pytest.raises(ValueError, match="input_tokens"):
        Usage(input_tokens=-1)
    with pytest.raises(ValueError, match="output_tokens"):
        Usage(output_tokens=True)


def test_off_peak_rates_by_call_time(db: PricingDatabase, raw_table: dict[str, Any]) -> None:
    key = "deepseek-v4-pro"
    rates(
        raw_table,
        key,
        input_cost_per_token=1.32e-06,
        output_cost_per_token=3.96e-06,
        cache_read_input_token_cost=4.4e-08,
    )
    block = raw_table[key]["off_peak_pricing"]
    assert block["input_cost_per_token"] == 6.6e-07 and block["output_cost_per_token"] == 1.98e-06
    assert block["cache_read_input_token_cost"] == 2.2e-08
    assert block["windows"][0] == {
        "hours_utc": ["00:00-01:00", "04:00-06:00", "10:00-00:00"],
        "weekdays": [1, 2, 3, 4, 5],
    }
    usage = Usage(input_tokens=1_000, output_tokens=100, cache_read_tokens=300, reasoning_tokens=40)
    monday = dt.datetime(2026, 11, 23, tzinfo=dt.UTC)
    peak = calculate_cost(db, key, None, usage, at=monday.replace(hour=8))
    assert peak.total_usd == approx(700 * 1.32e-06 + 300 * 4.4e-08 + 100 * 3.96e-06)
    off = calculate_cost(db, key, None, usage, at=monday.replace(hour=12))
    assert off.total_usd == approx(700 * 6.6e-07 + 300 * 2.2e-08 + 100 * 1.98e-06)
    end_excluded = calculate_cost(db, key, None, usage, at=monday.replace(hour=6))  # 04:00-06:00
    assert end_excluded.total_usd == peak.total_usd
    saturday = calculate_cost(db, key, None, usage, at=dt.datetime(2026, 11, 28, 8))  # naive: UTC
    assert saturday.total_usd == off.total_usd
    batch = calculate_cost(db, key, None, usage, batch=True, at=monday.replace(hour=12))
    assert batch.total_usd == approx((700 * 1.32e-06 + 300 * 4.4e-08) / 2 + 100 * 3.96e-06 / 2)
