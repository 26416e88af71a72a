"""Benchmark of the app at zero simulator latency: throughput and the cost of instrumentation.

Prints, for /recipe/generate and /menu/design: requests/s and median/p95 latency of the app
instrumented (collector up), uninstrumented (OTEL_SDK_DISABLED=true) and instrumented with the
collector down, plus the instrumented/uninstrumented time ratio, all measured in one run.

    .venv/bin/python benchmarks/bench_app.py [--requests 200] [--menus 20] [--concurrency 4]
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from tests.integration.app.conftest import app_env  # noqa: E402
from tests.integration.app.otlp_sink import start_sink  # noqa: E402
from tests.processes import Process, free_port, http_ok, start, wait_until  # noqa: E402

LOGS = ROOT / "out" / "bench-app"

RECIPE = {"provider": "openai", "dish_name": "Ratatouille", "servings": 4}
MENU = {"cuisine": "French", "courses": 3, "season": "autumn", "occasion": "anniversary"}


def _start(name: str, argv: list[str], env: dict[str, str], ready: str) -> Process:
    process = start(name, argv, env, LOGS)
    wait_until(http_ok(ready), f"{name} ready", process)
    return process


def _run(url: str, body: dict[str, object], n: int, concurrency: int) -> tuple[float, list[float]]:
    def one(_: int) -> float:
        t0 = time.perf_counter()
        r = client.post(url, json=body, timeout=120)
        r.raise_for_status()
        return time.perf_counter() - t0

    with httpx.Client() as client, ThreadPoolExecutor(concurrency) as pool:
        list(pool.map(one, range(min(5, n))))  # warm-up
        t0 = time.perf_counter()
        latencies = list(pool.map(one, range(n)))
        return time.perf_counter() - t0, latencies


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=200)
    parser.add_argument("--menus", type=int, default=20)
    parser.add_argument("--concurrency", type=int, default=4)
    args = parser.parse_args()

    sim_port = free_port()
    argv = [sys.executable, "-m", "llmsim", "--host", "127.0.0.1", "--port", str(sim_port)]
    sim = _start(
        "llmsim",
        [*argv, "--latency-scale", "0"],
        dict(os.environ),
        f"http://127.0.0.1:{sim_port}/health",
    )
    sim_url = f"http://127.0.0.1:{sim_port}"
    httpx.put(
        f"{sim_url}/llmsim/config",
        json={"review_reject_rate": 0.0, "pairing_incomplete_rate": 0.0},
        timeout=5,
    )
    server, _sink = start_sink()
    up = f"http://127.0.0.1:{server.server_address[1]}"
    down = f"http://127.0.0.1:{free_port()}"
    variants = {
        "instrumented, collector up": {"OTEL_EXPORTER_OTLP_ENDPOINT": up},
        "uninstrumented": {"OTEL_EXPORTER_OTLP_ENDPOINT": up, "OTEL_SDK_DISABLED": "true"},
        "instrumented, collector down": {"OTEL_EXPORTER_OTLP_ENDPOINT": down},
    }
    results: dict[tuple[str, str], tuple[float, float, float]] = {}
    try:
        for variant, extra in variants.items():
            port = free_port()
            env = app_env(sim_url, up, port, OTEL_BSP_SCHEDULE_DELAY="5000", **extra)
            app = _start(
                "app", [sys.executable, "-m", "app"], env, f"http://127.0.0.1:{port}/ready"
            )
            try:
                for path, body, n in (
                    ("/recipe/generate", RECIPE, args.requests),
                    ("/menu/design", MENU, args.menus),
                ):
                    wall, lat = _run(f"http://127.0.0.1:{port}{path}", body, n, args.concurrency)
                    p95 = statistics.quantiles(lat, n=20)[-1]
                    results[(variant, path)] = (n / wall, statistics.median(lat), p95)
            finally:
                app.stop()
    finally:
        sim.stop()
        server.shutdown()

    print(f"{'variant':32} {'endpoint':18} {'req/s':>8} {'p50 ms':>8} {'p95 ms':>8}")
    for (variant, path), (rps, p50, p95) in results.items():
        print(f"{variant:32} {path:18} {rps:8.1f} {p50 * 1e3:8.1f} {p95 * 1e3:8.1f}")
    for path in ("/recipe/generate", "/menu/design"):
        on = results[("instrumented, collector up", path)][1]
        off = results[("uninstrumented", path)][1]
        dn = results[("instrumented, collector down", path)][1]
        print(
            f"{path}: instrumented/uninstrumented median ratio {on / off:.2f}; "
            f"collector down/up median ratio {dn / on:.2f}"
        )


if __name__ == "__main__":
    main()
