"""Send an OTLP JSON-lines file (`make demo`, collector file exporter) to an OTLP/HTTP endpoint.

    python scripts/replay.py out/demo/telemetry.jsonl --endpoint https://my-apm:8200 \
        --header "Authorization=Bearer $TOKEN"        # or OTEL_EXPORTER_OTLP_HEADERS

Each line is posted to <endpoint>/v1/traces, /v1/metrics or /v1/logs as protobuf (what APM Server
and the collector accept) or as OTLP/JSON. `--rebase-time` shifts every timestamp so the newest
one is now, so replayed data lands in Kibana's default "last 15 minutes".
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import unquote

import httpx
from otlp_file_receiver import SIGNALS, otlp_json_to_message, signal_of_line

TIME_FIELDS = frozenset(
    {"startTimeUnixNano", "endTimeUnixNano", "timeUnixNano", "observedTimeUnixNano"}
)
RETRY_STATUSES = frozenset({429, 502, 503, 504})


@dataclass
class ReplayResult:
    """What was sent: lines per signal path, failures with their reason."""

    sent: dict[str, int] = field(default_factory=dict)
    failures: list[str] = field(default_factory=list)


def parse_headers(pairs: list[str], env_value: str | None) -> dict[str, str]:
    """Merge OTEL_EXPORTER_OTLP_HEADERS (k=v,k2=v2, URL-encoded values) with --header k=v flags."""
    headers: dict[str, str] = {}
    items = [p for p in (env_value or "").split(",") if p.strip()]
    for item in [*items, *pairs]:
        key, sep, value = item.partition("=")
        if not sep or not key.strip():
            raise ValueError(f"header {item.split('=')[0]!r} is not in key=value form")
        headers[key.strip()] = unquote(value.strip())
    return headers


def read_lines(path: Path) -> Iterator[tuple[int, dict[str, Any]]]:
    """Yield (line number, document) for each non-blank line; raise ValueError naming a bad line."""
    with path.open(encoding="utf-8") as handle:
        for number, line in enumerate(handle, start=1):
            if not line.strip():
                continue
            try:
                document = json.loads(line)
            except json.JSONDecodeError as exc:
                raise ValueError(f"{path}:{number}: not JSON ({exc.msg})") from exc
            if not isinstance(document, dict):
                raise ValueError(f"{path}:{number}: not a JSON object")
            yield number, document


def newest_time(path: Path) -> int:
    """Largest *TimeUnixNano in the file (0 when none)."""
    newest = 0

    def visit(node: Any) -> None:
        nonlocal newest
        if isinstance(node, dict):
            for key, value in node.items():
                if key in TIME_FIELDS:
                    newest = max(newest, int(value))
                else:
                    visit(value)
        elif isinstance(node, list):
            for item in node:
                visit(item)

    for _, document in read_lines(path):
        visit(document)
    return newest


def shift_times(node: Any, offset_ns: int) -> Any:
    """Return a copy of a JSON tree with every non-zero *TimeUnixNano moved by offset_ns."""
    if isinstance(node, dict):
        return {
            key: (str(int(value) + offset_ns) if int(value) else value)
            if key in TIME_FIELDS
            else shift_times(value, offset_ns)
            for key, value in node.items()
        }
    if isinstance(node, list):
        return [shift_times(item, offset_ns) for item in node]
    return node


def _encode(document: dict[str, Any], path: str, encoding: str) -> tuple[bytes, str]:
    if encoding == "json":
        return json.dumps(document, separators=(",", ":")).encode(), "application/json"
    message = otlp_json_to_message(document, SIGNALS[path][1])
    return message.SerializeToString(), "application/x-protobuf"


def _post(
    client: httpx.Client, url: str, body: bytes, content_type: str, retries: int
) -> str | None:
    """POST with a small retry budget on 429/5xx; return None on success or the failure reason."""
    reason = ""
    for attempt in range(retries + 1):
        try:
            response = client.post(url, content=body, headers={"Content-Type": content_type})
        except httpx.HTTPError as exc:
            reason = f"{type(exc).__name__}: {exc}"
        else:
            if response.is_success:
                return None
            reason = f"HTTP {response.status_code}: {response.text[:200]}"
            if response.status_code not in RETRY_STATUSES:
                return reason
        time.sleep(min(2.0, 0.25 * 2**attempt))
    return reason


def replay(
    path: Path,
    endpoint: str,
    headers: dict[str, str],
    *,
    encoding: str = "protobuf",
    rebase_time: bool = False,
    timeout_s: float = 10.0,
    retries: int = 3,
) -> ReplayResult:
    """Send every line of `path` to `endpoint`; return what was sent and what failed."""
    offset = time.time_ns() - newest_time(path) if rebase_time else 0
    result = ReplayResult()
    base = endpoint.rstrip("/")
    with httpx.Client(headers=headers, timeout=timeout_s) as client:
        for number, document in read_lines(path):
            try:
                signal_path = signal_of_line(document)
                moved = shift_times(document, offset) if offset else document
                body, content_type = _encode(moved, signal_path, encoding)
            except ValueError as exc:
                result.failures.append(f"line {number}: {exc}")
                continue
            failure = _post(client, base + signal_path, body, content_type, retries)
            if failure is None:
                result.sent[signal_path] = result.sent.get(signal_path, 0) + 1
            else:
                result.failures.append(f"line {number} → {signal_path}: {failure}")
    return result


def main(argv: list[str] | None = None) -> int:
    """CLI; exit 1 when any line failed, 2 on bad arguments."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("file", type=Path, help="OTLP JSON-lines file")
    parser.add_argument(
        "--endpoint",
        default=os.environ.get("OTEL_EXPORTER_OTLP_ENDPOINT", "http://127.0.0.1:4318"),
        help="OTLP/HTTP base URL; /v1/<signal> is appended (default $OTEL_EXPORTER_OTLP_ENDPOINT)",
    )
    parser.add_argument("--header", action="append", default=[], help="key=value, repeatable")
    parser.add_argument("--encoding", choices=["protobuf", "json"], default="protobuf")
    parser.add_argument("--rebase-time", action="store_true", help="move timestamps so newest=now")
    parser.add_argument("--timeout", type=float, default=10.0, help="seconds per request")
    args = parser.parse_args(argv)
    if not args.file.is_file():
        parser.error(f"file {args.file} does not exist")
    if not args.endpoint.startswith(("http://", "https://")):
        parser.error(f"--endpoint {args.endpoint!r} must start with http:// or https://")
    try:
        headers = parse_headers(args.header, os.environ.get("OTEL_EXPORTER_OTLP_HEADERS"))
        result = replay(
            args.file,
            args.endpoint,
            headers,
            encoding=args.encoding,
            rebase_time=args.rebase_time,
            timeout_s=args.timeout,
        )
    except ValueError as exc:
        parser.error(str(exc))
    for signal_path, count in sorted(result.sent.items()):
        print(f"sent {count:5d} request(s) to {signal_path}")
    for failure in result.failures[:20]:
        print(f"FAILED {failure}", file=sys.stderr)
    if result.failures:
        print(f"{len(result.failures)} line(s) failed", file=sys.stderr)
        return 1
    if not result.sent:
        print("nothing to send: the file has no OTLP lines", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
