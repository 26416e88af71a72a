"""OTLP/HTTP receiver on loopback that appends what it receives to an OTLP JSON-lines file.

Each line is one ExportTraceServiceRequest / ExportMetricsServiceRequest / ExportLogsServiceRequest
in OTLP/JSON encoding (protobuf JSON mapping, lowerCamelCase, hex ids, integer enums): the format
the OpenTelemetry Collector's file exporter writes, so `make demo` needs no collector and
`replay.py` can send the file to any OTLP endpoint later.

    python scripts/otlp_file_receiver.py --port 4318 --output out/demo/telemetry.jsonl
"""

from __future__ import annotations

import argparse
import base64
import binascii
import gzip
import json
import sys
import threading
import zlib
from dataclasses import dataclass, field
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

from google.protobuf import json_format
from google.protobuf.message import DecodeError, Message
from opentelemetry.proto.collector.logs.v1 import logs_service_pb2
from opentelemetry.proto.collector.metrics.v1 import metrics_service_pb2
from opentelemetry.proto.collector.trace.v1 import trace_service_pb2

# OTLP/HTTP paths → (signal, request type, response type, top-level JSON key of the request).
SIGNALS: dict[str, tuple[str, type[Message], type[Message], str]] = {
    "/v1/traces": (
        "traces",
        trace_service_pb2.ExportTraceServiceRequest,
        trace_service_pb2.ExportTraceServiceResponse,
        "resourceSpans",
    ),
    "/v1/metrics": (
        "metrics",
        metrics_service_pb2.ExportMetricsServiceRequest,
        metrics_service_pb2.ExportMetricsServiceResponse,
        "resourceMetrics",
    ),
    "/v1/logs": (
        "logs",
        logs_service_pb2.ExportLogsServiceRequest,
        logs_service_pb2.ExportLogsServiceResponse,
        "resourceLogs",
    ),
}
# OTLP/JSON writes these bytes fields as hex, where protobuf's JSON mapping would use base64.
ID_FIELDS = frozenset({"traceId", "spanId", "parentSpanId"})
MAX_BODY_BYTES = 32 * 1024 * 1024
PROTOBUF = "application/x-protobuf"
JSON = "application/json"


class BadRequestError(ValueError):
    """A request the receiver refuses, with the HTTP status and a message naming what was wrong."""

    def __init__(self, status: HTTPStatus, message: str) -> None:
        super().__init__(message)
        self.status = status


def _map_ids(node: Any, convert: Any) -> Any:
    """Return a copy of a JSON tree with every trace/span id field passed through `convert`."""
    if isinstance(node, dict):
        return {
            key: convert(value)
            if key in ID_FIELDS and isinstance(value, str)
            else _map_ids(value, convert)
            for key, value in node.items()
        }
    if isinstance(node, list):
        return [_map_ids(item, convert) for item in node]
    return node


def _b64_to_hex(value: str) -> str:
    return base64.b64decode(value).hex()


def _hex_to_b64(value: str) -> str:
    try:
        raw = bytes.fromhex(value)
    except ValueError as exc:
        raise BadRequestError(HTTPStatus.BAD_REQUEST, f"id {value!r} is not hex") from exc
    return base64.b64encode(raw).decode("ascii")


def message_to_otlp_json(message: Message) -> dict[str, Any]:
    """Encode an OTLP export request as OTLP/JSON (hex ids, integer enums, lowerCamelCase)."""
    as_dict = json_format.MessageToDict(message, use_integers_for_enums=True)
    result: dict[str, Any] = _map_ids(as_dict, _b64_to_hex)
    return result


def otlp_json_to_message(document: dict[str, Any], message_type: type[Message]) -> Message:
    """Decode an OTLP/JSON export request (hex ids) into its protobuf message."""
    message = message_type()
    json_format.ParseDict(_map_ids(document, _hex_to_b64), message, ignore_unknown_fields=True)
    return message


def signal_of_line(document: dict[str, Any]) -> str:
    """Name the OTLP/HTTP path of a JSON-lines record from its top-level key."""
    for path, (_, _, _, key) in SIGNALS.items():
        if key in document:
            return path
    raise ValueError(f"not an OTLP export request: keys {sorted(document)[:5]}")


def _decompress(body: bytes, encoding: str) -> bytes:
    encoding = encoding.strip().lower()
    if encoding in ("", "identity"):
        return body
    if encoding == "gzip":
        try:
            return gzip.decompress(body)
        except (OSError, EOFError) as exc:
            raise BadRequestError(HTTPStatus.BAD_REQUEST, "body is not valid gzip") from exc
    if encoding == "deflate":
        try:
            return zlib.decompress(body)
        except zlib.error as exc:
            raise BadRequestError(HTTPStatus.BAD_REQUEST, "body is not valid deflate") from exc
    raise BadRequestError(
        HTTPStatus.UNSUPPORTED_MEDIA_TYPE, f"Content-Encoding {encoding!r} is not supported"
    )


