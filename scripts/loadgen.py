"""Load generator for the demo app: a weighted scenario mix over every endpoint and both providers.

    python scripts/loadgen.py --base-url http://127.0.0.1:5001 --requests 100 --concurrency 4
    python scripts/loadgen.py --base-url http://app:5001 --duration 300 --concurrency 4  # compose

Each request carries attribution headers (X-Feature, X-Team, X-Tenant-Id, X-User-Id) drawn from a
small fixed population, so dashboards have something to split by. Bounded in count and time, and
it only talks to loopback or compose service names. Needs only the stdlib, httpx and tqdm, and
loadgen_scenarios.py next to it (the mix), so it runs in the app's image with scripts/ mounted.
Flags default from LOADGEN_* variables. Exit 1 when nothing succeeded, 2 on bad arguments.
"""

from __future__ import annotations

import argparse
import ipaddress
import math
import os
import random
import sys
import threading
import time
from collections import Counter
from collections.abc import Callable, Mapping
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlsplit

import httpx
from loadgen_scenarios import DEFAULT_MIX, PROVIDERS, SCENARIOS, attribution_headers, parse_mix
from tqdm import tqdm

MAX_REQUESTS = 10_000
MAX_DURATION_S = 3_600
MAX_CONCURRENCY = 32


def check_base_url(url: str) -> str:
    """Accept only http(s) URLs to loopback or a compose service name (a host without dots)."""
    parts = urlsplit(url)
    host = parts.hostname or ""
    if parts.scheme not in ("http", "https") or not host:
        raise ValueError(f"--base-url {url!r} must look like http://127.0.0.1:5001")
    try:
        allowed = ipaddress.ip_address(host).is_loopback
    except ValueError:
        allowed = host == "localhost" or "." not in host
    if not allowed:
        raise ValueError(
            f"--base-url host {host!r} is neither loopback nor a compose service name: "
            "the load generator only drives the local demo"
        )
    return url.rstrip("/")


@dataclass(frozen=True)
class Outcome:
    """One request: its scenario, HTTP status (or the transport error's name) and latency."""

    scenario: str
    status: str
    latency_ms: float

    @property
    def ok(self) -> bool:
        return self.status.startswith("2")


def percentile(values: list[float], q: float) -> float:
    """Linear-interpolated percentile (q in 0..100); NaN when empty."""
    if not values:
        return math.nan
    ordered = sorted(values)
    rank = (len(ordered) - 1) * q / 100
    low = math.floor(rank)
    high = min(low + 1, len(ordered) - 1)
    return ordered[low] + (ordered[high] - ordered[low]) * (rank - low)


@dataclass
class Summary:
    """Totals of a run: requests, successes, errors by status, latency percentiles."""

    outcomes: list[Outcome] = field(default_factory=list)
    elapsed_s: float = 0.0

    @property
    def succeeded(self) -> int:
        return sum(o.ok for o in self.outcomes)

    @property
    def errors_by_status(self) -> dict[str, int]:
        return dict(Counter(o.status for o in self.outcomes if not o.ok))

    def latency(self, q: float, scenario: str | None = None) -> float:
        return percentile(
            [o.latency_ms for o in self.outcomes if scenario in (None, o.scenario)], q
        )

    def render(self) -> str:
        """Human-readable summary table."""
        n = len(self.outcomes)
        rate = n / self.elapsed_s if self.elapsed_s else 0.0
        lines = [
            f"requests {n}  ok {self.succeeded}  errors {n - self.succeeded}  "
            f"in {self.elapsed_s:.1f} s ({rate:.1f} req/s)",
            f"latency p50 {self.latency(50):.0f} ms  p95 {self.latency(95):.0f} ms",
        ]
        if self.errors_by_status:
            errors = ", ".join(f"{k}: {v}" for k, v in sorted(self.errors_by_status.items()))
            lines.append(f"errors by status: {errors}")
        lines.append(f"{'scenario':<10}{'requests':>9}{'ok':>6}{'p50 ms':>9}{'p95 ms':>9}")
        for name in SCENARIOS:
            mine = [o for o in self.outcomes if o.scenario == name]
            if mine:
                ok = sum(o.ok for o in mine)
                p50, p95 = self.latency(50, name), self.latency(95, name)
                lines.append(f"{name:<10}{len(mine):>9}{ok:>6}{p50:>9.0f}{p95:>9.0f}")
        return "\n".join(lines)


