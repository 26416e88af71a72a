"""Reading the compose files and env files the way the stack tests need (no Docker involved)."""

from __future__ import annotations

import json
import re
from importlib import resources
from pathlib import Path
from typing import Any

import yaml

REPO = Path(__file__).resolve().parents[3]
COMPOSE = REPO / "docker-compose.yml"
OVERLAYS = (REPO / "docker-compose.byo.yml", REPO / "docker-compose.debug.yml")
ENV_EXAMPLE = REPO / ".env.example"

# ${VAR}, ${VAR:-x}, ${VAR-x}, ${VAR:?msg} in compose; $${...} is an escaped literal.
_COMPOSE_VAR = re.compile(r"(?<!\$)\$\{([A-Za-z_][A-Za-z0-9_]*)")
# ${VAR} in apm-server.yml (libbeat) and ${env:VAR} in the collector config.
_CONFIG_VAR = re.compile(r"(?<!\$)\$\{(?:env:)?([A-Za-z_][A-Za-z0-9_]*)")


class ComposeLoader(yaml.SafeLoader):
    """SafeLoader that accepts Compose's merge tags (!reset, !override)."""


def _tagged(loader: yaml.SafeLoader, node: yaml.Node) -> Any:
    if isinstance(node, yaml.MappingNode):
        return loader.construct_mapping(node, deep=True)
    if isinstance(node, yaml.SequenceNode):
        return loader.construct_sequence(node, deep=True)
    return loader.construct_scalar(node)  # type: ignore[arg-type]


ComposeLoader.add_constructor("!reset", _tagged)
ComposeLoader.add_constructor("!override", _tagged)


def load_compose(path: Path) -> dict[str, Any]:
    """A compose file as data (anchors resolved, merge tags accepted)."""
    data: dict[str, Any] = yaml.load(path.read_text(encoding="utf-8"), Loader=ComposeLoader)
    return data


def compose_schema() -> dict[str, Any]:
    """The compose-spec JSON schema, as shipped by check-jsonschema (vendor/compose-spec.json)."""
    text = (
        resources.files("check_jsonschema.builtin_schemas.vendor")
        .joinpath("compose-spec.json")
        .read_text(encoding="utf-8")
    )
    schema: dict[str, Any] = json.loads(text)
    return schema


def env_example() -> dict[str, str]:
    """NAME -> value of every assignment in .env.example."""
    values: dict[str, str] = {}
    for line in ENV_EXAMPLE.read_text(encoding="utf-8").splitlines():
        if line.strip() and not line.lstrip().startswith("#") and "=" in line:
            name, _, value = line.partition("=")
            values[name.strip()] = value
    return values


def compose_variables(path: Path) -> set[str]:
    """Variables a compose file interpolates (in its values, not its comments)."""
    found: set[str] = set()
    pending: list[Any] = [load_compose(path)]
    while pending:
        item = pending.pop()
        if isinstance(item, dict):
            pending += [*item.keys(), *item.values()]
        elif isinstance(item, list):
            pending += item
        elif isinstance(item, str):
            found |= set(_COMPOSE_VAR.findall(item))
    return found


def config_variables(path: Path) -> set[str]:
    """Variables a service config file (apm-server.yml, collector config) expands at run time."""
    text = "\n".join(
        line
        for line in path.read_text(encoding="utf-8").splitlines()
        if not line.lstrip().startswith("#")
    )
    return set(_CONFIG_VAR.findall(text))


def resolve(value: str, env: dict[str, str]) -> str:
    """Compose-style interpolation of one string with `env` (defaults honoured)."""

    def substitute(match: re.Match[str]) -> str:
        name, op, arg = match.group(1), match.group(2) or "", match.group(3) or ""
        current = env.get(name)
        if op == ":-":
            return current or arg
        if op == "-":
            return arg if current is None else current
        if op == ":?" and not current:
            raise KeyError(f"{name}: {arg}")
        return current or ""

    return re.sub(r"(?<!\$)\$\{([A-Za-z_][A-Za-z0-9_]*)(?:(:-|-|:\?)([^}]*))?\}", substitute, value)


def environment_of(service: dict[str, Any]) -> dict[str, str]:
    """A service's `environment`, whichever of the two compose forms it uses."""
    env = service.get("environment") or {}
    if isinstance(env, list):
        return dict(item.split("=", 1) if "=" in item else (item, "") for item in env)
    return {str(k): "" if v is None else str(v) for k, v in env.items()}
