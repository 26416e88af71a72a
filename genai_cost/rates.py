"""Per-token rates of one model entry for one call: service tier, batch and long-context aware.

Follows LiteLLM's reading of its own JSON: `*_above_Nk_tokens` rates apply to the whole request
once the prompt passes N; tier keys (`_flex`, `_priority`) fall back to the standard key; a
missing cache rate is the input rate; `tiered_pricing` lists are all-or-nothing by prompt size.
Rates are compiled lazily per model and memoised per (tier, batch, threshold segment).
"""

from __future__ import annotations

import bisect
import re
import time
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from genai_cost.offpeak import OffPeak
from genai_cost.snapshot import Entry

_PREFIXES = (
    "input_cost_per_token",
    "output_cost_per_token",
    "cache_read_input_token_cost",
    "cache_creation_input_token_cost",
)
_ABOVE_PREFIXES = tuple(f"{p}_above_" for p in _PREFIXES)
_TIER_SUFFIXES = ("_ultrafast", "_priority", "_balanced", "_flex", "_fast", "_auto")
_NON_STANDARD = (*_TIER_SUFFIXES, "_batches")
_TIER_KEYS = {"flex": "flex", "priority": "priority", "fast": "priority"}
_TIER_KEYS |= {"balanced": "balanced", "ultrafast": "ultrafast"}
_BATCH_TIER = re.compile(rf"^({'|'.join(_PREFIXES)})_above_(\d+k?)_tokens_batches$")
_INCLUSIVE_THRESHOLD_PROVIDERS = frozenset({"xai"})


@dataclass(frozen=True, slots=True)
class Rates:
    """USD per token for each kind of token of one call."""

    input: float
    output: float
    cache_read: float
    cache_write: float
    cache_write_1h: float
    reasoning: float


def tier_key(service_tier: str | None) -> str | None:
    """The table suffix for a service tier; None for standard (default, auto, scale, ...)."""
    return None if service_tier is None else _TIER_KEYS.get(service_tier.strip().lower())


def _num(value: object) -> float | None:
    if isinstance(value, int | float) and not isinstance(value, bool):
        return float(value)
    return None


def _parse_threshold(text: str) -> float:
    return float(text.replace("k", "")) * (1000 if "k" in text else 1)


class ModelPricing:
    """The compiled pricing of one table entry; cheap to build, memoised per segment."""

    __slots__ = ("_boundaries", "_entry", "_memo", "inclusive", "off_peak", "priced", "tiered")

    def __init__(self, entry: Entry) -> None:
        self._entry = entry
        self.inclusive = str(entry.get("litellm_provider", "")) in _INCLUSIVE_THRESHOLD_PROVIDERS
        tiers = entry.get("tiered_pricing")
        self.tiered = isinstance(tiers, list) and bool(tiers)
        self.priced = self.tiered or any(_num(entry.get(k)) is not None for k in _PREFIXES[:2])
        self._boundaries = sorted(
            {t for k in entry if k.startswith(_ABOVE_PREFIXES) and (t := _threshold_of(k))}
        )
        self.off_peak = OffPeak.parse(entry.get("off_peak_pricing"))
        self._memo: dict[tuple[str | None, bool, int, bool], Rates] = {}

    def rates(
        self, tier: str | None, batch: bool, input_tokens: int, at: float | None = None
    ) -> Rates:
        """The rates for a call with this prompt size (input tokens, cache included).

        at: when the call was made (epoch seconds; None = now), for off-peak rates only.
        """
        if self.tiered:
            listed = _tiered_rates(self._entry, input_tokens)
            if listed is not None:
                return _halved(listed) if batch else listed
        cut = bisect.bisect_right if self.inclusive else bisect.bisect_left
        off_peak = None
        if self.off_peak is not None and not batch:  # LiteLLM: no off-peak on the Batch API
            off_peak = self.off_peak if self.off_peak.is_open(at or time.time()) else None
        key = (tier, batch, cut(self._boundaries, input_tokens), off_peak is not None)
        hit = self._memo.get(key)
        if hit is None:
            if batch:
                hit = _batch_rates(self._entry, input_tokens, self.inclusive)
            else:
                rates = off_peak.rates if off_peak is not None else None
                hit = _standard_rates(self._entry, tier, input_tokens, self.inclusive, rates)
            self._memo[key] = hit
        return hit


