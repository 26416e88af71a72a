"""Refresh from a URL: a real http.server on 127.0.0.1 serving a modified table, a corrupt body,
a 500 and a timeout; offline start; corrupt cache; refresh while running; atomic cache."""

from __future__ import annotations

import json
import logging
import socket
import threading
import time
from collections.abc import Callable, Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

from genai_cost import PricingDatabase, Settings, Usage, calculate_cost
from genai_cost.refresh import write_atomic
from genai_cost.snapshot import SNAPSHOT_FILE

LOGGER = "genai_cost.refresh"


def table_with(rate: float) -> bytes:
    table = json.loads(SNAPSHOT_FILE.read_bytes())
    table["gpt-4o-mini"]["input_cost_per_token"] = rate
    return json.dumps(table).encode()


class Server:
    """What the handler serves: mode ok/corrupt/500/slow, and how many requests it got."""

    def __init__(self) -> None:
        self.mode = "ok"
        self.body = table_with(1e-06)
        self.hits = 0
        handler = self._handler()
        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), handler)
        self.httpd.daemon_threads = True
        self.url = f"http://127.0.0.1:{self.httpd.server_address[1]}/prices.json"
        threading.Thread(target=self.httpd.serve_forever, daemon=True).start()

    def _handler(self) -> type[BaseHTTPRequestHandler]:
        server = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:
                server.hits += 1
                if server.mode == "slow":
                    time.sleep(1.5)
                if server.mode == "500":
                    self.send_error(500, "upstream broke")
                    return
                body = (
                    b'{"gpt-4o-mini": {"input_cost_per' if server.mode == "corrupt" else server.body
                )
                self.send_response(200)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, *args: object) -> None:
                pass

        return Handler


@pytest.fixture
def server() -> Iterator[Server]:
    s = Server()
    yield s
    s.httpd.shutdown()
    s.httpd.server_close()


def settings_for(url: str, cache_dir: Path, ttl: float = 3600.0, timeout: float = 5.0) -> Settings:
    return Settings(
        refresh=True,
        refresh_url=url,
        refresh_ttl_seconds=ttl,
        refresh_timeout_seconds=timeout,
        cache_dir=cache_dir,
    )


def wait_for(condition: Callable[[], bool], what: str, limit: float = 15.0) -> None:
    deadline = time.monotonic() + limit
    while not condition():
        if time.monotonic() > deadline:
            pytest.fail(f"gave up waiting for: {what}")
        time.sleep(0.02)


def input_rate(db: PricingDatabase) -> float:
    return calculate_cost(db, "gpt-4o-mini", "openai", Usage(1_000_000, 0)).total_usd / 1_000_000


def closed_port_url() -> str:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    return f"http://127.0.0.1:{port}/prices.json"


def warnings(caplog: pytest.LogCaptureFixture) -> list[str]:
    return [
        r.getMessage() for r in caplog.records if r.name == LOGGER and r.levelno == logging.WARNING
    ]


def test_refresh_installs_a_modified_table_and_caches_it(server: Server, tmp_path: Path) -> None:
    db = PricingDatabase(settings=settings_for(server.url, tmp_path))
    assert input_rate(db) == pytest.approx(1.5e-07)
    db.start_refresh()
    try:
        wait_for(lambda: db.source.startswith("fetched-"), "the fetched table")
        assert input_rate(db) == pytest.approx(1e-06)
        assert db.last_refresh is not None
        assert (tmp_path / "model_prices.json").read_bytes() == server.body
        assert [p.name for p in tmp_path.iterdir()] == ["model_prices.json"]  # no temp left over
    finally:
        db.close()


