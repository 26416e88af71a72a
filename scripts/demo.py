"""`make demo`: llmsim, the app, an OTLP file receiver and a short load, all local, no Docker.

The app exports OTLP/HTTP to the in-process receiver, which writes out/demo/telemetry.jsonl; the
report (tables on stdout, report.json and report.png) is then built from those spans. Every process
started here is stopped on the way out, also on Ctrl-C or SIGTERM.

    python scripts/demo.py --requests 30 --concurrency 4
"""

from __future__ import annotations

import argparse
import json
import os
import secrets
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass
from pathlib import Path
from types import FrameType

import httpx
from demo_report import build_report, format_report, read_spans
from loadgen import Plan, Summary, run
from otlp_file_receiver import OtlpFileReceiver

REPO = Path(__file__).resolve().parent.parent
PLACEHOLDER_KEY = "llmsim-demo-key"  # llmsim accepts any key; never send a real one to it


class DemoError(RuntimeError):
    """A step of the demo failed; the message says which and where its log is."""


def free_port() -> int:
    """A currently free loopback port (the OS picks it)."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _tail(path: Path, lines: int = 15) -> str:
    text = path.read_text(encoding="utf-8", errors="replace") if path.exists() else ""
    return "\n".join(text.splitlines()[-lines:])


@contextmanager
def service(
    name: str, argv: list[str], env: dict[str, str], ready_url: str, log: Path, wait_s: float
) -> Iterator[subprocess.Popen[bytes]]:
    """Start a process in its own group, wait until ready_url answers 200, always stop it."""
    log.parent.mkdir(parents=True, exist_ok=True)
    with log.open("wb") as handle:
        process = subprocess.Popen(
            argv, cwd=REPO, env=env, stdout=handle, stderr=subprocess.STDOUT, start_new_session=True
        )
    try:
        deadline = time.monotonic() + wait_s
        while not _answers(ready_url):
            if process.poll() is not None:
                raise DemoError(f"{name} exited with {process.returncode}; {log}:\n{_tail(log)}")
            if time.monotonic() > deadline:
                raise DemoError(f"{name} not ready at {ready_url} after {wait_s:g} s; see {log}")
            time.sleep(0.3)
        print(f"  {name} ready ({ready_url})", file=sys.stderr)
        yield process
    finally:
        stop(process)


def _answers(url: str) -> bool:
    try:
        return httpx.get(url, timeout=1.0).status_code == 200
    except httpx.HTTPError:
        return False


def stop(process: subprocess.Popen[bytes], grace_s: float = 20.0) -> None:
    """SIGTERM the process group (gunicorn master and workers flush spans at exit), then SIGKILL."""
    if process.poll() is not None:
        return
    for sig, wait in ((signal.SIGTERM, grace_s), (signal.SIGKILL, 5.0)):
        try:
            os.killpg(process.pid, sig)
        except ProcessLookupError:
            return
        try:
            process.wait(timeout=wait)
            return
        except subprocess.TimeoutExpired:
            continue


def wait_quiet(receiver: OtlpFileReceiver, quiet_s: float, max_s: float) -> None:
    """Wait until the receiver has written nothing new for quiet_s (the exporters have flushed)."""
    deadline = time.monotonic() + max_s
    last, since = receiver.counts, time.monotonic()
    while time.monotonic() < deadline:
        time.sleep(0.2)
        now = receiver.counts
        if now != last:
            last, since = now, time.monotonic()
        elif time.monotonic() - since >= quiet_s:
            return


def app_env(receiver: OtlpFileReceiver, app_port: int, sim_port: int) -> dict[str, str]:
    """Environment of the app: export to the receiver, both providers pointed at llmsim."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("OTEL_", "LLMOBS_MODEL"))}
    env.update(
        HOST="127.0.0.1",
        PORT=str(app_port),
        OTEL_EXPORTER_OTLP_ENDPOINT=receiver.endpoint,
        OTEL_SERVICE_NAME="menu-designer",
        OTEL_RESOURCE_ATTRIBUTES="deployment.environment.name=demo",
        OTEL_BSP_SCHEDULE_DELAY="500",
        OTEL_METRIC_EXPORT_INTERVAL="2000",
        OPENAI_BASE_URL=f"http://127.0.0.1:{sim_port}/v1",
        ANTHROPIC_BASE_URL=f"http://127.0.0.1:{sim_port}",
        OPENAI_API_KEY=PLACEHOLDER_KEY,
        ANTHROPIC_API_KEY=PLACEHOLDER_KEY,
        TRACELOOP_TRACE_CONTENT="false",
        WEB_CONCURRENCY="1",
    )
    # A throwaway pseudonymisation key unless the user set one (never printed, never stored).
    env.setdefault("LLMOBS_USER_HASH_KEY", secrets.token_hex(16))
    return env


