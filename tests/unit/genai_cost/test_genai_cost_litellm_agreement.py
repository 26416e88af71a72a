"""Agreement with LiteLLM's own calculator (litellm.cost_per_token) on its own data.

LiteLLM pins openai<3, so it lives in .venv-oracle and runs as a subprocess
(litellm_oracle.py: JSON cases on stdin, LiteLLM's (prompt, completion) USD on stdout).
Every pricing rule has a named case; a seeded sweep covers the main providers' chat models.
Where we differ on purpose, the difference is asserted explicitly (see DELIBERATE below).
"""

from __future__ import annotations

import datetime as dt
import json
import math
import random
import subprocess
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import pytest

from genai_cost import PricingDatabase, Usage, calculate_cost
from genai_cost.snapshot import load_snapshot

ROOT = Path(__file__).resolve().parents[3]
ORACLE_PY = ROOT / ".venv-oracle" / "bin" / "python"
ORACLE_SCRIPT = Path(__file__).with_name("litellm_oracle.py")
DB = PricingDatabase()

# Providers swept: LiteLLM routes them through its generic per-token calculator.
SWEPT = (
    "openai",
    "anthropic",
    "azure",
    "bedrock",
    "bedrock_converse",
    "gemini",
    "vertex_ai-language-models",
    "vertex_ai-anthropic_models",
    "xai",
    "deepseek",
    "mistral",
    "groq",
    "tencent",
    "dashscope",
    "fireworks_ai",
    "together_ai",
)
# LiteLLM's calculators for these ignore the call's service tier; we apply listed tier rates.
TIER_BLIND = ("perplexity", "fireworks_ai", "deepseek", "xai", "tencent", "lemonade")
# Call times of the sweep: weekday peak and off-peak, weekend, near midnight (off-peak rates).
MOMENTS = (
    "2026-11-23T08:00:00+00:00",
    "2026-11-23T12:00:00+00:00",
    "2026-11-24T00:30:00+00:00",
    "2026-11-28T08:00:00+00:00",
    "2026-11-22T16:30:00+00:00",
)
# LiteLLM's batch path fails its own model lookup for these keys and returns $0.
LITELLM_BATCH_LOOKUP_FAILS = ("azure/mistral-large-latest",)


def case(
    key: str,
    provider: str,
    inp: int,
    out: int,
    read: int = 0,
    write: int = 0,
    write_1h: int = 0,
    reasoning: int = 0,
    tier: str | None = None,
    batch: bool = False,
    at: str = "2026-11-23T08:00:00+00:00",  # a Monday, peak hours
) -> dict[str, Any]:
    return {
        "key": key,
        "provider": provider,
        "input_tokens": inp,
        "output_tokens": out,
        "cache_read_tokens": read,
        "cache_write_tokens": write,
        "cache_write_1h_tokens": write_1h,
        "reasoning_tokens": reasoning,
        "service_tier": tier,
        "batch": batch,
        "at": at,
    }


RULES: dict[str, dict[str, Any]] = {
    "plain": case("gpt-4o-mini", "openai", 1000, 200),
    "cache_read": case("gpt-4o-mini", "openai", 1000, 200, read=400),
    "cache_write": case("claude-sonnet-4-5", "anthropic", 10_000, 100, read=2000, write=3000),
    "cache_write_1h": case("claude-sonnet-4-5", "anthropic", 10_000, 100, 2000, 3000, 1000),
    "missing_cache_rate": case("gpt-4", "openai", 1000, 10, read=300, write=200),
    "reasoning_own_rate": case(
        "dashscope/qwen-plus-2025-04-28", "dashscope", 10, 1000, reasoning=600
    ),
    "reasoning_as_output": case("gpt-5-mini", "openai", 10, 1000, reasoning=600),
    "long_context_at": case("gemini-2.5-pro", "vertex_ai-language-models", 200_000, 10),
    "long_context_above": case(
        "gemini-2.5-pro", "vertex_ai-language-models", 200_001, 10, read=1000
    ),
    "long_context_xai_inclusive": case("xai/grok-4.20-multi-agent-beta-0309", "xai", 200_000, 5),
    "batch_rates": case(
        "claude-sonnet-4-5", "anthropic", 1000, 100, read=200, write=300, batch=True
    ),
    "batch_half": case("gpt-4", "openai", 1000, 10, batch=True),
    "flex": case("gpt-5-mini", "openai", 1000, 100, read=100, tier="flex"),
    "priority": case("gpt-5-mini", "openai", 1000, 100, read=100, tier="priority"),
    "priority_above_threshold": case("azure_ai/gpt-5.5", "azure_ai", 300_000, 10, tier="priority"),
    "tiered_low": case("dashscope/qwen-plus-2025-07-28", "dashscope", 256_000, 10),
    "off_peak_open": case(
        "deepseek-v4-pro", "deepseek", 1000, 100, read=300, reasoning=40, at="2026-11-23T12:00:00Z"
    ),
    "off_peak_closed": case("deepseek-v4-pro", "deepseek", 1000, 100, read=300, reasoning=40),
    "off_peak_weekend": case("deepseek-v4-pro", "deepseek", 1000, 100, at="2026-11-28T08:00:00Z"),
    "off_peak_vendor_calendar": case(
        "tencent/deepseek-v4.1-flash", "tencent", 1000, 100, read=300, at="2026-11-22T16:30:00Z"
    ),
    "tiered_high": case("dashscope/qwen-plus-2025-07-28", "dashscope", 256_001, 10, reasoning=4),
}

