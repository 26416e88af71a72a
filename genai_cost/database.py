"""PricingDatabase: the current pricing table (snapshot, cache or fetch) plus user overrides.

The current table lives in one immutable Catalog; a refresh builds a new Catalog and swaps
the reference, so a request never waits for a refresh and never sees half a table.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from genai_cost.config import Settings
from genai_cost.overrides import Overrides
from genai_cost.rates import ModelPricing
from genai_cost.resolve import Resolution, Resolver
from genai_cost.snapshot import (
    SNAPSHOT_FILE,
    Entry,
    PricingTable,
    load_snapshot,
    snapshot_meta,
)

log = logging.getLogger("genai_cost")


class Catalog:
    """One table version with overrides applied, its resolver and compiled per-model pricing."""

    __slots__ = ("_pricing", "entries", "resolver", "source", "table")

    def __init__(self, table: PricingTable, overrides: Overrides) -> None:
        self.table = table
        self.source = table.source
        self.entries: Mapping[str, Entry] = (
            overrides.apply(table.entries) if overrides.models else table.entries
        )
        self.resolver = Resolver(self.entries, overrides.aliases)
        self._pricing: dict[str, ModelPricing] = {}

    def pricing(self, key: str) -> ModelPricing:
        """The compiled pricing of a table key (built on first use, then memoised)."""
        hit = self._pricing.get(key)
        if hit is None:
            hit = self._pricing[key] = ModelPricing(self.entries[key])
        return hit


class PricingDatabase:
    """The pricing database the library, the CLI and the span processor price against."""

    def __init__(
        self,
        table: PricingTable | None = None,
        overrides: Overrides | None = None,
        settings: Settings | None = None,
    ) -> None:
        self.settings = settings or Settings()
        self.overrides = overrides or Overrides()
        self.catalog = Catalog(table or load_snapshot(), self.overrides)
        self.last_refresh: str | None = None  # ISO time of the last table taken from a fetch/cache
        self._refresher: Any = None

    @classmethod
    def from_env(
        cls, environ: Mapping[str, str] | None = None, *, refresh: bool | None = None
    ) -> PricingDatabase:
        """Snapshot + overrides (GENAI_COST_OVERRIDES_FILE) + optional background refresher.

        Raises ConfigError naming the setting when the configuration is invalid.
        refresh overrides GENAI_COST_REFRESH (the CLI passes False: no thread).
        """
        settings = Settings.from_env(environ)
        overrides = Overrides.load(settings.overrides_file) if settings.overrides_file else None
        db = cls(overrides=overrides, settings=settings)
        if settings.refresh if refresh is None else refresh:
            db.start_refresh()
        return db

    def start_refresh(self) -> None:
        """Start the background refresher (cache first, then the URL every TTL)."""
        from genai_cost.refresh import Refresher

        if self._refresher is None:
            self._refresher = Refresher(self, self.settings)
            self._refresher.start()

    def close(self) -> None:
        """Stop the background refresher, if any (idempotent)."""
        if self._refresher is not None:
            self._refresher.stop()
            self._refresher = None

    def install(self, table: PricingTable, refreshed_at: str) -> None:
        """Make a fetched or cached table current (atomic reference swap)."""
        self.catalog = Catalog(table, self.overrides)
        self.last_refresh = refreshed_at

    def resolve(self, model: str, provider: str | None = None) -> Resolution:
        """Resolve a model name against the current table."""
        return self.catalog.resolver.resolve(model, provider)

    @property
    def source(self) -> str:
        """Pricing source label written on spans: snapshot version or fetch date."""
        return self.catalog.source

    def info(self) -> dict[str, Any]:
        """What the CLI's `info` prints: snapshot, current source, counts, last refresh."""
        meta = snapshot_meta()
        return {
            "snapshot_path": str(SNAPSHOT_FILE),
            "snapshot_version": meta.get("litellm_version"),
            "snapshot_sha256": meta.get("sha256"),
            "pricing_source": self.source,
            "model_count": len(self.catalog.entries),
            "override_models": len(self.overrides.models),
            "aliases": len(self.overrides.aliases),
            "last_refresh": self.last_refresh,
            "refresh_enabled": self.settings.refresh,
            "refresh_url": self.settings.refresh_url,
            "cache_file": str(self.settings.cache_file),
            "cache_file_updated": _mtime_iso(self.settings.cache_file),
        }


def _mtime_iso(path: Path) -> str | None:
    """When a file was last written (UTC, ISO 8601), or None when it does not exist."""
    try:
        mtime = path.stat().st_mtime
    except OSError:
        return None
    return dt.datetime.fromtimestamp(mtime, dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