def decode_request(path: str, content_type: str, body: bytes) -> tuple[Message, Message]:
    """Parse an OTLP/HTTP body into (request, empty response); raise BadRequestError if bad."""
    if path not in SIGNALS:
        raise BadRequestError(HTTPStatus.NOT_FOUND, f"unknown path {path!r}; use {sorted(SIGNALS)}")
    _, request_type, response_type, _ = SIGNALS[path]
    media = content_type.split(";")[0].strip().lower()
    if media == PROTOBUF:
        message = request_type()
        try:
            message.ParseFromString(body)
        except DecodeError as exc:
            name = request_type.__name__
            raise BadRequestError(HTTPStatus.BAD_REQUEST, f"body is not a valid {name}") from exc
        return message, response_type()
    if media == JSON:
        try:
            document = json.loads(body)
            if not isinstance(document, dict):
                raise ValueError("top level is not an object")
            return otlp_json_to_message(document, request_type), response_type()
        except (ValueError, json_format.ParseError, binascii.Error) as exc:
            if isinstance(exc, BadRequestError):
                raise
            raise BadRequestError(HTTPStatus.BAD_REQUEST, f"invalid OTLP/JSON body: {exc}") from exc
    raise BadRequestError(
        HTTPStatus.UNSUPPORTED_MEDIA_TYPE,
        f"Content-Type {content_type!r} is not supported; use {PROTOBUF} or {JSON}",
    )


@dataclass
class JsonLinesSink:
    """Appends one JSON document per line to a file, thread-safe, flushed per line."""

    path: Path
    counts: dict[str, int] = field(default_factory=dict)
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def write(self, signal: str, document: dict[str, Any]) -> None:
        line = json.dumps(document, separators=(",", ":"), ensure_ascii=False)
        with self._lock, self.path.open("a", encoding="utf-8") as handle:
            handle.write(line + "\n")
            self.counts[signal] = self.counts.get(signal, 0) + 1


class _Handler(BaseHTTPRequestHandler):
    server: _ReceiverServer
    protocol_version = "HTTP/1.1"

    def log_message(self, format: str, *args: Any) -> None:
        """Quiet: the exporter posts every few hundred milliseconds."""

    def do_POST(self) -> None:
        try:
            body = self._read_body()
            content_type = self.headers.get("Content-Type", "")
            encoding = self.headers.get("Content-Encoding", "")
            path = self.path.split("?")[0]
            request, response = decode_request(path, content_type, _decompress(body, encoding))
        except BadRequestError as exc:
            self._reply(exc.status, JSON, json.dumps({"code": 3, "message": str(exc)}).encode())
            return
        signal, _, _, key = SIGNALS[path]
        document = message_to_otlp_json(request)
        if document.get(key):
            self.server.sink.write(signal, document)
        if content_type.split(";")[0].strip().lower() == PROTOBUF:
            self._reply(HTTPStatus.OK, PROTOBUF, response.SerializeToString())
        else:
            self._reply(HTTPStatus.OK, JSON, b"{}")

    def do_GET(self) -> None:
        if self.path == "/health":
            self._reply(HTTPStatus.OK, JSON, json.dumps(self.server.sink.counts).encode())
        else:
            self._reply(HTTPStatus.NOT_FOUND, JSON, b'{"message":"POST OTLP to /v1/<signal>"}')

    def _read_body(self) -> bytes:
        length_header = self.headers.get("Content-Length")
        if length_header is None:
            self.close_connection = True  # a chunked body we will not read
            raise BadRequestError(HTTPStatus.LENGTH_REQUIRED, "Content-Length header is required")
        try:
            length = int(length_header)
        except ValueError as exc:
            raise BadRequestError(HTTPStatus.BAD_REQUEST, "Content-Length is not a number") from exc
        if length < 0 or length > MAX_BODY_BYTES:
            self.close_connection = True
            raise BadRequestError(
                HTTPStatus.REQUEST_ENTITY_TOO_LARGE, f"body over {MAX_BODY_BYTES} bytes"
            )
        return self.rfile.read(length)

    def _reply(self, status: HTTPStatus, content_type: str, payload: bytes) -> None:
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(payload)))
        self.end_headers()
        self.wfile.write(payload)


class _ReceiverServer(ThreadingHTTPServer):
    daemon_threads = True

    def __init__(self, address: tuple[str, int], sink: JsonLinesSink) -> None:
        super().__init__(address, _Handler)
        self.sink = sink


class OtlpFileReceiver:
    """Runs the receiver in a background thread: start(), .endpoint, .counts, stop()."""

    def __init__(self, output: Path, host: str = "127.0.0.1", port: int = 0) -> None:
        output.parent.mkdir(parents=True, exist_ok=True)
        self.sink = JsonLinesSink(output)
        self._server = _ReceiverServer((host, port), self.sink)
        self._thread = threading.Thread(
            target=self._server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True
        )

    @property
    def port(self) -> int:
        return int(self._server.server_address[1])

    @property
    def endpoint(self) -> str:
        """Base URL for OTEL_EXPORTER_OTLP_ENDPOINT (the exporter appends /v1/<signal>)."""
        host = self._server.server_address[0]
        return f"http://{host!s}:{self.port}"

    @property
    def counts(self) -> dict[str, int]:
        """Lines written so far, per signal."""
        return dict(self.sink.counts)

    def start(self) -> OtlpFileReceiver:
        self._thread.start()
        return self

    def stop(self) -> None:
        """Stop serving (if started) and release the port."""
        if self._thread.is_alive():
            self._server.shutdown()
            self._thread.join(timeout=5)
        self._server.server_close()


def main(argv: list[str] | None = None) -> int:
    """CLI: serve until interrupted."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--host", default="127.0.0.1", help="bind address (default loopback)")
    parser.add_argument("--port", type=int, default=4318, help="0 picks a free port")
    parser.add_argument("--output", type=Path, default=Path("out/demo/telemetry.jsonl"))
    args = parser.parse_args(argv)
    receiver = OtlpFileReceiver(args.output, args.host, args.port).start()
    print(f"OTLP/HTTP receiver on {receiver.endpoint} → {args.output}", flush=True)
    try:
        threading.Event().wait()
    except KeyboardInterrupt:
        pass
    finally:
        receiver.stop()
        print(f"written: {receiver.counts}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
