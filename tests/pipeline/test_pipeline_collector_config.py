"""The repository's collector configs, checked by the collector built from its ocb manifest."""

from __future__ import annotations

import os
import re
import subprocess
from pathlib import Path
from typing import Any

import pytest
import yaml

from tests.pipeline.pipeline import BASE_CONFIG, COLLECTOR_BIN, REPO, require_tools

MANIFEST = REPO / "collector" / "builder-config.yaml"
OVERLAYS = sorted(REPO.glob("otel-collector-config.*.yaml"))
KINDS = ("receivers", "processors", "exporters", "extensions", "connectors")
# What docker-compose.yml passes; validation needs a value, never a real secret.
COMPOSE_ENV = {"APM_SERVER_ENDPOINT": "apm-server:8200", "ELASTIC_APM_SECRET_TOKEN": "validate"}


def _otelcol(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    require_tools()
    return subprocess.run(
        [str(COLLECTOR_BIN), *args],
        env=env if env is not None else {**os.environ, **COMPOSE_ENV},
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )


def _load(path: Path) -> dict[str, Any]:
    loaded = yaml.safe_load(path.read_text())
    assert isinstance(loaded, dict)
    return loaded


def _component_types(config: dict[str, Any]) -> set[tuple[str, str]]:
    """(kind, type) of every component a config declares; `otlp_grpc/apm` has type otlp_grpc."""
    return {(kind, name.split("/")[0]) for kind in KINDS for name in config.get(kind) or {}}


def test_the_repository_has_the_debug_overlay() -> None:
    assert [p.name for p in OVERLAYS] == ["otel-collector-config.debug.yaml"]


def test_base_config_validates() -> None:
    result = _otelcol("validate", f"--config={BASE_CONFIG}")
    assert result.returncode == 0, result.stderr


@pytest.mark.parametrize("overlay", OVERLAYS, ids=lambda p: p.name)
def test_base_with_each_overlay_validates(overlay: Path) -> None:
    result = _otelcol("validate", f"--config={BASE_CONFIG}", f"--config={overlay}")
    assert result.returncode == 0, result.stderr


def test_validate_names_a_missing_endpoint() -> None:
    env = {k: v for k, v in os.environ.items() if k != "APM_SERVER_ENDPOINT"}
    result = _otelcol("validate", f"--config={BASE_CONFIG}", env=env)
    assert result.returncode != 0
    assert 'otlp_grpc/apm: requires a non-empty "endpoint"' in result.stderr


def test_the_collector_holds_exactly_the_components_the_configs_use() -> None:
    used: set[tuple[str, str]] = set()
    for path in [BASE_CONFIG, *OVERLAYS]:
        used |= _component_types(_load(path))
    built = _load_components()
    assert used == built


def _load_components() -> set[tuple[str, str]]:
    result = _otelcol("components")
    assert result.returncode == 0, result.stderr
    listed = yaml.safe_load(result.stdout)
    return {(kind, entry["name"]) for kind in KINDS for entry in listed.get(kind) or []}


def test_pipelines_chain_memory_limiter_then_batch_to_apm_server() -> None:
    service = _load(BASE_CONFIG)["service"]
    assert service["extensions"] == ["health_check"]
    assert set(service["pipelines"]) == {"traces", "metrics", "logs"}
    for pipeline in service["pipelines"].values():
        assert pipeline["receivers"] == ["otlp"]
        assert pipeline["processors"] == ["memory_limiter", "batch"]
        assert pipeline["exporters"] == ["otlp_grpc/apm"]


def test_debug_exporter_only_in_the_overlay_and_no_logging_exporter() -> None:
    base = _load(BASE_CONFIG)
    assert set(base["exporters"]) == {"otlp_grpc/apm"}
    for path in [BASE_CONFIG, *OVERLAYS]:
        assert "logging" not in (_load(path).get("exporters") or {}), path.name
    debug = _load(REPO / "otel-collector-config.debug.yaml")
    for pipeline in debug["service"]["pipelines"].values():
        assert pipeline["exporters"] == ["otlp_grpc/apm", "debug"]


def test_compose_image_and_builder_are_the_same_version() -> None:
    env_example = (REPO / ".env.example").read_text()
    match = re.search(r"^OTEL_COLLECTOR_VERSION=(\S+)$", env_example, re.MULTILINE)
    assert match, "OTEL_COLLECTOR_VERSION missing from .env.example"
    image = match.group(1)
    manifest = _load(MANIFEST)
    assert manifest["dist"]["version"] == image
    core = {
        m["gomod"].split()[1]
        for kind in (*KINDS, "providers")
        for m in manifest.get(kind) or []
        if not m["gomod"].startswith("go.opentelemetry.io/collector/confmap/")
    }
    assert core == {f"v{image}"}, "every component at the image's version"
    result = _otelcol("--version")
    assert result.returncode == 0 and image in result.stdout
