"""Fixtures for the Kibana saved-object and alert-rule tests: the committed files, loaded once."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from scripts import kibana_export

REPO = Path(__file__).resolve().parents[3]


@pytest.fixture(scope="session")
def kibana_dir() -> Path:
    return REPO / "kibana"


@pytest.fixture(scope="session")
def sources(kibana_dir: Path) -> list[dict[str, Any]]:
    return kibana_export.load_sources(kibana_dir)


@pytest.fixture(scope="session")
def exported(kibana_dir: Path) -> list[dict[str, Any]]:
    return kibana_export.saved_objects(kibana_dir)


@pytest.fixture(scope="session")
def rules(kibana_dir: Path) -> list[dict[str, Any]]:
    return kibana_export.load_rules(kibana_dir)


@pytest.fixture(scope="session")
def dashboards(sources: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return [obj for obj in sources if obj["type"] == "dashboard"]
