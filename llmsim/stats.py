"""Request counters for the admin API: tests assert retries and fault counts with them."""

from __future__ import annotations

import threading
from collections import Counter


class Stats:
    """Counts of requests per provider, model, provider/model, fault, status and reply label."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._counters: dict[str, Counter[str]] = {}
        self._total = 0

    def record(
        self, provider: str, model: str, fault: str | None, status: int, reply: str | None = None
    ) -> None:
        """Count one completed request (reply: the label of the generated answer, if any)."""
        with self._lock:
            self._total += 1
            if reply is not None:
                self._counters.setdefault("by_reply", Counter())[reply] += 1
            for name, key in (
                ("by_provider", provider),
                ("by_model", model),
                ("by_provider_model", f"{provider}/{model}"),
                ("by_fault", fault or "none"),
                ("by_status", str(status)),
            ):
                self._counters.setdefault(name, Counter())[key] += 1

    def snapshot(self) -> dict[str, object]:
        """A JSON-ready copy of the counters."""
        with self._lock:
            out: dict[str, object] = {"requests_total": self._total}
            names = ("by_provider", "by_model", "by_provider_model", "by_fault", "by_status")
            for name in (*names, "by_reply"):
                out[name] = dict(self._counters.get(name, Counter()))
            return out

    def reset(self) -> None:
        """Zero every counter."""
        with self._lock:
            self._counters.clear()
            self._total = 0
