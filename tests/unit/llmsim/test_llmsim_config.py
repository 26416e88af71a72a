"""Settings from env and CLI, runtime updates, and errors that name the setting."""

from __future__ import annotations

from pathlib import Path

import pytest

from llmsim.cli import load_settings
from llmsim.config import ConfigError, Settings, env_name, from_sources, updated


def test_defaults_are_safe() -> None:
    s = from_sources({}, {})
    assert s.host == "127.0.0.1" and s.admin == "loopback" and s.port == 8099
    assert s.review_reject_rate == 0.3 and s.pairing_incomplete_rate == 0.25
    assert "default" in s.latency_profiles


def test_env_then_cli_precedence(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("LLMSIM_LATENCY_SCALE", "0.5")
    monkeypatch.setenv("LLMSIM_SEED", "3")
    s = load_settings(["--seed", "9", "--port", "0"])
    assert s.latency_scale == 0.5 and s.seed == 9 and s.port == 0


def test_empty_env_values_mean_default() -> None:
    s = from_sources({"LLMSIM_HOST": "", "LLMSIM_LATENCY_SCALE": " "}, {})
    assert s.host == "127.0.0.1" and s.latency_scale == 1.0


def test_latency_profiles_from_env_merge_with_defaults() -> None:
    s = from_sources(
        {"LLMSIM_LATENCY_PROFILES": '{"gpt-4o": {"ttft_ms": 1, "tokens_per_s": 2}}'}, {}
    )
    assert s.latency_profiles["gpt-4o"].tokens_per_s == 2
    assert "claude-opus" in s.latency_profiles


@pytest.mark.parametrize(
    ("env", "named"),
    [
        ({"LLMSIM_LATENCY_SCALE": "-1"}, "LLMSIM_LATENCY_SCALE"),
        ({"LLMSIM_FAULT_RATE_429": "0.6", "LLMSIM_FAULT_RATE_500": "0.6"}, "fault_rate_"),
        ({"LLMSIM_ADMIN": "yes"}, "LLMSIM_ADMIN"),
        ({"LLMSIM_NOPE": "1"}, "LLMSIM_NOPE"),
        ({"LLMSIM_MAX_BODY_BYTES": "10"}, "LLMSIM_MAX_BODY_BYTES"),
    ],
)
def test_env_errors_name_the_variable(env: dict[str, str], named: str) -> None:
    with pytest.raises(ConfigError, match=named):
        from_sources(env, {})


def test_runtime_update_is_validated_and_partial() -> None:
    base = Settings()
    new = updated(base, {"seed": 4, "fault_rate_timeout": 0.1})
    assert (new.seed, new.fault_rate_timeout, new.review_reject_rate) == (4, 0.1, 0.3)
    assert base.seed == 0  # the original is untouched
    with pytest.raises(ConfigError, match="host"):
        updated(base, {"host": "0.0.0.0"})
    with pytest.raises(ConfigError, match="retry_after_s"):
        updated(base, {"retry_after_s": "soon"})


def test_env_example_lists_every_setting() -> None:
    text = (Path(__file__).resolve().parents[3] / ".env.example").read_text()
    missing = [env_name(f) for f in Settings.model_fields if f"\n{env_name(f)}=" not in text]
    assert missing == []
    # every LLMSIM_* line there is a setting llmsim knows (start-up refuses unknown ones)
    listed = {line.split("=")[0] for line in text.splitlines() if line.startswith("LLMSIM_")}
    assert listed <= {env_name(f) for f in Settings.model_fields}
