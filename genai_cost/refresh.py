"""Background refresh of the pricing table: cache first, then the URL every TTL.

Runs in a daemon thread and only ever swaps in a validated table, so requests never wait.
Offline, failed or corrupt: the last good table stays, and the failure is logged once
(at WARNING; repeats at DEBUG until a refresh succeeds). The cache is written atomically
(temp file + os.replace) so concurrent workers sharing a cache dir never read half a file.
"""

from __future__ import annotations

import datetime as dt
import logging
import os
import tempfile
import threading
import time
import urllib.request
from pathlib import Path
from typing import TYPE_CHECKING

from genai_cost.config import Settings
from genai_cost.snapshot import PricingTable, TableError, parse_table

if TYPE_CHECKING:
    from genai_cost.database import PricingDatabase

log = logging.getLogger("genai_cost.refresh")
MAX_BODY_BYTES = 64 * 1024 * 1024
MAX_RETRY_SECONDS = 300.0


def _iso(epoch: float) -> str:
    return dt.datetime.fromtimestamp(epoch, dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def fetch(url: str, timeout: float) -> bytes:
    """GET the pricing JSON (http/https only, validated by Settings); raise OSError on failure."""
    headers = {"User-Agent": "genai-cost-refresh"}
    request = urllib.request.Request(url, headers=headers)  # noqa: S310 (scheme checked)
    with urllib.request.urlopen(request, timeout=timeout) as response:  # noqa: S310
        if response.status != 200:
            raise OSError(f"HTTP {response.status}")
        body: bytes = response.read(MAX_BODY_BYTES + 1)
    if len(body) > MAX_BODY_BYTES:
        raise OSError(f"body larger than {MAX_BODY_BYTES} bytes")
    return body


def write_atomic(path: Path, body: bytes) -> None:
    """Write a file so readers see the old or the new content, never a mix."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".model_prices.", suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as out:
            out.write(body)
            out.flush()
            os.fsync(out.fileno())
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


class Refresher:
    """Keeps a PricingDatabase's table fresh from settings.refresh_url, in a daemon thread."""

    def __init__(self, db: PricingDatabase, settings: Settings) -> None:
        self._db = db
        self._settings = settings
        self._stop = threading.Event()
        self._warned: set[str] = set()
        self._seen_mtime = 0.0  # newest cache file mtime already looked at
        self._fresh_at = 0.0  # when the current good table was fetched (0: never)
        self._retry = min(settings.refresh_ttl_seconds, MAX_RETRY_SECONDS)
        self._thread = threading.Thread(target=self._run, name="genai-cost-refresh", daemon=True)

    def start(self) -> None:
        """Start the thread (returns at once)."""
        self._thread.start()

    def stop(self, timeout: float = 5.0) -> None:
        """Ask the thread to stop and wait for it (a fetch in flight ends at its timeout)."""
        self._stop.set()
        if self._thread.is_alive():
            self._thread.join(timeout)

    def _run(self) -> None:
        while not self._stop.is_set():
            self._load_cache_if_newer()
            wait = self._seconds_until_due()
            if wait > 0:
                self._stop.wait(wait)
            elif not self.refresh_once():
                self._stop.wait(self._retry)

    def _cache_mtime(self) -> float | None:
        try:
            return self._settings.cache_file.stat().st_mtime
        except OSError:
            return None

    def _seconds_until_due(self) -> float:
        if not self._fresh_at:
            return 0.0
        return self._fresh_at + self._settings.refresh_ttl_seconds - time.time()

    def _load_cache_if_newer(self) -> None:
        """Adopt the cache file when it is newer than our table (written by us or a sibling)."""
        mtime = self._cache_mtime()
        if mtime is None or mtime <= self._seen_mtime:
            return
        self._seen_mtime = mtime
        path = self._settings.cache_file
        try:
            table = parse_table(path.read_bytes(), f"fetched-{_iso(mtime)}", path)
        except (OSError, TableError) as exc:
            self._warn_once(
                "cache",
                "cached pricing table %s unusable (%s); keeping %s",
                path,
                exc,
                self._db.source,
            )
            return
        self._install(table, mtime)

    def refresh_once(self) -> bool:
        """Fetch, validate, cache and install the table; False (and keep the old) on failure."""
        url = self._settings.refresh_url
        try:
            body = fetch(url, self._settings.refresh_timeout_seconds)
            now = time.time()
            table = parse_table(body, f"fetched-{_iso(now)}", self._settings.cache_file)
        except (OSError, TableError, ValueError) as exc:
            self._warn_once(
                "fetch",
                "pricing refresh from %s failed (%s); keeping %s",
                url,
                exc,
                self._db.source,
            )
            return False
        try:
            write_atomic(self._settings.cache_file, body)
            now = self._cache_mtime() or now
        except OSError as exc:
            self._warn_once(
                "cache-write", "cannot write pricing cache %s (%s)", self._settings.cache_file, exc
            )
        self._install(table, now)
        self._warned.discard("fetch")
        log.info("pricing table refreshed from %s: %d models", url, len(table))
        return True

    def _install(self, table: PricingTable, mtime: float) -> None:
        self._seen_mtime = max(self._seen_mtime, mtime)
        self._fresh_at = mtime
        self._db.install(table, _iso(mtime))

    def _warn_once(self, kind: str, message: str, *args: object) -> None:
        level = logging.DEBUG if kind in self._warned else logging.WARNING
        self._warned.add(kind)
        log.log(level, message, *args)
