"""tests/stack/run.sh (`make test-stack`) control flow without a Docker engine: a stand-in `docker`
CLI on PATH records its calls and fails at a chosen step; the script must tear down every time
and exit with the failing step's code."""

from __future__ import annotations

import shutil
import stat
import subprocess
from pathlib import Path

import pytest

from tests.unit.stack.compose_files import REPO

RUN = REPO / "tests" / "stack" / "run.sh"

DOCKER = """#!/usr/bin/env bash
echo "$*" >> "$DOCKER_LOG"
case "$*" in
  info*|"compose version"*) exit 0 ;;
esac
if [[ "$*" == *" up -d --build"* ]]; then exit "${FAIL_UP:-0}"; fi
if [[ "$*" == *" ps -a -q setup-kibana"* ]]; then echo cid; exit 0; fi
if [[ "$*" == inspect* ]]; then echo "exited ${SETUP_KIBANA_EXIT:-0}"; exit 0; fi
if [[ "$*" == *" run --rm loadgen"* ]]; then exit "${FAIL_LOAD:-0}"; fi
exit 0
"""


def run_script(tmp_path: Path, **env: str) -> tuple[int, list[str], str]:
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    docker = bin_dir / "docker"
    docker.write_text(DOCKER)
    docker.chmod(docker.stat().st_mode | stat.S_IEXEC)
    log = tmp_path / "docker.log"
    log.touch()
    python_dir = Path(shutil.which("python3") or "/usr/bin/python3").parent
    full_env = {
        "PATH": f"{bin_dir}:{python_dir}:/usr/bin:/bin",
        "DOCKER_LOG": str(log),
        "PY": "/bin/false",  # the live checks would need the stack; stop right there
        "TMPDIR": str(tmp_path),
        **env,
    }
    done = subprocess.run(
        ["bash", str(RUN)], env=full_env, capture_output=True, text=True, timeout=60, check=False
    )
    return done.returncode, log.read_text().splitlines(), done.stdout + done.stderr


def _tore_down(calls: list[str]) -> bool:
    return any(c.endswith("--profile load down -v --remove-orphans") for c in calls)


@pytest.mark.parametrize(
    ("env", "code"),
    [({"FAIL_UP": "17"}, 17), ({"SETUP_KIBANA_EXIT": "3"}, 1), ({"FAIL_LOAD": "5"}, 5)],
)
def test_a_failing_step_still_tears_down_and_keeps_its_exit_code(
    tmp_path: Path, env: dict[str, str], code: int
) -> None:
    rc, calls, output = run_script(tmp_path, **env)
    assert rc == code, output
    assert _tore_down(calls), calls
    assert calls[-1].endswith("down -v --remove-orphans")
    assert not [p for p in tmp_path.iterdir() if p.name.startswith("tmp.")], "work dir left"


def test_failing_checks_tear_down_and_fail(tmp_path: Path) -> None:
    rc, calls, output = run_script(tmp_path)  # PY=/bin/false: the checks step fails
    assert rc == 1, output
    assert any("run --rm loadgen --requests 30 --no-progress" in c for c in calls)
    assert _tore_down(calls)
    (up,) = [c for c in calls if "up -d --build" in c]
    assert "-p llmobs-stacktest --env-file" in up


def test_without_docker_it_says_so(tmp_path: Path) -> None:
    only = tmp_path / "no-docker-bin"
    only.mkdir()
    dirname = shutil.which("dirname")
    assert dirname
    (only / "dirname").symlink_to(dirname)
    done = subprocess.run(
        [shutil.which("bash") or "/bin/bash", str(RUN)],
        env={"PATH": str(only)},
        capture_output=True,
        text=True,
        timeout=30,
        check=False,
    )
    assert done.returncode == 2
    assert "needs a Docker engine" in done.stderr
