"""Progress messages of setup and the record of what each step did (created, updated, ...)."""

from __future__ import annotations

import sys
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any


def _print(message: str) -> None:
    print(f"setup: {message}", file=sys.stdout, flush=True)


@dataclass
class Progress:
    """Logs one line per step and keeps (subject, outcome) pairs for the summary and for tests."""

    log: Callable[[str], None] = _print
    outcomes: list[tuple[str, str]] = field(default_factory=list)

    def record(self, subject: str, outcome: str, detail: str = "") -> None:
        """Note that `subject` was created/updated/unchanged/skipped/rolled over."""
        self.outcomes.append((subject, outcome))
        self.log(f"{subject}: {outcome}{f' ({detail})' if detail else ''}")

    def summary(self) -> str:
        """One line: how many steps ended in each outcome."""
        counts: dict[str, int] = {}
        for _, outcome in self.outcomes:
            counts[outcome] = counts.get(outcome, 0) + 1
        return ", ".join(f"{n} {outcome}" for outcome, n in sorted(counts.items())) or "nothing"


def is_subset(wanted: Any, actual: Any) -> bool:
    """True when every key and value of `wanted` is present in `actual` (lists in order)."""
    if isinstance(wanted, dict):
        return isinstance(actual, dict) and all(
            key in actual and is_subset(value, actual[key]) for key, value in wanted.items()
        )
    if isinstance(wanted, list):
        return (
            isinstance(actual, list)
            and len(wanted) == len(actual)
            and all(is_subset(w, a) for w, a in zip(wanted, actual, strict=True))
        )
    return bool(wanted == actual)


def deep_merge(base: Any, overlay: Any) -> Any:
    """`base` with `overlay` merged in: dicts recursively, anything else replaced by overlay."""
    if isinstance(base, dict) and isinstance(overlay, dict):
        merged = dict(base)
        for key, value in overlay.items():
            merged[key] = deep_merge(base[key], value) if key in base else value
        return merged
    return overlay
