"""Token usage of one LLM call, with the GenAI semantic conventions' inclusive semantics."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Usage:
    """Token counts of one call.

    input_tokens includes cache reads and writes; output_tokens includes reasoning;
    cache_write_1h_tokens is the part of cache_write_tokens written with a 1-hour TTL.
    """

    input_tokens: int = 0
    output_tokens: int = 0
    cache_read_tokens: int = 0
    cache_write_tokens: int = 0
    reasoning_tokens: int = 0
    cache_write_1h_tokens: int = 0

    def __post_init__(self) -> None:
        for name in self.__slots__:
            value = getattr(self, name)
            if type(value) is not int or value < 0:  # bool is rejected too
                raise ValueError(f"{name} must be a non-negative integer, got {value!r}")

    @property
    def uncached_input_tokens(self) -> int:
        """Input tokens neither read from nor written to the cache (never negative)."""
        return max(0, self.input_tokens - self.cache_read_tokens - self.cache_write_tokens)

    @property
    def text_output_tokens(self) -> int:
        """Output tokens that are not reasoning (never negative)."""
        return max(0, self.output_tokens - self.reasoning_tokens)
