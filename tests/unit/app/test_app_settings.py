"""Start-up configuration: a bad or missing setting stops start-up with a message naming it."""

import pytest

from app.settings import SIMULATOR_PLACEHOLDER_KEY, ConfigError, Settings

BASE = {
    "LLMOBS_USER_HASH_KEY": "k" * 32,
    "OPENAI_BASE_URL": "http://127.0.0.1:8099/v1",
    "ANTHROPIC_BASE_URL": "http://127.0.0.1:8099",
}


def test_base_urls_without_keys_use_the_simulator_placeholder() -> None:
    s = Settings.from_env(BASE)
    assert s.openai.api_key == SIMULATOR_PLACEHOLDER_KEY
    assert s.anthropic.base_url == "http://127.0.0.1:8099"
    assert s.trace_content is False


def test_no_key_and_no_base_url_fails_with_guidance() -> None:
    env = {k: v for k, v in BASE.items() if k != "OPENAI_BASE_URL"}
    with pytest.raises(ConfigError, match=r"OPENAI_API_KEY.*OPENAI_BASE_URL.*llmsim"):
        Settings.from_env(env)


def test_real_keys_without_base_urls_are_enough() -> None:
    s = Settings.from_env(
        {"LLMOBS_USER_HASH_KEY": "k" * 32, "OPENAI_API_KEY": "sk-x", "ANTHROPIC_API_KEY": "a"}
    )
    assert (s.openai.api_key, s.openai.base_url) == ("sk-x", None)


@pytest.mark.parametrize(
    ("name", "value"),
    [
        ("LLMOBS_USER_HASH_KEY", "short"),
        ("PORT", "http"),
        ("PORT", "70000"),
        ("TRACELOOP_TRACE_CONTENT", "maybe"),
        ("LLMOBS_RETRY_MAX_ATTEMPTS", "0"),
        ("LLMOBS_MODEL_CHEF", "bad model name!"),
        ("OPENAI_BASE_URL", "ftp://x"),
    ],
)
def test_bad_values_name_the_variable(name: str, value: str) -> None:
    with pytest.raises(ConfigError, match=name.split("_BASE")[0]):
        Settings.from_env({**BASE, name: value})


def test_models_come_from_one_place_and_can_be_overridden() -> None:
    s = Settings.from_env({**BASE, "LLMOBS_MODEL_SOMMELIER": "gpt-4.1-mini"})
    assert s.models.sommelier == "gpt-4.1-mini"
    assert s.models.chef.startswith("claude-")
