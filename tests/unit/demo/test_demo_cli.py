"""demo.py: bad options stop before anything starts; the app's environment never leaks real keys."""

from __future__ import annotations

from pathlib import Path

import pytest
from demo import DemoOptions, app_env, llmsim_argv, main
from otlp_file_receiver import OtlpFileReceiver


@pytest.mark.parametrize(
    ("argv", "words"),
    [
        (["--fault-rate", "0.9"], "--fault-rate 0.9"),
        (["--latency-scale", "-1"], "--latency-scale -1.0"),
        (["--requests", "0"], "--requests"),
        (["--concurrency", "99"], "--concurrency"),
    ],
)
def test_bad_options_exit_2_naming_the_option(
    argv: list[str], words: str, capsys: pytest.CaptureFixture[str]
) -> None:
    with pytest.raises(SystemExit) as caught:
        main(argv)
    assert caught.value.code == 2
    assert words in capsys.readouterr().err


def test_app_environment_points_at_llmsim_and_the_receiver(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("OPENAI_API_KEY", "sk-real-key")
    monkeypatch.setenv("OTEL_EXPORTER_OTLP_HEADERS", "Authorization=Bearer%20x")
    monkeypatch.delenv("LLMOBS_USER_HASH_KEY", raising=False)
    receiver = OtlpFileReceiver(tmp_path / "t.jsonl")  # bound, not serving: only its address
    try:
        env = app_env(receiver, 5001, 8099)
    finally:
        receiver.stop()
    assert env["OTEL_EXPORTER_OTLP_ENDPOINT"] == receiver.endpoint
    assert env["OPENAI_BASE_URL"] == "http://127.0.0.1:8099/v1"
    assert env["ANTHROPIC_BASE_URL"] == "http://127.0.0.1:8099"
    assert "sk-real-key" not in env.values()
    assert "OTEL_EXPORTER_OTLP_HEADERS" not in env
    assert len(env["LLMOBS_USER_HASH_KEY"]) >= 16
    assert env["HOST"] == "127.0.0.1"


def test_llmsim_splits_the_fault_rate_and_stays_on_loopback(tmp_path: Path) -> None:
    argv = llmsim_argv(4000, DemoOptions(tmp_path, fault_rate=0.1, latency_scale=0.5, seed=3))
    flags = dict(zip(argv[3::2], argv[4::2], strict=True))
    assert flags["--host"] == "127.0.0.1"
    assert flags["--fault-rate-429"] == flags["--fault-rate-500"] == "0.05"
    assert (flags["--latency-scale"], flags["--seed"]) == ("0.5", "3")
