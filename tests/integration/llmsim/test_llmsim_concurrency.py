"""Many parallel clients (threads with sync SDKs, one event loop with async SDKs)."""

from __future__ import annotations

import asyncio
import time
from concurrent.futures import ThreadPoolExecutor

import anthropic
import openai

from tests.integration.llmsim.llmsim_harness import Sim

CLIENTS = 32
CALLS = 4


def test_parallel_sync_clients(sim: Sim) -> None:
    def worker(n: int) -> list[str]:
        out = []
        with openai.OpenAI(base_url=f"{sim.url}/v1", api_key="k", max_retries=0) as oai:
            for i in range(CALLS):
                r = oai.chat.completions.create(
                    model="gpt-4o",
                    messages=[{"role": "user", "content": f"client {n} call {i}"}],
                    stream=i % 2 == 1,
                )
                if i % 2:
                    out.append("".join(c.choices[0].delta.content or "" for c in r if c.choices))
                else:
                    out.append(r.choices[0].message.content or "")
        return out

    with ThreadPoolExecutor(CLIENTS) as pool:
        results = list(pool.map(worker, range(CLIENTS)))
    assert all(len(r) == CALLS and all(results_text for results_text in r) for r in results)
    assert sim.stats()["by_provider"] == {"openai": CLIENTS * CALLS}


def test_parallel_async_clients(sim: Sim) -> None:
    async def run() -> list[str]:
        async with anthropic.AsyncAnthropic(base_url=sim.url, api_key="k", max_retries=0) as c:

            async def one(n: int) -> str:
                m = await c.messages.create(
                    model="claude-haiku-4-5",
                    max_tokens=200,
                    messages=[{"role": "user", "content": f"question {n}"}],
                )
                return m.content[0].text  # type: ignore[union-attr]

            return await asyncio.gather(*(one(n) for n in range(CLIENTS * CALLS)))

    texts = asyncio.run(run())
    assert len(texts) == CLIENTS * CALLS and all(texts)
    assert sim.stats()["by_status"] == {"200": CLIENTS * CALLS}


def test_slow_streams_overlap(sim: Sim) -> None:
    """With latency on, eight streams are served at the same time, not one after another."""
    sim.configure(
        latency_scale=1.0, latency_profiles={"default": {"ttft_ms": 300, "tokens_per_s": 100}}
    )

    def slow() -> tuple[float, float, int]:
        with openai.OpenAI(base_url=f"{sim.url}/v1", api_key="k", max_retries=0) as oai:
            stream = oai.chat.completions.create(
                model="llama-slow", messages=[{"role": "user", "content": "long"}], stream=True
            )
            first = last = 0.0
            count = 0
            for _ in stream:
                last = time.monotonic()
                first = first or last
                count += 1
            return first, last, count

    with ThreadPoolExecutor(8) as pool:
        spans = [f.result(timeout=60) for f in [pool.submit(slow) for _ in range(8)]]
    assert all(count > 3 for _, _, count in spans)
    # every stream had started before any of them finished
    assert max(first for first, _, _ in spans) < min(last for _, last, _ in spans)
