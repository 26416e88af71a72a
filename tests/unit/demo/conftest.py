"""Makes scripts/ importable (the demo tools are scripts, not a package); OTLP/JSON builders."""

from __future__ import annotations

import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

SCRIPTS = Path(__file__).resolve().parents[3] / "scripts"
if str(SCRIPTS) not in sys.path:
    sys.path.insert(0, str(SCRIPTS))


def _value(value: Any) -> dict[str, Any]:
    if isinstance(value, bool):
        return {"boolValue": value}
    if isinstance(value, int):
        return {"intValue": str(value)}
    if isinstance(value, float):
        return {"doubleValue": value}
    return {"stringValue": str(value)}


def otlp_span(
    name: str,
    attributes: dict[str, Any],
    *,
    duration_ms: float = 100.0,
    error: bool = False,
    kind: int = 3,
    trace_id: str = "0af7651916cd43dd8448eb211c80319c",
) -> dict[str, Any]:
    """One span in OTLP/JSON form, as the collector's file exporter writes it."""
    start = 1_700_000_000_000_000_000
    return {
        "traceId": trace_id,
        "spanId": f"{abs(hash((name, duration_ms))) % 2**64:016x}",
        "name": name,
        "kind": kind,
        "startTimeUnixNano": str(start),
        "endTimeUnixNano": str(start + int(duration_ms * 1e6)),
        "attributes": [{"key": k, "value": _value(v)} for k, v in attributes.items()],
        "status": {"code": 2, "message": "boom"} if error else {},
    }


def traces_line(
    spans: list[dict[str, Any]], service: str = "menu-designer", scope: str = "traceloop"
) -> dict[str, Any]:
    """An ExportTraceServiceRequest in OTLP/JSON holding the spans."""
    resource = {"attributes": [{"key": "service.name", "value": {"stringValue": service}}]}
    scope_spans = [{"scope": {"name": scope}, "spans": spans}]
    return {"resourceSpans": [{"resource": resource, "scopeSpans": scope_spans}]}


@pytest.fixture
def make_span() -> Callable[..., dict[str, Any]]:
    return otlp_span


@pytest.fixture
def make_line() -> Callable[..., dict[str, Any]]:
    return traces_line
