"""replay.py without a network: header parsing, time rebasing, refusals."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from replay import main, newest_time, parse_headers, read_lines, shift_times


def test_headers_merge_env_and_flags_and_decode_values() -> None:
    headers = parse_headers(
        ["Authorization=Bearer abc==", "X-Extra=1"], "Authorization=Bearer%20old,X-Env=a%2Cb"
    )
    assert headers == {"Authorization": "Bearer abc==", "X-Extra": "1", "X-Env": "a,b"}
    with pytest.raises(ValueError, match="'Authorization: x' is not in key=value"):
        parse_headers(["Authorization: x"], None)


def test_rebasing_moves_every_timestamp_but_leaves_zero_and_other_fields() -> None:
    document: dict[str, Any] = {
        "resourceSpans": [{"scopeSpans": [{"spans": [{
            "startTimeUnixNano": "100", "endTimeUnixNano": "250", "name": "100",
            "events": [{"timeUnixNano": "200"}],
        }]}]}],
        "resourceMetrics": [{"x": {"startTimeUnixNano": "0", "timeUnixNano": 300}}],
    }  # fmt: skip
    shifted = shift_times(document, 1_000)
    span = shifted["resourceSpans"][0]["scopeSpans"][0]["spans"][0]
    assert (span["startTimeUnixNano"], span["endTimeUnixNano"]) == ("1100", "1250")
    assert span["events"][0]["timeUnixNano"] == "1200"
    assert span["name"] == "100"
    assert shifted["resourceMetrics"][0]["x"] == {"startTimeUnixNano": "0", "timeUnixNano": "1300"}
    assert document["resourceSpans"][0]["scopeSpans"][0]["spans"][0]["startTimeUnixNano"] == "100"


def test_newest_time_and_bad_lines(tmp_path: Path) -> None:
    path = tmp_path / "t.jsonl"
    lines = [{"resourceSpans": [{"endTimeUnixNano": "5"}]}, {"resourceLogs": [{"timeUnixNano": 9}]}]
    path.write_text("\n".join(json.dumps(x) for x in lines) + "\n", encoding="utf-8")
    assert newest_time(path) == 9
    path.write_text('{"resourceSpans": []}\nnot json\n', encoding="utf-8")
    with pytest.raises(ValueError, match=r"t\.jsonl:2: not JSON"):
        list(read_lines(path))


def test_cli_refuses_missing_file_and_bad_endpoint(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    with pytest.raises(SystemExit) as caught:
        main([str(tmp_path / "missing.jsonl")])
    assert caught.value.code == 2
    assert "missing.jsonl does not exist" in capsys.readouterr().err
    present = tmp_path / "t.jsonl"
    present.write_text("", encoding="utf-8")
    with pytest.raises(SystemExit):
        main([str(present), "--endpoint", "collector:4318"])
    assert "must start with http" in capsys.readouterr().err
    assert main([str(present), "--endpoint", "http://127.0.0.1:9"]) == 1
    assert "nothing to send" in capsys.readouterr().err
