"""Shared runtime state of one server: settings, fault book, stats and prompt caches."""

from __future__ import annotations

import threading

from llmsim.config import Settings, updated
from llmsim.faults import FaultBook
from llmsim.prompt_cache import PrefixLRU
from llmsim.stats import Stats


class SimState:
    """Everything the request handlers share; settings are swapped atomically on update."""

    def __init__(self, settings: Settings) -> None:
        self._lock = threading.Lock()
        self._settings = settings
        self.faults = FaultBook(settings.seed)
        self.stats = Stats()
        self.openai_cache = PrefixLRU(settings.cache_entries)
        self.anthropic_cache = PrefixLRU(settings.cache_entries)

    @property
    def settings(self) -> Settings:
        """The current settings (an immutable snapshot for one request)."""
        return self._settings

    def update(self, patch: object) -> Settings:
        """Apply a partial update (ConfigError on bad input) and return the new settings."""
        with self._lock:
            new = updated(self._settings, patch)
            if new.seed != self._settings.seed:
                self.faults.reseed(new.seed)
            self._settings = new
            return new

    def clear_caches(self) -> None:
        """Forget every cached prompt prefix of both providers."""
        self.openai_cache.clear()
        self.anthropic_cache.clear()
