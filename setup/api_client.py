"""A small JSON-over-HTTP client for the Elasticsearch and Kibana REST APIs, with bounded retries.

Plain HTTP (httpx) rather than elasticsearch-py: the 9.x client refuses Elasticsearch 8, and
setup calls a dozen endpoints of two services with the same error handling.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

import httpx

# Statuses worth retrying: the service is starting, overloaded or behind a restarting proxy.
TRANSIENT_STATUSES = frozenset({429, 502, 503, 504})


class SetupError(RuntimeError):
    """Setup cannot continue; the message says what failed and what to do about it."""


@dataclass(frozen=True)
class Response:
    """Status and decoded body (JSON when it parses, else text) of one API call."""

    status: int
    body: Any

    @property
    def ok(self) -> bool:
        """True for a 2xx status."""
        return 200 <= self.status < 300


@dataclass(frozen=True)
class RetryBudget:
    """How often and how long a single call is retried on transport errors and 429/5xx."""

    attempts: int = 5
    first_delay_s: float = 1.0
    max_delay_s: float = 8.0


class ApiClient:
    """Calls one service (Elasticsearch or Kibana) as one user; raises SetupError on failures."""

    def __init__(
        self,
        name: str,
        base_url: str,
        auth: tuple[str, str],
        *,
        headers: Mapping[str, str] | None = None,
        retry: RetryBudget | None = None,
        timeout_s: float = 30.0,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        self.name = name
        self.base_url = base_url.rstrip("/")
        self._retry = retry or RetryBudget()
        self._sleep = sleep
        self._client = httpx.Client(
            base_url=self.base_url, auth=auth, headers=dict(headers or {}), timeout=timeout_s
        )

    def close(self) -> None:
        """Release the connection pool."""
        self._client.close()

    def call(
        self,
        method: str,
        path: str,
        *,
        json: Any = None,
        files: Mapping[str, tuple[str, bytes, str]] | None = None,
        expect: tuple[int, ...] = (200, 201),
        auth: tuple[str, str] | None = None,
    ) -> Response:
        """One request, retried on transient failures; a status outside `expect` raises.

        `auth` replaces the client's user for this call (to test another user's password).
        """
        response = self._send(method, path, json, files, auth)
        if response.status not in expect:
            raise SetupError(
                f"{self.name} {method} {path} answered {response.status}: "
                f"{_snippet(response.body)}{_hint(response.status)}"
            )
        return response

    def _send(
        self,
        method: str,
        path: str,
        json: Any,
        files: Mapping[str, tuple[str, bytes, str]] | None,
        auth: tuple[str, str] | None,
    ) -> Response:
        delay = self._retry.first_delay_s
        last_problem = ""
        for attempt in range(1, self._retry.attempts + 1):
            try:
                raw = self._client.request(
                    method, path, json=json, files=files, auth=auth or httpx.USE_CLIENT_DEFAULT
                )
            except httpx.TransportError as exc:
                last_problem = f"{type(exc).__name__}: {exc}"
            else:
                response = Response(raw.status_code, _decode(raw))
                if response.status not in TRANSIENT_STATUSES:
                    return response
                last_problem = f"status {response.status}"
            if attempt < self._retry.attempts:
                self._sleep(delay)
                delay = min(delay * 2, self._retry.max_delay_s)
        raise SetupError(
            f"{self.name} {method} {path} failed {self._retry.attempts} times "
            f"(last: {last_problem}); is {self.base_url} reachable?"
        )

    def probe(self, path: str) -> Response | None:
        """A single GET without retries, for readiness polling: None when nothing answers."""
        try:
            raw = self._client.get(path)
        except httpx.TransportError:
            return None
        return Response(raw.status_code, _decode(raw))


def wait_until_ready(
    client: ApiClient,
    path: str,
    is_ready: Callable[[Response], bool],
    *,
    budget_s: float,
    interval_s: float,
    log: Callable[[str], None],
    clock: Callable[[], float] = time.monotonic,
    sleep: Callable[[float], None] = time.sleep,
) -> None:
    """Poll `path` until `is_ready`, at most `budget_s`; a 401 fails at once (wrong password)."""
    log(f"waiting for {client.name} at {client.base_url} (budget {budget_s:g} s)")
    deadline = clock() + budget_s
    last = "no answer"
    while True:
        response = client.probe(path)
        if response is not None:
            if response.status == 401:
                raise SetupError(
                    f"{client.name} at {client.base_url} rejected the credentials (401)."
                    f"{_hint(401)}"
                )
            if is_ready(response):
                log(f"{client.name} is ready")
                return
            last = f"status {response.status}: {_snippet(response.body)}"
        if clock() >= deadline:
            raise SetupError(
                f"{client.name} at {client.base_url} was not ready within {budget_s:g} s "
                f"(last: {last}); raise the budget or check `docker compose logs`"
            )
        sleep(interval_s)


def _decode(raw: httpx.Response) -> Any:
    try:
        return raw.json()
    except ValueError:
        return raw.text


def _snippet(body: Any, limit: int = 300) -> str:
    text = body if isinstance(body, str) else repr(body)
    return text if len(text) <= limit else text[:limit] + "…"


def _hint(status: int) -> str:
    if status == 401:
        return (
            " Check ELASTIC_USERNAME/ELASTIC_PASSWORD in .env. ELASTIC_PASSWORD is applied"
            " only when the Elasticsearch data volume is first created: after changing it, run"
            " `make clean` (deletes the data) or change the password through the security API."
        )
    if status == 403:
        return " The user lacks a privilege this step needs (use a superuser such as `elastic`)."
    return ""
