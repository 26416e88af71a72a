"""One way to call an LLM for every agent: the real SDKs, bounded retries, errors named by agent.

The SDKs' own retries are off (max_retries=0) so that each attempt is its own LLM span: a retry
after a 429 shows in the trace as a failed span followed by the next attempt, with
`llmobs.llm_attempt` on each. Retry policy: up to `RetryPolicy.max_attempts` attempts in all on
429, 5xx, 529, timeouts and connection errors; the wait honours the provider's `retry-after`
header (capped at max_delay_s), else exponential backoff with full jitter
(base_delay_s * 2**(attempt-1), capped). Other 4xx are not retried.
"""

from __future__ import annotations

import logging
import random
import re
import time
from collections.abc import Callable
from dataclasses import dataclass, replace
from functools import partial
from typing import Literal

import anthropic
import openai
from opentelemetry.util.types import AttributeValue

from app.attribution import AGENT, LLM_ATTEMPT, bound_attributes
from app.settings import Settings

log = logging.getLogger(__name__)

Provider = Literal["openai", "anthropic"]
FailureKind = Literal["rate_limited", "overloaded", "timeout", "unavailable", "rejected"]

# Temperature is sent only where the API takes it: OpenAI's reasoning models reject it, and the
# Anthropic Messages API (SDK 2.x) has no such parameter any more.
_NO_TEMPERATURE = re.compile(r"^(o\d|gpt-5)")


@dataclass(frozen=True)
class LLMReply:
    """What an agent gets back from one successful call."""

    text: str
    model: str
    input_tokens: int
    output_tokens: int
    finish_reason: str
    attempts: int


class ProviderCallError(Exception):
    """A provider call failed for good (after retries); safe to show: no upstream text inside."""

    def __init__(self, provider: Provider, agent: str, kind: FailureKind, attempts: int) -> None:
        super().__init__(f"{provider} call by {agent} failed ({kind}) after {attempts} attempt(s)")
        self.provider = provider
        self.agent = agent
        self.kind = kind
        self.attempts = attempts

    @property
    def http_status(self) -> int:
        """503 when the provider asked us to back off, 502 when it failed or timed out."""
        return 503 if self.kind in ("rate_limited", "overloaded") else 502


class LLMGateway:
    """Holds one client per provider and calls them with the retry policy."""

    def __init__(self, settings: Settings, sleep: Callable[[float], None] = time.sleep) -> None:
        self._retry = settings.retry
        self._sleep = sleep
        self._openai = openai.OpenAI(
            api_key=settings.openai.api_key,
            base_url=settings.openai.base_url,
            max_retries=0,
            timeout=settings.retry.timeout_s,
        )
        self._anthropic = anthropic.Anthropic(
            api_key=settings.anthropic.api_key,
            base_url=settings.anthropic.base_url,
            max_retries=0,
            timeout=settings.retry.timeout_s,
            # The SDK's own tracing would add a second, unlinked span per call (DESIGN.md).
            open_telemetry=False,
        )

    def chat(
        self,
        *,
        agent: str,
        provider: Provider,
        model: str,
        system: str,
        prompt: str,
        max_tokens: int,
        temperature: float | None = None,
    ) -> LLMReply:
        """Call `model` with a system and a user message; retry transient failures."""
        for attempt in range(1, self._retry.max_attempts + 1):
            attributes: dict[str, AttributeValue] = {AGENT: agent, LLM_ATTEMPT: attempt}
            with bound_attributes(**attributes):
                try:
                    call = self._call_openai if provider == "openai" else self._call_anthropic
                    reply = call(model, system, prompt, max_tokens, temperature)
                    return replace(reply, attempts=attempt)
                except (openai.APIError, anthropic.APIError) as exc:
                    kind, retry_after = _classify(exc)
                    log.warning(
                        "%s call by %s failed (%s), attempt %d", provider, agent, kind, attempt
                    )
                    if kind == "rejected" or attempt == self._retry.max_attempts:
                        raise ProviderCallError(provider, agent, kind, attempt) from exc
                    self._sleep(self._delay(attempt, retry_after))
        raise AssertionError("unreachable: the loop returns or raises")

    def _delay(self, attempt: int, retry_after: float | None) -> float:
        if retry_after is not None:
            return min(retry_after, self._retry.max_delay_s)
        ceiling = min(self._retry.base_delay_s * 2 ** (attempt - 1), self._retry.max_delay_s)
        return random.uniform(0, ceiling)

    def _call_openai(
        self, model: str, system: str, prompt: str, max_tokens: int, temperature: float | None
    ) -> LLMReply:
        create = partial(
            self._openai.chat.completions.create,
            model=model,
            messages=[
                {"role": "system", "content": system},
                {"role": "user", "content": prompt},
            ],
            max_completion_tokens=max_tokens,
        )
        # Leave the argument out rather than pass `openai.omit`: traceloop copies request
        # arguments onto the span and logs a warning for the sentinel on every call.
        if temperature is not None and not _NO_TEMPERATURE.match(model):
            response = create(temperature=temperature)
        else:
            response = create()
        choice = response.choices[0]
        usage = response.usage
        return LLMReply(
            text=choice.message.content or "",
            model=response.model,
            input_tokens=usage.prompt_tokens if usage else 0,
            output_tokens=usage.completion_tokens if usage else 0,
            finish_reason=choice.finish_reason or "",
            attempts=0,
        )

    def _call_anthropic(
        self, model: str, system: str, prompt: str, max_tokens: int, temperature: float | None
    ) -> LLMReply:
        message = self._anthropic.messages.create(
            model=model,
            system=system,
            messages=[{"role": "user", "content": prompt}],
            max_tokens=max_tokens,
        )
        text = "".join(block.text for block in message.content if block.type == "text")
        usage = message.usage
        return LLMReply(
            text=text,
            model=message.model,
            # Anthropic's input_tokens excludes cache reads/writes; ours is inclusive (GenAI conv.)
            input_tokens=usage.input_tokens
            + (usage.cache_read_input_tokens or 0)
            + (usage.cache_creation_input_tokens or 0),
            output_tokens=usage.output_tokens,
            finish_reason=message.stop_reason or "",
            attempts=0,
        )


def _classify(exc: openai.APIError | anthropic.APIError) -> tuple[FailureKind, float | None]:
    """Failure kind of an SDK exception and the provider's retry-after, if it gave one."""
    if isinstance(exc, openai.APITimeoutError | anthropic.APITimeoutError):
        return "timeout", None
    if isinstance(exc, openai.APIConnectionError | anthropic.APIConnectionError):
        return "unavailable", None
    status = getattr(exc, "status_code", None)
    retry_after = _retry_after(exc)
    if status == 429:
        return "rate_limited", retry_after
    if status in (503, 529):
        return "overloaded", retry_after
    if isinstance(status, int) and status >= 500:
        return "unavailable", retry_after
    return "rejected", None


def _retry_after(exc: openai.APIError | anthropic.APIError) -> float | None:
    response = getattr(exc, "response", None)
    if response is None:
        return None
    value = response.headers.get("retry-after")
    try:
        return max(0.0, float(value)) if value is not None else None
    except ValueError:
        return None
