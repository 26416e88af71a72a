"""Tier-3 fixtures: the app + llmsim through the real collector into apm-data documents.

`apm_documents` (session) is the list of Elasticsearch documents (`_source`) the run produced:
traces-apm-default (transactions, spans), logs-apm.error-default (errors) and
metrics-apm.app.menu_designer-default (metrics); `data_stream.*` in each names its index. The
same run is written to out/pipeline/documents.ndjson as {"_index", "_source"} lines; the
processes' logs stay in pytest's temporary directory (their tails are in any failure message).
"""

from __future__ import annotations

import itertools
import json
import shutil
from collections.abc import Callable, Iterator
from contextlib import ExitStack
from dataclasses import dataclass
from typing import Any

import pytest

from tests.pipeline.app_driver import AppRun, run_workload, start_app, start_llmsim
from tests.pipeline.pipeline import REPO, Hit, sources, start_pipeline

OUT = REPO / "out" / "pipeline"


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Everything under tests/pipeline is tier 3 (`make test-pipeline` selects -m pipeline)."""
    for item in items:
        if "tests/pipeline/" in str(item.path).replace("\\", "/"):
            item.add_marker(pytest.mark.pipeline)


@dataclass(frozen=True)
class AppTelemetry:
    """What the workload sent and every document it produced."""

    run: AppRun
    hits: list[Hit]

    @property
    def documents(self) -> list[dict[str, Any]]:
        return sources(self.hits)


def _sample_names(hits: list[Hit]) -> set[str]:
    return {
        sample["name"]
        for hit in hits
        for sample in hit["_source"].get("metricset", {}).get("samples", [])
    }


def _arrived(run: AppRun) -> Callable[[list[Hit]], bool]:
    """All transactions of the run, an error document and both LLM metrics have arrived."""

    def done(hits: list[Hit]) -> bool:
        events = [hit["_source"].get("processor", {}).get("event") for hit in hits]
        return (
            events.count("transaction") >= len(run.requests)
            and any(hit["_index"].startswith("logs-apm.error") for hit in hits)
            and {"gen_ai.client.cost", "gen_ai.client.token.usage"} <= _sample_names(hits)
        )

    return done


@pytest.fixture(scope="session")
def app_telemetry(tmp_path_factory: pytest.TempPathFactory) -> AppTelemetry:
    """Run the workload once; processes are stopped before the documents are read."""
    work = tmp_path_factory.mktemp("app-run")
    with ExitStack() as stack:
        pipeline = start_pipeline(work)
        stack.callback(pipeline.stop)
        llmsim, llmsim_url = start_llmsim(work)
        stack.callback(llmsim.stop)
        app, app_url = start_app(work, pipeline, llmsim_url)
        stack.callback(app.stop)
        run = run_workload(app_url, llmsim_url)
        pipeline.wait_for_hits(_arrived(run), "the workload's transactions, errors and metrics")
    # the app flushed on exit, the collector flushed its batch on exit: the run is complete
    hits = pipeline.hits()
    OUT.mkdir(parents=True, exist_ok=True)
    partial = work / "documents.ndjson"
    with partial.open("w") as out:
        out.writelines(json.dumps(hit, sort_keys=True) + "\n" for hit in hits)
    shutil.move(partial, OUT / "documents.ndjson")  # whole file or none, even if runs overlap
    return AppTelemetry(run, hits)


@pytest.fixture(scope="session")
def apm_documents(app_telemetry: AppTelemetry) -> list[dict[str, Any]]:
    """Every Elasticsearch document (`_source`) of the app run, as APM Server 9.5 writes it."""
    return app_telemetry.documents


@pytest.fixture(scope="session")
def workload(app_telemetry: AppTelemetry) -> AppRun:
    """The requests the app run sent, with their answers."""
    return app_telemetry.run


@pytest.fixture
def pipeline_factory(tmp_path: Any) -> Iterator[Callable[..., Any]]:
    """Start extra stand-in + collector pairs for one test; all are stopped afterwards."""
    started = itertools.count()
    with ExitStack() as stack:

        def factory(**kwargs: Any) -> Any:
            pipeline = start_pipeline(tmp_path / f"pipeline{next(started)}", **kwargs)
            stack.callback(pipeline.stop)
            return pipeline

        yield factory
