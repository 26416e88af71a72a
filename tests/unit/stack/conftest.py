"""Fixtures of the stack tests: the fake Elasticsearch/Kibana, setup's env, fixture objects."""

from __future__ import annotations

import json
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[3]
if str(REPO) not in sys.path:  # `setup` and `scripts` are run from the repo root, not installed
    sys.path.insert(0, str(REPO))

from tests.unit.stack.fake_elastic import ElasticState, FakeElastic  # noqa: E402

FIXTURE_KIBANA = Path(__file__).resolve().parent / "fixtures" / "kibana"
ELASTIC_PASSWORD = "e" * 64
KIBANA_SYSTEM_PASSWORD = "k" * 64
APM_PASSWORD = "a" * 64


def fixture_ndjson(objects_dir: Path) -> bytes:
    """A stand-in for scripts/kibana_export.build_ndjson over the fixture objects: one line each."""
    lines = [
        json.dumps(json.loads(p.read_text()), separators=(",", ":"))
        for p in sorted(objects_dir.glob("dashboards/*.json"))
    ]
    return ("\n".join(lines) + "\n").encode() if lines else b""


@pytest.fixture
def state() -> ElasticState:
    return ElasticState(passwords={"elastic": ELASTIC_PASSWORD})


@pytest.fixture
def fake(state: ElasticState) -> Iterator[FakeElastic]:
    with FakeElastic(state) as server:
        yield server


@pytest.fixture
def setup_env(fake: FakeElastic) -> dict[str, str]:
    return {
        "ELASTICSEARCH_URL": fake.url,
        "KIBANA_URL": fake.url,
        "ELASTIC_PASSWORD": ELASTIC_PASSWORD,
        "KIBANA_SYSTEM_PASSWORD": KIBANA_SYSTEM_PASSWORD,
        "APM_SERVER_ES_PASSWORD": APM_PASSWORD,
        "SETUP_ES_WAIT_SECONDS": "2",
        "SETUP_KIBANA_WAIT_SECONDS": "2",
        "LLMOBS_KIBANA_DIR": str(FIXTURE_KIBANA),
        "LLMOBS_FIXTURE_COST_USD": "2.5",
    }
