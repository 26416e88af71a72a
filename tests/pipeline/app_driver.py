"""Telemetry source of the pipeline tier: the real app (`python -m app`) talking to llmsim.

The workload covers what the documents are checked for: recipes from both providers and a menu
design with attribution headers, a provider error the app's retry absorbs, and one that
exhausts the retries (the request fails).
"""

from __future__ import annotations

import os
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx

from tests.pipeline.pipeline import Pipeline
from tests.processes import Process, free_port, http_ok, start, wait_until

REPO = Path(__file__).resolve().parents[2]
SERVICE_NAME = "menu-designer"
# The app retries a failed provider call this many times in all (LLMOBS_RETRY_MAX_ATTEMPTS).
MAX_ATTEMPTS = 3


@dataclass(frozen=True)
class Caller:
    """Attribution headers of one request, and the span labels they must become."""

    feature: str
    team: str
    tenant: str
    user: str

    def headers(self) -> dict[str, str]:
        return {
            "X-Feature": self.feature,
            "X-Team": self.team,
            "X-Tenant-Id": self.tenant,
            "X-User-Id": self.user,
        }


@dataclass(frozen=True)
class Request:
    """One request the workload sent and what came back."""

    name: str
    path: str
    body: dict[str, Any]
    caller: Caller
    status: int
    response: dict[str, Any]

    @property
    def trace_id(self) -> str | None:
        value = self.response.get("trace_id")
        return value if isinstance(value, str) else None


@dataclass
class AppRun:
    """The requests of one workload run, in order."""

    requests: list[Request] = field(default_factory=list)

    def by_name(self, name: str) -> Request:
        return next(r for r in self.requests if r.name == name)


RECIPE_CALLER = Caller("recipe-generator", "growth", "acme", "alice@example.com")
MENU_CALLER = Caller("menu-designer", "kitchen", "bistro", "bob@example.com")

MENU_BODY: dict[str, Any] = {
    "cuisine": "French",
    "menu_type": "dinner",
    "courses": 3,
    "dietary_requirements": [],
    "budget": "moderate",
    "season": "autumn",
    "occasion": "anniversary",
}


def _recipe(provider: str, dish: str) -> dict[str, Any]:
    return {"provider": provider, "dish_name": dish, "servings": 4}


def start_llmsim(work_dir: Path) -> tuple[Process, str]:
    """llmsim on a free loopback port, without simulated latency."""
    port = free_port()
    argv = [sys.executable, "-m", "llmsim", "--host", "127.0.0.1", "--port", str(port)]
    process = start("llmsim", [*argv, "--latency-scale", "0"], dict(os.environ), work_dir)
    url = f"http://127.0.0.1:{port}"
    try:
        wait_until(http_ok(f"{url}/health"), "llmsim /health 200", process)
    except BaseException:
        process.stop()
        raise
    return process, url


def app_env(pipeline: Pipeline, llmsim_url: str, port: int) -> dict[str, str]:
    """The app's environment: standard OTel/SDK names first, exporting to the collector."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("OTEL_", "LLMOBS_"))}
    return {
        **env,
        "PORT": str(port),
        "OTEL_EXPORTER_OTLP_ENDPOINT": pipeline.otlp_http_endpoint,
        "OTEL_SERVICE_NAME": SERVICE_NAME,
        "OTEL_RESOURCE_ATTRIBUTES": "deployment.environment.name=pipeline-test",
        "OTEL_BSP_SCHEDULE_DELAY": "200",
        "OTEL_METRIC_EXPORT_INTERVAL": "1000",
        "OPENAI_BASE_URL": f"{llmsim_url}/v1",
        "ANTHROPIC_BASE_URL": llmsim_url,
        "OPENAI_API_KEY": "llmsim-key",
        "ANTHROPIC_API_KEY": "llmsim-key",
        "LLMOBS_USER_HASH_KEY": "pipeline-test-user-hash-key-0123456789",
        "LLMOBS_RETRY_MAX_ATTEMPTS": str(MAX_ATTEMPTS),
        "LLMOBS_RETRY_BASE_DELAY_SECONDS": "0",
        "LLMOBS_RETRY_MAX_DELAY_SECONDS": "0",
        # one worker: every request's telemetry leaves through the same exporter
        "WEB_CONCURRENCY": "1",
    }


def start_app(work_dir: Path, pipeline: Pipeline, llmsim_url: str) -> tuple[Process, str]:
    """`python -m app` (gunicorn) on a free loopback port; ready when /ready answers 200."""
    port = free_port()
    env = app_env(pipeline, llmsim_url, port)
    process = start("app", [sys.executable, "-m", "app"], env, work_dir)
    url = f"http://127.0.0.1:{port}"
    try:
        wait_until(http_ok(f"{url}/ready"), "app /ready 200", process, timeout=60)
    except BaseException:
        process.stop()
        raise
    return process, url


UNPRICED_MODEL = "house-finetune-v1"


def queue_fault(llmsim_url: str, provider: str, count: int) -> None:
    """The next `count` calls to `provider` answer HTTP 500 (llmsim's admin API)."""
    body = {"fault": "500", "count": count, "provider": provider}
    response = httpx.post(f"{llmsim_url}/llmsim/faults", json=body, timeout=5)
    assert response.status_code in (200, 201, 204), response.text


def run_workload(app_url: str, llmsim_url: str) -> AppRun:
    """Send the workload; every request waits for its answer (the menu makes many calls)."""
    run = AppRun()
    with httpx.Client(base_url=app_url, timeout=120) as client:

        def send(name: str, path: str, body: dict[str, Any], caller: Caller) -> None:
            response = client.post(path, json=body, headers=caller.headers())
            run.requests.append(
                Request(name, path, body, caller, response.status_code, response.json())
            )

        send("recipe-openai", "/recipe/generate", _recipe("openai", "ratatouille"), RECIPE_CALLER)
        send(
            "recipe-anthropic", "/recipe/generate", _recipe("anthropic", "cassoulet"), RECIPE_CALLER
        )
        send("menu", "/menu/design", MENU_BODY, MENU_CALLER)
        # a self-hosted fine-tune the pricing table cannot know: priced as "unpriced", never guessed
        unpriced = {**_recipe("openai", "gazpacho"), "model": UNPRICED_MODEL}
        send("recipe-unpriced", "/recipe/generate", unpriced, RECIPE_CALLER)
        queue_fault(llmsim_url, "openai", 1)
        send(
            "recipe-retried", "/recipe/generate", _recipe("openai", "bouillabaisse"), RECIPE_CALLER
        )
        queue_fault(llmsim_url, "anthropic", MAX_ATTEMPTS)
        send("recipe-failed", "/recipe/generate", _recipe("anthropic", "soufflé"), RECIPE_CALLER)
    return run
