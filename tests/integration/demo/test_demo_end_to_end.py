"""`make demo` and the load generator end to end: real llmsim and app (gunicorn), on loopback."""

from __future__ import annotations

import json
import os
import re
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from demo import DemoError, DemoOptions, app_env, free_port, llmsim_argv, service, wait_quiet
from demo_report import build_report, read_spans
from loadgen_scenarios import FEATURE_TEAM, TENANTS, USERS
from otlp_file_receiver import OtlpFileReceiver
from replay import replay

pytestmark = pytest.mark.integration
REPO = Path(__file__).resolve().parents[3]
PNG_MAGIC = b"\x89PNG\r\n\x1a\n"


def _refused(url: str) -> bool:
    try:
        httpx.get(url, timeout=2)
    except httpx.ConnectError:
        return True
    return False


@pytest.fixture(scope="module")
def running_app(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, OtlpFileReceiver]]:
    """llmsim and the app (exporting to a file receiver), started the way `make demo` does."""
    out = tmp_path_factory.mktemp("loadgen")
    receiver = OtlpFileReceiver(out / "telemetry.jsonl").start()
    sim_port, app_port = free_port(), free_port()
    options = DemoOptions(out, fault_rate=0.0)
    sim_url = f"http://127.0.0.1:{sim_port}/health"
    app_url = f"http://127.0.0.1:{app_port}"
    try:
        with (
            service("llmsim", llmsim_argv(sim_port, options), dict(os.environ), sim_url,
                    out / "llmsim.log", 30),
            service("app", [sys.executable, "-m", "app"], app_env(receiver, app_port, sim_port),
                    f"{app_url}/ready", out / "app.log", 90),
        ):  # fmt: skip
            yield app_url, receiver
    finally:
        receiver.stop()


def _llm_spans(path: Path) -> list[Any]:
    return [span for span in read_spans(path) if span.is_llm_call]


def test_loadgen_drives_every_endpoint_with_attribution(
    running_app: tuple[str, OtlpFileReceiver],
) -> None:
    base_url, receiver = running_app
    argv = [sys.executable, "scripts/loadgen.py", "--base-url", base_url, "--requests", "24",
            "--concurrency", "4", "--seed", "11", "--mix", "generate=2,compare=1,batch=1,menu=1",
            "--no-progress"]  # fmt: skip
    done = subprocess.run(argv, cwd=REPO, capture_output=True, text=True, timeout=240, check=False)
    assert done.returncode == 0, done.stderr
    assert "requests 24  ok 24  errors 0" in done.stdout
    rows = {line.split()[0] for line in done.stdout.splitlines()[3:]}
    assert {"generate", "compare", "batch", "menu"} <= rows
    assert re.search(r"latency p50 \d+ ms  p95 \d+ ms", done.stdout)

    wait_quiet(receiver, quiet_s=2.0, max_s=30.0)
    spans = _llm_spans(receiver.sink.path)
    assert {s.text("gen_ai.provider.name") for s in spans} == {"openai", "anthropic"}
    assert {s.text("llmobs.agent") for s in spans} >= {"recipe", "coordinator", "chef"}
    for span in spans:
        feature = span.text("llmobs.feature")
        assert FEATURE_TEAM[feature] == span.text("llmobs.team")
        assert span.text("llmobs.tenant") in TENANTS
        pseudo = span.text("enduser.pseudo.id")
        assert pseudo.startswith("u_")
        assert pseudo not in USERS
    requests = {s.trace_id for s in read_spans(receiver.sink.path) if s.kind == 2}
    assert len(requests) == 24


def test_loadgen_exits_1_when_nothing_succeeds() -> None:
    closed = f"http://127.0.0.1:{free_port()}"
    argv = [sys.executable, "scripts/loadgen.py", "--base-url", closed, "--requests", "3",
            "--no-progress"]  # fmt: skip
    done = subprocess.run(argv, cwd=REPO, capture_output=True, text=True, timeout=60, check=False)
    assert done.returncode == 1
    assert "errors by status: ConnectError: 3" in done.stdout
    assert "no request succeeded" in done.stderr


def test_make_demo_writes_report_and_charts_and_stops_everything(tmp_path: Path) -> None:
    out = tmp_path / "demo"
    args = f"--requests 16 --concurrency 4 --seed 4 --out-dir {out}"
    done = subprocess.run(
        ["make", "-o", "venv", "demo", f"DEMO_ARGS={args}"],
        cwd=REPO, capture_output=True, text=True, timeout=280, check=False,
    )  # fmt: skip
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-3000:]
    for heading in ("LLM calls by model", "by provider", "by agent", "by feature"):
        assert heading in done.stdout
    assert (out / "report.png").read_bytes()[:8] == PNG_MAGIC

    telemetry = out / "telemetry.jsonl"
    written = json.loads((out / "report.json").read_text())
    recomputed = build_report(read_spans(telemetry))
    assert written["total"]["calls"] == recomputed.total.calls > 0
    assert written["total"]["cost_usd"] == pytest.approx(recomputed.total.cost_usd)
    assert written["total"]["cost_usd"] > 0
    assert {row["key"] for row in written["groups"]["provider"]} == {"openai", "anthropic"}
    assert len(written["requests"]) >= 3
    lines = telemetry.read_text().splitlines()
    assert any('"resourceMetrics"' in line for line in lines)

    for url in re.findall(r"ready \((http://127\.0\.0\.1:\d+)/", done.stderr):
        assert _refused(url), f"{url} still answers after make demo"

    second = OtlpFileReceiver(tmp_path / "replayed.jsonl").start()
    try:
        result = replay(telemetry, second.endpoint, {"Authorization": "Bearer t"})
    finally:
        second.stop()
    assert result.failures == []
    assert sum(result.sent.values()) == len(lines)
    assert second.sink.path.read_text().splitlines() == lines


def test_interrupted_demo_stops_what_it_started(tmp_path: Path) -> None:
    argv = [sys.executable, "scripts/demo.py", "--requests", "400", "--concurrency", "2",
            "--out-dir", str(tmp_path)]  # fmt: skip
    process = subprocess.Popen(argv, cwd=REPO, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                               text=True)  # fmt: skip
    assert process.stderr is not None
    ready: list[str] = []
    deadline = time.monotonic() + 120
    while len(ready) < 2 and time.monotonic() < deadline:
        line = process.stderr.readline()
        ready += re.findall(r"ready \((http://127\.0\.0\.1:\d+)/", line)
    assert len(ready) == 2, "llmsim and the app never became ready"
    time.sleep(1.0)  # the load is running
    process.send_signal(signal.SIGTERM)
    assert process.wait(timeout=60) == 130
    for url in ready:
        assert _refused(url), f"{url} still answers after the demo was stopped"


def test_a_service_that_dies_at_start_up_is_named_with_its_log(tmp_path: Path) -> None:
    log = tmp_path / "broken.log"
    argv = [sys.executable, "-c", "import sys; print('bad setting FOO'); sys.exit(3)"]
    with (
        pytest.raises(DemoError, match=r"broken exited with 3[\s\S]*bad setting FOO"),
        service("broken", argv, dict(os.environ), f"http://127.0.0.1:{free_port()}/", log, 30),
    ):
        pass
