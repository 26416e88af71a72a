"""The pipeline under test: the APM Server stand-in (apm-data) behind the real collector.

The collector runs the repository's otel-collector-config.yaml with the environment the compose
file gives it (APM_SERVER_ENDPOINT, ELASTIC_APM_SECRET_TOKEN, OTELCOL_LISTEN_HOST), plus the
port overrides the config offers so that every listener is a free loopback port.
"""

from __future__ import annotations

import json
import os
import secrets
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from tests.processes import Process, free_ports, http_ok, start, wait_until

REPO = Path(__file__).resolve().parents[2]
TOOLS = REPO / ".cache" / "pipeline"
COLLECTOR_BIN = TOOLS / "otelcol-llmobs" / "otelcol-llmobs"
STANDIN_BIN = TOOLS / "bin" / "apmstandin"
BASE_CONFIG = REPO / "otel-collector-config.yaml"

Hit = dict[str, Any]


def require_tools() -> None:
    """Fail (not skip) with the fix when the Go programs have not been built."""
    missing = [str(p) for p in (COLLECTOR_BIN, STANDIN_BIN) if not p.exists()]
    if missing:
        raise RuntimeError(f"missing {', '.join(missing)}: run `make pipeline-tools` first")


def collector_env(apm_endpoint: str, token: str) -> dict[str, str]:
    """The collector's environment: compose's variables, and free loopback ports for this run."""
    grpc, http, health, metrics = free_ports(4)
    return {
        **os.environ,
        # as docker-compose.yml passes them (the compose network needs 0.0.0.0; tests loopback)
        "APM_SERVER_ENDPOINT": apm_endpoint,
        "ELASTIC_APM_SECRET_TOKEN": token,
        "OTELCOL_LISTEN_HOST": "127.0.0.1",
        # compose's APM Server speaks plain HTTP on its private network; so does the stand-in
        "APM_SERVER_TLS_INSECURE": "true",
        # every other listener on a free loopback port
        "OTELCOL_GRPC_PORT": str(grpc),
        "OTELCOL_HTTP_PORT": str(http),
        "OTELCOL_HEALTH_HOST": "127.0.0.1",
        "OTELCOL_HEALTH_PORT": str(health),
        "OTELCOL_METRICS_HOST": "127.0.0.1",
        "OTELCOL_METRICS_PORT": str(metrics),
    }


@dataclass
class Pipeline:
    """A running stand-in + collector pair and the documents the stand-in has written."""

    documents_path: Path
    standin: Process
    collector: Process
    apm_server_url: str
    token: str
    env: dict[str, str] = field(repr=False)

    @property
    def otlp_http_endpoint(self) -> str:
        return f"http://127.0.0.1:{self.env['OTELCOL_HTTP_PORT']}"

    @property
    def otlp_grpc_endpoint(self) -> str:
        return f"127.0.0.1:{self.env['OTELCOL_GRPC_PORT']}"

    def hits(self) -> list[Hit]:
        """Every complete {"_index", "_source"} line written so far (a line still being written,
        without its newline yet, is left for the next read)."""
        if not self.documents_path.exists():
            return []
        complete, _, _ = self.documents_path.read_text().rpartition("\n")
        return [json.loads(line) for line in complete.split("\n") if line.strip()]

    def wait_for_hits(
        self, done: Callable[[list[Hit]], bool], what: str, timeout: float = 60.0
    ) -> list[Hit]:
        """Poll the documents until done(hits) holds; fail naming `what` otherwise."""
        wait_until(lambda: done(self.hits()), what, self.collector, timeout, self.summary)
        return self.hits()

    def summary(self) -> str:
        """What has arrived so far, per index and event kind (for failure messages)."""
        counts = Counter(
            (hit["_index"], hit["_source"].get("processor", {}).get("event")) for hit in self.hits()
        )
        return f"(arrived: {dict(counts)})"

    def stop(self) -> None:
        """Collector first (it flushes its batch to the stand-in), then the stand-in."""
        try:
            self.collector.stop()
        finally:
            self.standin.stop()


def _standin_address(process: Process) -> str:
    """The address the stand-in printed ({"listening": "127.0.0.1:PORT"}) after binding port 0."""
    found: list[str] = []

    def printed() -> bool:
        for line in process.log_path.read_text(errors="replace").splitlines():
            if line.startswith('{"listening"'):
                found.append(json.loads(line)["listening"])
                return True
        return False

    wait_until(printed, "stand-in listening", process, timeout=15)
    return found[0]


def start_pipeline(
    work_dir: Path, configs: tuple[Path, ...] = (BASE_CONFIG,), collector_token: str | None = None
) -> Pipeline:
    """Start the stand-in (random secret token) and the collector; ready when healthy."""
    require_tools()
    work_dir.mkdir(parents=True, exist_ok=True)
    token = secrets.token_urlsafe(24)
    documents_path = work_dir / "standin.ndjson"
    documents_path.unlink(missing_ok=True)
    standin = start(
        "apmstandin",
        [str(STANDIN_BIN), "-addr", "127.0.0.1:0", "-out", str(documents_path)],
        {**os.environ, "ELASTIC_APM_SECRET_TOKEN": token},
        work_dir,
    )
    try:
        address = _standin_address(standin)
        env = collector_env(address, collector_token if collector_token is not None else token)
        argv = [str(COLLECTOR_BIN), *(f"--config={c}" for c in configs)]
        collector = start("otelcol", argv, env, work_dir)
    except BaseException:
        standin.stop()
        raise
    pipeline = Pipeline(documents_path, standin, collector, f"http://{address}", token, env)
    try:
        health = f"http://127.0.0.1:{env['OTELCOL_HEALTH_PORT']}/"
        wait_until(http_ok(health), "collector health_check 200", collector, timeout=30)
    except BaseException:
        pipeline.stop()
        raise
    return pipeline


def sources(hits: list[Hit]) -> list[dict[str, Any]]:
    """The Elasticsearch documents (`_source`) of the hits."""
    return [hit["_source"] for hit in hits]


def settle(pipeline: Pipeline, seconds: float = 1.5) -> list[Hit]:
    """Wait until no new document arrived for `seconds` (the collector batches every 200 ms)."""
    count, quiet_since = -1, time.monotonic()
    while time.monotonic() - quiet_since < seconds:
        now = len(pipeline.hits())
        if now != count:
            count, quiet_since = now, time.monotonic()
        time.sleep(0.2)
    return pipeline.hits()
