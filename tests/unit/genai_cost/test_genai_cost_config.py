"""Configuration (GENAI_COST_*) and overrides: bad values stop start-up naming the setting."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from genai_cost import ConfigError, Overrides, PricingDatabase, Settings, Usage, calculate_cost
from genai_cost.config import DEFAULT_REFRESH_URL


def test_defaults_are_offline_and_quiet() -> None:
    s = Settings.from_env({"HOME": "/home/x"})
    assert s.refresh is False
    assert s.refresh_url == DEFAULT_REFRESH_URL
    assert s.refresh_ttl_seconds == 86_400
    assert s.overrides_file is None


def test_values_are_read(tmp_path: Path) -> None:
    overrides = tmp_path / "o.json"
    overrides.write_text("{}")
    s = Settings.from_env(
        {
            "GENAI_COST_REFRESH": "on",
            "GENAI_COST_REFRESH_URL": "http://127.0.0.1:9/p.json",
            "GENAI_COST_REFRESH_TTL_SECONDS": "60",
            "GENAI_COST_REFRESH_TIMEOUT_SECONDS": "2.5",
            "GENAI_COST_CACHE_DIR": str(tmp_path),
            "GENAI_COST_OVERRIDES_FILE": str(overrides),
        }
    )
    assert (s.refresh, s.refresh_ttl_seconds, s.refresh_timeout_seconds) == (True, 60, 2.5)
    assert s.cache_file == tmp_path / "model_prices.json" and s.overrides_file == overrides


@pytest.mark.parametrize(
    ("name", "value"),
    [
        ("GENAI_COST_REFRESH", "maybe"),
        ("GENAI_COST_REFRESH_URL", "file:///etc/passwd"),
        ("GENAI_COST_REFRESH_URL", "not a url"),
        ("GENAI_COST_REFRESH_TTL_SECONDS", "0"),
        ("GENAI_COST_REFRESH_TTL_SECONDS", "soon"),
        ("GENAI_COST_REFRESH_TIMEOUT_SECONDS", "-1"),
        ("GENAI_COST_REFRESH_TTL_SECONDS", "inf"),
        ("GENAI_COST_OVERRIDES_FILE", "/no/such/overrides.json"),
    ],
)
def test_bad_setting_names_itself(name: str, value: str) -> None:
    with pytest.raises(ConfigError, match=name):
        PricingDatabase.from_env({name: value})


def write(tmp_path: Path, data: object) -> Path:
    path = tmp_path / "overrides.json"
    path.write_text(json.dumps(data))
    return path


def test_overrides_self_hosted_discount_and_alias(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        {
            "models": {
                "acme-llama-70b": {
                    "input_cost_per_token": 1e-07,
                    "output_cost_per_token": 2e-07,
                    "litellm_provider": "openai",
                },
                "gpt-4o-mini": {"price_multiplier": 0.5},
            },
            "aliases": {"prod-mini": "gpt-4o-mini"},
        },
    )
    db = PricingDatabase.from_env({"GENAI_COST_OVERRIDES_FILE": str(path)})
    own = calculate_cost(db, "acme-llama-70b", "openai", Usage(1000, 100))
    assert own.total_usd == pytest.approx(1000 * 1e-07 + 100 * 2e-07, rel=1e-12)
    # negotiated discount: every rate of the entry (cache and batch ones too) scaled
    mini = calculate_cost(db, "prod-mini", "openai", Usage(1000, 100, cache_read_tokens=400))
    assert mini.model_resolved == "gpt-4o-mini" and mini.match == "alias"
    assert mini.total_usd == pytest.approx(0.5 * (600 * 1.5e-07 + 400 * 7.5e-08 + 100 * 6e-07))
    batch = calculate_cost(db, "gpt-4o-mini", "openai", Usage(1000, 0), batch=True)
    assert batch.total_usd == pytest.approx(0.5 * 1000 * 7.5e-08)
    assert db.info()["override_models"] == 2 and db.info()["aliases"] == 1


@pytest.mark.parametrize(
    ("data", "fragment"),
    [
        ([], "top level"),
        ({"modles": {}}, "unknown section"),
        ({"models": {"m": {"input_cost_per_token": -1}}}, "models.m.input_cost_per_token"),
        ({"models": {"m": {"input_cost_per_token": "cheap"}}}, "models.m.input_cost_per_token"),
        ({"models": {"m": {"price_multiplier": -0.5}}}, "models.m.price_multiplier"),
        ({"models": {"m": 3}}, "models.m must be an object"),
        ({"aliases": {"a": ""}}, "alias 'a'"),
    ],
)
def test_bad_overrides_name_the_problem(tmp_path: Path, data: object, fragment: str) -> None:
    path = write(tmp_path, data)
    with pytest.raises(ConfigError, match="GENAI_COST_OVERRIDES_FILE") as err:
        PricingDatabase.from_env({"GENAI_COST_OVERRIDES_FILE": str(path)})
    assert fragment in str(err.value)


def test_overrides_not_json(tmp_path: Path) -> None:
    path = tmp_path / "o.json"
    path.write_text("{nope")
    with pytest.raises(ConfigError, match="cannot read JSON"):
        Overrides.load(path)