# Deliberate differences: (case, LiteLLM's prompt USD, ours, why).
DELIBERATE: dict[str, tuple[dict[str, Any], float, float, str]] = {
    # LiteLLM's batch fallback (no *_batches rates) prices cache reads at $0 when the model lists
    # no cache-read rate; the rule "a missing cache rate falls back to the input rate" applies.
    "batch_cache_read_without_rate": (
        case("gpt-4", "openai", 1000, 0, read=400, batch=True),
        600 * 3e-05 / 2,
        1000 * 3e-05 / 2,
        "cache reads are never free by omission",
    ),
    # LiteLLM's batch fallback reads an explicit $0 cache-write rate as missing (`or`).
    "batch_explicit_zero_cache_write": (
        case("zai/glm-5", "zai", 10, 0, write=2, batch=True),
        8 * 1e-06 / 2 + 2 * 1e-06 / 2,
        8 * 1e-06 / 2 + 2 * 0.0,
        "an explicit $0 stays $0",
    ),
    # LiteLLM's batch path has no tiered_pricing support and prices these calls at $0.
    "batch_tiered_pricing": (
        case("dashscope/qwen-plus-2025-07-28", "dashscope", 1000, 0, batch=True),
        0.0,
        1000 * 4e-07 / 2,
        "half the tier rate, LiteLLM's own batch convention",
    ),
    # Fireworks: LiteLLM invents a cache-read rate (a fixed fraction of input) the table
    # does not list; we follow the table and the missing-rate rule (input rate).
    "fireworks_default_cache_read": (
        case("fireworks-ai-4.1b-to-16b", "fireworks_ai", 1000, 0, read=400),
        600 * 2e-07 + 400 * 2e-07 * 0.5,
        1000 * 2e-07,
        "no invented rates",
    ),
    # Perplexity's calculator ignores cache reads; the table lists a cache-read rate.
    "perplexity_cache_read": (
        case("perplexity/openai/gpt-5.1", "perplexity", 1000, 0, read=400),
        1000 * 1.25e-06,
        600 * 1.25e-06 + 400 * 1.25e-07,
        "the listed cache-read rate applies",
    ),
    # LiteLLM's fireworks/deepseek/xai/perplexity calculators drop the service tier.
    "tier_on_tier_blind_provider": (
        case(
            "fireworks_ai/accounts/fireworks/models/nemotron-3-ultra-nvfp4",
            "fireworks_ai",
            1000,
            0,
            tier="priority",
        ),
        1000 * 6e-07,
        1000 * 7.5e-07,
        "the call's tier rate is listed, so it applies",
    ),
}


