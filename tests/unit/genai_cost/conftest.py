"""Shared fixtures for the genai_cost unit tests: the bundled snapshot, loaded once."""

from __future__ import annotations

import json
from typing import Any

import pytest

from genai_cost import PricingDatabase
from genai_cost.snapshot import SNAPSHOT_FILE


@pytest.fixture(scope="session")
def db() -> PricingDatabase:
    """The database on the bundled snapshot only (no env, no overrides, no refresh)."""
    return PricingDatabase()


@pytest.fixture(scope="session")
def raw_table() -> dict[str, Any]:
    """The bundled JSON as LiteLLM ships it, for reading rates in golden tests."""
    table: dict[str, Any] = json.loads(SNAPSHOT_FILE.read_bytes())
    return table
