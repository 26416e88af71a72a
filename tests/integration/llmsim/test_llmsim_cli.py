"""`python -m llmsim` as users run it: env and flags, bad settings stop start-up by name."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import anthropic
import openai
import pytest

ROOT = Path(__file__).resolve().parents[3]


def run_cli(args: list[str], env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "llmsim", *args],
        cwd=ROOT,
        env={**os.environ, **env},
        capture_output=True,
        text=True,
        timeout=30,
    )


@pytest.mark.parametrize(
    ("args", "env", "named"),
    [
        ([], {"LLMSIM_LATENCY_SCALE": "fast"}, "LLMSIM_LATENCY_SCALE"),
        (["--latency-scale", "-2"], {}, "--latency-scale"),
        (["--port", "70000"], {}, "--port"),
        ([], {"LLMSIM_REVIEW_REJECT_RATE": "1.5"}, "LLMSIM_REVIEW_REJECT_RATE"),
        ([], {"LLMSIM_LATENCY_PROFILES": "{oops"}, "LLMSIM_LATENCY_PROFILES"),
        ([], {"LLMSIM_ADMIN": "everyone"}, "LLMSIM_ADMIN"),
        ([], {"LLMSIM_TYPO_SETTING": "1"}, "LLMSIM_TYPO_SETTING"),
    ],
)
def test_bad_setting_stops_startup(args: list[str], env: dict[str, str], named: str) -> None:
    done = run_cli(["--port", "0", *args], env)
    assert done.returncode == 2
    assert named in done.stderr and "Traceback" not in done.stderr


@pytest.fixture
def cli_server() -> Iterator[str]:
    proc = subprocess.Popen(
        [sys.executable, "-m", "llmsim", "--port", "0", "--seed", "5"],
        cwd=ROOT,
        env={**os.environ, "LLMSIM_LATENCY_SCALE": "0", "LLMSIM_ADMIN": "off"},
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        assert proc.stderr is not None
        line = proc.stderr.readline()
        match = re.search(r"listening on (http://127\.0\.0\.1:\d+)", line)
        assert match, line
        yield match.group(1)
    finally:
        proc.terminate()
        proc.wait(timeout=10)


def test_cli_server_serves_both_sdks(cli_server: str) -> None:
    with openai.OpenAI(base_url=f"{cli_server}/v1", api_key="k", max_retries=0) as oai:
        r = oai.chat.completions.create(
            model="gpt-4o", messages=[{"role": "user", "content": "hi"}]
        )
        assert r.choices[0].message.content
    with anthropic.Anthropic(base_url=cli_server, api_key="k", max_retries=0) as ant:
        m = ant.messages.create(
            model="claude-haiku-4-5", max_tokens=50, messages=[{"role": "user", "content": "hi"}]
        )
        assert m.usage.output_tokens > 0
    import httpx

    assert httpx.get(f"{cli_server}/llmsim/config").status_code == 404  # LLMSIM_ADMIN=off
