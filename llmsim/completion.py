"""Provider-neutral completion: the reply text, its token pieces, cut at the max_tokens budget."""

from __future__ import annotations

import random
from dataclasses import dataclass

from llmsim.config import Settings
from llmsim.content import Branches, write_reply
from llmsim.conversation import Conversation
from llmsim.latency import is_reasoning_model
from llmsim.tokens import split_tokens

_SCENARIOS = {
    "review": {"reject": True, "approve": False},
    "pairing": {"incomplete": True, "complete": False},
    "plan": {"malformed": True, "valid": False},
}


class ScenarioError(ValueError):
    """The x-llmsim-scenario header is invalid; the message says which part."""


@dataclass(frozen=True)
class Completion:
    """What the model 'generated': visible token pieces, hidden reasoning, and why it stopped."""

    kind: str
    pieces: tuple[str, ...]
    reasoning_tokens: int
    cut: bool

    @property
    def text(self) -> str:
        """The visible reply text."""
        return "".join(self.pieces)

    @property
    def output_tokens(self) -> int:
        """Visible plus reasoning tokens (what the providers bill as output)."""
        return len(self.pieces) + self.reasoning_tokens


def parse_scenario(value: str | None) -> dict[str, bool]:
    """Parse `review=reject|approve,pairing=incomplete|complete,plan=malformed|valid`."""
    forced: dict[str, bool] = {}
    if not value or not value.strip():
        return forced
    for part in value.split(","):
        name, sep, choice = part.strip().lower().partition("=")
        if not sep or name not in _SCENARIOS or choice not in _SCENARIOS[name]:
            allowed = "; ".join(f"{k}={'|'.join(v)}" for k, v in _SCENARIOS.items())
            raise ScenarioError(f"x-llmsim-scenario: cannot parse {part.strip()!r} (use {allowed})")
        forced[name] = _SCENARIOS[name][choice]
    return forced


def complete(
    conv: Conversation, settings: Settings, forced: dict[str, bool], max_tokens: int | None
) -> Completion:
    """Write the reply with the request's PRNG and cut it to the output-token budget."""
    rng = random.Random(conv.digest(settings.seed))
    branches = Branches(
        review_reject_rate=settings.review_reject_rate,
        pairing_incomplete_rate=settings.pairing_incomplete_rate,
        plan_malformed_rate=settings.plan_malformed_rate,
        force_reject=forced.get("review"),
        force_incomplete=forced.get("pairing"),
        force_malformed=forced.get("plan"),
    )
    kind, text = write_reply(conv, rng, branches)
    pieces = split_tokens(text)
    reasoning = rng.randint(64, 320) if is_reasoning_model(conv.model) else 0
    budget = max_tokens if max_tokens is not None else settings.max_tokens_cap
    # hidden reasoning leaves room for the answer when the budget allows it, but always takes at
    # least a quarter of the budget: a tight budget still cuts the answer, as with real models
    reasoning = min(reasoning, max(budget - len(pieces), budget // 4))
    visible = budget - reasoning
    cut = len(pieces) > visible
    return Completion(kind, tuple(pieces[:visible]), reasoning, cut)
