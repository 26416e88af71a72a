"""Settings of the app, read once from the environment; a bad value stops start-up, named."""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass, field

# Every project-specific variable starts with this prefix; the SDKs and OTel keep their own names.
PREFIX = "LLMOBS_"

# Used as the API key when a base URL points at llmsim and no real key is set: llmsim accepts any
# non-empty key, while the SDKs refuse to start without one.
SIMULATOR_PLACEHOLDER_KEY = "llmsim-no-key"


class ConfigError(ValueError):
    """A setting is missing or invalid; the message names the variable and how to fix it."""


@dataclass(frozen=True)
class AgentModels:
    """Which model each agent uses: the one place to change them (all in the pricing table)."""

    coordinator: str = "gpt-5.4"
    chef: str = "claude-sonnet-4-6"
    nutritionist: str = "claude-haiku-4-5"
    sommelier: str = "gpt-5.4-nano"
    recipe_openai: str = "gpt-5.4-mini"
    recipe_anthropic: str = "claude-sonnet-4-6"


@dataclass(frozen=True)
class ProviderEndpoint:
    """API key and optional base URL of one provider, as the SDK will receive them."""

    api_key: str
    base_url: str | None


@dataclass(frozen=True)
class RetryPolicy:
    """Bounded retries of provider calls: attempts in all, exponential backoff with full jitter."""

    max_attempts: int = 3
    base_delay_s: float = 0.5
    max_delay_s: float = 8.0
    timeout_s: float = 30.0


@dataclass(frozen=True)
class Settings:
    """Everything the app reads from its environment."""

    openai: ProviderEndpoint
    anthropic: ProviderEndpoint
    user_hash_key: bytes
    service_name: str = "menu-designer"
    port: int = 5001
    trace_content: bool = False
    telemetry_enabled: bool = True
    models: AgentModels = field(default_factory=AgentModels)
    retry: RetryPolicy = field(default_factory=RetryPolicy)
    batch_max_items: int = 10
    batch_concurrency: int = 4

    @classmethod
    def from_env(cls, env: Mapping[str, str] | None = None) -> Settings:
        """Read and validate the settings; raise ConfigError naming the first bad variable."""
        env = os.environ if env is None else env
        hash_key = env.get(f"{PREFIX}USER_HASH_KEY", "")
        if len(hash_key) < 16:
            raise ConfigError(
                f"{PREFIX}USER_HASH_KEY must be set to a secret of at least 16 characters: it keys "
                "the hash that pseudonymises user ids (`make env` generates one into .env)."
            )
        defaults = AgentModels()
        models = AgentModels(
            **{
                name: _model(env, f"{PREFIX}MODEL_{name.upper()}", getattr(defaults, name))
                for name in AgentModels.__dataclass_fields__
            }
        )
        retry = RetryPolicy(
            max_attempts=_int(env, f"{PREFIX}RETRY_MAX_ATTEMPTS", 3, 1, 10),
            base_delay_s=_float(env, f"{PREFIX}RETRY_BASE_DELAY_SECONDS", 0.5, 0.0, 30.0),
            max_delay_s=_float(env, f"{PREFIX}RETRY_MAX_DELAY_SECONDS", 8.0, 0.0, 120.0),
            timeout_s=_float(env, f"{PREFIX}LLM_TIMEOUT_SECONDS", 30.0, 0.1, 600.0),
        )
        return cls(
            openai=_endpoint(env, "OPENAI"),
            anthropic=_endpoint(env, "ANTHROPIC"),
            user_hash_key=hash_key.encode(),
            service_name=env.get("OTEL_SERVICE_NAME") or "menu-designer",
            port=_int(env, "PORT", 5001, 1, 65535),
            trace_content=_bool(env, "TRACELOOP_TRACE_CONTENT", False),
            # The standard switch; benchmarks use it to measure the uninstrumented baseline.
            telemetry_enabled=not _bool(env, "OTEL_SDK_DISABLED", False),
            models=models,
            retry=retry,
            batch_max_items=_int(env, f"{PREFIX}BATCH_MAX_ITEMS", 10, 1, 10),
            batch_concurrency=_int(env, f"{PREFIX}BATCH_CONCURRENCY", 4, 1, 16),
        )


def _endpoint(env: Mapping[str, str], provider: str) -> ProviderEndpoint:
    key = env.get(f"{provider}_API_KEY", "").strip()
    base_url = env.get(f"{provider}_BASE_URL", "").strip() or None
    if not key and not base_url:
        raise ConfigError(
            f"Neither {provider}_API_KEY nor {provider}_BASE_URL is set. For keyless runs start "
            f"the simulator (`python -m llmsim --port 8099`) and set {provider}_BASE_URL="
            + ("http://127.0.0.1:8099/v1" if provider == "OPENAI" else "http://127.0.0.1:8099")
            + f"; for the real API set {provider}_API_KEY."
        )
    if base_url and not base_url.startswith(("http://", "https://")):
        raise ConfigError(f"{provider}_BASE_URL must be an http(s) URL, got {base_url!r}")
    return ProviderEndpoint(api_key=key or SIMULATOR_PLACEHOLDER_KEY, base_url=base_url)


def _model(env: Mapping[str, str], name: str, default: str) -> str:
    value = env.get(name, "").strip() or default
    if len(value) > 100 or not all(c.isalnum() or c in "._:/@-" for c in value):
        raise ConfigError(f"{name} is not a valid model name: {value!r}")
    return value


def _int(env: Mapping[str, str], name: str, default: int, low: int, high: int) -> int:
    raw = env.get(name, "").strip()
    if not raw:
        return default
    try:
        value = int(raw)
    except ValueError:
        raise ConfigError(f"{name} must be an integer, got {raw!r}") from None
    if not low <= value <= high:
        raise ConfigError(f"{name} must be between {low} and {high}, got {value}")
    return value


def _float(env: Mapping[str, str], name: str, default: float, low: float, high: float) -> float:
    raw = env.get(name, "").strip()
    if not raw:
        return default
    try:
        value = float(raw)
    except ValueError:
        raise ConfigError(f"{name} must be a number, got {raw!r}") from None
    if not low <= value <= high:
        raise ConfigError(f"{name} must be between {low} and {high}, got {value}")
    return value


def _bool(env: Mapping[str, str], name: str, default: bool) -> bool:
    raw = env.get(name, "").strip().lower()
    if not raw:
        return default
    if raw in ("true", "1", "yes"):
        return True
    if raw in ("false", "0", "no"):
        return False
    raise ConfigError(f"{name} must be true or false, got {raw!r}")