@dataclass
class Plan:
    """What to run: where, how much, how many at once, which mix."""

    base_url: str
    requests: int | None = 50
    duration_s: float | None = None
    concurrency: int = 4
    mix: dict[str, int] = field(default_factory=lambda: parse_mix(DEFAULT_MIX))
    providers: tuple[str, ...] = PROVIDERS
    timeout_s: float = 120.0
    seed: int | None = None
    progress: bool = True


class _Dispatcher:
    """Hands out the next (scenario, body, headers) until the count or the deadline is reached."""

    def __init__(self, plan: Plan) -> None:
        self._plan = plan
        self._rng = random.Random(plan.seed)
        self._lock = threading.Lock()
        self._issued = 0
        # Both bounds always apply: a count-only run still stops after an hour, and vice versa.
        self._limit = plan.requests or MAX_REQUESTS
        self._deadline = time.monotonic() + (plan.duration_s or MAX_DURATION_S)
        self._names = [n for n, w in plan.mix.items() if w > 0]
        self._weights = [plan.mix[n] for n in self._names]

    def cancel(self) -> None:
        """Issue nothing more."""
        with self._lock:
            self._limit = 0

    def next(self) -> tuple[str, dict[str, Any], dict[str, str]] | None:
        with self._lock:
            if self._issued >= self._limit or time.monotonic() >= self._deadline:
                return None
            self._issued += 1
            scenario = self._rng.choices(self._names, self._weights)[0]
            body = SCENARIOS[scenario][1](self._rng, self._plan.providers)
            return scenario, body, attribution_headers(self._rng, scenario)


def _send(
    client: httpx.Client, scenario: str, body: dict[str, Any], headers: dict[str, str]
) -> Outcome:
    started = time.perf_counter()
    try:
        response = client.post(SCENARIOS[scenario][0], json=body, headers=headers)
        status = str(response.status_code)
    except httpx.TimeoutException:
        status = "timeout"
    except httpx.HTTPError as exc:
        status = type(exc).__name__
    return Outcome(scenario, status, (time.perf_counter() - started) * 1000)


def run(plan: Plan) -> Summary:
    """Drive the app with `plan.concurrency` workers; return the summary."""
    dispatcher = _Dispatcher(plan)
    summary = Summary()
    lock = threading.Lock()
    bar = tqdm(total=plan.requests, unit="req", disable=not plan.progress, file=sys.stderr)
    limits = httpx.Limits(max_connections=plan.concurrency)

    def worker(client: httpx.Client) -> None:
        while (job := dispatcher.next()) is not None:
            outcome = _send(client, *job)
            with lock:
                summary.outcomes.append(outcome)
                bar.update(1)
                bar.set_postfix(errors=len(summary.outcomes) - summary.succeeded, refresh=False)

    started = time.perf_counter()
    with (
        httpx.Client(base_url=plan.base_url, timeout=plan.timeout_s, limits=limits) as client,
        ThreadPoolExecutor(max_workers=plan.concurrency) as pool,
    ):
        futures = [pool.submit(worker, client) for _ in range(plan.concurrency)]
        try:
            for future in futures:
                future.result()
        except BaseException:  # Ctrl-C or SIGTERM: hand out nothing more, let in-flight finish
            dispatcher.cancel()
            raise
    bar.close()
    summary.elapsed_s = time.perf_counter() - started
    return summary


def wait_ready(base_url: str, timeout_s: float) -> bool:
    """Poll GET /ready until 200 or timeout."""
    deadline = time.monotonic() + timeout_s
    while True:
        try:
            if httpx.get(f"{base_url}/ready", timeout=2).status_code == 200:
                return True
        except httpx.HTTPError:
            pass
        if time.monotonic() >= deadline:
            return False
        time.sleep(0.5)


def _bounded(kind: type[int] | type[float], low: float, high: float) -> Callable[[str], Any]:
    def parse(text: str) -> Any:
        value = kind(text)
        if not low <= value <= high:
            raise argparse.ArgumentTypeError(f"{text} is outside {low:g}..{high:g}")
        return value

    parse.__name__ = kind.__name__  # argparse names the type in its messages
    return parse


