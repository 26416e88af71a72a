"""The file receiver fed by the real OTel SDK OTLP/HTTP exporters, and replay into a second one."""

from __future__ import annotations

import gzip
import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from opentelemetry.exporter.otlp.proto.http import Compression
from opentelemetry.exporter.otlp.proto.http.metric_exporter import OTLPMetricExporter
from opentelemetry.exporter.otlp.proto.http.trace_exporter import OTLPSpanExporter
from opentelemetry.sdk.metrics import MeterProvider
from opentelemetry.sdk.metrics.export import PeriodicExportingMetricReader
from opentelemetry.sdk.resources import Resource
from opentelemetry.sdk.trace import TracerProvider
from opentelemetry.sdk.trace.export import BatchSpanProcessor
from opentelemetry.trace import SpanKind, Status, StatusCode
from otlp_file_receiver import OtlpFileReceiver
from replay import main as replay_main
from replay import replay

pytestmark = pytest.mark.integration
LLM_ATTRIBUTES: dict[str, Any] = {
    "gen_ai.provider.name": "anthropic",
    "gen_ai.request.model": "claude-sonnet-4-6",
    "gen_ai.usage.input_tokens": 120,
    "gen_ai.usage.output_tokens": 40,
    "gen_ai.cost.total_usd": 0.00096,
    "gen_ai.cost.status": "priced",
    "llmobs.agent": "chef",
    "llmobs.feature": "menu-designer",
}


def _emit(endpoint: str, compression: Compression = Compression.NoCompression) -> tuple[str, str]:
    """Export one trace (server span + errored LLM span) and one counter; return their hex ids."""
    resource = Resource.create({"service.name": "menu-designer"})
    tracer_provider = TracerProvider(resource=resource)
    tracer_provider.add_span_processor(
        BatchSpanProcessor(
            OTLPSpanExporter(endpoint=f"{endpoint}/v1/traces", compression=compression)
        )
    )
    reader = PeriodicExportingMetricReader(
        OTLPMetricExporter(endpoint=f"{endpoint}/v1/metrics", compression=compression)
    )
    meter_provider = MeterProvider(resource=resource, metric_readers=[reader])
    tracer = tracer_provider.get_tracer("test")
    with (
        tracer.start_as_current_span("POST /menu/design", kind=SpanKind.SERVER) as server,
        tracer.start_as_current_span("anthropic.chat", kind=SpanKind.CLIENT) as llm,
    ):
        llm.set_attributes(LLM_ATTRIBUTES)
        llm.set_status(Status(StatusCode.ERROR, "overloaded"))
    meter_provider.get_meter("test").create_counter("gen_ai.cost.usd").add(0.5, {"k": "v"})
    tracer_provider.shutdown()
    meter_provider.shutdown()
    context = llm.get_span_context()
    assert server.get_span_context().trace_id == context.trace_id
    return f"{context.trace_id:032x}", f"{context.span_id:016x}"


def _lines(path: Path) -> list[dict[str, Any]]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]


def _spans(lines: list[dict[str, Any]]) -> Iterator[dict[str, Any]]:
    for line in lines:
        for resource_spans in line.get("resourceSpans", []):
            for scope_spans in resource_spans["scopeSpans"]:
                yield from scope_spans["spans"]


@pytest.mark.parametrize("compression", [Compression.NoCompression, Compression.Gzip])
def test_sdk_export_lands_as_otlp_json_lines(
    receiver: OtlpFileReceiver, compression: Compression
) -> None:
    trace_id, span_id = _emit(receiver.endpoint, compression)
    lines = _lines(receiver.sink.path)
    assert receiver.counts == {"traces": 1, "metrics": 1}
    spans = {span["name"]: span for span in _spans(lines)}
    llm = spans["anthropic.chat"]
    assert (llm["traceId"], llm["spanId"]) == (trace_id, span_id)
    assert llm["parentSpanId"] == spans["POST /menu/design"]["spanId"]
    assert (llm["kind"], spans["POST /menu/design"]["kind"]) == (3, 2)
    assert llm["status"] == {"code": 2, "message": "overloaded"}
    attributes = {a["key"]: a["value"] for a in llm["attributes"]}
    assert attributes["gen_ai.usage.input_tokens"] == {"intValue": "120"}
    assert attributes["gen_ai.cost.total_usd"] == {"doubleValue": 0.00096}
    metric_line = next(line for line in lines if "resourceMetrics" in line)
    metrics = metric_line["resourceMetrics"][0]["scopeMetrics"][0]["metrics"]
    assert metrics[0]["name"] == "gen_ai.cost.usd"
    assert metrics[0]["sum"]["dataPoints"][0]["asDouble"] == 0.5