def _threshold_of(key: str) -> float | None:
    if "_tokens" not in key:
        return None
    try:
        return _parse_threshold(key.rsplit("_above_", 1)[1].split("_tokens")[0])
    except ValueError:
        return None


def _crossed(tokens: int, threshold: float, inclusive: bool) -> bool:
    return tokens > threshold or (inclusive and tokens == threshold)


class _Lookup:
    """Tier-aware reads: `<key>_<tier>` first, then `<key>`, then the default."""

    def __init__(self, entry: Entry, tier: str | None) -> None:
        self.entry = entry
        self.suffix = f"_{tier}" if tier else ""

    def get(self, key: str, default: float | None) -> float | None:
        value = _num(self.entry.get(key + self.suffix)) if self.suffix else None
        if value is None:
            value = _num(self.entry.get(key))
        return default if value is None else value


def _standard_rates(
    entry: Entry,
    tier: str | None,
    tokens: int,
    inclusive: bool,
    off_peak: Mapping[str, float] | None,
) -> Rates:
    """Tier and long-context rates, then off-peak ones (which replace them) when open."""
    look = _Lookup(entry, tier)
    prompt = look.get("input_cost_per_token", 0.0) or 0.0
    completion = look.get("output_cost_per_token", 0.0) or 0.0
    if completion == 0.0:
        completion = _num(entry.get("output_cost_per_image_token")) or completion
    write = look.get("cache_creation_input_token_cost", None)
    write_1h = _num(entry.get("cache_creation_input_token_cost_above_1hr"))
    read = look.get("cache_read_input_token_cost", None)
    for text in _crossed_thresholds(entry, look.suffix, tokens, inclusive):
        prompt = look.get(f"input_cost_per_token_above_{text}_tokens", prompt) or 0.0
        completion = look.get(f"output_cost_per_token_above_{text}_tokens", completion) or 0.0
        write = look.get(f"cache_creation_input_token_cost_above_{text}_tokens", write)
        write_1h = look.get(
            f"cache_creation_input_token_cost_above_1hr_above_{text}_tokens", write_1h
        )
        read = look.get(f"cache_read_input_token_cost_above_{text}_tokens", read)
    reasoning = None
    if off_peak:  # listed off-peak rates replace; a missing cache rate is the off-peak input
        prompt = off_peak.get("input_cost_per_token", prompt)
        completion = off_peak.get("output_cost_per_token", completion)
        read = off_peak.get("cache_read_input_token_cost", read)
        write = off_peak.get("cache_creation_input_token_cost", write)
        reasoning = off_peak.get("output_cost_per_reasoning_token")
    write = prompt if write is None else write
    return Rates(
        input=prompt,
        output=completion,
        cache_read=prompt if read is None else read,
        cache_write=write,
        cache_write_1h=write if write_1h is None else write_1h,
        reasoning=_reasoning_rate(entry, tier, completion) if reasoning is None else reasoning,
    )


def _crossed_thresholds(entry: Entry, suffix: str, tokens: int, inclusive: bool) -> list[str]:
    """Threshold spellings ("200k") the prompt passed, lowest first (higher ones win)."""
    found: dict[str, float] = {}
    for key, value in entry.items():
        if not key.startswith(_ABOVE_PREFIXES) or value is None or "_tokens" not in key:
            continue
        if key.endswith(_NON_STANDARD) and not (suffix and key.endswith(suffix)):
            continue
        text = key.rsplit("_above_", 1)[1].split("_tokens")[0]
        try:
            threshold = _parse_threshold(text)
        except ValueError:
            continue
        if _crossed(tokens, threshold, inclusive):
            found[text] = threshold
    return sorted(found, key=found.__getitem__)


def _reasoning_rate(entry: Entry, tier: str | None, completion: float) -> float:
    """Reasoning's own rate where listed (tier-specific first), else the output rate."""
    if tier:
        tiered = _num(entry.get(f"output_cost_per_reasoning_token_{tier}"))
        if tiered is not None:
            return tiered
        if entry.get(f"output_cost_per_token_{tier}") is not None:
            return completion
    own = _num(entry.get("output_cost_per_reasoning_token"))
    return completion if own is None else own


