"""Token approximation and the two prompt-cache models (pure Python)."""

from __future__ import annotations

import hashlib

from hypothesis import given
from hypothesis import strategies as st

from llmsim.prompt_cache import Breakpoint, PrefixLRU, anthropic_cache_use, openai_cached_tokens
from llmsim.tokens import count_tokens, split_tokens


def test_token_pieces() -> None:
    assert split_tokens("hello world") == ["hell", "o", " worl", "d"]
    assert count_tokens("") == 0 and count_tokens("   ") == 0
    assert count_tokens("a b c") == 3


@given(st.text(max_size=300))
def test_pieces_rebuild_text_and_match_count(text: str) -> None:
    pieces = split_tokens(text)
    assert "".join(pieces) == text.rstrip() or not text.strip()
    assert len(pieces) == count_tokens(text)
    assert all(len(p.strip()) <= 4 for p in pieces)


def test_openai_prefix_cache_increments() -> None:
    lru = PrefixLRU(100)
    prompt = [f"t{n}" for n in range(1500)]
    assert openai_cached_tokens(lru, "m", prompt) == 0
    assert openai_cached_tokens(lru, "m", prompt) == 1024 + 3 * 128  # 1408 <= 1500
    changed = prompt[:1200] + ["x"] * 300
    assert openai_cached_tokens(lru, "m", changed) == 1152  # the shared prefix, rounded down
    assert openai_cached_tokens(lru, "other-model", prompt) == 0
    assert openai_cached_tokens(lru, "m", prompt[:1000]) == 0  # under the 1024 minimum


def test_lru_is_bounded() -> None:
    lru = PrefixLRU(3)
    lru.add([b"a", b"b", b"c"])
    assert lru.hit(b"a")  # a becomes most recent
    lru.add([b"d"])
    assert len(lru) == 3 and not lru.hit(b"b") and lru.hit(b"a")


def point(tokens: int, tag: str, ttl: str = "5m") -> Breakpoint:
    return Breakpoint(tokens, ttl, hashlib.sha256(tag.encode()).digest())


def test_anthropic_write_read_and_minimum() -> None:
    lru = PrefixLRU(100)
    points = [point(1500, "sys"), point(2200, "sys+doc")]
    first = anthropic_cache_use(lru, points, 1024)
    assert (first.read, first.created) == (0, 2200)
    again = anthropic_cache_use(lru, points, 1024)
    assert (again.read, again.created) == (2200, 0)
    extended = anthropic_cache_use(lru, [points[0], point(3000, "sys+other", "1h")], 1024)
    assert (extended.read, extended.created, extended.created_1h) == (1500, 1500, 1500)
    assert anthropic_cache_use(lru, [point(500, "small")], 1024).created == 0