@pytest.mark.parametrize("encoding", ["protobuf", "json"])
def test_replay_into_a_second_receiver_gives_the_same_lines(
    receiver: OtlpFileReceiver, tmp_path: Path, encoding: str
) -> None:
    _emit(receiver.endpoint)
    second = OtlpFileReceiver(tmp_path / "replayed.jsonl").start()
    try:
        result = replay(
            receiver.sink.path,
            second.endpoint,
            {"Authorization": "Bearer test-token"},
            encoding=encoding,
        )
    finally:
        second.stop()
    assert result.failures == []
    assert result.sent == {"/v1/traces": 1, "/v1/metrics": 1}
    assert _lines(second.sink.path) == _lines(receiver.sink.path)


def test_replay_rebase_time_moves_the_spans_to_now(
    receiver: OtlpFileReceiver, tmp_path: Path
) -> None:
    source = tmp_path / "old.jsonl"
    _emit(receiver.endpoint)
    old = [line for line in _lines(receiver.sink.path) if "resourceSpans" in line]
    for span in _spans(old):
        for key in ("startTimeUnixNano", "endTimeUnixNano"):
            span[key] = str(int(span[key]) - 86_400 * 10**9)  # a day earlier
    source.write_text("\n".join(json.dumps(x) for x in old) + "\n", encoding="utf-8")
    second = OtlpFileReceiver(tmp_path / "replayed.jsonl").start()
    try:
        assert replay(source, second.endpoint, {}, rebase_time=True).failures == []
    finally:
        second.stop()
    before = {s["spanId"]: s for s in _spans(old)}
    for span in _spans(_lines(second.sink.path)):
        moved = int(span["endTimeUnixNano"]) - int(before[span["spanId"]]["endTimeUnixNano"])
        assert moved > 86_000 * 10**9
        duration = int(span["endTimeUnixNano"]) - int(span["startTimeUnixNano"])
        original = before[span["spanId"]]
        assert duration == int(original["endTimeUnixNano"]) - int(original["startTimeUnixNano"])


def test_replay_reports_a_refusing_endpoint_with_exit_code_1(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "t.jsonl"
    path.write_text(json.dumps({"resourceSpans": []}) + "\n", encoding="utf-8")
    second = OtlpFileReceiver(tmp_path / "x.jsonl").start()
    try:
        code = replay_main([str(path), "--endpoint", f"{second.endpoint}/wrong"])
    finally:
        second.stop()
    assert code == 1
    assert "HTTP 404" in capsys.readouterr().err


@pytest.mark.parametrize(
    ("path", "headers", "body", "status", "words"),
    [
        ("/v1/traces", {"Content-Type": "text/plain"}, b"x", 415, "text/plain"),
        ("/v1/traces", {"Content-Type": "application/x-protobuf"}, b"\xff\xff", 400,
         "ExportTraceServiceRequest"),
        ("/v1/traces", {"Content-Type": "application/json"}, b"{", 400, "invalid OTLP/JSON"),
        ("/v1/traces", {"Content-Type": "application/json", "Content-Encoding": "gzip"},
         b"plain", 400, "gzip"),
        ("/v1/other", {"Content-Type": "application/json"}, b"{}", 404, "/v1/other"),
    ],
)  # fmt: skip
def test_bad_requests_get_a_4xx_naming_the_problem(
    receiver: OtlpFileReceiver,
    path: str,
    headers: dict[str, str],
    body: bytes,
    status: int,
    words: str,
) -> None:
    response = httpx.post(f"{receiver.endpoint}{path}", content=body, headers=headers)
    assert response.status_code == status
    assert words in response.json()["message"]
    assert receiver.counts == {}


def test_json_and_gzip_posts_are_accepted(receiver: OtlpFileReceiver) -> None:
    document = {
        "resourceSpans": [{"scopeSpans": [{"spans": [{
            "traceId": "5b8efff798038103d269b633813fc60c", "spanId": "eee19b7ec3c1b174",
            "name": "x", "kind": 1, "startTimeUnixNano": "1", "endTimeUnixNano": "2",
        }]}]}]
    }  # fmt: skip
    response = httpx.post(
        f"{receiver.endpoint}/v1/traces",
        content=gzip.compress(json.dumps(document).encode()),
        headers={"Content-Type": "application/json", "Content-Encoding": "gzip"},
    )
    assert (response.status_code, response.json()) == (200, {})
    assert _lines(receiver.sink.path) == [document]
    assert httpx.get(f"{receiver.endpoint}/health").json() == {"traces": 1}


def test_a_body_without_content_length_gets_411(receiver: OtlpFileReceiver) -> None:
    def chunks() -> Iterator[bytes]:
        yield b"{}"

    response = httpx.post(
        f"{receiver.endpoint}/v1/traces",
        content=chunks(),
        headers={"Content-Type": "application/json"},
    )
    assert response.status_code == 411
    assert "Content-Length" in response.json()["message"]
