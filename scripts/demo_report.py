"""Report from an OTLP JSON-lines file: LLM cost, tokens, calls, latency p50/p95 and errors.

Grouped by model, provider, agent and feature, plus the HTTP requests by route; printed as tables,
written as JSON and (with --chart) drawn to a PNG by demo_charts.py.

    python scripts/demo_report.py out/demo/telemetry.jsonl --chart out/demo/report.png
"""

from __future__ import annotations

import argparse
import json
import math
import sys
from collections.abc import Callable, Iterable, Iterator
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from loadgen import percentile

STATUS_ERROR = 2
KIND_SERVER = 2
NONE = "(none)"
# anthropic 2.x's built-in tracing: a second, unlinked span per call (the app turns it off).
DUPLICATE_SCOPES = frozenset({"com.anthropic.sdk.python"})
GROUPINGS: dict[str, Callable[[Span], str]] = {
    "model": lambda s: s.text("gen_ai.response.model", "gen_ai.request.model"),
    "provider": lambda s: s.text("gen_ai.provider.name", "gen_ai.system"),
    "agent": lambda s: s.text("llmobs.agent"),
    "feature": lambda s: s.text("llmobs.feature"),
}


def attribute_value(value: dict[str, Any]) -> Any:
    """Decode one OTLP/JSON AnyValue into a Python value."""
    if "stringValue" in value:
        return value["stringValue"]
    if "intValue" in value:
        return int(value["intValue"])
    if "doubleValue" in value:
        return float(value["doubleValue"])
    if "boolValue" in value:
        return bool(value["boolValue"])
    if "arrayValue" in value:
        return [attribute_value(v) for v in value["arrayValue"].get("values", [])]
    if "kvlistValue" in value:
        return attributes_of(value["kvlistValue"].get("values", []))
    return None


def attributes_of(pairs: Iterable[dict[str, Any]]) -> dict[str, Any]:
    """Decode an OTLP/JSON KeyValue list into a dict."""
    return {pair["key"]: attribute_value(pair.get("value", {})) for pair in pairs}


@dataclass(frozen=True)
class Span:
    """One span of the file, with its attributes decoded and its duration in milliseconds."""

    trace_id: str
    span_id: str
    parent_span_id: str
    name: str
    kind: int
    duration_ms: float
    is_error: bool
    attributes: dict[str, Any]
    service: str
    scope: str = ""

    def text(self, *keys: str) -> str:
        """The first present attribute among keys, as a string, or "(none)"."""
        for key in keys:
            value = self.attributes.get(key)
            if value not in (None, ""):
                return str(value)
        return NONE

    def number(self, *keys: str) -> float:
        """The first numeric attribute among keys, or 0."""
        for key in keys:
            value = self.attributes.get(key)
            if isinstance(value, int | float) and not isinstance(value, bool):
                return float(value)
        return 0.0

    @property
    def is_llm_call(self) -> bool:
        """An LLM call: a provider attribute, no traceloop task/workflow kind, and not the
        anthropic SDK's own duplicate span of a call traceloop already traced (DESIGN.md)."""
        has_provider = self.text("gen_ai.provider.name", "gen_ai.system") != NONE
        return (
            has_provider
            and "traceloop.span.kind" not in self.attributes
            and self.scope not in DUPLICATE_SCOPES
        )


def read_spans(path: Path) -> Iterator[Span]:
    """Yield every span of the trace lines of an OTLP JSON-lines file (other signals skipped)."""
    with path.open(encoding="utf-8") as handle:
        for number, line in enumerate(handle, start=1):
            if not line.strip():
                continue
            try:
                document = json.loads(line)
            except json.JSONDecodeError as exc:
                raise ValueError(f"{path}:{number}: not JSON ({exc.msg})") from exc
            for resource_spans in document.get("resourceSpans", []):
                resource = attributes_of(resource_spans.get("resource", {}).get("attributes", []))
                service = str(resource.get("service.name", NONE))
                for scope_spans in resource_spans.get("scopeSpans", []):
                    scope = str(scope_spans.get("scope", {}).get("name", ""))
                    for raw in scope_spans.get("spans", []):
                        yield _span(raw, service, scope)


def _span(raw: dict[str, Any], service: str, scope: str) -> Span:
    start = int(raw.get("startTimeUnixNano", 0))
    end = int(raw.get("endTimeUnixNano", start))
    return Span(
        trace_id=raw.get("traceId", ""),
        span_id=raw.get("spanId", ""),
        parent_span_id=raw.get("parentSpanId", ""),
        name=raw.get("name", ""),
        kind=int(raw.get("kind", 0)),
        duration_ms=max(0, end - start) / 1e6,
        is_error=int(raw.get("status", {}).get("code", 0)) == STATUS_ERROR,
        attributes=attributes_of(raw.get("attributes", [])),
        service=service,
        scope=scope,
    )


