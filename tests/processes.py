"""Child processes of the test harnesses (tiers 2 and 3): logs in files, always stopped."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import time
from collections.abc import Callable, Mapping, Sequence
from contextlib import ExitStack
from dataclasses import dataclass
from pathlib import Path

import httpx

# Children run from the repository root, so `python -m app` imports this checkout's code.
REPO = Path(__file__).resolve().parents[1]
if not (REPO / "pyproject.toml").is_file():  # children must never run from a wrong directory
    raise RuntimeError(f"tests/processes.py: {REPO} is not the repository root")


def free_ports(count: int) -> list[int]:
    """`count` distinct ports free a moment ago on 127.0.0.1 (for programs that cannot report
    port 0); all are held open together so that none is handed out twice."""
    with ExitStack() as stack:
        sockets = [stack.enter_context(socket.socket()) for _ in range(count)]
        for s in sockets:
            s.bind(("127.0.0.1", 0))
        return [int(s.getsockname()[1]) for s in sockets]


def free_port() -> int:
    """One port free a moment ago on 127.0.0.1."""
    return free_ports(1)[0]


@dataclass
class Process:
    """A running child process and the file its stdout and stderr go to."""

    name: str
    popen: subprocess.Popen[bytes]
    log_path: Path

    def log_tail(self, chars: int = 4000) -> str:
        """The end of the process's log, for failure messages."""
        return self.log_path.read_text(errors="replace")[-chars:]

    def check_alive(self) -> None:
        """Fail with the log's tail if the process has exited."""
        if self.popen.poll() is not None:
            raise RuntimeError(
                f"{self.name} exited with {self.popen.returncode}:\n{self.log_tail()}"
            )

    def stop(self) -> None:
        """SIGTERM the process group, then SIGKILL it after 10 s; idempotent."""
        if self.popen.poll() is None:
            os.killpg(self.popen.pid, signal.SIGTERM)
            try:
                self.popen.wait(timeout=10)
            except subprocess.TimeoutExpired:
                os.killpg(self.popen.pid, signal.SIGKILL)
                self.popen.wait()


def start(name: str, argv: Sequence[str], env: Mapping[str, str], log_dir: Path) -> Process:
    """Start argv in its own process group (so stop() reaches its workers too)."""
    log_dir.mkdir(parents=True, exist_ok=True)
    log_path = log_dir / f"{name}.log"
    with log_path.open("wb") as log:
        popen = subprocess.Popen(  # argv built by the harness, no shell
            list(argv),
            env=dict(env),
            cwd=REPO,
            stdout=log,
            stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL,
            start_new_session=True,
        )
    return Process(name=name, popen=popen, log_path=log_path)


def wait_until(
    condition: Callable[[], bool],
    what: str,
    process: Process,
    timeout: float = 30.0,
    progress: Callable[[], str] = lambda: "",
) -> None:
    """Poll condition every 0.1 s; fail naming `what`, `progress()` and the log if still false."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        process.check_alive()
        if condition():
            return
        time.sleep(0.1)
    raise RuntimeError(
        f"{what} not after {timeout} s {progress()}; {process.name} log:\n{process.log_tail()}"
    )


def http_ok(url: str) -> Callable[[], bool]:
    """A condition: GET url answers 200."""

    def check() -> bool:
        try:
            return httpx.get(url, timeout=1.0).status_code == 200
        except httpx.HTTPError:
            return False

    return check
