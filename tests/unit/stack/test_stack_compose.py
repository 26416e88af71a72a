"""docker-compose.yml and its overlays: the compose-spec JSON schema, then the semantic rules of the
stack (health-checked dependencies, loopback-only ports from .env, no committed secrets, every
variable documented, pinned images, memory budget, non-root images)."""

from __future__ import annotations

import re
import subprocess
from pathlib import Path
from typing import Any

import jsonschema
import pytest
import yaml

from tests.unit.stack.compose_files import (
    COMPOSE,
    ENV_EXAMPLE,
    OVERLAYS,
    REPO,
    compose_schema,
    compose_variables,
    config_variables,
    env_example,
    environment_of,
    load_compose,
    resolve,
)

SERVICES = load_compose(COMPOSE)["services"]
LONG_RUNNING = {
    name: s for name, s in SERVICES.items() if s.get("restart") != "no" and not s.get("profiles")
}
CONFIG_FILES = {
    "apm-server": REPO / "apm-server.yml",
    "otel-collector": REPO / "otel-collector-config.yaml",
}
MEMORY_BUDGET_MIB = 8 * 1024 - 2 * 1024  # leave 2 GiB of an 8 GB machine to the OS and Docker

# The classic committed default password of ELK stacks, spelled in two parts so that this test
# file does not itself trip repository-wide greps for it.
DEFAULT_PASSWORD = "change" + "me"


def _mib(value: str) -> float:
    number, unit = re.fullmatch(r"(\d+(?:\.\d+)?)([kmg]?)b?", value.lower()).groups()  # type: ignore[union-attr]
    return float(number) * {"k": 1 / 1024, "m": 1, "g": 1024, "": 1 / 1024**2}[unit]


@pytest.mark.parametrize("path", [COMPOSE, *OVERLAYS], ids=lambda p: p.name)
def test_valid_against_the_compose_spec_schema(path: Path) -> None:
    validator = jsonschema.Draft202012Validator(compose_schema())
    errors = sorted(validator.iter_errors(load_compose(path)), key=lambda e: list(e.path))
    assert not errors, "\n".join(f"{list(e.path)}: {e.message}" for e in errors)


def test_schema_catches_a_broken_file() -> None:
    broken: dict[str, Any] = {"services": {"app": {"image": "x", "ports": {"not": "a list"}}}}
    assert not jsonschema.Draft202012Validator(compose_schema()).is_valid(broken)


def test_every_depends_on_target_exists_and_its_condition_can_be_met() -> None:
    for name, service in SERVICES.items():
        for target, spec in (service.get("depends_on") or {}).items():
            assert target in SERVICES, f"{name} depends on missing service {target}"
            condition = spec["condition"]
            if condition == "service_healthy":
                assert "healthcheck" in SERVICES[target], f"{name} waits for {target}'s health"
            elif condition == "service_completed_successfully":
                assert SERVICES[target].get("restart") == "no", f"{target} must be one-shot"
            else:
                pytest.fail(f"{name} -> {target}: use a health or completion condition")


def test_every_long_running_service_has_a_healthcheck() -> None:
    assert {"elasticsearch", "kibana", "apm-server", "otel-collector", "app", "llmsim"} <= set(
        LONG_RUNNING
    )
    for name, service in LONG_RUNNING.items():
        test = service.get("healthcheck", {}).get("test")
        assert test and test[0] in ("CMD", "CMD-SHELL"), name


def test_collector_health_check_queries_the_health_check_extension() -> None:
    test = SERVICES["otel-collector"]["healthcheck"]["test"]
    assert "http://127.0.0.1:13133/" in test
    assert "--version" not in " ".join(test)
    config = yaml.safe_load((REPO / "otel-collector-config.yaml").read_text())
    assert "health_check" in config["service"]["extensions"]
    assert "13133" in config["extensions"]["health_check"]["endpoint"]


@pytest.mark.parametrize("path", [COMPOSE, *OVERLAYS], ids=lambda p: p.name)
def test_published_ports_bind_loopback_and_come_from_env(path: Path) -> None:
    documented = env_example()
    for name, service in (load_compose(path).get("services") or {}).items():
        for port in service.get("ports", []):
            assert isinstance(port, str), f"{name}: use the short 'ip:host:container' form"
            match = re.fullmatch(r"127\.0\.0\.1:\$\{([A-Z0-9_]+)(?::-\d+)?\}:\d+", port)
            assert match, f"{name}: {port} must be 127.0.0.1:${{VAR}}:port"
            assert match.group(1) in documented, f"{match.group(1)} missing from .env.example"
        assert "network_mode" not in service, name


