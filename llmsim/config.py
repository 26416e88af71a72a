"""Settings of the simulator: defaults, validation, and the names they go by in env and CLI.

Every field is settable as ``LLMSIM_<FIELD>`` (upper case) and ``--<field-with-dashes>``; the
runtime subset can also be changed through ``PUT /llmsim/config``. Invalid values raise
:class:`ConfigError` naming the setting, so start-up stops with a clear message.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

ENV_PREFIX = "LLMSIM_"

Rate = float


class LatencyProfile(BaseModel):
    """Time to first token and generation speed of one model family."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    ttft_ms: float = Field(ge=0, le=600_000)
    tokens_per_s: float = Field(gt=0, le=1_000_000)


DEFAULT_LATENCY: dict[str, LatencyProfile] = {
    "gpt-4o": LatencyProfile(ttft_ms=350, tokens_per_s=90),
    "gpt-4.1": LatencyProfile(ttft_ms=400, tokens_per_s=80),
    "gpt-5": LatencyProfile(ttft_ms=600, tokens_per_s=70),
    "o-series": LatencyProfile(ttft_ms=900, tokens_per_s=120),
    "claude-opus": LatencyProfile(ttft_ms=1200, tokens_per_s=40),
    "claude-sonnet": LatencyProfile(ttft_ms=700, tokens_per_s=70),
    "claude-haiku": LatencyProfile(ttft_ms=350, tokens_per_s=140),
    "default": LatencyProfile(ttft_ms=500, tokens_per_s=60),
}


class Settings(BaseModel):
    """All settings; the ones in RUNTIME_FIELDS may change while the server runs."""

    model_config = ConfigDict(extra="forbid", validate_assignment=True)

    host: str = Field(default="127.0.0.1", min_length=1)
    port: int = Field(default=8099, ge=0, le=65535)
    latency_scale: float = Field(default=1.0, ge=0, le=100)
    seed: int = Field(default=0, ge=0, le=2**63 - 1)
    fault_rate_429: Rate = Field(default=0.0, ge=0, le=1)
    fault_rate_500: Rate = Field(default=0.0, ge=0, le=1)
    fault_rate_503: Rate = Field(default=0.0, ge=0, le=1)
    fault_rate_529: Rate = Field(default=0.0, ge=0, le=1)
    fault_rate_timeout: Rate = Field(default=0.0, ge=0, le=1)
    fault_rate_truncate: Rate = Field(default=0.0, ge=0, le=1)
    review_reject_rate: Rate = Field(default=0.3, ge=0, le=1)
    pairing_incomplete_rate: Rate = Field(default=0.25, ge=0, le=1)
    plan_malformed_rate: Rate = Field(default=0.0, ge=0, le=1)
    retry_after_s: float = Field(default=1.0, ge=0, le=120)
    timeout_hang_s: float = Field(default=120.0, gt=0, le=3600)
    latency_profiles: dict[str, LatencyProfile] = Field(
        default_factory=lambda: dict(DEFAULT_LATENCY)
    )
    max_body_bytes: int = Field(default=4 * 1024 * 1024, ge=1024, le=256 * 1024 * 1024)
    max_tokens_cap: int = Field(default=32_768, ge=1, le=1_000_000)
    cache_entries: int = Field(default=4096, ge=1, le=10_000_000)
    anthropic_cache_min_tokens: int = Field(default=1024, ge=0, le=1_000_000)
    admin: Literal["loopback", "any", "off"] = "loopback"
    log_level: Literal["debug", "info", "warning", "error"] = "info"

    @model_validator(mode="after")
    def _fault_rates_sum(self) -> Settings:
        if sum(self.fault_rates().values()) > 1.0 + 1e-9:
            raise ValueError("fault_rate_* settings must add up to at most 1")
        if "default" not in self.latency_profiles:
            raise ValueError("latency_profiles must keep a 'default' profile")
        return self

    def fault_rates(self) -> dict[str, float]:
        """Global probability of each fault kind, keyed by the fault's name."""
        return {
            "429": self.fault_rate_429,
            "500": self.fault_rate_500,
            "503": self.fault_rate_503,
            "529": self.fault_rate_529,
            "timeout": self.fault_rate_timeout,
            "truncate": self.fault_rate_truncate,
        }


