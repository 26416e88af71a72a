"""Setup's settings, read once from the environment; a bad value stops setup naming the variable."""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

# Passwords setup itself assigns must be long: they are generated (64 hex characters) by
# `make env`, and a short one means a hand-written placeholder password.
MIN_ASSIGNED_PASSWORD_LENGTH = 16
DEFAULT_OBJECTS_DIR = Path(__file__).resolve().parent.parent / "kibana"


class ConfigError(ValueError):
    """A setting is missing or invalid; the message names the variable."""


@dataclass(frozen=True)
class SetupConfig:
    """Everything setup needs: where the services are, who to log in as, how long to wait."""

    elasticsearch_url: str
    kibana_url: str
    username: str
    password: str
    kibana_system_password: str
    apm_server_password: str
    manage_users: bool
    es_wait_s: float
    kibana_wait_s: float
    objects_dir: Path

    @classmethod
    def from_env(cls, env: Mapping[str, str] | None = None) -> SetupConfig:
        """Read and validate; raise ConfigError naming the first bad variable."""
        env = os.environ if env is None else env
        manage_users = _flag(env, "LLMOBS_SETUP_MANAGE_USERS", default=True)
        return cls(
            elasticsearch_url=_url(env, "ELASTICSEARCH_URL", "ES_PORT", 9200),
            kibana_url=_url(env, "KIBANA_URL", "KIBANA_PORT", 5601),
            username=env.get("ELASTIC_USERNAME", "").strip() or "elastic",
            password=_required(env, "ELASTIC_PASSWORD"),
            kibana_system_password=_assigned(env, "KIBANA_SYSTEM_PASSWORD", manage_users),
            apm_server_password=_assigned(env, "APM_SERVER_ES_PASSWORD", manage_users),
            manage_users=manage_users,
            es_wait_s=_seconds(env, "SETUP_ES_WAIT_SECONDS", 180),
            kibana_wait_s=_seconds(env, "SETUP_KIBANA_WAIT_SECONDS", 300),
            objects_dir=Path(env.get("LLMOBS_KIBANA_DIR", "") or DEFAULT_OBJECTS_DIR),
        )


def _required(env: Mapping[str, str], name: str) -> str:
    value = env.get(name, "")
    if not value:
        raise ConfigError(f"{name} is empty: run `make env` (or set it in .env) and retry")
    return value


def _assigned(env: Mapping[str, str], name: str, needed: bool) -> str:
    if not needed:
        return env.get(name, "")
    value = _required(env, name)
    if len(value) < MIN_ASSIGNED_PASSWORD_LENGTH:
        raise ConfigError(
            f"{name} is shorter than {MIN_ASSIGNED_PASSWORD_LENGTH} characters: "
            "let `make env` generate it (delete the line from .env first)"
        )
    return value


def _url(env: Mapping[str, str], name: str, port_name: str, default_port: int) -> str:
    value = env.get(name, "").strip()
    if not value:
        port = env.get(port_name, "").strip() or str(default_port)
        value = f"http://127.0.0.1:{port}"
    if not value.startswith(("http://", "https://")):
        raise ConfigError(f"{name} must be an http(s) URL, got {value!r}")
    return value.rstrip("/")


def _seconds(env: Mapping[str, str], name: str, default: int) -> float:
    raw = env.get(name, "").strip()
    if not raw:
        return float(default)
    try:
        value = float(raw)
    except ValueError:
        raise ConfigError(f"{name} must be a number of seconds, got {raw!r}") from None
    if value <= 0:
        raise ConfigError(f"{name} must be positive, got {raw!r}")
    return value


def _flag(env: Mapping[str, str], name: str, *, default: bool) -> bool:
    raw = env.get(name, "").strip().lower()
    if not raw:
        return default
    if raw in {"1", "true", "yes", "on"}:
        return True
    if raw in {"0", "false", "no", "off"}:
        return False
    raise ConfigError(f"{name} must be true or false, got {raw!r}")
