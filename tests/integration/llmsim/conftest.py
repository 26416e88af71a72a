"""Tier-2 fixtures of llmsim: one in-process server on 127.0.0.1:0 and real SDK clients.

The server is shared by the module's tests; `sim` resets its config, faults, stats and prompt
caches through the admin API before each test so tests do not leak into each other.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import anthropic
import httpx
import openai
import pytest

from llmsim.config import RUNTIME_FIELDS, Settings
from llmsim.http_server import start_background
from tests.integration.llmsim.llmsim_harness import Sim

# every runtime setting at its default, except what keeps tests fast
BASELINE: dict[str, Any] = {
    **{k: v for k, v in Settings().model_dump(mode="json").items() if k in RUNTIME_FIELDS},
    "latency_scale": 0,
    "retry_after_s": 0.01,
    "timeout_hang_s": 10,
}


@pytest.fixture(scope="session")
def llmsim_url() -> Iterator[str]:
    """Base URL of an in-process llmsim bound to an ephemeral loopback port."""
    server, thread = start_background(Settings(port=0, latency_scale=0, log_level="warning"))
    try:
        yield server.base_url
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)


@pytest.fixture
def sim(llmsim_url: str) -> Iterator[Sim]:
    """The shared server reset to the baseline (zero latency, no faults, empty caches/stats)."""
    with httpx.Client(base_url=llmsim_url, timeout=10) as admin:
        sim = Sim(llmsim_url, admin)
        sim.configure(**BASELINE)
        for path in ("/llmsim/faults", "/llmsim/stats", "/llmsim/cache"):
            assert admin.delete(path).status_code == 200
        yield sim
        admin.delete("/llmsim/faults")


@pytest.fixture
def oai(sim: Sim) -> Iterator[openai.OpenAI]:
    with openai.OpenAI(base_url=f"{sim.url}/v1", api_key="sk-test", max_retries=0) as client:
        yield client


@pytest.fixture
def ant(sim: Sim) -> Iterator[anthropic.Anthropic]:
    with anthropic.Anthropic(base_url=sim.url, api_key="sk-ant-test", max_retries=0) as client:
        yield client