def sweep() -> list[dict[str, Any]]:
    """Seeded sample: every swept chat model × 3 usages, minus the deliberate categories."""
    rng = random.Random(20261124)
    out = []
    for key, entry in DB.catalog.entries.items():
        provider = entry.get("litellm_provider")
        if provider not in SWEPT or entry.get("mode") not in ("chat", "responses", "completion"):
            continue
        if not DB.catalog.pricing(key).priced:
            continue
        if "/" not in key and f"{provider}/{key}" in DB.catalog.entries:
            continue  # LiteLLM would price the provider-prefixed twin instead
        for _ in range(3):
            inp = rng.choice([0, 10, 1000, 128_001, 200_000, 200_001, 256_001, 272_001, 600_000])
            read = rng.choice([0, inp // 3])
            write = rng.choice([0, (inp - read) // 4])
            out_tokens = rng.choice([0, 7, 500])
            batch = rng.random() < 0.15 and key not in LITELLM_BATCH_LOOKUP_FAILS
            tier = (
                None if batch or provider in TIER_BLIND else rng.choice([None, "flex", "priority"])
            )
            c = case(
                key,
                provider,
                inp,
                out_tokens,
                read,
                write,
                rng.choice([0, write // 2]),
                rng.choice([0, out_tokens // 2]),
                tier,
                batch,
                rng.choice(MOMENTS),
            )
            if not _deliberate(c, entry):
                out.append(c)
    return out


def _deliberate(c: dict[str, Any], entry: Mapping[str, Any]) -> bool:
    def listed(k: str) -> bool:
        return isinstance(entry.get(k), int | float)

    half_path = c["batch"] and not listed("input_cost_per_token_batches")
    return bool(
        (c["batch"] and "tiered_pricing" in entry)
        or (
            c["provider"] == "fireworks_ai"
            and c["cache_read_tokens"]
            and not listed("cache_read_input_token_cost")
        )
        or (half_path and c["cache_read_tokens"] and not listed("cache_read_input_token_cost"))
        or (
            half_path
            and c["cache_write_tokens"]
            and entry.get("cache_creation_input_token_cost") == 0
        )
    )


SWEEP = sweep()


@pytest.fixture(scope="module")
def litellm() -> dict[str, Any]:
    """LiteLLM's results for RULES, DELIBERATE and SWEEP, from one oracle run."""
    if not ORACLE_PY.exists():
        pytest.fail(f"{ORACLE_PY} is missing: run `make oracle-venv` (LiteLLM is the test oracle)")
    cases = [*RULES.values(), *(d[0] for d in DELIBERATE.values()), *SWEEP]
    run = subprocess.run(
        [str(ORACLE_PY), str(ORACLE_SCRIPT)],
        input=json.dumps(cases),
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )
    assert run.returncode == 0, run.stderr[-2000:]
    out: dict[str, Any] = json.loads(run.stdout)
    return out


def ours(c: dict[str, Any]) -> tuple[float, float]:
    usage = Usage(
        c["input_tokens"],
        c["output_tokens"],
        c["cache_read_tokens"],
        c["cache_write_tokens"],
        c["reasoning_tokens"],
        c["cache_write_1h_tokens"],
    )
    at = dt.datetime.fromisoformat(c["at"])
    r = calculate_cost(
        DB, c["key"], None, usage, service_tier=c["service_tier"], batch=c["batch"], at=at
    )
    assert r.status == "priced" and r.model_resolved == c["key"]
    return r.input_usd, r.output_usd


def close(a: float, b: float) -> bool:
    return math.isclose(a, b, rel_tol=1e-9, abs_tol=1e-15)


def test_oracle_prices_the_same_table(litellm: dict[str, Any]) -> None:
    assert litellm["sha256"] == load_snapshot().sha256


@pytest.mark.parametrize("name", sorted(RULES))
def test_every_rule_agrees(litellm: dict[str, Any], name: str) -> None:
    theirs = litellm["results"][list(RULES).index(name)]
    assert isinstance(theirs, list), theirs
    mine = ours(RULES[name])
    assert close(mine[0], theirs[0]) and close(mine[1], theirs[1]), (mine, theirs)
    assert mine[0] + mine[1] > 0


@pytest.mark.parametrize("name", sorted(DELIBERATE))
def test_deliberate_differences(litellm: dict[str, Any], name: str) -> None:
    c, litellm_prompt, our_prompt, _why = DELIBERATE[name]
    theirs = litellm["results"][len(RULES) + list(DELIBERATE).index(name)]
    assert close(theirs[0], litellm_prompt), f"LiteLLM changed: {theirs[0]} != {litellm_prompt}"
    assert close(ours(c)[0], our_prompt)
    assert not close(theirs[0], our_prompt)


def test_sweep_agrees(litellm: dict[str, Any]) -> None:
    results = litellm["results"][len(RULES) + len(DELIBERATE) :]
    assert len(results) == len(SWEEP) > 4000
    mismatches = []
    for c, theirs in zip(SWEEP, results, strict=True):
        mine = ours(c)
        if not (
            isinstance(theirs, list) and close(mine[0], theirs[0]) and close(mine[1], theirs[1])
        ):
            mismatches.append((c, theirs, mine))
    assert not mismatches, f"{len(mismatches)} of {len(SWEEP)} differ, e.g. {mismatches[:3]}"
