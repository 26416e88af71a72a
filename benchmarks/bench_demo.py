"""Benchmark of the demo tools (not a test): prints medians on this machine.

    .venv/bin/python benchmarks/bench_demo.py [--batches 40] [--spans 512] [--repeat 5]

- receiver: ms per OTLP/HTTP protobuf export of a batch of LLM spans (the SDK's default batch
  size is 512), and spans written per second;
- report: ms to build the report from the resulting JSON-lines file;
- replay: ms to replay that file into a second receiver, as protobuf and as OTLP/JSON.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

import httpx
from opentelemetry.exporter.otlp.proto.common.trace_encoder import encode_spans
from opentelemetry.sdk.resources import Resource
from opentelemetry.sdk.trace import ReadableSpan, TracerProvider
from opentelemetry.sdk.trace.export import SimpleSpanProcessor
from opentelemetry.sdk.trace.export.in_memory_span_exporter import InMemorySpanExporter
from opentelemetry.trace import SpanKind

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "scripts"))

from demo_report import build_report, read_spans
from otlp_file_receiver import OtlpFileReceiver
from replay import replay


def llm_spans(count: int) -> list[ReadableSpan]:
    """`count` finished LLM spans with the attributes the app's spans carry."""
    exporter = InMemorySpanExporter()
    provider = TracerProvider(resource=Resource.create({"service.name": "bench"}))
    provider.add_span_processor(SimpleSpanProcessor(exporter))
    tracer = provider.get_tracer("bench")
    for n in range(count):
        with tracer.start_as_current_span("openai.chat", kind=SpanKind.CLIENT) as span:
            span.set_attributes(
                {
                    "gen_ai.provider.name": "openai" if n % 2 else "anthropic",
                    "gen_ai.request.model": f"model-{n % 5}",
                    "gen_ai.usage.input_tokens": 100 + n,
                    "gen_ai.usage.output_tokens": 50 + n,
                    "gen_ai.cost.total_usd": 0.0001 * n,
                    "gen_ai.cost.status": "priced",
                    "llmobs.agent": ("coordinator", "chef", "sommelier")[n % 3],
                    "llmobs.feature": f"feature-{n % 4}",
                    "llmobs.team": "team",
                    "llmobs.tenant": "tenant",
                }
            )
    provider.shutdown()
    return list(exporter.get_finished_spans())


def median_ms(action: Callable[[], object], repeat: int) -> float:
    """Median wall time of `action` in milliseconds."""
    times = []
    for _ in range(repeat):
        started = time.perf_counter()
        action()
        times.append((time.perf_counter() - started) * 1000)
    return statistics.median(times)


def main() -> None:
    """Run the three measurements and print their medians."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--batches", type=int, default=40)
    parser.add_argument("--spans", type=int, default=512)
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    body = encode_spans(llm_spans(args.spans)).SerializeToString()
    headers = {"Content-Type": "application/x-protobuf"}
    with tempfile.TemporaryDirectory() as tmp:
        receiver = OtlpFileReceiver(Path(tmp) / "bench.jsonl").start()
        per_export: list[float] = []
        with httpx.Client(base_url=receiver.endpoint, headers=headers) as client:
            for _ in range(args.batches):
                started = time.perf_counter()
                client.post("/v1/traces", content=body).raise_for_status()
                per_export.append((time.perf_counter() - started) * 1000)
        receiver.stop()
        path = receiver.sink.path
        export_ms = statistics.median(per_export)
        total = args.batches * args.spans
        print(f"receiver: {export_ms:.1f} ms per {args.spans}-span export (median of "
              f"{args.batches}), {args.spans / export_ms * 1000:,.0f} spans/s; "
              f"file {path.stat().st_size / 1e6:.1f} MB")  # fmt: skip
        report_ms = median_ms(lambda: build_report(read_spans(path)), args.repeat)
        print(f"report:   {report_ms:.0f} ms for {total:,} spans "
              f"({total / report_ms * 1000:,.0f} spans/s), median of {args.repeat}")  # fmt: skip

        def replay_once(encoding: str) -> None:
            target = OtlpFileReceiver(Path(tmp) / "replayed.jsonl").start()
            try:
                assert not replay(path, target.endpoint, {}, encoding=encoding).failures
            finally:
                target.stop()

        for encoding in ("protobuf", "json"):
            replay_ms = median_ms(lambda: replay_once(encoding), args.repeat)  # noqa: B023
            print(f"replay:   {replay_ms:.0f} ms for {args.batches} lines / {total:,} spans "
                  f"as {encoding} into a local receiver ({total / replay_ms * 1000:,.0f} spans/s), "
                  f"median of {args.repeat}")  # fmt: skip


if __name__ == "__main__":
    main()
