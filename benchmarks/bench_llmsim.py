"""Throughput of llmsim at zero latency: requests/s per provider, non-streaming and streaming.

Starts `python -m llmsim --latency-scale 0` as a subprocess on a free loopback port (so the
server does not share the client's GIL), then drives it from client threads with keep-alive
connections and prints the median, min and max requests/s over several rounds.

    .venv/bin/python benchmarks/bench_llmsim.py [--concurrency 8] [--requests 400] [--sdk]

Default clients are raw httpx (measures the server); --sdk uses the real openai/anthropic SDKs
(measures what an app sees, client overhead included).
"""

from __future__ import annotations

import argparse
import re
import statistics
import subprocess
import sys
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import anthropic
import httpx
import openai

ROOT = Path(__file__).resolve().parents[1]
MESSAGES = [
    {"role": "system", "content": "You are the Sommelier of a fine-dining restaurant."},
    {"role": "user", "content": "Pair a wine with Roast Duck (main)."},
]
ANT_BODY = {"model": "claude-haiku-4-5", "max_tokens": 300, "system": MESSAGES[0]["content"]}
ANT_BODY["messages"] = MESSAGES[1:]
OAI_BODY = {"model": "gpt-4o-mini", "messages": MESSAGES}
ANT_HEADERS = {"x-api-key": "bench", "anthropic-version": "2023-06-01"}
OAI_HEADERS = {"authorization": "Bearer bench"}

Call = Callable[[Any], None]


def raw_call(path: str, body: dict[str, Any], headers: dict[str, str], stream: bool) -> Call:
    def call(client: httpx.Client) -> None:
        payload = {**body, "stream": True} if stream else body
        with client.stream("POST", path, json=payload, headers=headers) as r:
            r.raise_for_status()
            for _ in r.iter_bytes():
                pass

    return call


def sdk_call(provider: str, stream: bool) -> Call:
    def call(client: Any) -> None:
        if provider == "openai":
            r = client.chat.completions.create(**OAI_BODY, stream=stream)
        else:
            r = client.messages.create(**ANT_BODY, stream=stream)
        if stream:
            for _ in r:
                pass

    return call


def make_client(base: str, provider: str, sdk: bool) -> Any:
    if not sdk:
        return httpx.Client(base_url=base, timeout=30)
    if provider == "openai":
        return openai.OpenAI(base_url=f"{base}/v1", api_key="bench", max_retries=0)
    return anthropic.Anthropic(base_url=base, api_key="bench", max_retries=0)


def one_round(base: str, provider: str, call: Call, args: argparse.Namespace) -> float:
    per_worker = max(1, args.requests // args.concurrency)

    def worker(_: int) -> None:
        client = make_client(base, provider, args.sdk)
        for _ in range(per_worker):
            call(client)
        client.close()

    start = time.perf_counter()
    with ThreadPoolExecutor(args.concurrency) as pool:
        list(pool.map(worker, range(args.concurrency)))
    return per_worker * args.concurrency / (time.perf_counter() - start)


def latency_table(base: str) -> None:
    """Measured time to first token and tokens/s at latency scale 1, against the profiles."""
    httpx.put(f"{base}/llmsim/config", json={"latency_scale": 1.0}).raise_for_status()
    profiles = httpx.get(f"{base}/llmsim/config").json()["latency_profiles"]
    print(f"\nlatency at scale 1 (streamed, median of 3) {'configured':>24} {'measured':>24}")
    client = openai.OpenAI(base_url=f"{base}/v1", api_key="bench", max_retries=0)
    for model, family in (
        ("gpt-4o", "gpt-4o"),
        ("gpt-4.1-mini", "gpt-4.1"),
        ("o4-mini", "o-series"),
    ):
        ttfts, speeds = [], []
        for n in range(3):
            start = time.perf_counter()
            first = last = 0.0
            count = 0
            for chunk in client.chat.completions.create(
                model=model, messages=[{"role": "user", "content": f"story {n}"}], stream=True
            ):
                if chunk.choices and chunk.choices[0].delta.content:
                    last = time.perf_counter()
                    first = first or last
                    count += 1
            ttfts.append(first - start)
            speeds.append((count - 1) / (last - first))
        want = profiles[family]
        conf = f"{want['ttft_ms']:.0f} ms, {want['tokens_per_s']:.0f} tok/s"
        got = f"{statistics.median(ttfts) * 1000:.0f} ms, {statistics.median(speeds):.0f} tok/s"
        print(f"  {model:40} {conf:>24} {got:>24}")
    print("  (the o-series' first token also waits for its hidden reasoning tokens)")
    client.close()


def start_server() -> tuple[subprocess.Popen[str], str]:
    proc = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "llmsim",
            "--port",
            "0",
            "--latency-scale",
            "0",
            "--log-level",
            "warning",
        ],
        cwd=ROOT,
        stderr=subprocess.PIPE,
        text=True,
    )
    assert proc.stderr is not None
    match = re.search(r"listening on (http://\S+)", proc.stderr.readline())
    if not match:
        proc.kill()
        raise SystemExit("llmsim did not start")
    return proc, match.group(1)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--concurrency", type=int, default=8)
    parser.add_argument("--requests", type=int, default=400, help="requests per round")
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--sdk", action="store_true", help="drive it with the real SDKs")
    args = parser.parse_args()
    proc, base = start_server()
    try:
        cases = {
            "openai     non-streaming": ("openai", False),
            "openai     streaming": ("openai", True),
            "anthropic  non-streaming": ("anthropic", False),
            "anthropic  streaming": ("anthropic", True),
        }
        client_kind = "openai/anthropic SDKs" if args.sdk else "raw httpx"
        print(f"llmsim at {base}, latency 0, {args.concurrency} client threads ({client_kind}),")
        print(f"{args.requests} requests x {args.rounds} rounds per case")
        print(f"{'case':28} {'median req/s':>12} {'min':>8} {'max':>8}")
        for name, (provider, stream) in cases.items():
            if args.sdk:
                call = sdk_call(provider, stream)
            elif provider == "openai":
                call = raw_call("/v1/chat/completions", OAI_BODY, OAI_HEADERS, stream)
            else:
                call = raw_call("/v1/messages", ANT_BODY, ANT_HEADERS, stream)
            one_round(base, provider, call, args)  # warm-up
            rates = [one_round(base, provider, call, args) for _ in range(args.rounds)]
            print(f"{name:28} {statistics.median(rates):12.0f} {min(rates):8.0f} {max(rates):8.0f}")
        latency_table(base)
    finally:
        proc.terminate()
        proc.wait(timeout=10)


if __name__ == "__main__":
    main()