@pytest.mark.parametrize("path", [COMPOSE, *OVERLAYS], ids=lambda p: p.name)
def test_every_compose_variable_is_in_env_example(path: Path) -> None:
    missing = compose_variables(path) - set(env_example())
    assert not missing, f"{path.name} reads {sorted(missing)}, not documented in .env.example"


@pytest.mark.parametrize("service", sorted(CONFIG_FILES))
def test_every_config_variable_is_documented_or_set_by_compose(service: str) -> None:
    path = CONFIG_FILES[service]
    given = set(environment_of(SERVICES[service])) | set(env_example())
    debug = load_compose(OVERLAYS[1])["services"].get(service, {})
    given |= set(environment_of(debug))
    defaulted = set(re.findall(r"\$\{(?:env:)?([A-Z0-9_]+):-", path.read_text()))
    missing = config_variables(path) - given - defaulted
    assert not missing, f"{path.name} reads {sorted(missing)}: not set by compose nor documented"


def test_apm_server_gets_what_its_config_reads() -> None:
    passed = set(environment_of(SERVICES["apm-server"]))
    assert config_variables(REPO / "apm-server.yml") <= passed


def test_setup_gets_every_rule_threshold() -> None:
    wanted = set()
    for rule in (REPO / "kibana" / "rules").glob("*.json"):
        wanted |= set(re.findall(r"\$\{([A-Z][A-Z0-9_]*)", rule.read_text()))
    byo = load_compose(OVERLAYS[0])["services"]["setup"]
    for service in (SERVICES["setup-kibana"], byo):
        assert wanted <= set(environment_of(service))
    assert wanted <= set(env_example())


def test_images_are_pinned_to_a_version() -> None:
    env = env_example()
    assert re.fullmatch(r"9\.\d+\.\d+", env["ELASTIC_VERSION"])
    for name, service in SERVICES.items():
        if "image" in service:
            image = resolve(service["image"], env)
            assert re.search(r":\d+\.\d+\.\d+", image), f"{name}: {image} is not pinned"
        inline = service.get("build", {}).get("dockerfile_inline", "")
        for line in inline.splitlines():
            if line.startswith("FROM"):
                image = resolve(line, env).split()[1]
                assert re.search(r":\d+\.\d+\.\d+", image), f"{name}: {image} is not pinned"
    for dockerfile in (REPO / "app/Dockerfile", REPO / "setup/Dockerfile"):
        base = re.search(r"ARG PYTHON_IMAGE=(\S+)", dockerfile.read_text())
        assert base and re.search(r":\d+\.\d+\.\d+-", base.group(1)), dockerfile


def test_built_images_run_as_non_root() -> None:
    for dockerfile in (REPO / "app/Dockerfile", REPO / "setup/Dockerfile"):
        users = re.findall(r"^USER\s+(\S+)", dockerfile.read_text(), flags=re.MULTILINE)
        assert users and users[-1] not in ("root", "0"), dockerfile


def test_memory_limits_fit_8_gb() -> None:
    for name, service in SERVICES.items():
        assert "mem_limit" in service, f"{name} has no memory limit"
    one_shot = {"setup-kibana", "loadgen"}  # never at the same time as `setup`
    total = sum(_mib(s["mem_limit"]) for n, s in SERVICES.items() if n not in one_shot)
    assert total <= MEMORY_BUDGET_MIB, f"{total} MiB"
    heap = re.search(r"-Xmx(\d+)([mg])", environment_of(SERVICES["elasticsearch"])["ES_JAVA_OPTS"])
    assert heap
    assert _mib(heap.group(1) + heap.group(2)) <= _mib(SERVICES["elasticsearch"]["mem_limit"]) / 2


def test_elastic_security_and_kibana_keys() -> None:
    es = environment_of(SERVICES["elasticsearch"])
    assert es["xpack.security.enabled"] == "true"
    kibana = environment_of(SERVICES["kibana"])
    for key in (
        "XPACK_ENCRYPTEDSAVEDOBJECTS_ENCRYPTIONKEY",
        "XPACK_SECURITY_ENCRYPTIONKEY",
        "XPACK_REPORTING_ENCRYPTIONKEY",
    ):
        assert kibana[key].startswith("${") and ":?" in kibana[key], key
    assert kibana["ELASTICSEARCH_USERNAME"] == "kibana_system"


