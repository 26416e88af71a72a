"""Model resolution: every rule, provider awareness, and never a guess."""

from __future__ import annotations

import pytest

from genai_cost import Overrides, PricingDatabase
from genai_cost.resolve import Resolver, normalize_provider
from genai_cost.snapshot import load_snapshot


@pytest.mark.parametrize(
    ("name", "provider", "key", "rule"),
    [
        ("gpt-4o-mini", "openai", "gpt-4o-mini", "exact"),
        ("gpt-4o-mini", None, "gpt-4o-mini", "exact"),
        ("GPT-4o-Mini", "openai", "gpt-4o-mini", "case-insensitive"),
        ("gpt-4o", "azure", "azure/gpt-4o", "provider-prefixed"),
        ("gpt-4o", "azure.ai.openai", "azure/gpt-4o", "provider-prefixed"),
        ("openai/gpt-4o-mini", None, "gpt-4o-mini", "stripped-prefix"),
        ("openrouter-style/gpt-4o-mini", None, "gpt-4o-mini", "stripped-prefix"),
        ("gpt-4o-mini-2099-01-01", "openai", "gpt-4o-mini", "stripped-date"),
        ("claude-sonnet-4-5-20990101", "anthropic", "claude-sonnet-4-5", "stripped-date"),
        ("claude-sonnet-4-5@20990101", "anthropic", "claude-sonnet-4-5", "stripped-date"),
        (
            "ft:gpt-4o-mini-2024-07-18:acme::abc123",
            "openai",
            "ft:gpt-4o-mini-2024-07-18",
            "fine-tune-base",
        ),
    ],
)
def test_rules(db: PricingDatabase, name: str, provider: str | None, key: str, rule: str) -> None:
    found = db.resolve(name, provider)
    assert (found.key, found.rule) == (key, rule)
    assert key in db.catalog.entries


def test_bedrock_region_keeps_its_own_rate(db: PricingDatabase) -> None:
    own = "us.anthropic.claude-sonnet-4-5-20250929-v1:0"
    assert db.resolve(own, "aws.bedrock").key == own  # the table lists the regional key
    found = db.resolve("apac.anthropic.claude-sonnet-4-5-20250929-v1:0", "aws.bedrock")
    assert found.key == "anthropic.claude-sonnet-4-5-20250929-v1:0"
    assert found.rule == "bedrock-region-stripped"


def test_unknown_and_wrong_provider_are_unpriced(db: PricingDatabase) -> None:
    assert db.resolve("no-such-model", "openai").key is None
    assert db.resolve("", "openai").key is None
    assert db.resolve("gpt", "openai").key is None  # never a substring / prefix guess
    assert db.resolve("4o-mini", "openai").key is None
    # a bare key of another provider's family never prices this provider's call
    assert db.resolve("gpt-4o-mini", "anthropic").key is None


def test_unknown_provider_does_not_constrain(db: PricingDatabase) -> None:
    assert db.resolve("gpt-4o-mini", "llmsim").key == "gpt-4o-mini"


def test_ambiguous_case_is_unpriced() -> None:
    table = load_snapshot()
    entries = {"Model-X": {"input_cost_per_token": 1.0}, "model-x": {"input_cost_per_token": 2.0}}
    resolver = Resolver({**table.entries, **entries}, {})
    assert resolver.resolve("Model-X").key == "Model-X"  # exact still wins
    found = resolver.resolve("MODEL-X")
    assert (found.key, found.rule) == (None, "ambiguous")


def test_aliases_from_overrides() -> None:
    overrides = Overrides.from_mapping({"aliases": {"prod-eastus-4o": "gpt-4o"}})
    db = PricingDatabase(overrides=overrides)
    found = db.resolve("prod-eastus-4o", "azure")
    assert (found.key, found.rule) == ("azure/gpt-4o", "alias")
    assert db.resolve("PROD-EASTUS-4O", None).key == "gpt-4o"


def test_memoised(db: PricingDatabase) -> None:
    first = db.resolve("gpt-4o-mini-2099-01-01", "openai")
    assert db.resolve("gpt-4o-mini-2099-01-01", "openai") is first


def test_normalize_provider() -> None:
    assert normalize_provider("AWS.Bedrock") == "bedrock"
    assert normalize_provider("Anthropic") == "anthropic"
    assert normalize_provider(None) is None
