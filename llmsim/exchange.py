"""One HTTP request/response on a keep-alive connection: body, JSON, chunked SSE, faults."""

from __future__ import annotations

import json
import select
import socket
import time
from collections.abc import Iterable, Mapping
from http.server import BaseHTTPRequestHandler

from llmsim.wire import ErrorReply, Frame

DRAIN_FACTOR = 16
COALESCE_FRAMES = 64
DRAIN_CHUNK = 1 << 16


class BodyTooLargeError(Exception):
    """The declared body exceeds the configured limit; `drained` if it was read and discarded."""

    def __init__(self, size: int, drained: bool) -> None:
        super().__init__(size)
        self.size = size
        self.drained = drained


class Exchange:
    """Thin, testable wrapper over BaseHTTPRequestHandler for the simulator's needs."""

    def __init__(self, handler: BaseHTTPRequestHandler) -> None:
        self._h = handler
        self.method = handler.command
        self.path = handler.path.split("?", 1)[0].rstrip("/") or "/"
        self.headers: Mapping[str, str] = {k.lower(): v for k, v in handler.headers.items()}
        self.client_host = str(handler.client_address[0])
        self.responded = False
        self._body_read = False

    def read_body(self, limit: int) -> bytes:
        """The request body; BodyTooLargeError when over limit.

        A body up to DRAIN_FACTOR times the limit is read and discarded first, so the client,
        which sends its whole body before reading, gets the 413 instead of a reset connection.
        """
        size = self._declared_size()
        self._body_read = True
        if size > limit:
            drained = size <= limit * DRAIN_FACTOR
            left = size if drained else 0
            while left > 0:
                got = self._h.rfile.read(min(DRAIN_CHUNK, left))
                if not got:
                    break
                left -= len(got)
            raise BodyTooLargeError(size, drained)
        return self._h.rfile.read(size) if size else b""

    def _declared_size(self) -> int:
        """The Content-Length the client declared (0 when absent or not a number)."""
        raw = self.headers.get("content-length", "0").strip()
        return int(raw) if raw.isdigit() else 0

    def _head(self, status: int, headers: Mapping[str, str]) -> None:
        """Status line and headers; closes the connection if the body was left unread."""
        if not self._body_read and self._declared_size() > 0:
            # an unread body would be parsed as the next request: end this connection instead
            headers = {**headers, "connection": "close"}
            self._h.close_connection = True
        self._h.send_response(status)
        for key, value in headers.items():
            self._h.send_header(key, value)
        self._h.end_headers()
        self.responded = True

    def send_json(
        self,
        status: int,
        payload: object,
        headers: Mapping[str, str] | None = None,
        *,
        close: bool = False,
    ) -> None:
        """A complete JSON response (close=True also ends the connection, e.g. after a 413)."""
        body = json.dumps(payload, ensure_ascii=False).encode()
        all_headers = {
            "content-type": "application/json",
            "content-length": str(len(body)),
            **(headers or {}),
        }
        if close:
            all_headers["connection"] = "close"
            self._h.close_connection = True
        self._head(status, all_headers)
        self._h.wfile.write(body)

    def send_error_reply(self, reply: ErrorReply, *, close: bool = False) -> None:
        """A provider-shaped error response."""
        self.send_json(reply.status, reply.body, reply.headers, close=close)

    def send_truncated_json(self, payload: object, headers: Mapping[str, str]) -> None:
        """Announce the full body length, send half of it, then drop the connection."""
        body = json.dumps(payload, ensure_ascii=False).encode()
        self._head(
            200, {"content-type": "application/json", "content-length": str(len(body)), **headers}
        )
        self._h.wfile.write(body[: len(body) // 2])
        self.drop()

    def stream(
        self,
        frames: Iterable[Frame],
        headers: Mapping[str, str],
        first_delay: float,
        token_delay: float,
        cut_after_tokens: int | None = None,
    ) -> bool:
        """Send SSE frames paced like a model; cut mid-way if asked."""
        self._head(
            200,
            {
                "content-type": "text/event-stream; charset=utf-8",
                "cache-control": "no-cache",
                "transfer-encoding": "chunked",
                **headers,
            },
        )
        paced = first_delay > 0 or token_delay > 0
        pending: list[bytes] = []  # unpaced streams go out in a few large writes
        sent_tokens = 0
        try:
            for frame in frames:
                if frame.tokens:
                    if cut_after_tokens is not None and sent_tokens >= cut_after_tokens:
                        self._write_chunks(pending)
                        self.drop()
                        return True
                    delay = first_delay if sent_tokens == 0 else token_delay * frame.tokens
                    if delay > 0:
                        time.sleep(delay)
                    sent_tokens += frame.tokens
                pending.append(frame.data)
                if paced or len(pending) >= COALESCE_FRAMES:
                    self._write_chunks(pending)
            self._write_chunks(pending)
            self._h.wfile.write(b"0\r\n\r\n")
        except (BrokenPipeError, ConnectionResetError):
            self._h.close_connection = True
            return False
        return True

    def _write_chunks(self, pending: list[bytes]) -> None:
        """Write the pending frames as one HTTP chunk and empty the list."""
        if pending:
            data = b"".join(pending)
            self._h.wfile.write(b"%x\r\n%s\r\n" % (len(data), data))
            pending.clear()

    def drop(self) -> None:
        """End the connection without completing the response (a network cut)."""
        self._h.close_connection = True
        try:
            self._h.wfile.flush()
            self._h.connection.shutdown(socket.SHUT_RDWR)
        except OSError:
            pass

    def hang(self, seconds: float) -> None:
        """Send nothing until the client disconnects or `seconds` pass, then drop the connection."""
        deadline = time.monotonic() + seconds
        sock = self._h.connection
        while (left := deadline - time.monotonic()) > 0:
            try:
                readable, _, _ = select.select([sock], [], [], min(0.2, left))
                if readable:
                    if not sock.recv(1, socket.MSG_PEEK):
                        break  # the client gave up and closed the connection
                    time.sleep(min(0.2, left))  # unread bytes pending: do not spin on select
            except OSError:
                break
        self.drop()
