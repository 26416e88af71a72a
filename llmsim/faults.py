"""Fault injection: per-request header, a queue of scheduled faults, then global rates."""

from __future__ import annotations

import random
import threading
from dataclasses import dataclass

FAULT_KINDS = ("429", "500", "503", "529", "timeout", "truncate")
PROVIDERS = ("openai", "anthropic")
MAX_QUEUED = 1_000_000


class FaultSpecError(ValueError):
    """A fault request or header is invalid; the message names the field."""


@dataclass
class QueuedFault:
    """The next `remaining` requests matching provider/model (None = any) fail with `kind`."""

    kind: str
    remaining: int
    provider: str | None
    model: str | None

    def matches(self, provider: str, model: str) -> bool:
        """Whether a request of this provider and model is targeted."""
        return self.provider in (None, provider) and self.model in (None, model)


def parse_fault_header(value: str | None) -> str | None:
    """The fault named by an x-llmsim-fault header (None when absent or 'none')."""
    if value is None or value.strip().lower() in ("", "none"):
        return None
    kind = value.strip().lower()
    if kind not in FAULT_KINDS:
        raise FaultSpecError(f"x-llmsim-fault: must be one of {', '.join(FAULT_KINDS)}")
    return kind


def parse_fault_spec(body: object) -> QueuedFault:
    """Validate a POST /llmsim/faults body into a queued fault."""
    if not isinstance(body, dict):
        raise FaultSpecError("body: expected a JSON object")
    unknown = sorted(set(body) - {"fault", "count", "provider", "model"})
    if unknown:
        raise FaultSpecError(f"{', '.join(unknown)}: unknown field")
    kind = body.get("fault")
    if kind not in FAULT_KINDS:
        raise FaultSpecError(f"fault: must be one of {', '.join(FAULT_KINDS)}")
    count = body.get("count", 1)
    if not isinstance(count, int) or isinstance(count, bool) or not 1 <= count <= MAX_QUEUED:
        raise FaultSpecError(f"count: must be an integer from 1 to {MAX_QUEUED}")
    provider = body.get("provider")
    if provider is not None and provider not in PROVIDERS:
        raise FaultSpecError("provider: must be 'openai', 'anthropic' or null")
    model = body.get("model")
    if model is not None and (not isinstance(model, str) or not model):
        raise FaultSpecError("model: must be a non-empty string or null")
    return QueuedFault(str(kind), count, provider, model)


class FaultBook:
    """Thread-safe queue of scheduled faults plus the seeded draw for the global rates."""

    def __init__(self, seed: int) -> None:
        self._lock = threading.Lock()
        self._queue: list[QueuedFault] = []
        self._rng = random.Random(seed)

    def add(self, fault: QueuedFault) -> None:
        """Schedule a fault after those already queued."""
        with self._lock:
            self._queue.append(fault)

    def clear(self) -> int:
        """Drop every queued fault; returns how many requests were still scheduled to fail."""
        with self._lock:
            dropped = sum(f.remaining for f in self._queue)
            self._queue.clear()
            return dropped

    def pending(self) -> list[dict[str, object]]:
        """The queue, for the admin API."""
        with self._lock:
            return [dict(vars(f)) for f in self._queue]

    def reseed(self, seed: int) -> None:
        """Restart the global-rate draw sequence (after the seed changes)."""
        with self._lock:
            self._rng = random.Random(seed)

    def choose(
        self, provider: str, model: str, header: str | None, rates: dict[str, float]
    ) -> str | None:
        """The fault for this request: header first, then the queue, then the global rates."""
        if header is not None:
            return header
        with self._lock:
            for fault in self._queue:
                if fault.matches(provider, model):
                    fault.remaining -= 1
                    if fault.remaining == 0:
                        self._queue.remove(fault)
                    return fault.kind
            if not any(rates.values()):
                return None
            draw = self._rng.random()
        edge = 0.0
        for kind in FAULT_KINDS:
            edge += rates.get(kind, 0.0)
            if draw < edge:
                return kind
        return None
