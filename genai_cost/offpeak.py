"""Off-peak (time-of-day) rates: LiteLLM's `off_peak_pricing` block, evaluated at the call's time.

    "off_peak_pricing": {"input_cost_per_token": 6.6e-07, "output_cost_per_token": 1.98e-06,
                         "hours_utc": "16:30-00:30",                       # every day, or:
                         "windows": [{"hours_utc": ["10:00-00:00"], "weekdays": [1, 2, 3, 4, 5]}],
                         "weekday_timezone": "Asia/Shanghai"}               # calendar of weekdays
Windows are "HH:MM-HH:MM" in UTC, start inclusive, end exclusive, may wrap past midnight; a
window whose start equals its end is the whole day; malformed windows are ignored. Weekdays are
ISO (1 = Monday) or names. The rates listed replace the ones that would otherwise apply.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

RATE_KEYS = (
    "input_cost_per_token",
    "output_cost_per_token",
    "cache_read_input_token_cost",
    "cache_creation_input_token_cost",
    "output_cost_per_reasoning_token",
)
_DAYS = {"mon": 1, "tue": 2, "tues": 2, "wed": 3, "thu": 4, "thur": 4, "thurs": 4, "fri": 5}
_DAYS |= {"sat": 6, "sun": 7, "monday": 1, "tuesday": 2, "wednesday": 3, "thursday": 4}
_DAYS |= {"friday": 5, "saturday": 6, "sunday": 7}

Span = tuple[int, int]  # seconds of the day: start, end


@dataclass(frozen=True, slots=True)
class _Rule:
    weekdays: frozenset[int] | None  # None: every day
    spans: tuple[Span, ...]


@dataclass(frozen=True, slots=True)
class OffPeak:
    """A parsed off_peak_pricing block: when it is open and which rates it sets."""

    rules: tuple[_Rule, ...]
    calendar: dt.tzinfo
    rates: Mapping[str, float]

    @classmethod
    def parse(cls, block: object) -> OffPeak | None:
        """The block of a table entry, or None when there is none (or it has no usable window)."""
        if not isinstance(block, Mapping):
            return None
        rules: list[_Rule] = []
        flat = _spans(block.get("hours_utc"))
        if flat:
            rules.append(_Rule(None, flat))
        windows = block.get("windows")
        if isinstance(windows, Sequence) and not isinstance(windows, str):
            for rule in windows:
                if isinstance(rule, Mapping) and (spans := _spans(rule.get("hours_utc"))):
                    rules.append(_Rule(_weekdays(rule.get("weekdays")), spans))
        rates = {k: float(v) for k in RATE_KEYS if isinstance(v := block.get(k), int | float)}
        if not rules:
            return None
        return cls(tuple(rules), _calendar(block.get("weekday_timezone")), rates)

    def is_open(self, epoch_seconds: float) -> bool:
        """Whether a call at this moment (seconds since the epoch) is billed off-peak."""
        moment = dt.datetime.fromtimestamp(epoch_seconds, dt.UTC)
        second = moment.hour * 3600 + moment.minute * 60 + moment.second + moment.microsecond / 1e6
        weekday = moment.astimezone(self.calendar).isoweekday()
        for rule in self.rules:
            if rule.weekdays is not None and weekday not in rule.weekdays:
                continue
            if any(_inside(second, span) for span in rule.spans):
                return True
        return False


def _inside(second: float, span: Span) -> bool:
    start, end = span
    if start < end:
        return start <= second < end
    return second >= start or second < end  # wraps past midnight; start == end: all day


def _spans(value: object) -> tuple[Span, ...]:
    texts = [value] if isinstance(value, str) else value
    if not isinstance(texts, Sequence):
        return ()
    out = []
    for text in texts:
        span = _span(text)
        if span is not None:
            out.append(span)
    return tuple(out)


def _span(text: object) -> Span | None:
    if not isinstance(text, str) or text.count("-") != 1:
        return None
    try:
        start, end = (dt.datetime.strptime(part.strip(), "%H:%M") for part in text.split("-"))
    except ValueError:
        return None
    return (start.hour * 3600 + start.minute * 60, end.hour * 3600 + end.minute * 60)


def _weekdays(value: object) -> frozenset[int] | None:
    if value is None:
        return None
    if isinstance(value, str) or not isinstance(value, Sequence):
        return frozenset()  # malformed: matches no day (as LiteLLM)
    days = set()
    for day in value:
        if isinstance(day, bool):
            continue
        if isinstance(day, int) and 1 <= day <= 7:
            days.add(day)
        elif isinstance(day, str) and day.strip().lower() in _DAYS:
            days.add(_DAYS[day.strip().lower()])
    return frozenset(days)


def _calendar(value: object) -> dt.tzinfo:
    if isinstance(value, str) and value.strip():
        try:
            return ZoneInfo(value.strip())
        except (ValueError, ZoneInfoNotFoundError):
            return dt.UTC
    return dt.UTC
