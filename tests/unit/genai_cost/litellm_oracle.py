"""LiteLLM's own cost calculator as a test oracle; run with .venv-oracle/bin/python.

stdin: a JSON list of cases {key, provider, input_tokens, output_tokens, cache_read_tokens,
cache_write_tokens, cache_write_1h_tokens, reasoning_tokens, service_tier, batch}.
stdout: {"sha256": <of the pricing JSON LiteLLM loaded>, "results": [[prompt_usd, completion_usd]
or {"error": ...}, ...]}. Token semantics are the inclusive ones (OpenAI-style usage object).
"""

from __future__ import annotations

import contextlib
import datetime as dt
import hashlib
import json
import os
import sys
from pathlib import Path
from typing import Any

os.environ["LITELLM_LOCAL_MODEL_COST_MAP"] = "True"  # never fetch: price from the bundled file

import litellm
from litellm._internal_context import pinned_billing_time
from litellm.types.utils import (
    CacheCreationTokenDetails,
    CompletionTokensDetailsWrapper,
    PromptTokensDetailsWrapper,
    Usage,
)


def usage_of(case: dict[str, Any]) -> Usage:
    """LiteLLM's usage object for one case: prompt includes cache, completion includes reasoning."""
    read, write = case.get("cache_read_tokens", 0), case.get("cache_write_tokens", 0)
    write_1h, reasoning = case.get("cache_write_1h_tokens", 0), case.get("reasoning_tokens", 0)
    prompt_details = None
    if read or write:
        details = None
        if write_1h:
            details = CacheCreationTokenDetails(
                ephemeral_5m_input_tokens=write - write_1h, ephemeral_1h_input_tokens=write_1h
            )
        prompt_details = PromptTokensDetailsWrapper(
            cached_tokens=read or None,
            cache_creation_tokens=write or None,
            cache_creation_token_details=details,
        )
    completion_details = None
    if reasoning:
        completion_details = CompletionTokensDetailsWrapper(reasoning_tokens=reasoning)
    return Usage(
        prompt_tokens=case["input_tokens"],
        completion_tokens=case["output_tokens"],
        total_tokens=case["input_tokens"] + case["output_tokens"],
        prompt_tokens_details=prompt_details,
        completion_tokens_details=completion_details,
    )


def price(case: dict[str, Any]) -> list[float] | dict[str, str]:
    """(prompt, completion) USD from litellm.cost_per_token, or the error it raised.

    A case's "at" (ISO 8601) pins LiteLLM's billing clock (off-peak rates).
    """
    at = case.get("at")
    moment = dt.datetime.fromisoformat(at) if at else dt.datetime.now(dt.UTC)
    try:
        with pinned_billing_time(moment):
            return _price(case)
    except Exception as exc:  # reported, the test decides
        return {"error": f"{type(exc).__name__}: {exc}"}


def _price(case: dict[str, Any]) -> list[float]:
    prompt, completion = litellm.cost_per_token(
        model=case["key"],
        custom_llm_provider=case["provider"],
        usage_object=usage_of(case),
        prompt_tokens=case["input_tokens"],
        completion_tokens=case["output_tokens"],
        service_tier=case.get("service_tier"),
        call_type="retrieve_batch" if case.get("batch") else "completion",
    )
    return [float(prompt), float(completion)]


def main() -> None:
    """Read cases from stdin, write LiteLLM's results to stdout."""
    cases = json.load(sys.stdin)
    table = Path(litellm.__file__).parent / "model_prices_and_context_window_backup.json"
    real_stdout = sys.stdout
    with contextlib.redirect_stdout(sys.stderr):  # LiteLLM prints; keep stdout pure JSON
        results = [price(case) for case in cases]
    out = {"sha256": hashlib.sha256(table.read_bytes()).hexdigest(), "results": results}
    json.dump(out, real_stdout)


if __name__ == "__main__":
    main()
