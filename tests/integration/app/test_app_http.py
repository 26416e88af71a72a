"""HTTP behaviour of the app: validation errors name the field, never a 500, start-up checks."""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Callable
from typing import Any

import httpx
import pytest

from tests.integration.app.conftest import ROOT, AppProcess, Llmsim
from tests.integration.app.otlp_sink import Sink


@pytest.mark.parametrize(
    ("path", "body", "field"),
    [
        ("/recipe/generate", {"provider": "openai", "dish_name": "x", "servings": 0}, "servings"),
        ("/recipe/generate", {"provider": "mistral", "dish_name": "x"}, "provider"),
        ("/recipe/generate", {"provider": "openai", "dish_name": "x", "colour": "red"}, "colour"),
        (
            "/recipe/generate",
            {"provider": "openai", "dish_name": "x", "temperature": 3},
            "temperature",
        ),
        ("/recipe/generate", {"provider": "openai"}, "dish_name"),
        ("/menu/design", {"cuisine": "Thai", "courses": 9}, "courses"),
        (
            "/menu/design",
            {"cuisine": "Thai", "dietary_requirements": ["x"] * 11},
            "dietary_requirements",
        ),
        ("/recipe/batch", {"recipes": [{"provider": "openai", "dish_name": "x"}] * 11}, "recipes"),
    ],
)
def test_validation_errors_name_the_field(
    app_url: str, path: str, body: dict[str, Any], field: str
) -> None:
    r = httpx.post(f"{app_url}{path}", json=body, timeout=10)
    assert r.status_code == 400
    error = r.json()["error"]
    assert error["type"] == "validation_error"
    assert error["message"].startswith(field)


def test_client_errors(app_url: str) -> None:
    url = f"{app_url}/recipe/generate"
    assert (
        httpx.post(
            url, content=b"{", headers={"Content-Type": "application/json"}, timeout=5
        ).status_code
        == 400
    )
    assert (
        httpx.post(
            url, content=b"a=b", headers={"Content-Type": "text/plain"}, timeout=5
        ).status_code
        == 415
    )
    big = httpx.post(
        url,
        content=b"[" + b"1," * 40000 + b"1]",
        headers={"Content-Type": "application/json"},
        timeout=5,
    )
    assert big.status_code == 413
    assert big.json()["error"]["type"] == "payload_too_large"
    bad_header = httpx.post(
        url, json={"provider": "openai", "dish_name": "x"}, headers={"X-Team": "a b"}, timeout=5
    )
    assert bad_header.status_code == 400
    assert "X-Team" in bad_header.json()["error"]["message"]
    assert httpx.get(f"{app_url}/nope", timeout=5).json()["error"]["type"] == "not_found"
    assert httpx.get(url, timeout=5).status_code == 405


def test_health_and_ready(app_url: str) -> None:
    assert httpx.get(f"{app_url}/health", timeout=5).json() == {"status": "ok"}
    assert httpx.get(f"{app_url}/ready", timeout=5).status_code == 200


def test_start_up_without_keys_or_base_urls_explains_how(tmp_path: Any) -> None:
    env = {"PATH": "/usr/bin:/bin", "PYTHONPATH": str(ROOT), "LLMOBS_USER_HASH_KEY": "k" * 32}
    proc = subprocess.run(
        [sys.executable, "-m", "app"], cwd=ROOT, env=env, capture_output=True, text=True, timeout=60
    )
    assert proc.returncode != 0
    assert "OPENAI_BASE_URL" in proc.stderr
    assert "llmsim" in proc.stderr


def test_content_capture_is_masked_when_opted_in(
    start_app: Callable[..., AppProcess], sim: Llmsim, otlp: tuple[str, Sink]
) -> None:
    app = start_app(TRACELOOP_TRACE_CONTENT="true")
    r = httpx.post(
        f"{app.url}/recipe/generate",
        timeout=30,
        json={
            "provider": "anthropic",
            "dish_name": "Cake for bob@example.com call +1 415 555 0100",
        },
    )
    assert r.status_code == 200, r.text
    _, sink = otlp
    assert sink.wait_for(
        lambda: any(s["kind"] == "SERVER" for s in sink.trace(r.json()["trace_id"]))
    )
    llm = [s for s in sink.trace(r.json()["trace_id"]) if "gen_ai.system" in s["attributes"]]
    content = {
        k: v
        for s in llm
        for k, v in s["attributes"].items()
        if k.startswith(("gen_ai.prompt", "gen_ai.input.messages"))
    }
    assert content, "content capture is on: the prompt must be on the span"
    text = str(content)
    assert "bob@example.com" not in text and "[EMAIL]" in text
    assert "555 0100" not in text and "[PHONE]" in text


def test_app_keeps_serving_when_the_collector_is_down(
    start_app: Callable[..., AppProcess], sim: Llmsim
) -> None:
    with __import__("socket").socket() as s:
        s.bind(("127.0.0.1", 0))
        dead = f"http://127.0.0.1:{s.getsockname()[1]}"
    app = start_app(OTEL_EXPORTER_OTLP_ENDPOINT=dead)
    for _ in range(3):
        r = httpx.post(
            f"{app.url}/recipe/generate",
            timeout=10,
            json={"provider": "openai", "dish_name": "Soup"},
        )
        assert r.status_code == 200


def test_logs_are_clean_of_instrumentation_warnings(default_app: AppProcess, sim: Llmsim) -> None:
    """Regression guard: passing an SDK sentinel (openai.omit) made traceloop log an
    'Invalid type' warning on every call; the app's log must stay free of them."""
    for provider in ("openai", "anthropic"):
        r = httpx.post(
            f"{default_app.url}/recipe/generate",
            timeout=30,
            json={"provider": provider, "dish_name": "Soup", "temperature": 0.5},
        )
        assert r.status_code == 200
    text = default_app.log.read_text(errors="replace")
    assert "POST /recipe/generate" in text  # the access log is there: the right file is read
    assert "Invalid type" not in text
    assert "Traceback" not in text
