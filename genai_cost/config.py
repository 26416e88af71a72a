"""Settings of the cost engine, read from GENAI_COST_* environment variables.

Bad values stop start-up with a ConfigError naming the variable, never a silent default.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlparse

DEFAULT_REFRESH_URL = (
    "https://raw.githubusercontent.com/BerriAI/litellm/main/model_prices_and_context_window.json"
)
DEFAULT_TTL_SECONDS = 86_400.0
DEFAULT_TIMEOUT_SECONDS = 10.0
_TRUE = frozenset({"1", "true", "yes", "on"})
_FALSE = frozenset({"0", "false", "no", "off", ""})


class ConfigError(ValueError):
    """A GENAI_COST_* setting (or the file it names) is invalid; the message names it."""


@dataclass(frozen=True, slots=True)
class Settings:
    """Validated configuration of the pricing database and its refresher."""

    refresh: bool = False
    refresh_url: str = DEFAULT_REFRESH_URL
    refresh_ttl_seconds: float = DEFAULT_TTL_SECONDS
    refresh_timeout_seconds: float = DEFAULT_TIMEOUT_SECONDS
    cache_dir: Path = Path.home() / ".cache" / "genai_cost"
    overrides_file: Path | None = None

    @classmethod
    def from_env(cls, environ: Mapping[str, str] | None = None) -> Settings:
        """Read and validate every GENAI_COST_* variable (os.environ when none given)."""
        env = os.environ if environ is None else environ
        return cls(
            refresh=_flag(env, "GENAI_COST_REFRESH"),
            refresh_url=_url(env, "GENAI_COST_REFRESH_URL"),
            refresh_ttl_seconds=_positive(
                env, "GENAI_COST_REFRESH_TTL_SECONDS", DEFAULT_TTL_SECONDS
            ),
            refresh_timeout_seconds=_positive(
                env, "GENAI_COST_REFRESH_TIMEOUT_SECONDS", DEFAULT_TIMEOUT_SECONDS
            ),
            cache_dir=_cache_dir(env),
            overrides_file=_optional_file(env, "GENAI_COST_OVERRIDES_FILE"),
        )

    @property
    def cache_file(self) -> Path:
        """Where the last good fetched table is kept (written atomically)."""
        return self.cache_dir / "model_prices.json"


def _flag(env: Mapping[str, str], name: str) -> bool:
    raw = env.get(name, "").strip().lower()
    if raw in _TRUE:
        return True
    if raw in _FALSE:
        return False
    raise ConfigError(f"{name}={env[name]!r}: expected one of on/off, true/false, 1/0")


def _url(env: Mapping[str, str], name: str) -> str:
    raw = env.get(name, "").strip() or DEFAULT_REFRESH_URL
    parsed = urlparse(raw)
    if parsed.scheme not in ("http", "https") or not parsed.netloc:
        raise ConfigError(f"{name}={raw!r}: expected an http:// or https:// URL")
    return raw


def _positive(env: Mapping[str, str], name: str, default: float) -> float:
    raw = env.get(name, "").strip()
    if not raw:
        return default
    try:
        value = float(raw)
    except ValueError:
        raise ConfigError(f"{name}={raw!r}: expected a number of seconds") from None
    if not value > 0 or value == float("inf"):
        raise ConfigError(f"{name}={raw!r}: expected a positive, finite number of seconds")
    return value


def _cache_dir(env: Mapping[str, str]) -> Path:
    raw = env.get("GENAI_COST_CACHE_DIR", "").strip()
    if raw:
        return Path(raw).expanduser()
    xdg = env.get("XDG_CACHE_HOME", "").strip()
    return (Path(xdg) if xdg else Path.home() / ".cache") / "genai_cost"


def _optional_file(env: Mapping[str, str], name: str) -> Path | None:
    raw = env.get(name, "").strip()
    if not raw:
        return None
    path = Path(raw).expanduser()
    if not path.is_file():
        raise ConfigError(f"{name}={raw!r}: no such file")
    return path
