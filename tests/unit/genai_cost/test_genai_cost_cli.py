"""The command line: price (single and --batch JSONL), resolve, info; bad arguments exit 2."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from genai_cost.cli import main


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    try:
        code = main(list(argv))
    except SystemExit as exc:
        code = int(exc.code or 0)
    out = capsys.readouterr()
    return code, out.out, out.err


def test_price_json(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(
        capsys,
        "price",
        "--model",
        "gpt-4o-mini",
        "--provider",
        "openai",
        "--input-tokens",
        "1000",
        "--output-tokens",
        "200",
        "--cache-read-tokens",
        "400",
        "--json",
    )
    result = json.loads(out)
    assert code == 0 and result["status"] == "priced"
    assert result["input_usd"] == pytest.approx(600 * 1.5e-07 + 400 * 7.5e-08)
    assert result["output_usd"] == pytest.approx(200 * 6e-07)
    assert result["model_resolved"] == "gpt-4o-mini"


def test_price_text_and_service_tier(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(
        capsys,
        "price",
        "--model",
        "gpt-5-mini",
        "--input-tokens",
        "1000",
        "--output-tokens",
        "0",
        "--service-tier",
        "flex",
    )
    assert code == 0 and out.startswith("$0.00012500 gpt-5-mini")


def test_unknown_model_is_unpriced_exit_0(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(
        capsys,
        "price",
        "--model",
        "nope-9000",
        "--input-tokens",
        "1",
        "--output-tokens",
        "1",
        "--json",
    )
    assert code == 0 and json.loads(out)["status"] == "unpriced"


@pytest.mark.parametrize(
    "argv",
    [
        ["price", "--model", "gpt-4o", "--input-tokens", "-5", "--output-tokens", "1"],
        ["price", "--model", "gpt-4o", "--input-tokens", "many", "--output-tokens", "1"],
        ["price", "--model", "gpt-4o", "--output-tokens", "1"],
        ["price"],
        ["resolve"],
        ["bogus"],
    ],
)
def test_bad_arguments_exit_2(capsys: pytest.CaptureFixture[str], argv: list[str]) -> None:
    code, _, err = run(capsys, *argv)
    assert code == 2 and "error" in err


def test_batch_jsonl_in_order(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    lines = [
        {"model": "gpt-4o-mini", "provider": "openai", "input_tokens": 1000, "output_tokens": 10},
        {"model": "nope-9000", "input_tokens": 5},
        {
            "model": "claude-sonnet-4-5",
            "input_tokens": 100,
            "cache_write_tokens": 50,
            "extra": "ignored",
        },
    ]
    path = tmp_path / "calls.jsonl"
    path.write_text("\n".join(json.dumps(x) for x in lines) + "\n")
    code, out, _ = run(capsys, "price", "--batch", str(path), "--json")
    results = [json.loads(x) for x in out.splitlines()]
    assert code == 0 and [r["status"] for r in results] == ["priced", "unpriced", "priced"]
    assert results[0]["total_usd"] == pytest.approx(1000 * 1.5e-07 + 10 * 6e-07)
    assert results[2]["input_usd"] == pytest.approx(50 * 3e-06 + 50 * 3.75e-06)
    assert results[2]["output_usd"] == 0
    for r in results:
        assert {"input_usd", "output_usd", "total_usd", "model_resolved", "status"} <= set(r)


@pytest.mark.parametrize(
    ("content", "fragment"),
    [
        ("{not json\n", ":1: not valid JSON"),
        ('{"input_tokens": 3}\n', "string 'model'"),
        ('{"model": "gpt-4o"}\n{"model": "x", "input_tokens": -1}\n', ":2: input_tokens"),
    ],
)
def test_bad_batch_file_exit_2(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, content: str, fragment: str
) -> None:
    path = tmp_path / "bad.jsonl"
    path.write_text(content)
    code, out, err = run(capsys, "price", "--batch", str(path), "--json")
    assert code == 2 and fragment in err and out == ""  # nothing printed before the error


def test_missing_batch_file_exit_2(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    code, _, err = run(capsys, "price", "--batch", str(tmp_path / "none.jsonl"))
    assert code == 2 and "cannot read --batch file" in err


def test_resolve(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "resolve", "openai/gpt-4o-mini-2099-01-01", "--json")
    assert code == 0
    assert json.loads(out)["model_resolved"] == "gpt-4o-mini"
    code, out, _ = run(capsys, "resolve", "nope-9000")
    assert code == 0 and out.startswith("unpriced")


def test_bad_config_exits_2(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("GENAI_COST_REFRESH_TTL_SECONDS", "-3")
    code, _, err = run(capsys, "info")
    assert code == 2 and "GENAI_COST_REFRESH_TTL_SECONDS" in err


def test_module_entry_point_info() -> None:
    run_ = subprocess.run(
        [sys.executable, "-m", "genai_cost", "info", "--json"],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert run_.returncode == 0, run_.stderr
    info = json.loads(run_.stdout)
    assert info["snapshot_version"] == "1.106.2"
    assert info["model_count"] > 4000
    assert Path(info["snapshot_path"]).is_file()
    assert "last_refresh" in info
    assert info["cache_file_updated"] is None or info["cache_file_updated"].endswith("Z")


def test_info_shows_cache_time(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("GENAI_COST_CACHE_DIR", str(tmp_path))
    code, out, _ = run(capsys, "info", "--json")
    assert code == 0 and json.loads(out)["cache_file_updated"] is None
    (tmp_path / "model_prices.json").write_text("{}")
    code, out, _ = run(capsys, "info", "--json")
    assert json.loads(out)["cache_file_updated"].endswith("Z")


def test_price_at_a_moment(capsys: pytest.CaptureFixture[str]) -> None:
    base = [
        "price",
        "--model",
        "deepseek-v4-pro",
        "--input-tokens",
        "1000000",
        "--output-tokens",
        "0",
        "--json",
        "--at",
    ]
    _, peak, _ = run(capsys, *base, "2026-11-23T08:00:00Z")
    _, off, _ = run(capsys, *base, "2026-11-23T12:00:00")  # naive: UTC
    assert json.loads(peak)["total_usd"] == pytest.approx(1.32)
    assert json.loads(off)["total_usd"] == pytest.approx(0.66)
    code, _, err = run(capsys, *base, "yesterday")
    assert code == 2 and "ISO 8601" in err
