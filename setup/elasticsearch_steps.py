"""Elasticsearch phase: kibana_system's password, APM Server's writer role and user, the
traces-apm@custom component template (cost and token fields as double) and the alert index.

Each step reads first and writes only what differs, so a second run reports "unchanged".
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from pathlib import Path
from typing import Any
from urllib.parse import quote

from setup.api_client import ApiClient, SetupError
from setup.config import SetupConfig
from setup.progress import Progress, deep_merge, is_subset

COMPONENT_TEMPLATE = "traces-apm@custom"
TRACES_DATA_STREAMS = "traces-apm-*"
ALERTS_INDEX = "llmobs-alerts"
# Keys of a component template that PUT accepts; GET adds read-only ones (dates, names).
_TEMPLATE_KEYS = ("template", "version", "_meta", "deprecated")


def read_json(path: Path) -> Any:
    """A data file of setup/data; a broken one is a packaging error worth a clear message."""
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except (OSError, json.JSONDecodeError) as exc:
        raise SetupError(f"cannot read {path}: {exc}") from None


def set_kibana_system_password(es: ApiClient, config: SetupConfig, progress: Progress) -> None:
    """Give the built-in kibana_system user the password Kibana is configured with."""
    if _password_works(es, "kibana_system", config.kibana_system_password):
        progress.record("user kibana_system", "unchanged", "password already set")
        return
    es.call(
        "POST",
        "/_security/user/kibana_system/_password",
        json={"password": config.kibana_system_password},
    )
    progress.record("user kibana_system", "updated", "password set")


def ensure_roles(es: ApiClient, roles_dir: Path, progress: Progress) -> None:
    """Create or update each setup/data/roles/<name>.json."""
    for path in sorted(roles_dir.glob("*.json")):
        name = path.stem
        wanted = read_json(path)
        found = es.call("GET", f"/_security/role/{quote(name)}", expect=(200, 404))
        current = found.body.get(name) if found.status == 200 else None
        if current is not None and is_subset(wanted, current):
            progress.record(f"role {name}", "unchanged")
            continue
        es.call("PUT", f"/_security/role/{quote(name)}", json=wanted)
        progress.record(f"role {name}", "created" if current is None else "updated")


def ensure_users(
    es: ApiClient, users_dir: Path, env: Mapping[str, str], progress: Progress
) -> None:
    """Create or update each setup/data/users/<name>.json; the password comes from its env var."""
    for path in sorted(users_dir.glob("*.json")):
        name = path.stem
        spec = read_json(path)
        password_env = spec.pop("password_env")
        password = env.get(password_env, "")
        if not password:
            raise SetupError(f"user {name} needs {password_env}: run `make env`")
        found = es.call("GET", f"/_security/user/{quote(name)}", expect=(200, 404))
        current = found.body.get(name) if found.status == 200 else None
        if current is not None and is_subset(spec, current) and _password_works(es, name, password):
            progress.record(f"user {name}", "unchanged")
            continue
        es.call("PUT", f"/_security/user/{quote(name)}", json={**spec, "password": password})
        progress.record(f"user {name}", "created" if current is None else "updated")


def ensure_component_template(es: ApiClient, path: Path, progress: Progress) -> None:
    """Install traces-apm@custom, merged into an existing one so a user's own settings stay."""
    wanted = read_json(path)
    found = es.call("GET", f"/_component_template/{COMPONENT_TEMPLATE}", expect=(200, 404))
    templates = found.body.get("component_templates", []) if found.status == 200 else []
    if not templates:
        es.call("PUT", f"/_component_template/{COMPONENT_TEMPLATE}", json=wanted)
        progress.record(f"component template {COMPONENT_TEMPLATE}", "created")
        return
    current = {k: v for k, v in templates[0]["component_template"].items() if k in _TEMPLATE_KEYS}
    merged = deep_merge(current, wanted)
    if merged == current:
        progress.record(f"component template {COMPONENT_TEMPLATE}", "unchanged")
        return
    es.call("PUT", f"/_component_template/{COMPONENT_TEMPLATE}", json=merged)
    progress.record(f"component template {COMPONENT_TEMPLATE}", "updated", "merged into existing")


def double_fields(template: Any) -> list[str]:
    """Full names of the fields the component template maps as double."""
    props = template["template"]["mappings"]["properties"]["numeric_labels"]["properties"]
    return sorted(
        f"numeric_labels.{name}" for name, spec in props.items() if spec["type"] == "double"
    )


