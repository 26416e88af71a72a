"""Shared wire types: a parsed chat request, provider errors, and streamed frames."""

from __future__ import annotations

import secrets
import string
from dataclasses import dataclass, field

from llmsim.conversation import Conversation

_ALNUM = string.ascii_letters + string.digits


def random_id(prefix: str, length: int = 24) -> str:
    """An id like the providers': prefix plus random alphanumerics."""
    return prefix + "".join(secrets.choice(_ALNUM) for _ in range(length))


@dataclass(frozen=True)
class ChatRequest:
    """A validated chat request in provider-neutral form plus the wire options it asked for."""

    conv: Conversation
    max_tokens: int | None
    stream: bool
    include_usage: bool = False


class WireError(Exception):
    """A request the provider would reject: status, error type, message and offending field."""

    def __init__(
        self,
        status: int,
        kind: str,
        message: str,
        param: str | None = None,
        code: str | None = None,
    ) -> None:
        super().__init__(message)
        self.status = status
        self.kind = kind
        self.message = message
        self.param = param
        self.code = code


@dataclass(frozen=True)
class ErrorReply:
    """A provider-shaped error response."""

    status: int
    body: dict[str, object]
    headers: dict[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class Frame:
    """One SSE event on the wire and how many generated tokens it carries (for pacing)."""

    data: bytes
    tokens: int = 0


def sse(payload: bytes, event: str | None = None) -> bytes:
    """Encode one server-sent event."""
    head = b"event: " + event.encode() + b"\n" if event else b""
    return head + b"data: " + payload + b"\n\n"
