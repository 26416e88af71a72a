"""Makes scripts/ importable; a started OTLP file receiver per test."""

from __future__ import annotations

import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

SCRIPTS = Path(__file__).resolve().parents[3] / "scripts"
if str(SCRIPTS) not in sys.path:
    sys.path.insert(0, str(SCRIPTS))

from otlp_file_receiver import OtlpFileReceiver  # noqa: E402


@pytest.fixture
def receiver(tmp_path: Path) -> Iterator[OtlpFileReceiver]:
    started = OtlpFileReceiver(tmp_path / "received.jsonl").start()
    yield started
    started.stop()
