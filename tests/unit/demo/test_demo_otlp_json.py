"""OTLP/JSON encoding of the file receiver: hex ids, integer enums, lowerCamelCase, bad input."""

from __future__ import annotations

import gzip
import json
from http import HTTPStatus

import pytest
from opentelemetry.proto.collector.metrics.v1.metrics_service_pb2 import (
    ExportMetricsServiceRequest,
)
from opentelemetry.proto.collector.trace.v1.trace_service_pb2 import ExportTraceServiceRequest
from opentelemetry.proto.trace.v1.trace_pb2 import Span, Status
from otlp_file_receiver import (
    BadRequestError,
    _decompress,
    decode_request,
    message_to_otlp_json,
    otlp_json_to_message,
    signal_of_line,
)

TRACE_ID = bytes(range(16))
SPAN_ID = bytes(range(8, 16))
PARENT_ID = bytes(range(16, 24))


def _trace_request() -> ExportTraceServiceRequest:
    request = ExportTraceServiceRequest()
    scope_spans = request.resource_spans.add().scope_spans.add()
    span = scope_spans.spans.add(
        trace_id=TRACE_ID,
        span_id=SPAN_ID,
        parent_span_id=PARENT_ID,
        name="chat gpt-5.4",
        kind=Span.SPAN_KIND_CLIENT,
        start_time_unix_nano=1_700_000_000_000_000_000,
        end_time_unix_nano=1_700_000_000_500_000_000,
        status=Status(code=Status.STATUS_CODE_ERROR, message="rate limited"),
    )
    attribute = span.attributes.add(key="gen_ai.cost.total_usd")
    attribute.value.double_value = 0.0042
    link = span.links.add(trace_id=TRACE_ID[::-1], span_id=SPAN_ID[::-1])
    link.attributes.add(key="n").value.int_value = 7
    return request


def test_trace_ids_are_hex_enums_integers_and_names_lower_camel_case() -> None:
    document = message_to_otlp_json(_trace_request())
    span = document["resourceSpans"][0]["scopeSpans"][0]["spans"][0]
    assert span["traceId"] == TRACE_ID.hex()
    assert span["spanId"] == SPAN_ID.hex()
    assert span["parentSpanId"] == PARENT_ID.hex()
    assert span["links"][0]["traceId"] == TRACE_ID[::-1].hex()
    assert span["kind"] == 3
    assert span["status"] == {"code": 2, "message": "rate limited"}
    assert span["startTimeUnixNano"] == "1700000000000000000"
    assert span["attributes"][0] == {
        "key": "gen_ai.cost.total_usd",
        "value": {"doubleValue": 0.0042},
    }


def test_json_round_trip_gives_back_the_same_message() -> None:
    original = _trace_request()
    text = json.dumps(message_to_otlp_json(original))
    assert otlp_json_to_message(json.loads(text), ExportTraceServiceRequest) == original


def test_metric_exemplar_ids_are_hex_too() -> None:
    request = ExportMetricsServiceRequest()
    metric = request.resource_metrics.add().scope_metrics.add().metrics.add(name="gen_ai.cost")
    point = metric.sum.data_points.add(as_double=1.5)
    point.exemplars.add(trace_id=TRACE_ID, span_id=SPAN_ID, as_double=1.5)
    document = message_to_otlp_json(request)
    exemplar = document["resourceMetrics"][0]["scopeMetrics"][0]["metrics"][0]["sum"]["dataPoints"][
        0
    ]["exemplars"][0]
    assert (exemplar["traceId"], exemplar["spanId"]) == (TRACE_ID.hex(), SPAN_ID.hex())
    assert otlp_json_to_message(document, ExportMetricsServiceRequest) == request
    assert signal_of_line(document) == "/v1/metrics"


def test_decode_accepts_protobuf_and_json_bodies() -> None:
    original = _trace_request()
    from_pb, _ = decode_request(
        "/v1/traces", "application/x-protobuf", original.SerializeToString()
    )
    body = json.dumps(message_to_otlp_json(original)).encode()
    from_json, _ = decode_request("/v1/traces", "application/json; charset=utf-8", body)
    assert from_pb == original
    assert from_json == original


@pytest.mark.parametrize(
    ("path", "content_type", "body", "status", "words"),
    [
        ("/v1/spans", "application/x-protobuf", b"", HTTPStatus.NOT_FOUND, "/v1/spans"),
        ("/v1/traces", "text/plain", b"x", HTTPStatus.UNSUPPORTED_MEDIA_TYPE, "text/plain"),
        ("/v1/traces", "application/x-protobuf", b"\xff\xff\xff", HTTPStatus.BAD_REQUEST,
         "ExportTraceServiceRequest"),
        ("/v1/traces", "application/json", b"[1]", HTTPStatus.BAD_REQUEST, "not an object"),
        ("/v1/traces", "application/json", b"{", HTTPStatus.BAD_REQUEST, "invalid OTLP/JSON"),
        ("/v1/traces", "application/json",
         b'{"resourceSpans":[{"scopeSpans":[{"spans":[{"traceId":"zz"}]}]}]}',
         HTTPStatus.BAD_REQUEST, "not hex"),
        ("/v1/traces", "application/json", b'{"resourceSpans":[{"scopeSpans":7}]}',
         HTTPStatus.BAD_REQUEST, "scopeSpans"),
    ],
)  # fmt: skip
def test_decode_refuses_bad_requests_naming_the_problem(
    path: str, content_type: str, body: bytes, status: HTTPStatus, words: str
) -> None:
    with pytest.raises(BadRequestError) as caught:
        decode_request(path, content_type, body)
    assert caught.value.status == status
    assert words in str(caught.value)


def test_gzip_bodies_are_inflated_and_unknown_encodings_refused() -> None:
    assert _decompress(gzip.compress(b"abc"), "gzip") == b"abc"
    with pytest.raises(BadRequestError) as caught:
        _decompress(b"abc", "br")
    assert caught.value.status == HTTPStatus.UNSUPPORTED_MEDIA_TYPE
    with pytest.raises(BadRequestError, match="gzip"):
        _decompress(b"not gzip", "gzip")


def test_signal_of_line_rejects_other_documents() -> None:
    assert signal_of_line({"resourceSpans": []}) == "/v1/traces"
    assert signal_of_line({"resourceLogs": []}) == "/v1/logs"
    with pytest.raises(ValueError, match="not an OTLP export request"):
        signal_of_line({"spans": []})