def check_template_applies(es: ApiClient, fields: list[str], progress: Progress) -> None:
    """Simulate a new traces-apm backing index: the cost fields must come out as double."""
    sim = es.call("POST", "/_index_template/_simulate_index/traces-apm-default")
    props = sim.body.get("template", {}).get("mappings", {}).get("properties", {})
    labels = props.get("numeric_labels", {}).get("properties", {})
    wrong = [f for f in fields if labels.get(f.split(".", 1)[1], {}).get("type") != "double"]
    if wrong:
        raise SetupError(
            f"a new traces-apm index would not map {', '.join(wrong)} as double: does the "
            f"traces-apm index template still compose {COMPONENT_TEMPLATE}?"
        )
    progress.record("traces-apm mapping for new indices", "checked", "cost fields are double")


def rollover_wrong_mappings(es: ApiClient, fields: list[str], progress: Progress) -> None:
    """Roll over every traces-apm data stream whose write index lacks the double mapping.

    Never deletes: older backing indices keep their data (and their scaled_float mapping);
    only spans written from now on get the double fields.
    """
    found = es.call("GET", f"/_data_stream/{TRACES_DATA_STREAMS}", expect=(200, 404))
    streams = found.body.get("data_streams", []) if found.status == 200 else []
    if not streams:
        progress.record("traces-apm data streams", "none yet", "the first span gets double")
        return
    for stream in streams:
        name = stream["name"]
        write_index = stream["indices"][-1]["index_name"]
        wrong = _fields_not_double(es, write_index, fields)
        if not wrong:
            progress.record(f"data stream {name}", "unchanged", "cost fields are double")
            continue
        result = es.call("POST", f"/{quote(name)}/_rollover")
        progress.record(
            f"data stream {name}",
            "rolled over",
            f"{write_index} maps {', '.join(wrong)} otherwise; new write index "
            f"{result.body.get('new_index', '?')}; no data deleted",
        )


def ensure_alerts_index(es: ApiClient, path: Path, progress: Progress) -> None:
    """The index the `.index` connector writes alerts to; left alone when it exists."""
    found = es.call("GET", f"/{ALERTS_INDEX}", expect=(200, 404))
    if found.status == 200:
        progress.record(f"index {ALERTS_INDEX}", "unchanged")
        return
    es.call("PUT", f"/{ALERTS_INDEX}", json=read_json(path))
    progress.record(f"index {ALERTS_INDEX}", "created")


def run(es: ApiClient, config: SetupConfig, data_dir: Path, progress: Progress) -> None:
    """The whole Elasticsearch phase, in dependency order."""
    if config.manage_users:
        set_kibana_system_password(es, config, progress)
        ensure_roles(es, data_dir / "roles", progress)
        ensure_users(es, data_dir / "users", _passwords(config), progress)
    else:
        progress.record("users and roles", "skipped", "LLMOBS_SETUP_MANAGE_USERS=false")
    template_path = data_dir / f"component_template_{COMPONENT_TEMPLATE}.json"
    ensure_component_template(es, template_path, progress)
    fields = double_fields(read_json(template_path))
    check_template_applies(es, fields, progress)
    rollover_wrong_mappings(es, fields, progress)
    ensure_alerts_index(es, data_dir / f"index_{ALERTS_INDEX}.json", progress)


def _passwords(config: SetupConfig) -> dict[str, str]:
    return {"APM_SERVER_ES_PASSWORD": config.apm_server_password}


def _password_works(es: ApiClient, user: str, password: str) -> bool:
    probe = es.call("GET", "/_security/_authenticate", expect=(200, 401), auth=(user, password))
    return probe.status == 200


def _fields_not_double(es: ApiClient, index: str, fields: list[str]) -> list[str]:
    found = es.call("GET", f"/{quote(index)}/_mapping/field/{','.join(fields)}")
    mappings = found.body.get(index, {}).get("mappings", {})
    wrong = []
    for field in fields:
        leaf = field.rsplit(".", 1)[1]
        mapped = mappings.get(field, {}).get("mapping", {}).get(leaf, {}).get("type")
        if mapped != "double":
            wrong.append(f"{field} as {mapped or 'unmapped'}")
    return wrong