@dataclass
class Row:
    """Aggregates of one group of LLM calls (or requests)."""

    key: str
    calls: int = 0
    errors: int = 0
    input_tokens: int = 0
    output_tokens: int = 0
    cost_usd: float = 0.0
    unpriced: int = 0
    p50_ms: float = math.nan
    p95_ms: float = math.nan
    durations: list[float] = field(default_factory=list, repr=False)

    def add(self, span: Span) -> None:
        self.calls += 1
        self.errors += span.is_error
        self.input_tokens += int(
            span.number("gen_ai.usage.input_tokens", "gen_ai.usage.prompt_tokens")
        )
        self.output_tokens += int(
            span.number("gen_ai.usage.output_tokens", "gen_ai.usage.completion_tokens")
        )
        self.cost_usd += span.number("gen_ai.cost.total_usd")
        self.unpriced += span.text("gen_ai.cost.status") == "unpriced"
        self.durations.append(span.duration_ms)

    def close(self) -> Row:
        self.p50_ms = percentile(self.durations, 50)
        self.p95_ms = percentile(self.durations, 95)
        return self


@dataclass
class Report:
    """Everything the tables and charts show."""

    spans: int
    traces: int
    total: Row
    groups: dict[str, list[Row]]
    requests: list[Row]

    def to_json(self) -> dict[str, Any]:
        def row(r: Row) -> dict[str, Any]:
            data = asdict(r)
            data.pop("durations")
            return {
                k: (None if isinstance(v, float) and math.isnan(v) else v) for k, v in data.items()
            }

        return {
            "spans": self.spans,
            "traces": self.traces,
            "total": row(self.total),
            "groups": {name: [row(r) for r in rows] for name, rows in self.groups.items()},
            "requests": [row(r) for r in self.requests],
        }


def _group(spans: Iterable[Span], key: Callable[[Span], str]) -> list[Row]:
    rows: dict[str, Row] = {}
    for span in spans:
        name = key(span)
        rows.setdefault(name, Row(name)).add(span)
    return sorted((r.close() for r in rows.values()), key=lambda r: (-r.cost_usd, -r.calls, r.key))


def build_report(spans: Iterable[Span]) -> Report:
    """Aggregate LLM calls per grouping and server requests per route."""
    all_spans = list(spans)
    llm = [s for s in all_spans if s.is_llm_call]
    total = Row("total")
    for span in llm:
        total.add(span)
    servers = [s for s in all_spans if s.kind == KIND_SERVER]
    return Report(
        spans=len(all_spans),
        traces=len({s.trace_id for s in all_spans}),
        total=total.close(),
        groups={name: _group(llm, key) for name, key in GROUPINGS.items()},
        requests=_group(
            servers, lambda s: s.text("http.route") if "http.route" in s.attributes else s.name
        ),
    )


def _fmt_ms(value: float) -> str:
    return "-" if math.isnan(value) else f"{value:,.0f}"


def format_table(title: str, rows: list[Row], llm: bool = True) -> str:
    """Render rows as an aligned text table."""
    if llm:
        header = ["", "calls", "errors", "in tok", "out tok", "cost USD", "p50 ms", "p95 ms"]
        body = [
            [r.key, f"{r.calls}", f"{r.errors}", f"{r.input_tokens:,}", f"{r.output_tokens:,}",
             f"{r.cost_usd:.6f}", _fmt_ms(r.p50_ms), _fmt_ms(r.p95_ms)]
            for r in rows
        ]  # fmt: skip
    else:
        header = ["", "requests", "errors", "p50 ms", "p95 ms"]
        body = [
            [r.key, f"{r.calls}", f"{r.errors}", _fmt_ms(r.p50_ms), _fmt_ms(r.p95_ms)] for r in rows
        ]
    header[0] = title
    widths = [max(len(line[i]) for line in [header, *body]) for i in range(len(header))]
    lines = [
        "  ".join(
            cell.ljust(w) if i == 0 else cell.rjust(w)
            for i, (cell, w) in enumerate(zip(line, widths, strict=True))
        )
        for line in [header, *body]
    ]
    lines.insert(1, "-" * len(lines[0]))
    return "\n".join(lines)


def format_report(report: Report) -> str:
    """All tables, totals first."""
    t = report.total
    parts = [
        f"{report.spans} spans in {report.traces} traces; {t.calls} LLM calls, {t.errors} errors, "
        f"{t.input_tokens:,} input + {t.output_tokens:,} output tokens, ${t.cost_usd:.6f}"
        + (f", {t.unpriced} unpriced" if t.unpriced else ""),
        format_table("requests by route", report.requests, llm=False),
    ]
    parts += [format_table(f"LLM calls by {name}", rows) for name, rows in report.groups.items()]
    return "\n\n".join(parts)


def main(argv: list[str] | None = None) -> int:
    """CLI: print the tables; write JSON and chart when asked; exit 1 when no LLM call was found."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("file", type=Path, help="OTLP JSON-lines file")
    parser.add_argument("--json", type=Path, help="write the report as JSON here")
    parser.add_argument("--chart", type=Path, help="write the charts here (.png or .svg)")
    args = parser.parse_args(argv)
    if not args.file.is_file():
        parser.error(f"file {args.file} does not exist")
    try:
        report = build_report(read_spans(args.file))
    except ValueError as exc:
        parser.error(str(exc))
    print(format_report(report))
    if args.json:
        args.json.parent.mkdir(parents=True, exist_ok=True)
        args.json.write_text(json.dumps(report.to_json(), indent=2) + "\n", encoding="utf-8")
    if args.chart:
        from demo_charts import draw_charts

        draw_charts(report, args.chart)
        print(f"\ncharts: {args.chart}")
    if report.total.calls == 0:
        print("no LLM call spans found in the file", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