def test_offline_start_uses_last_good_cache(
    server: Server, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    write_atomic(tmp_path / "model_prices.json", table_with(2e-06))
    caplog.set_level(logging.DEBUG, LOGGER)
    db = PricingDatabase(settings=settings_for(closed_port_url(), tmp_path, ttl=0.05))
    db.start_refresh()
    try:
        wait_for(lambda: input_rate(db) == pytest.approx(2e-06), "the cached table")
        wait_for(lambda: len([r for r in caplog.records if r.name == LOGGER]) >= 3, "retries")
        assert len(warnings(caplog)) == 1  # said once, then quiet (DEBUG) while it persists
        assert input_rate(db) == pytest.approx(2e-06)  # last good table kept
    finally:
        db.close()


def test_offline_without_cache_keeps_snapshot(tmp_path: Path) -> None:
    db = PricingDatabase(settings=settings_for(closed_port_url(), tmp_path, ttl=0.05))
    db.start_refresh()
    try:
        assert input_rate(db) == pytest.approx(1.5e-07)  # prices at once, never waits
        time.sleep(0.3)
        assert db.source.startswith("litellm-") and input_rate(db) == pytest.approx(1.5e-07)
    finally:
        db.close()


@pytest.mark.parametrize("mode", ["corrupt", "500", "slow"])
def test_failed_fetch_keeps_last_good_table(
    server: Server, tmp_path: Path, mode: str, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG, LOGGER)
    server.mode = mode
    db = PricingDatabase(settings=settings_for(server.url, tmp_path, ttl=0.05, timeout=0.3))
    db.start_refresh()
    try:
        assert db.source.startswith("litellm-")  # start_refresh returned before any fetch ended
        wait_for(lambda: server.hits >= 2 and len(warnings(caplog)) >= 1, f"{mode} retries")
        wait_for(lambda: len([r for r in caplog.records if r.name == LOGGER]) >= 2, "a 2nd log")
        assert len(warnings(caplog)) == 1
        assert db.source.startswith("litellm-") and input_rate(db) == pytest.approx(1.5e-07)
        assert not (tmp_path / "model_prices.json").exists()  # nothing bad was cached
    finally:
        db.close()


def test_corrupt_cache_is_ignored_then_replaced(
    server: Server, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    (tmp_path / "model_prices.json").write_text('{"truncated": ')
    db = PricingDatabase(settings=settings_for(server.url, tmp_path))
    db.start_refresh()
    try:
        wait_for(lambda: input_rate(db) == pytest.approx(1e-06), "the fetched table")
        assert any("unusable" in m for m in warnings(caplog))
        json.loads((tmp_path / "model_prices.json").read_bytes())  # replaced by a good one
    finally:
        db.close()


def test_refresh_while_running_rechecks_ttl(server: Server, tmp_path: Path) -> None:
    db = PricingDatabase(settings=settings_for(server.url, tmp_path, ttl=0.2))
    db.start_refresh()
    try:
        wait_for(lambda: input_rate(db) == pytest.approx(1e-06), "the first fetch")
        server.body = table_with(3e-06)  # the published table changes while we run
        wait_for(lambda: input_rate(db) == pytest.approx(3e-06), "the second fetch")
    finally:
        db.close()


def test_from_env_starts_refresher_only_when_asked(server: Server, tmp_path: Path) -> None:
    env = {
        "GENAI_COST_REFRESH": "on",
        "GENAI_COST_REFRESH_URL": server.url,
        "GENAI_COST_CACHE_DIR": str(tmp_path),
    }
    db = PricingDatabase.from_env(env)
    try:
        wait_for(lambda: input_rate(db) == pytest.approx(1e-06), "the fetched table")
    finally:
        db.close()
    off = PricingDatabase.from_env({**env, "GENAI_COST_REFRESH": "off"})
    assert off.source.startswith("litellm-")
    hits = server.hits
    time.sleep(0.2)
    assert server.hits == hits


def test_write_atomic_replaces_whole_file(tmp_path: Path) -> None:
    target = tmp_path / "sub" / "model_prices.json"
    write_atomic(target, b"one")
    write_atomic(target, b"two")
    assert target.read_bytes() == b"two"
    assert [p.name for p in target.parent.iterdir()] == ["model_prices.json"]
