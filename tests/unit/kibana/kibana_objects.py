"""Helpers shared by the Kibana tests: walk dashboards and Lens panels."""

from __future__ import annotations

from typing import Any


def lens_panels(dashboard: dict[str, Any]) -> list[dict[str, Any]]:
    """The by-value Lens panels of a dashboard (source or exported form with panels decoded)."""
    return [panel for panel in dashboard["attributes"]["panelsJSON"] if panel["type"] == "lens"]


def layers(panel: dict[str, Any]) -> dict[str, Any]:
    """layerId -> formBased layer of one Lens panel."""
    state = panel["embeddableConfig"]["attributes"]["state"]
    result: dict[str, Any] = state["datasourceStates"]["formBased"]["layers"]
    return result