# Environment variables (e.g. from .env) that supply defaults; a flag on the command line wins.
ENV_FLAGS = {
    "LOADGEN_BASE_URL": "--base-url",
    "LOADGEN_REQUESTS": "--requests",
    "LOADGEN_DURATION": "--duration",
    "LOADGEN_CONCURRENCY": "--concurrency",
    "LOADGEN_MIX": "--mix",
    "LOADGEN_PROVIDERS": "--providers",
    "LOADGEN_SEED": "--seed",
}


def _parser(exit_on_error: bool = True) -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        description=__doc__.split("\n\n")[0],
        epilog="Defaults come from " + ", ".join(ENV_FLAGS) + " when set.",
        exit_on_error=exit_on_error,
    )
    parser.add_argument("--base-url", default="http://127.0.0.1:5001", help="the app")
    parser.add_argument(
        "--requests", type=_bounded(int, 1, MAX_REQUESTS), help="how many (default 50)"
    )
    parser.add_argument("--duration", type=_bounded(float, 1, MAX_DURATION_S), help="seconds")
    parser.add_argument("--concurrency", type=_bounded(int, 1, MAX_CONCURRENCY), default=4)
    parser.add_argument(
        "--mix", default=DEFAULT_MIX, help=f"scenario weights (default {DEFAULT_MIX})"
    )
    parser.add_argument("--providers", default=",".join(PROVIDERS), help="openai,anthropic")
    parser.add_argument(
        "--timeout", type=_bounded(float, 1, 600), default=120.0, help="per request, s"
    )
    parser.add_argument("--seed", type=int, help="repeatable request sequence")
    parser.add_argument(
        "--wait-ready", type=_bounded(float, 0, 600), default=0.0, help="poll /ready, s"
    )
    parser.add_argument("--no-progress", action="store_true", help="no progress bar")
    return parser


def env_arguments(env: Mapping[str, str], parser: argparse.ArgumentParser) -> list[str]:
    """The LOADGEN_* variables that are set, as flags; a bad value stops with the variable named."""
    checker = _parser(exit_on_error=False)
    flags: list[str] = []
    for name, flag in ENV_FLAGS.items():
        value = env.get(name, "").strip()
        if value:
            try:
                checker.parse_args([flag, value])
            except argparse.ArgumentError as exc:
                parser.error(f"{name}={value!r}: {exc.message}")
            flags += [flag, value]
    return flags


def parse_args(argv: list[str] | None, env: Mapping[str, str] | None = None) -> tuple[Plan, float]:
    """Parse LOADGEN_* variables then the command line into a Plan and the readiness wait (s)."""
    parser = _parser()
    from_env = env_arguments(os.environ if env is None else env, parser)
    args = parser.parse_args([*from_env, *(sys.argv[1:] if argv is None else argv)])
    providers = tuple(p.strip() for p in args.providers.split(",") if p.strip())
    try:
        if not providers or set(providers) - set(PROVIDERS):
            raise ValueError(f"--providers {args.providers!r}: choose from {', '.join(PROVIDERS)}")
        plan = Plan(
            base_url=check_base_url(args.base_url),
            requests=args.requests if args.requests or args.duration else 50,
            duration_s=args.duration,
            concurrency=args.concurrency,
            mix=parse_mix(args.mix),
            providers=providers,
            timeout_s=args.timeout,
            seed=args.seed,
            progress=not args.no_progress,
        )
    except ValueError as exc:
        parser.error(str(exc))
    return plan, args.wait_ready


def main(argv: list[str] | None = None) -> int:
    """CLI entry point: 0 when at least one request succeeded, 1 otherwise, 2 on bad arguments."""
    plan, ready_wait = parse_args(argv)
    if ready_wait and not wait_ready(plan.base_url, ready_wait):
        print(f"{plan.base_url}/ready did not answer 200 within {ready_wait:g} s", file=sys.stderr)
        return 1
    bound = f"{plan.requests} requests" if plan.requests else ""
    bound += (" or " if bound and plan.duration_s else "") + (
        f"{plan.duration_s:g} s" if plan.duration_s else ""
    )
    print(f"loadgen → {plan.base_url}: {bound}, concurrency {plan.concurrency}", file=sys.stderr)
    summary = run(plan)
    print(summary.render())
    if summary.succeeded == 0:
        hint = ""
        if set(summary.errors_by_status) == {"ConnectError"}:
            hint = f": is the app running at {plan.base_url}? (make up, or python -m app)"
        print(f"no request succeeded{hint}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
