"""Deterministic token approximation shared by prompt and completion counting.

A "token" is a run of up to 4 non-space characters with the whitespace before it, so English
text averages ~3-4 characters per token, close to real BPE tokenizers. Completions are cut and
streamed on the same boundaries, so counts, cuts and stream chunks always agree.
"""

from __future__ import annotations

import re

_TOKEN = re.compile(r"\s*\S{1,4}")

#: Overhead per chat message (role markers), like OpenAI's documented ~3-4 tokens per message.
MESSAGE_OVERHEAD = 3
#: Overhead per request (the assistant reply priming), as OpenAI counts it.
REQUEST_OVERHEAD = 3


def split_tokens(text: str) -> list[str]:
    """Split text into token pieces; joining them gives the text minus trailing whitespace."""
    return _TOKEN.findall(text)


def count_tokens(text: str) -> int:
    """Number of token pieces in text (0 for empty or blank text)."""
    return len(_TOKEN.findall(text))
