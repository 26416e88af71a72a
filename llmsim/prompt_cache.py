"""Prompt-cache models: OpenAI's automatic prefix cache and Anthropic's cache_control breakpoints.

Both remember SHA-256 digests of prompt prefixes in one bounded LRU. OpenAI: prompts of at least
1024 tokens are cached in 128-token increments of a prefix seen before. Anthropic: the prefix up
to each cache_control breakpoint is written on first use and read on a repeat.
"""

from __future__ import annotations

import hashlib
import threading
from collections import OrderedDict
from collections.abc import Iterable
from dataclasses import dataclass

OPENAI_MIN_TOKENS = 1024
OPENAI_INCREMENT = 128


class PrefixLRU:
    """A bounded, thread-safe set of prefix digests, least recently used evicted first."""

    def __init__(self, capacity: int) -> None:
        self._capacity = capacity
        self._items: OrderedDict[bytes, None] = OrderedDict()
        self._lock = threading.Lock()

    def __len__(self) -> int:
        return len(self._items)

    def hit(self, key: bytes) -> bool:
        """Whether key is cached (and mark it recently used)."""
        with self._lock:
            if key in self._items:
                self._items.move_to_end(key)
                return True
            return False

    def add(self, keys: Iterable[bytes]) -> None:
        """Remember keys, evicting the oldest beyond capacity."""
        with self._lock:
            for key in keys:
                self._items[key] = None
                self._items.move_to_end(key)
            while len(self._items) > self._capacity:
                self._items.popitem(last=False)

    def clear(self) -> None:
        """Forget everything."""
        with self._lock:
            self._items.clear()


def openai_cached_tokens(lru: PrefixLRU, namespace: str, pieces: list[str]) -> int:
    """Cached part of a prompt given as token pieces; records its prefixes for next time."""
    if len(pieces) < OPENAI_MIN_TOKENS:
        return 0
    digest = hashlib.sha256(namespace.encode())
    boundaries: list[tuple[int, bytes]] = []
    for n, piece in enumerate(pieces, 1):
        digest.update(piece.encode())
        digest.update(b"\x00")
        if n >= OPENAI_MIN_TOKENS and (n - OPENAI_MIN_TOKENS) % OPENAI_INCREMENT == 0:
            boundaries.append((n, digest.copy().digest()))
    cached = 0
    for n, key in reversed(boundaries):
        if lru.hit(key):
            cached = n
            break
    lru.add(key for _, key in boundaries)
    return cached


@dataclass(frozen=True)
class Breakpoint:
    """Tokens of the prompt up to a cache_control block, and that block's TTL ("5m"/"1h")."""

    tokens: int
    ttl: str
    key: bytes


@dataclass(frozen=True)
class AnthropicCacheUse:
    """Cache tokens of one request: read from a previous write, or written now."""

    read: int = 0
    created: int = 0
    created_1h: int = 0


def anthropic_cache_use(
    lru: PrefixLRU, points: list[Breakpoint], min_tokens: int
) -> AnthropicCacheUse:
    """Longest breakpoint prefix seen before is read; the rest up to the last one is written."""
    usable = [p for p in points if p.tokens >= min_tokens]
    if not usable:
        return AnthropicCacheUse()
    read = 0
    for point in reversed(usable):
        if lru.hit(point.key):
            read = point.tokens
            break
    last = usable[-1]
    created = max(0, last.tokens - read)
    lru.add(p.key for p in usable)
    return AnthropicCacheUse(read, created, created if last.ttl == "1h" else 0)
