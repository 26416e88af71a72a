"""The demo report: which spans count as LLM calls and how they are aggregated per grouping."""

from __future__ import annotations

import json
import math
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from demo_report import build_report, format_report, main, percentile, read_spans


def _llm(model: str, provider: str, agent: str, feature: str, **extra: Any) -> dict[str, Any]:
    return {
        "gen_ai.provider.name": provider,
        "gen_ai.request.model": model,
        "llmobs.agent": agent,
        "llmobs.feature": feature,
        **extra,
    }


@pytest.fixture
def telemetry(
    tmp_path: Path,
    make_span: Callable[..., dict[str, Any]],
    make_line: Callable[..., dict[str, Any]],
) -> Path:
    spans_a = [
        make_span("POST /menu/design", {"http.route": "/menu/design"}, duration_ms=900, kind=2),
        make_span("menu.workflow", {"traceloop.span.kind": "workflow", "gen_ai.system": "openai"}),
        make_span(
            "openai.chat",
            _llm("gpt-5.4", "openai", "coordinator", "menu-designer",
                 **{"gen_ai.response.model": "gpt-5.4-2026-01-01",
                    "gen_ai.usage.input_tokens": 100, "gen_ai.usage.output_tokens": 50,
                    "gen_ai.cost.total_usd": 0.25, "gen_ai.cost.status": "priced"}),
            duration_ms=200,
        ),
        make_span(
            "anthropic.chat",
            _llm("claude-sonnet-4-6", "anthropic", "chef", "menu-designer",
                 **{"gen_ai.usage.prompt_tokens": 10, "gen_ai.usage.completion_tokens": 5,
                    "gen_ai.cost.total_usd": 0.5, "gen_ai.cost.status": "priced"}),
            duration_ms=400,
        ),
    ]  # fmt: skip
    spans_b = [
        make_span(
            "anthropic.chat",
            _llm("claude-sonnet-4-6", "anthropic", "recipe", "recipe-assistant",
                 **{"gen_ai.usage.input_tokens": 20, "gen_ai.usage.output_tokens": 30,
                    "gen_ai.cost.status": "unpriced"}),
            duration_ms=600, error=True, trace_id="1" * 32,
        ),
    ]  # fmt: skip
    # anthropic's own tracing of the same call (DESIGN.md): never counted twice
    duplicate = make_span(
        "anthropic.messages.create",
        _llm("claude-sonnet-4-6", "anthropic", "recipe", "recipe-assistant",
             **{"gen_ai.usage.input_tokens": 20, "gen_ai.cost.total_usd": 9.0}),
        trace_id="2" * 32,
    )  # fmt: skip
    path = tmp_path / "telemetry.jsonl"
    metrics: dict[str, Any] = {"resourceMetrics": [{"scopeMetrics": []}]}
    lines = [
        make_line(spans_a),
        metrics,
        make_line(spans_b),
        make_line([duplicate], scope="com.anthropic.sdk.python"),
    ]
    path.write_text("\n".join(json.dumps(line) for line in lines) + "\n\n", encoding="utf-8")
    return path


def test_totals_count_only_llm_calls(telemetry: Path) -> None:
    report = build_report(read_spans(telemetry))
    assert (report.spans, report.traces) == (6, 3)
    total = report.total
    assert (total.calls, total.errors, total.unpriced) == (3, 1, 1)
    assert (total.input_tokens, total.output_tokens) == (130, 85)
    assert total.cost_usd == pytest.approx(0.75)
    assert total.p50_ms == pytest.approx(400)
    assert total.p95_ms == pytest.approx(580)


def test_groups_prefer_response_model_and_fall_back_to_gen_ai_system(telemetry: Path) -> None:
    groups = build_report(read_spans(telemetry)).groups
    models = {row.key: row for row in groups["model"]}
    assert set(models) == {"gpt-5.4-2026-01-01", "claude-sonnet-4-6"}
    assert models["claude-sonnet-4-6"].calls == 2
    assert models["claude-sonnet-4-6"].errors == 1
    assert [row.key for row in groups["provider"]] == ["anthropic", "openai"]  # by cost
    assert {row.key: row.calls for row in groups["agent"]} == {
        "coordinator": 1, "chef": 1, "recipe": 1,
    }  # fmt: skip
    assert {row.key: row.cost_usd for row in groups["feature"]} == {
        "menu-designer": pytest.approx(0.75), "recipe-assistant": 0.0,
    }  # fmt: skip


def test_requests_are_the_server_spans_by_route(telemetry: Path) -> None:
    requests = build_report(read_spans(telemetry)).requests
    assert [(r.key, r.calls, r.p50_ms) for r in requests] == [("/menu/design", 1, 900.0)]


def test_text_report_and_cli_outputs(telemetry: Path, tmp_path: Path, capsys: Any) -> None:
    text = format_report(build_report(read_spans(telemetry)))
    assert "3 LLM calls, 1 errors" in text
    assert "LLM calls by agent" in text
    chart, summary = tmp_path / "r.png", tmp_path / "r.json"
    assert main([str(telemetry), "--json", str(summary), "--chart", str(chart)]) == 0
    assert chart.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert json.loads(summary.read_text())["total"]["calls"] == 3
    assert "LLM calls by feature" in capsys.readouterr().out


def test_cli_fails_without_llm_spans_and_on_broken_lines(tmp_path: Path) -> None:
    empty = tmp_path / "empty.jsonl"
    empty.write_text('{"resourceSpans": []}\n', encoding="utf-8")
    assert main([str(empty)]) == 1
    broken = tmp_path / "broken.jsonl"
    broken.write_text('{"resourceSpans": [\n', encoding="utf-8")
    with pytest.raises(SystemExit) as caught:
        main([str(broken)])
    assert caught.value.code == 2


def test_percentile_interpolates_and_handles_edges() -> None:
    assert math.isnan(percentile([], 50))
    assert percentile([7.0], 95) == 7.0
    assert percentile([1.0, 2.0, 3.0, 4.0], 50) == 2.5
    assert percentile([float(v) for v in range(1, 101)], 95) == pytest.approx(95.05)