def _batch_rates(entry: Entry, tokens: int, inclusive: bool) -> Rates:
    """Batch API: `_batches` rates where listed, else half the standard rates (LiteLLM's rule)."""
    given = {p: _batch_rate(entry, p, tokens, inclusive) for p in _PREFIXES}
    prompt = given["input_cost_per_token"]
    output = given["output_cost_per_token"]
    if output is None:
        output = (_num(entry.get("output_cost_per_token")) or 0.0) / 2
    if prompt is not None:
        read = given["cache_read_input_token_cost"]
        write = given["cache_creation_input_token_cost"]
    else:
        standard = _num(entry.get("input_cost_per_token")) or 0.0
        prompt = standard / 2
        read = _num(entry.get("cache_read_input_token_cost"))
        write = _num(entry.get("cache_creation_input_token_cost"))
        read = None if read is None else read / 2
        write = None if write is None else write / 2
    write = prompt if write is None else write
    return Rates(prompt, output, prompt if read is None else read, write, write, output)


def _batch_rate(entry: Entry, prefix: str, tokens: int, inclusive: bool) -> float | None:
    """The highest crossed `<prefix>_above_N_tokens_batches` rate, else `<prefix>_batches`."""
    best: tuple[float, str] | None = None
    for key, value in entry.items():
        match = _BATCH_TIER.match(key)
        if match is None or match.group(1) != prefix or value is None:
            continue
        threshold = _parse_threshold(match.group(2))
        if _crossed(tokens, threshold, inclusive) and (best is None or threshold > best[0]):
            best = (threshold, key)
    flat = _num(entry.get(f"{prefix}_batches"))
    if best is None:
        return flat
    rate = _num(entry.get(best[1]))
    return flat if rate is None else rate


def _tiered_rates(entry: Entry, tokens: int) -> Rates | None:
    """All-or-nothing `tiered_pricing`: the tier whose (start, end] holds the prompt size."""
    tier = _select_tier(entry.get("tiered_pricing"), tokens)
    if tier is None or "input_cost_per_token" not in tier:
        return None
    prompt = _num(tier.get("input_cost_per_token")) or 0.0
    if "output_cost_per_token" in tier:
        output = _num(tier.get("output_cost_per_token")) or 0.0
    else:
        output = _num(entry.get("output_cost_per_token")) or 0.0
    write = _tier_value(tier, "cache_creation_input_token_cost", prompt)
    write_1h = _tier_value(tier, "cache_creation_input_token_cost_above_1hr", None)
    if write_1h is None:
        write_1h = _num(tier.get("cache_creation_input_token_cost"))
    if "output_cost_per_reasoning_token" in tier or "output_cost_per_token" in tier:
        reasoning = _tier_value(tier, "output_cost_per_reasoning_token", output) or 0.0
    else:
        reasoning = _reasoning_rate(entry, None, output)
    return Rates(
        input=prompt,
        output=output,
        cache_read=_tier_value(tier, "cache_read_input_token_cost", prompt) or 0.0,
        cache_write=write or 0.0,
        cache_write_1h=write_1h or write or 0.0,
        reasoning=reasoning,
    )


def _halved(rates: Rates) -> Rates:
    """Batch price of a tiered model: half its tier rates (LiteLLM's batch convention)."""
    return Rates(*(getattr(rates, f) / 2 for f in Rates.__slots__))


def _tier_value(tier: Mapping[str, Any], key: str, default: float | None) -> float | None:
    value = _num(tier.get(key))
    return default if value is None else value


def _select_tier(tiers: object, tokens: int) -> Mapping[str, Any] | None:
    if not isinstance(tiers, list) or tokens <= 0:
        return None
    valid = [t for t in tiers if isinstance(t, dict) and len(t.get("range", [])) == 2]
    valid.sort(key=lambda t: t["range"][0])
    for tier in valid:
        if tier["range"][0] < tokens <= tier["range"][1]:
            return tier
    return valid[-1] if valid else None
