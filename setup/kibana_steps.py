"""Kibana phase: the data view, connectors with fixed ids, the kibana/ saved objects and the alert
rules. Idempotent: connectors and data view are compared first; saved objects are imported with
overwrite; rules are created once and updated (PUT) afterwards.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any
from urllib.parse import quote

from setup.api_client import ApiClient, SetupError
from setup.elasticsearch_steps import read_json
from setup.progress import Progress, is_subset
from setup.rule_files import RuleFile, load_rules

# Kibana's update-rule API rejects these keys although its create API accepts them.
RULE_KEYS_NOT_UPDATABLE = frozenset({"rule_type_id", "consumer", "enabled", "id"})
# Headers every Kibana API call needs (CSRF protection of the public API).
KIBANA_HEADERS = {"kbn-xsrf": "llmobs-setup"}

NdjsonBuilder = Callable[[Path], bytes]


# "degraded" still serves the APIs setup uses (a minimal stack may leave a plugin degraded).
SERVING_LEVELS = frozenset({"available", "degraded"})


def kibana_available(response: Any) -> bool:
    """Ready when /api/status says the overall level is available (or merely degraded)."""
    body = response.body if isinstance(response.body, dict) else {}
    level = body.get("status", {}).get("overall", {}).get("level")
    return bool(response.status == 200 and level in SERVING_LEVELS)


def ensure_data_view(kibana: ApiClient, path: Path, progress: Progress) -> None:
    """Create the data view with its fixed id, or fix its index pattern and time field.

    Its other attributes (name, field formats) belong to the kibana/ copy imported afterwards.
    """
    wanted = read_json(path)
    view_id = wanted["id"]
    fields = {k: wanted[k] for k in ("title", "timeFieldName")}
    found = kibana.call("GET", f"/api/data_views/data_view/{quote(view_id)}", expect=(200, 404))
    if found.status == 404:
        kibana.call("POST", "/api/data_views/data_view", json={"data_view": wanted})
        progress.record(f"data view {view_id}", "created")
        return
    if is_subset(fields, found.body.get("data_view", {})):
        progress.record(f"data view {view_id}", "unchanged")
        return
    kibana.call("POST", f"/api/data_views/data_view/{quote(view_id)}", json={"data_view": fields})
    progress.record(f"data view {view_id}", "updated")


def ensure_connectors(kibana: ApiClient, connectors_dir: Path, progress: Progress) -> None:
    """Create each connector under its fixed id (rules refer to it), or update name and config."""
    for path in sorted(connectors_dir.glob("*.json")):
        wanted = read_json(path)
        connector_id = wanted["id"]
        url = f"/api/actions/connector/{quote(connector_id)}"
        found = kibana.call("GET", url, expect=(200, 404))
        if found.status == 404:
            kibana.call("POST", url, json={k: v for k, v in wanted.items() if k != "id"})
            progress.record(f"connector {connector_id}", "created")
            continue
        current = found.body
        if current.get("connector_type_id") != wanted["connector_type_id"]:
            raise SetupError(
                f"connector {connector_id} exists with type {current.get('connector_type_id')},"
                f" not {wanted['connector_type_id']}: delete it in Kibana (Stack Management ›"
                " Connectors) and re-run setup"
            )
        update = {"name": wanted["name"], "config": wanted.get("config", {})}
        if is_subset(update, current):
            progress.record(f"connector {connector_id}", "unchanged")
            continue
        kibana.call("PUT", url, json=update)
        progress.record(f"connector {connector_id}", "updated")


def import_saved_objects(
    kibana: ApiClient, objects_dir: Path, build_ndjson: NdjsonBuilder, progress: Progress
) -> None:
    """Import the kibana/ saved objects as one NDJSON file, overwriting earlier imports."""
    payload = build_ndjson(objects_dir)
    count = sum(1 for line in payload.splitlines() if line.strip())
    if count == 0:
        progress.record("saved objects", "skipped", f"none in {objects_dir}")
        return
    result = kibana.call(
        "POST",
        "/api/saved_objects/_import?overwrite=true",
        files={"file": ("llm-observability.ndjson", payload, "application/ndjson")},
    )
    body = result.body if isinstance(result.body, dict) else {}
    if not body.get("success"):
        problems = "; ".join(
            f"{e.get('type')} {e.get('id')}: {e.get('error', {}).get('type')}"
            for e in body.get("errors", [])
        )
        raise SetupError(f"saved objects import failed: {problems or body}")
    progress.record("saved objects", "imported", f"{body.get('successCount', count)} objects")


def ensure_rules(kibana: ApiClient, rules: list[RuleFile], progress: Progress) -> None:
    """Create each rule under its fixed id; update it (PUT, updatable keys only) when it exists."""
    for rule in rules:
        url = f"/api/alerting/rule/{quote(rule.rule_id)}"
        found = kibana.call("GET", url, expect=(200, 404))
        if found.status == 404:
            kibana.call("POST", url, json=rule.body)
            progress.record(f"rule {rule.rule_id}", "created")
            continue
        for key in ("rule_type_id", "consumer"):
            if key in rule.body and found.body.get(key) != rule.body[key]:
                raise SetupError(
                    f"rule {rule.rule_id} exists with {key}={found.body.get(key)!r} but "
                    f"{rule.source.name} says {rule.body[key]!r}; Kibana cannot change it in"
                    " place: delete the rule in Kibana (Stack Management › Rules) and re-run"
                )
        update = {k: v for k, v in rule.body.items() if k not in RULE_KEYS_NOT_UPDATABLE}
        kibana.call("PUT", url, json=update)
        progress.record(f"rule {rule.rule_id}", "updated")


def run(
    kibana: ApiClient,
    data_dir: Path,
    objects_dir: Path,
    env: Mapping[str, str],
    build_ndjson: NdjsonBuilder,
    progress: Progress,
) -> None:
    """The whole Kibana phase: data view and connectors first, since objects and rules use them."""
    rules = load_rules(objects_dir / "rules", env)  # fail on a missing variable before writing
    ensure_data_view(kibana, data_dir / "data_view.json", progress)
    ensure_connectors(kibana, data_dir / "connectors", progress)
    import_saved_objects(kibana, objects_dir, build_ndjson, progress)
    ensure_rules(kibana, rules, progress)
