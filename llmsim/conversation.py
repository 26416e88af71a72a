"""Provider-neutral view of a chat request: what the content, token and cache logic need."""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field


@dataclass(frozen=True)
class Segment:
    """A piece of the prompt in wire order; cache_ttl is set where the client asked to cache."""

    text: str
    overhead: int = 0
    cache_ttl: str | None = None


@dataclass(frozen=True)
class Conversation:
    """System text, user/assistant turns and the prompt segments of one request."""

    provider: str
    model: str
    system: str
    turns: tuple[tuple[str, str], ...]
    segments: tuple[Segment, ...] = field(default=())

    def last_user_text(self) -> str:
        """The current ask: the text of the last user turn (empty if none)."""
        for role, text in reversed(self.turns):
            if role == "user":
                return text
        return ""

    def digest(self, seed: int) -> int:
        """A stable 64-bit number from the seed, model and messages: the request's PRNG seed."""
        blob = json.dumps([seed, self.model, self.system, self.turns], ensure_ascii=False)
        return int.from_bytes(hashlib.sha256(blob.encode()).digest()[:8], "big")