@dataclass(frozen=True)
class DemoOptions:
    """How much load and how unreliable the simulated providers are."""

    out_dir: Path
    requests: int = 30
    concurrency: int = 4
    seed: int | None = None
    fault_rate: float = 0.03
    latency_scale: float = 0.0


def llmsim_argv(port: int, options: DemoOptions) -> list[str]:
    """llmsim on loopback; the fault rate is split between 429s and 500s (the app retries them)."""
    half = f"{options.fault_rate / 2:g}"
    return [
        sys.executable, "-m", "llmsim", "--host", "127.0.0.1", "--port", str(port),
        "--latency-scale", f"{options.latency_scale:g}", "--seed", str(options.seed or 0),
        "--fault-rate-429", half, "--fault-rate-500", half, "--retry-after-s", "0.2",
    ]  # fmt: skip


def run_demo(options: DemoOptions) -> Summary:
    """Start everything, drive the load, wait for the telemetry; return the load summary."""
    out_dir = options.out_dir
    telemetry = out_dir / "telemetry.jsonl"
    telemetry.unlink(missing_ok=True)
    with ExitStack() as stack:
        receiver = OtlpFileReceiver(telemetry).start()
        stack.callback(receiver.stop)
        print(f"  OTLP file receiver on {receiver.endpoint} → {telemetry}", file=sys.stderr)
        sim_port, app_port = free_port(), free_port()
        stack.enter_context(
            service(
                "llmsim",
                llmsim_argv(sim_port, options),
                dict(os.environ),
                f"http://127.0.0.1:{sim_port}/health",
                out_dir / "logs" / "llmsim.log",
                30,
            )
        )
        app = stack.enter_context(
            service(
                "app",
                [sys.executable, "-m", "app"],
                app_env(receiver, app_port, sim_port),
                f"http://127.0.0.1:{app_port}/ready",
                out_dir / "logs" / "app.log",
                90,
            )
        )
        plan = Plan(
            f"http://127.0.0.1:{app_port}",
            options.requests,
            None,
            options.concurrency,
            seed=options.seed,
        )
        summary = run(plan)
        print(summary.render())
        wait_quiet(receiver, quiet_s=2.0, max_s=20.0)
        stop(app)  # the workers flush their last spans and metrics at exit
        wait_quiet(receiver, quiet_s=1.0, max_s=10.0)
    return summary


def _raise_on_sigterm(signum: int, frame: FrameType | None) -> None:
    raise KeyboardInterrupt(f"signal {signum}")


def main(argv: list[str] | None = None) -> int:
    """CLI: run the demo and the report; exit 1 when no request succeeded or no LLM span arrived."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--requests", type=int, default=30, choices=range(1, 501), metavar="1..500")
    parser.add_argument("--concurrency", type=int, default=4, choices=range(1, 17), metavar="1..16")
    parser.add_argument("--out-dir", type=Path, default=REPO / "out" / "demo")
    parser.add_argument("--seed", type=int, default=None, help="repeatable request sequence")
    parser.add_argument(
        "--fault-rate", type=float, default=0.03, help="share of LLM calls llmsim fails (0..0.5)"
    )
    parser.add_argument(
        "--latency-scale", type=float, default=0.0, help="llmsim latency, 1 = realistic (0..2)"
    )
    args = parser.parse_args(argv)
    if not 0 <= args.fault_rate <= 0.5:
        parser.error(f"--fault-rate {args.fault_rate} must be between 0 and 0.5")
    if not 0 <= args.latency_scale <= 2:
        parser.error(f"--latency-scale {args.latency_scale} must be between 0 and 2")
    options = DemoOptions(
        args.out_dir,
        args.requests,
        args.concurrency,
        args.seed,
        args.fault_rate,
        args.latency_scale,
    )
    signal.signal(signal.SIGTERM, _raise_on_sigterm)
    print("demo: starting llmsim, the app and the OTLP file receiver", file=sys.stderr)
    try:
        summary = run_demo(options)
    except DemoError as exc:
        print(f"demo failed: {exc}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print("demo interrupted; everything it started is stopped", file=sys.stderr)
        return 130
    telemetry = args.out_dir / "telemetry.jsonl"
    if not telemetry.exists():
        print("demo failed: the app exported no telemetry", file=sys.stderr)
        return 1
    report = build_report(read_spans(telemetry))
    print("\n" + format_report(report))
    (args.out_dir / "report.json").write_text(
        json.dumps(report.to_json(), indent=2) + "\n", encoding="utf-8"
    )
    from demo_charts import draw_charts

    draw_charts(report, args.out_dir / "report.png")
    print(f"\ntelemetry: {telemetry}\nreport:    {args.out_dir / 'report.json'}")
    print(f"charts:    {args.out_dir / 'report.png'}")
    print(f"replay:    make replay FILE={telemetry} ENDPOINT=http://<collector-or-apm>:<port>")
    if summary.succeeded == 0 or report.total.calls == 0:
        print("demo failed: no successful request or no LLM span in the telemetry", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
