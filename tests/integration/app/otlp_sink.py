"""A local OTLP/HTTP receiver for tests: decodes what the app exports into plain dicts."""

from __future__ import annotations

import gzip
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

from google.protobuf.message import Message
from opentelemetry.proto.collector.logs.v1.logs_service_pb2 import (
    ExportLogsServiceRequest,
    ExportLogsServiceResponse,
)
from opentelemetry.proto.collector.metrics.v1.metrics_service_pb2 import (
    ExportMetricsServiceRequest,
    ExportMetricsServiceResponse,
)
from opentelemetry.proto.collector.trace.v1.trace_service_pb2 import (
    ExportTraceServiceRequest,
    ExportTraceServiceResponse,
)
from opentelemetry.proto.common.v1.common_pb2 import AnyValue, KeyValue

KINDS = {0: "UNSPECIFIED", 1: "INTERNAL", 2: "SERVER", 3: "CLIENT", 4: "PRODUCER", 5: "CONSUMER"}
STATUS = {0: "UNSET", 1: "OK", 2: "ERROR"}


def _value(v: AnyValue) -> Any:
    which = v.WhichOneof("value")
    if which == "array_value":
        return tuple(_value(x) for x in v.array_value.values)
    if which == "kvlist_value":
        return _attrs(v.kvlist_value.values)
    return getattr(v, which) if which else None


def _attrs(kvs: Any) -> dict[str, Any]:
    return {kv.key: _value(kv.value) for kv in kvs if isinstance(kv, KeyValue)}


@dataclass
class Sink:
    """What the receiver has seen, thread-safe."""

    spans: list[dict[str, Any]] = field(default_factory=list)
    metrics: list[dict[str, Any]] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def add_traces(self, req: ExportTraceServiceRequest) -> None:
        out = []
        for rs in req.resource_spans:
            resource = _attrs(rs.resource.attributes)
            for ss in rs.scope_spans:
                for s in ss.spans:
                    out.append(
                        {
                            "name": s.name,
                            "trace_id": s.trace_id.hex(),
                            "span_id": s.span_id.hex(),
                            "parent_span_id": s.parent_span_id.hex(),
                            "kind": KINDS[s.kind],
                            "status": STATUS[s.status.code],
                            "attributes": _attrs(s.attributes),
                            "events": [
                                {"name": e.name, "attributes": _attrs(e.attributes)}
                                for e in s.events
                            ],
                            "scope": ss.scope.name,
                            "resource": resource,
                        }
                    )
        with self.lock:
            self.spans.extend(out)

    def add_metrics(self, req: ExportMetricsServiceRequest) -> None:
        out = []
        for rm in req.resource_metrics:
            for sm in rm.scope_metrics:
                for m in sm.metrics:
                    kind = m.WhichOneof("data")
                    for p in getattr(m, kind).data_points:
                        value = (
                            (p.as_double if p.HasField("as_double") else p.as_int)
                            if kind in ("sum", "gauge")
                            else p.sum
                        )
                        out.append(
                            {
                                "name": m.name,
                                "kind": kind,
                                "value": value,
                                "attributes": _attrs(p.attributes),
                            }
                        )
        with self.lock:
            self.metrics.extend(out)

    def trace(self, trace_id: str) -> list[dict[str, Any]]:
        with self.lock:
            return [s for s in self.spans if s["trace_id"] == trace_id]

    def wait_for(self, predicate: Callable[[], bool], timeout: float = 10.0) -> bool:
        """Poll until predicate() holds; the app's batch processor exports every 100 ms in tests."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if predicate():
                return True
            time.sleep(0.05)
        return predicate()


_ROUTES: dict[str, tuple[type[Message], type[Message], str]] = {
    "/v1/traces": (ExportTraceServiceRequest, ExportTraceServiceResponse, "add_traces"),
    "/v1/metrics": (ExportMetricsServiceRequest, ExportMetricsServiceResponse, "add_metrics"),
    "/v1/logs": (ExportLogsServiceRequest, ExportLogsServiceResponse, ""),
}


def start_sink() -> tuple[ThreadingHTTPServer, Sink]:
    """Start the receiver on a free loopback port; the caller shuts the server down."""
    sink = Sink()

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            route = _ROUTES.get(self.path)
            body = self.rfile.read(int(self.headers.get("Content-Length", "0")))
            if route is None:
                self.send_error(404)
                return
            if self.headers.get("Content-Encoding") == "gzip":
                body = gzip.decompress(body)
            request_type, response_type, method = route
            message = request_type()
            message.ParseFromString(body)
            if method:
                getattr(sink, method)(message)
            payload = response_type().SerializeToString()
            self.send_response(200)
            self.send_header("Content-Type", "application/x-protobuf")
            self.send_header("Content-Length", str(len(payload)))
            self.end_headers()
            self.wfile.write(payload)

        def log_message(self, format: str, *args: Any) -> None:
            return None

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server, sink
