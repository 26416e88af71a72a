"""The pricing table: LiteLLM's model_prices_and_context_window JSON, loaded and validated.

The bundled snapshot lives in genai_cost/data/ with its metadata (litellm version, sha256);
fetched tables go through the same validation so a corrupt body never replaces a good table.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

DATA_DIR = Path(__file__).resolve().parent / "data"
SNAPSHOT_FILE = DATA_DIR / "model_prices.json"
SNAPSHOT_META_FILE = DATA_DIR / "snapshot.json"

Entry = Mapping[str, Any]


class TableError(ValueError):
    """A pricing table is not usable (not JSON, wrong shape, no priced model)."""


@dataclass(frozen=True, slots=True)
class PricingTable:
    """One version of the pricing table plus where it came from."""

    entries: Mapping[str, Entry]
    source: str  # e.g. "litellm-1.106.2" or "fetched-2026-11-24T01:00:00Z"
    path: Path | None
    sha256: str

    def __len__(self) -> int:
        return len(self.entries)


def parse_table(body: bytes, source: str, path: Path | None = None) -> PricingTable:
    """Parse and validate a pricing JSON body; raise TableError when it cannot be used."""
    try:
        raw = json.loads(body)
    except (ValueError, UnicodeDecodeError) as exc:
        raise TableError(f"not valid JSON: {exc}") from None
    if not isinstance(raw, dict):
        raise TableError("the top level is not a JSON object")
    entries = {k: v for k, v in raw.items() if isinstance(v, dict) and k != "sample_spec"}
    priced = sum(1 for v in entries.values() if _is_rate(v.get("input_cost_per_token")))
    if priced == 0:
        raise TableError("no model has a numeric input_cost_per_token")
    return PricingTable(entries, source, path, hashlib.sha256(body).hexdigest())


def _is_rate(value: object) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool) and value >= 0


def snapshot_meta() -> dict[str, Any]:
    """The bundled snapshot's metadata (litellm version, sha256, retrieval date)."""
    meta: dict[str, Any] = json.loads(SNAPSHOT_META_FILE.read_text())
    return meta


def load_snapshot() -> PricingTable:
    """Load the bundled snapshot (a few tens of ms: one json.loads, no per-model work)."""
    body = SNAPSHOT_FILE.read_bytes()
    version = snapshot_meta().get("litellm_version", "unknown")
    return parse_table(body, f"litellm-{version}", SNAPSHOT_FILE)