def test_apm_server_is_standalone_with_token_auth_and_no_rum() -> None:
    config = yaml.safe_load((REPO / "apm-server.yml").read_text())
    server = config["apm-server"]
    assert server["auth"]["secret_token"] == "${ELASTIC_APM_SECRET_TOKEN}"
    assert server["auth"]["anonymous"]["enabled"] is False
    assert server["rum"]["enabled"] is False
    output = config["output.elasticsearch"]
    assert output["username"] != "elastic" and output["password"].startswith("${")
    roles = Path(REPO / "setup/data/users" / f"{output['username']}.json")
    assert roles.is_file(), "setup must create the user APM Server writes with"


def test_generated_secrets_are_empty_in_env_example() -> None:
    text = ENV_EXAMPLE.read_text()
    env = env_example()
    for name in ("ELASTIC_PASSWORD", "KIBANA_SYSTEM_PASSWORD", "ELASTIC_APM_SECRET_TOKEN"):
        assert env[name] == "", name
    for name, value in env.items():
        if re.search(r"PASSWORD|SECRET|TOKEN|_KEY$|API_KEY", name):
            assert value == "", f"{name} has a value in .env.example"
    assert DEFAULT_PASSWORD not in text.lower()


def _tracked_files() -> list[Path]:
    try:
        out = subprocess.run(
            ["git", "ls-files"], cwd=REPO, capture_output=True, text=True, check=True
        ).stdout
    except (OSError, subprocess.CalledProcessError):
        pytest.fail("git ls-files failed: the secret scan needs the repository")
    return [REPO / line for line in out.splitlines() if (REPO / line).is_file()]


_SECRET_KEY = re.compile(r"password|passwd|secret|api_?key|encryption_?key|authorization", re.I)
_SECRET_SHAPES = re.compile(
    r"sk-(?:proj-|ant-)?[A-Za-z0-9_-]{24,}|AKIA[0-9A-Z]{16}|-----BEGIN [A-Z ]*PRIVATE KEY-----"
)


def _literal_secrets(data: Any, where: str) -> list[str]:
    found: list[str] = []
    if isinstance(data, dict):
        for key, value in data.items():
            if (
                isinstance(value, str)
                and _SECRET_KEY.search(str(key))
                and not str(key).endswith("_env")
                and len(value) >= 6
                and "${" not in value
            ):
                found.append(f"{where}: {key}")
            found += _literal_secrets(value, where)
    elif isinstance(data, list):
        for item in data:
            found += _literal_secrets(item, where)
    return found


def test_no_literal_secret_in_tracked_files() -> None:
    problems: list[str] = []
    for path in _tracked_files():
        if path.suffix in (".lock", ".png", ".gz") or path.stat().st_size > 2_000_000:
            continue
        try:
            text = path.read_text(encoding="utf-8")
        except UnicodeDecodeError:
            continue
        rel = str(path.relative_to(REPO))
        problems += [f"{rel}: {m.group(0)[:12]}…" for m in _SECRET_SHAPES.finditer(text)]
        if path.name.startswith("docker-compose") or path.suffix in (".yml", ".yaml"):
            problems += _literal_secrets(load_compose(path), rel)
            if DEFAULT_PASSWORD in text.lower():
                problems.append(f"{rel}: {DEFAULT_PASSWORD}")
    assert ".env" not in {str(p.relative_to(REPO)) for p in _tracked_files()}
    assert not problems, problems


def test_secret_scan_flags_a_literal_password() -> None:
    leaked = {"services": {"es": {"environment": {"ELASTIC_PASSWORD": "hunter2hunter2"}}}}
    assert _literal_secrets(leaked, "x") == ["x: ELASTIC_PASSWORD"]
    assert _literal_secrets({"password": "${ELASTIC_PASSWORD}"}, "x") == []


def test_interpolation_fails_without_generated_secrets() -> None:
    env = env_example()  # secrets empty, as in a clone that never ran `make env`
    value = environment_of(SERVICES["elasticsearch"])["ELASTIC_PASSWORD"]
    with pytest.raises(KeyError, match="ELASTIC_PASSWORD"):
        resolve(value, env)
    assert resolve(value, {**env, "ELASTIC_PASSWORD": "x" * 64}) == "x" * 64
