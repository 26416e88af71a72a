"""Threaded HTTP/1.1 (keep-alive) server: routes requests to the provider flows and admin API."""

from __future__ import annotations

import logging
import socket
import sys
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from llmsim.admin import handle_admin
from llmsim.chat_flow import handle_chat
from llmsim.config import Settings
from llmsim.exchange import Exchange
from llmsim.providers import ANTHROPIC, OPENAI, RESPONSES, Provider
from llmsim.state import SimState
from llmsim.wire import WireError

log = logging.getLogger("llmsim")

CHAT_ROUTES = {
    "/v1/chat/completions": OPENAI,
    "/chat/completions": OPENAI,
    "/v1/messages": ANTHROPIC,
    "/v1/responses": RESPONSES,
    "/responses": RESPONSES,
}
IDLE_TIMEOUT_S = 75


class SimServer(ThreadingHTTPServer):
    """ThreadingHTTPServer carrying the simulator state; one daemon thread per connection."""

    daemon_threads = True
    allow_reuse_address = True
    request_queue_size = 512

    def __init__(self, settings: Settings) -> None:
        self.state = SimState(settings)
        if ":" in settings.host:  # an IPv6 literal such as ::1
            self.address_family = socket.AF_INET6
        super().__init__((settings.host, settings.port), Handler)

    def handle_error(self, request: object, client_address: object) -> None:
        """A client that vanished mid-connection is routine; anything else is logged in full."""
        exc = sys.exc_info()[1]
        if isinstance(exc, (ConnectionError, TimeoutError)):
            log.debug("connection from %s ended: %r", client_address, exc)
            return
        log.exception("unexpected error serving %s", client_address)

    @property
    def base_url(self) -> str:
        """http://host:port of the bound socket (the real port when 0 was asked for)."""
        host, port = self.server_address[:2]
        shown = f"[{host!s}]" if ":" in str(host) else str(host)
        return f"http://{shown}:{port}"


def _provider_of(ex: Exchange) -> Provider:
    """Anthropic clients always send anthropic-version; everything else is answered as OpenAI."""
    return ANTHROPIC if "anthropic-version" in ex.headers else OPENAI


class Handler(BaseHTTPRequestHandler):
    """Dispatches every method to one router; never lets an exception become a stack trace."""

    protocol_version = "HTTP/1.1"
    server_version = "llmsim"
    sys_version = ""
    timeout = IDLE_TIMEOUT_S
    disable_nagle_algorithm = True
    server: SimServer

    def do_GET(self) -> None:
        self._dispatch()

    def do_POST(self) -> None:
        self._dispatch()

    def do_PUT(self) -> None:
        self._dispatch()

    def do_DELETE(self) -> None:
        self._dispatch()

    def log_request(self, code: int | str = "-", size: int | str = "-") -> None:
        """One access line per request at debug level (a busy server must not flood its log)."""
        log.debug('%s "%s" %s', self.address_string(), self.requestline, code)

    def log_message(self, format: str, *args: object) -> None:
        """Protocol-level problems (malformed request lines, idle timeouts) at info level."""
        log.info("%s %s", self.address_string(), format % args)

    def _dispatch(self) -> None:
        """Route one request; an unexpected error becomes a provider-shaped 500, never a trace."""
        ex = Exchange(self)
        try:
            self._route(ex)
        except (BrokenPipeError, ConnectionResetError):
            self.close_connection = True
        except Exception:
            log.exception("internal error on %s %s", ex.method, ex.path)
            if not ex.responded:
                reply = _provider_of(ex).wire_error(
                    WireError(500, "api_error", "llmsim internal error")
                )
                ex.send_error_reply(reply, close=True)
            self.close_connection = True

    def _route(self, ex: Exchange) -> None:
        """Chat endpoints, health, admin API, model lists; anything else is a 404/405."""
        state = self.server.state
        provider = CHAT_ROUTES.get(ex.path)
        if provider is not None and ex.method == "POST":
            handle_chat(ex, state, provider)
        elif ex.path == "/health" and ex.method == "GET":
            ex.send_json(200, {"status": "ok"})
        elif ex.path.startswith("/llmsim/"):
            handle_admin(ex, state)
        elif ex.path in ("/v1/models", "/models") and ex.method == "GET":
            self._models(ex)
        elif ex.path.startswith("/v1/models/") and ex.method == "GET":
            self._model(ex, ex.path.removeprefix("/v1/models/"))
        else:
            self._not_found(ex, provider is not None)

    def _models(self, ex: Exchange) -> None:
        """GET /v1/models in the shape of the provider that asks."""
        provider = _provider_of(ex)
        if not provider.authorized(ex.headers):
            ex.send_error_reply(provider.unauthorized())
            return
        ex.send_json(200, provider.models(list(provider.model_names)), provider.success_headers())

    def _model(self, ex: Exchange, name: str) -> None:
        """GET /v1/models/{id}: any id exists (the simulator serves every model name)."""
        provider = _provider_of(ex)
        if not provider.authorized(ex.headers):
            ex.send_error_reply(provider.unauthorized())
            return
        listing = provider.models([name])
        ex.send_json(200, listing["data"][0], provider.success_headers())

    def _not_found(self, ex: Exchange, wrong_method: bool) -> None:
        """404 for an unknown path, 405 for a chat path used with another method than POST."""
        provider = _provider_of(ex)
        if wrong_method:
            message = f"Method {ex.method} not allowed on {ex.path}; use POST."
            status, kind = 405, "invalid_request_error"
        else:
            message = f"Invalid URL ({ex.method} {ex.path})"
            status, kind = (
                404,
                ("not_found_error" if provider is ANTHROPIC else "invalid_request_error"),
            )
        ex.send_error_reply(provider.wire_error(WireError(status, kind, message)), close=True)


def start_background(settings: Settings) -> tuple[SimServer, threading.Thread]:
    """Bind and serve in a daemon thread (tests, benchmarks); stop with server.shutdown()."""
    server = SimServer(settings)
    thread = threading.Thread(target=server.serve_forever, name="llmsim", daemon=True)
    thread.start()
    return server, thread
