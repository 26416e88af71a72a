"""Tier-2 harness of the app: llmsim and the app as real processes, spans caught over OTLP/HTTP.

The app runs as users run it (`python -m app`: gunicorn, traceloop, the genai_cost processor,
batch export) with its OTLP endpoint pointed at a receiver inside the test process.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import pytest

from tests.integration.app.otlp_sink import Sink, start_sink
from tests.processes import REPO as ROOT
from tests.processes import Process, free_port, http_ok, start, wait_until

HASH_KEY = "test-hash-key-0123456789abcdef"


@dataclass
class Llmsim:
    """A running simulator and its admin API."""

    url: str

    def configure(self, **values: Any) -> None:
        r = httpx.put(f"{self.url}/llmsim/config", json=values, timeout=5)
        assert r.status_code == 200, r.text

    def queue_fault(self, fault: str, count: int, provider: str | None = None) -> None:
        r = httpx.post(
            f"{self.url}/llmsim/faults",
            json={"fault": fault, "count": count, "provider": provider},
            timeout=5,
        )
        assert r.status_code in (200, 201, 204), r.text

    def stats(self) -> dict[str, Any]:
        r = httpx.get(f"{self.url}/llmsim/stats", timeout=5)
        assert r.status_code == 200, r.text
        return dict(r.json())


@pytest.fixture(scope="session")
def logs(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Where the processes write their output (a never-read pipe would fill up and block them)."""
    return tmp_path_factory.mktemp("logs")


@pytest.fixture(scope="session")
def llmsim(logs: Path) -> Iterator[Llmsim]:
    port = free_port()
    argv = [sys.executable, "-m", "llmsim", "--host", "127.0.0.1", "--port", str(port)]
    process = start("llmsim", [*argv, "--latency-scale", "0", "--seed", "7"], os.environ, logs)
    try:
        wait_until(http_ok(f"http://127.0.0.1:{port}/health"), "llmsim ready", process)
        yield Llmsim(f"http://127.0.0.1:{port}")
    finally:
        process.stop()


@pytest.fixture
def sim(llmsim: Llmsim) -> Iterator[Llmsim]:
    """The session simulator, with branch rates reset to 'always the happy path' around a test."""
    happy = {"review_reject_rate": 0.0, "pairing_incomplete_rate": 0.0, "plan_malformed_rate": 0.0}
    llmsim.configure(**happy)
    httpx.delete(f"{llmsim.url}/llmsim/faults", timeout=5)
    yield llmsim
    httpx.delete(f"{llmsim.url}/llmsim/faults", timeout=5)
    llmsim.configure(**happy)


@pytest.fixture(scope="session")
def otlp() -> Iterator[tuple[str, Sink]]:
    server, sink = start_sink()
    yield f"http://127.0.0.1:{server.server_address[1]}", sink
    server.shutdown()


def app_env(llmsim_url: str, otlp_url: str, port: int, **extra: str) -> dict[str, str]:
    """The environment a user would give the app, pointed at llmsim and the test receiver."""
    env = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("OPENAI_", "ANTHROPIC_", "OTEL_", "TRACELOOP_", "LLMOBS_"))
    }
    env.update(
        {
            "HOST": "127.0.0.1",
            "PORT": str(port),
            "WEB_CONCURRENCY": "1",
            "OTEL_SERVICE_NAME": "menu-designer-test",
            "OTEL_EXPORTER_OTLP_ENDPOINT": otlp_url,
            "OTEL_BSP_SCHEDULE_DELAY": "100",
            "OTEL_METRIC_EXPORT_INTERVAL": "300",
            "OTEL_RESOURCE_ATTRIBUTES": "deployment.environment.name=test",
            "OPENAI_BASE_URL": f"{llmsim_url}/v1",
            "ANTHROPIC_BASE_URL": llmsim_url,
            "LLMOBS_USER_HASH_KEY": HASH_KEY,
            "LLMOBS_RETRY_BASE_DELAY_SECONDS": "0.01",
            "LLMOBS_RETRY_MAX_DELAY_SECONDS": "0.05",
            "LLMOBS_LLM_TIMEOUT_SECONDS": "2",
            "PYTHONPATH": str(ROOT),
        }
    )
    env.update(extra)
    return env


@dataclass
class AppProcess:
    url: str
    process: Process

    @property
    def log(self) -> Path:
        return self.process.log_path


@pytest.fixture(scope="session")
def start_app(
    llmsim: Llmsim, otlp: tuple[str, Sink], logs: Path
) -> Iterator[Callable[..., AppProcess]]:
    """Factory: start `python -m app` with extra env; every process is stopped at session end."""
    started: list[Process] = []

    def start_one(**extra: str) -> AppProcess:
        port = free_port()
        env = app_env(llmsim.url, otlp[0], port, **extra)
        process = start(f"app-{port}", [sys.executable, "-m", "app"], env, logs)
        started.append(process)
        wait_until(http_ok(f"http://127.0.0.1:{port}/ready"), "app ready", process)
        return AppProcess(f"http://127.0.0.1:{port}", process)

    yield start_one
    for process in started:
        process.stop()


@pytest.fixture(scope="session")
def default_app(start_app: Callable[..., AppProcess]) -> AppProcess:
    """The app with its default settings (content capture off)."""
    return start_app()


@pytest.fixture(scope="session")
def app_url(default_app: AppProcess) -> str:
    return default_app.url
