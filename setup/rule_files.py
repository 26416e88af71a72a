"""Alert rule files (kibana/rules/*.json) with `${VAR}` placeholders filled from the environment.

A string that is exactly one placeholder becomes a number when the value is numeric, so a
threshold can be written `"threshold": ["${LLMOBS_ALERT_COST_USD}"]` in valid JSON;
`${VAR:-default}` supplies a default. A placeholder with no value stops setup naming it.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from setup.api_client import SetupError

_PLACEHOLDER = re.compile(r"\$\{([A-Za-z_][A-Za-z0-9_]*)(?::-([^}]*))?\}")
_WHOLE = re.compile(r"^\$\{[A-Za-z_][A-Za-z0-9_]*(?::-[^}]*)?\}$")


@dataclass(frozen=True)
class RuleFile:
    """One rule: its fixed id and the JSON body for Kibana's create API (without the id)."""

    rule_id: str
    body: dict[str, Any]
    source: Path


def placeholders(text: str) -> set[str]:
    """The variable names a rule file refers to."""
    return {match.group(1) for match in _PLACEHOLDER.finditer(text)}


def fill(value: Any, env: Mapping[str, str], source: Path) -> Any:
    """Replace placeholders in every string of a parsed JSON value."""
    if isinstance(value, dict):
        return {key: fill(item, env, source) for key, item in value.items()}
    if isinstance(value, list):
        return [fill(item, env, source) for item in value]
    if not isinstance(value, str) or "${" not in value:
        return value
    replaced = _PLACEHOLDER.sub(lambda match: _lookup(match, env, source), value)
    return _number_or_text(replaced) if _WHOLE.match(value) else replaced


def load_rule(path: Path, env: Mapping[str, str]) -> RuleFile:
    """Parse and fill one rule file; it must be a JSON object with a string "id"."""
    try:
        raw = json.loads(path.read_text(encoding="utf-8"))
    except json.JSONDecodeError as exc:
        raise SetupError(f"{path}: not valid JSON ({exc})") from None
    if not isinstance(raw, dict) or not isinstance(raw.get("id"), str) or not raw["id"]:
        raise SetupError(f'{path}: a rule file must be a JSON object with a non-empty "id"')
    body = fill(raw, env, path)
    rule_id = body.pop("id")
    return RuleFile(rule_id=rule_id, body=body, source=path)


def load_rules(rules_dir: Path, env: Mapping[str, str]) -> list[RuleFile]:
    """Every rules_dir/*.json in name order; an absent folder means no rules."""
    if not rules_dir.is_dir():
        return []
    return [load_rule(path, env) for path in sorted(rules_dir.glob("*.json"))]


def _lookup(match: re.Match[str], env: Mapping[str, str], source: Path) -> str:
    name, default = match.group(1), match.group(2)
    value = env.get(name, "")
    if value:
        return value
    if default is not None:
        return default
    raise SetupError(f"{source.name} needs {name}: set it in .env (see .env.example)")


def _number_or_text(text: str) -> Any:
    try:
        return int(text)
    except ValueError:
        pass
    try:
        return float(text)
    except ValueError:
        return text
