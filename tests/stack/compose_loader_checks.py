"""The compose files as Docker Compose itself resolves them (compose-go, tests/stack/composeload):
interpolation from .env, the `:?` guards on secrets, overlays merged with !reset. No Docker engine.

Run by `make compose-validate` (builds the loader from the Go module proxy into .cache/), which
passes COMPOSELOAD; not named test_*.py so plain `pytest tests/` without Go does not collect it.
"""

from __future__ import annotations

import json
import os
import subprocess
from pathlib import Path
from typing import Any

import pytest

from scripts import env_init

REPO = Path(__file__).resolve().parents[2]
LOADER = os.environ.get("COMPOSELOAD", str(REPO / ".cache/composeload/composeload"))
BYO_ENV = {
    "LLMOBS_ES_URL": "https://es.example.invalid:443",
    "LLMOBS_KIBANA_URL": "https://kb.example.invalid:443",
    "APM_SERVER_ENDPOINT": "apm.example.invalid:443",
}
LONG_RUNNING = ("elasticsearch", "kibana", "apm-server", "otel-collector", "app", "llmsim")


def load(env_file: Path, *overlays: str, profiles: str = "load") -> tuple[int, Any, str]:
    if not Path(LOADER).is_file():
        pytest.fail(f"{LOADER} missing: run `make compose-validate`")
    files = [str(REPO / "docker-compose.yml"), *(str(REPO / o) for o in overlays)]
    done = subprocess.run(
        [LOADER, str(env_file), profiles, *files],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    project = json.loads(done.stdout) if done.returncode == 0 else None
    return done.returncode, project, done.stderr


@pytest.fixture
def env_file(tmp_path: Path) -> Path:
    path = tmp_path / ".env"
    assert env_init.main(["--output", str(path)]) == 0
    return path


def with_values(path: Path, values: dict[str, str]) -> Path:
    lines = [line for line in path.read_text().splitlines() if line.partition("=")[0] not in values]
    path.write_text("\n".join([*lines, *(f"{k}={v}" for k, v in values.items())]) + "\n")
    return path


def test_generated_env_resolves_every_service(env_file: Path) -> None:
    code, project, err = load(env_file)
    assert code == 0, err
    services = project["services"]
    assert set(LONG_RUNNING) | {"setup", "setup-kibana", "loadgen"} == set(services)
    env = {v.name: v.value for v in env_init.parse_env(env_file.read_text())}
    for name in LONG_RUNNING:
        assert services[name].get("healthcheck", {}).get("test"), name
        for port in services[name].get("ports", []):
            assert port["host_ip"] == "127.0.0.1", name
    assert services["elasticsearch"]["environment"]["ELASTIC_PASSWORD"] == env["ELASTIC_PASSWORD"]
    assert (
        services["otel-collector"]["environment"]["ELASTIC_APM_SECRET_TOKEN"]
        == (services["apm-server"]["environment"]["ELASTIC_APM_SECRET_TOKEN"])
    )
    inline = services["otel-collector"]["build"]["dockerfile_inline"]
    assert f"opentelemetry-collector-contrib:{env['OTEL_COLLECTOR_VERSION']}" in inline
    assert services["kibana"]["image"].endswith(f":{env['ELASTIC_VERSION']}")


def test_ports_follow_env(env_file: Path) -> None:
    code, project, err = load(with_values(env_file, {"ES_PORT": "19200", "APP_PORT": "15001"}))
    assert code == 0, err
    assert project["services"]["elasticsearch"]["ports"][0]["published"] == "19200"
    assert project["services"]["app"]["ports"][0]["published"] == "15001"


def test_env_example_without_secrets_stops_naming_them() -> None:
    code, _, err = load(REPO / ".env.example")
    assert code == 1
    for name in (
        "ELASTIC_PASSWORD",
        "KIBANA_SYSTEM_PASSWORD",
        "APM_SERVER_ES_PASSWORD",
        "ELASTIC_APM_SECRET_TOKEN",
        "KIBANA_ENCRYPTED_SAVED_OBJECTS_KEY",
        "LLMOBS_USER_HASH_KEY",
    ):
        assert f"required variable {name} is missing a value" in err, name


def test_bring_your_own_elastic_needs_its_urls(env_file: Path) -> None:
    code, _, err = load(env_file, "docker-compose.byo.yml", profiles="")
    assert code == 1
    assert "LLMOBS_ES_URL" in err and "LLMOBS_KIBANA_URL" in err


def test_bring_your_own_elastic_runs_only_the_local_part(env_file: Path) -> None:
    code, project, err = load(with_values(env_file, BYO_ENV), "docker-compose.byo.yml", profiles="")
    assert code == 0, err
    services = project["services"]
    collector = services["otel-collector"]
    assert not collector.get("depends_on")
    assert collector["environment"]["APM_SERVER_ENDPOINT"] == BYO_ENV["APM_SERVER_ENDPOINT"]
    assert collector["environment"]["APM_SERVER_TLS_INSECURE"] == "false"
    setup = services["setup"]
    assert not setup.get("depends_on")
    assert setup["command"] == ["--phase", "all"]
    assert setup["environment"]["ELASTICSEARCH_URL"] == BYO_ENV["LLMOBS_ES_URL"]
    assert setup["environment"]["LLMOBS_SETUP_MANAGE_USERS"] == "false"
    assert set(services["app"]["depends_on"]) == {"otel-collector", "llmsim"}


def test_debug_overlay_adds_the_debug_config(env_file: Path) -> None:
    code, project, err = load(env_file, "docker-compose.debug.yml")
    assert code == 0, err
    collector = project["services"]["otel-collector"]
    assert collector["command"] == [
        "--config=/etc/otelcol-contrib/config.yaml",
        "--config=/etc/otelcol-contrib/debug.yaml",
    ]
    targets = {v["target"] for v in collector["volumes"]}
    assert targets == {"/etc/otelcol-contrib/config.yaml", "/etc/otelcol-contrib/debug.yaml"}
