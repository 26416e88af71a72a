"""Latency per model family: time to first token and tokens per second, scaled globally."""

from __future__ import annotations

import re

from llmsim.config import LatencyProfile, Settings

_FAMILIES = (
    (re.compile(r"^(o1|o3|o4)"), "o-series"),
    (re.compile(r"^gpt-5"), "gpt-5"),
    (re.compile(r"^gpt-4\.1"), "gpt-4.1"),
    (re.compile(r"^gpt-4o|^chatgpt-4o"), "gpt-4o"),
    (re.compile(r"^claude.*opus"), "claude-opus"),
    (re.compile(r"^claude.*sonnet"), "claude-sonnet"),
    (re.compile(r"^claude.*haiku"), "claude-haiku"),
)
_REASONING = re.compile(r"^(o1|o3|o4|gpt-5)")


def family(model: str) -> str:
    """The latency family of a model name (\"default\" when unknown)."""
    lowered = model.lower()
    for pattern, name in _FAMILIES:
        if pattern.search(lowered):
            return name
    return "default"


def is_reasoning_model(model: str) -> bool:
    """o1/o3/o4*/gpt-5* report reasoning tokens."""
    return bool(_REASONING.search(model.lower()))


def profile(settings: Settings, model: str) -> LatencyProfile:
    """The configured profile of the model's family, else the default profile."""
    profiles = settings.latency_profiles
    return profiles.get(family(model)) or profiles["default"]


def first_token_delay(settings: Settings, model: str, hidden_tokens: int) -> float:
    """Seconds before the first visible token (reasoning tokens are generated first)."""
    prof = profile(settings, model)
    return settings.latency_scale * (prof.ttft_ms / 1000 + hidden_tokens / prof.tokens_per_s)


def per_token_delay(settings: Settings, model: str) -> float:
    """Seconds between two generated tokens."""
    return settings.latency_scale / profile(settings, model).tokens_per_s
