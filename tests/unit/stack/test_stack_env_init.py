"""scripts/env_init.py: .env created with strong random secrets, never overwritten, completed."""

from __future__ import annotations

import re
import stat
from pathlib import Path

import pytest

from scripts import env_init
from tests.unit.stack.compose_files import ENV_EXAMPLE

EXAMPLE = """# header
PLAIN=1
# Password of something (generated).
SECRET_ONE=
# A key you may set.
OPTIONAL_KEY=

# Kibana's key (generated).
SECRET_TWO=
"""


def _values(path: Path) -> dict[str, str]:
    return {v.name: v.value for v in env_init.parse_env(path.read_text())}


def test_creates_env_with_random_generated_secrets(tmp_path: Path) -> None:
    example, env = tmp_path / ".env.example", tmp_path / ".env"
    example.write_text(EXAMPLE)
    assert env_init.main(["--example", str(example), "--output", str(env)]) == 0

    values = _values(env)
    assert values["PLAIN"] == "1"
    assert values["OPTIONAL_KEY"] == ""  # not marked generated: stays empty
    assert re.fullmatch(r"[0-9a-f]{64}", values["SECRET_ONE"])
    assert re.fullmatch(r"[0-9a-f]{64}", values["SECRET_TWO"])
    assert values["SECRET_ONE"] != values["SECRET_TWO"]
    assert stat.S_IMODE(env.stat().st_mode) == 0o600
    assert "# Password of something (generated)." in env.read_text()  # comments kept


def test_two_runs_give_different_secrets(tmp_path: Path) -> None:
    (tmp_path / "x").write_text(EXAMPLE)
    env_init.main(["--example", str(tmp_path / "x"), "--output", str(tmp_path / "a")])
    env_init.main(["--example", str(tmp_path / "x"), "--output", str(tmp_path / "b")])
    assert _values(tmp_path / "a")["SECRET_ONE"] != _values(tmp_path / "b")["SECRET_ONE"]


def test_existing_env_is_kept_and_completed(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    example, env = tmp_path / ".env.example", tmp_path / ".env"
    example.write_text(EXAMPLE)
    env.write_text("PLAIN=42\nSECRET_ONE=mine-mine-mine-mine\nSECRET_TWO=\n")
    env_init.main(["--example", str(example), "--output", str(env)])

    values = _values(env)
    assert values["PLAIN"] == "42"
    assert values["SECRET_ONE"] == "mine-mine-mine-mine"
    assert re.fullmatch(r"[0-9a-f]{64}", values["SECRET_TWO"])  # was empty: filled
    assert values["OPTIONAL_KEY"] == ""  # appended from the example
    out = capsys.readouterr().out
    assert "SECRET_TWO" in out and "OPTIONAL_KEY" in out
    assert values["SECRET_TWO"] not in out  # names only, never values

    before = env.read_text()
    env_init.main(["--example", str(example), "--output", str(env)])
    assert env.read_text() == before
    assert "left unchanged" in capsys.readouterr().out


def test_every_secret_of_the_real_example_is_generated(tmp_path: Path) -> None:
    env = tmp_path / ".env"
    assert env_init.main(["--example", str(ENV_EXAMPLE), "--output", str(env)]) == 0
    values = _values(env)
    for name in (
        "ELASTIC_PASSWORD",
        "KIBANA_SYSTEM_PASSWORD",
        "APM_SERVER_ES_PASSWORD",
        "ELASTIC_APM_SECRET_TOKEN",
        "KIBANA_SECURITY_ENCRYPTION_KEY",
        "KIBANA_ENCRYPTED_SAVED_OBJECTS_KEY",
        "KIBANA_REPORTING_ENCRYPTION_KEY",
        "LLMOBS_USER_HASH_KEY",
    ):
        assert len(values[name]) >= 32, name
    assert values["OPENAI_API_KEY"] == ""


def test_missing_example_is_an_error(tmp_path: Path) -> None:
    assert (
        env_init.main(["--example", str(tmp_path / "nope"), "--output", str(tmp_path / "e")]) == 2
    )
