"""User overrides: self-hosted models, negotiated discounts, fine-tunes and deployment aliases.

File format (JSON), every section optional:
    {"models":  {"my-llama": {"input_cost_per_token": 0, "output_cost_per_token": 0},
                 "gpt-4o":   {"price_multiplier": 0.8}},
     "aliases": {"prod-gpt4o-eastus": "gpt-4o"}}
A model entry is merged over the table's entry of the same key (LiteLLM's field names);
price_multiplier scales every rate of that entry (0.8 = 20 % discount).
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from genai_cost.config import ConfigError
from genai_cost.snapshot import Entry

_SETTING = "GENAI_COST_OVERRIDES_FILE"
_SECTIONS = frozenset({"models", "aliases"})


@dataclass(frozen=True, slots=True)
class Overrides:
    """Validated overrides: model entries to merge and alias → model names."""

    models: Mapping[str, Entry] = field(default_factory=dict)
    aliases: Mapping[str, str] = field(default_factory=dict)

    @classmethod
    def load(cls, path: Path) -> Overrides:
        """Read and validate an overrides file; ConfigError names the file and the bad key."""
        try:
            raw = json.loads(path.read_bytes())
        except (OSError, ValueError) as exc:
            raise ConfigError(f"{_SETTING}={path}: cannot read JSON ({exc})") from None
        return cls.from_mapping(raw, str(path))

    @classmethod
    def from_mapping(cls, raw: object, origin: str = "overrides") -> Overrides:
        """Validate an already-parsed overrides object."""
        if not isinstance(raw, dict):
            raise ConfigError(f"{_SETTING}={origin}: the top level must be a JSON object")
        unknown = sorted(set(raw) - _SECTIONS)
        if unknown:
            raise ConfigError(f"{_SETTING}={origin}: unknown section(s) {unknown}")
        models = raw.get("models", {})
        aliases = raw.get("aliases", {})
        if not isinstance(models, dict) or not isinstance(aliases, dict):
            raise ConfigError(f"{_SETTING}={origin}: 'models' and 'aliases' must be objects")
        for name, entry in models.items():
            _check_entry(origin, name, entry)
        for name, target in aliases.items():
            if not isinstance(target, str) or not target.strip():
                raise ConfigError(f"{_SETTING}={origin}: alias {name!r} must name a model")
        return cls(models=models, aliases={k: v.strip() for k, v in aliases.items()})

    def apply(self, entries: Mapping[str, Entry]) -> dict[str, Entry]:
        """A new table: the given entries with the model overrides merged in."""
        merged: dict[str, Entry] = dict(entries)
        for name, override in self.models.items():
            entry: dict[str, Any] = {**entries.get(name, {}), **override}
            multiplier = entry.pop("price_multiplier", None)
            if multiplier is not None:
                entry = _scaled(entry, float(multiplier))
            merged[name] = entry
        return merged


def _check_entry(origin: str, name: str, entry: object) -> None:
    if not isinstance(entry, dict):
        raise ConfigError(f"{_SETTING}={origin}: models.{name} must be an object")
    for key, value in entry.items():
        if ("cost" in key or key == "price_multiplier") and not _valid_rate(value):
            raise ConfigError(
                f"{_SETTING}={origin}: models.{name}.{key} must be a non-negative number"
            )


def _valid_rate(value: object) -> bool:
    """A non-negative number (structured values such as tiered_pricing pass through)."""
    if isinstance(value, dict | list):
        return True
    return isinstance(value, int | float) and not isinstance(value, bool) and value >= 0


def _scaled(entry: dict[str, Any], multiplier: float) -> dict[str, Any]:
    """Every numeric rate of the entry (and of its tiered_pricing tiers) times the multiplier."""
    out: dict[str, Any] = {}
    for key, value in entry.items():
        if "cost" in key and isinstance(value, int | float) and not isinstance(value, bool):
            out[key] = value * multiplier
        elif key == "tiered_pricing" and isinstance(value, list):
            out[key] = [_scaled(t, multiplier) if isinstance(t, dict) else t for t in value]
        else:
            out[key] = value
    return out