STARTUP_ONLY = frozenset({"host", "port", "max_body_bytes", "cache_entries", "admin", "log_level"})
RUNTIME_FIELDS = frozenset(Settings.model_fields) - STARTUP_ONLY


class ConfigError(ValueError):
    """A setting has an invalid value; the message names the setting and the problem."""


def env_name(field: str) -> str:
    """Environment variable of a setting."""
    return ENV_PREFIX + field.upper()


def cli_flag(field: str) -> str:
    """Command-line flag of a setting."""
    return "--" + field.replace("_", "-")


def _describe(err: ValidationError, style: str) -> str:
    """One line per invalid setting, named the way the user set it (env, cli or json)."""
    lines = []
    for item in err.errors():
        loc = [str(part) for part in item["loc"]]
        field = loc[0] if loc else "settings"
        if style == "env":
            name = env_name(field) if loc else "LLMSIM_* settings"
        elif style == "cli":
            name = f"{cli_flag(field)} / {env_name(field)}" if loc else "settings"
        else:
            name = ".".join(loc) if loc else "settings"
        lines.append(f"{name}: {item['msg']}")
    return "; ".join(lines)


def _decode_env(field: str, raw: str) -> Any:
    """Env values are strings; the JSON-valued setting is parsed here with a named error."""
    if field == "latency_profiles":
        try:
            return json.loads(raw)
        except json.JSONDecodeError as exc:
            raise ConfigError(f"{env_name(field)}: not valid JSON ({exc.msg})") from exc
    return raw


def from_sources(env: Mapping[str, str], cli: Mapping[str, Any]) -> Settings:
    """Build settings from env (LLMSIM_*) overridden by explicit CLI values."""
    values: dict[str, Any] = {}
    known = {env_name(f): f for f in Settings.model_fields}
    for key, raw in env.items():
        if not key.startswith(ENV_PREFIX) or not raw.strip():
            continue  # empty means "use the default", as everywhere in .env.example
        if key not in known:
            raise ConfigError(f"{key}: unknown setting (known: {', '.join(sorted(known))})")
        values[known[key]] = _decode_env(known[key], raw)
    for key, value in cli.items():
        if value is not None:
            values[key] = _decode_env(key, value) if key == "latency_profiles" else value
    if isinstance(values.get("latency_profiles"), dict):
        # profiles given by the user override the defaults family by family
        values["latency_profiles"] = {**DEFAULT_LATENCY, **values["latency_profiles"]}
    try:
        return Settings.model_validate(values)
    except ValidationError as err:
        raise ConfigError(_describe(err, "cli" if any(cli.values()) else "env")) from None


def updated(current: Settings, patch: object) -> Settings:
    """A copy of current with a partial JSON update applied; ConfigError on bad input."""
    if not isinstance(patch, dict):
        raise ConfigError("body: expected a JSON object of settings")
    frozen = sorted(set(patch) & STARTUP_ONLY)
    if frozen:
        raise ConfigError(f"{', '.join(frozen)}: can only be set at start-up")
    unknown = sorted(set(patch) - set(Settings.model_fields))
    if unknown:
        raise ConfigError(f"{', '.join(unknown)}: unknown setting")
    data = current.model_dump()
    data.update(patch)
    if "latency_profiles" in patch and isinstance(patch["latency_profiles"], dict):
        data["latency_profiles"] = {
            **current.model_dump()["latency_profiles"],
            **patch["latency_profiles"],
        }
    try:
        return Settings.model_validate(data)
    except ValidationError as err:
        raise ConfigError(_describe(err, "json")) from None
