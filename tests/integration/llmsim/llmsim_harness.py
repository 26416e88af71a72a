"""Helpers shared by llmsim's tier-2 tests (imported by the tests and their conftest)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import httpx


@dataclass
class Sim:
    """A running simulator: its base URL and a client for its admin API."""

    url: str
    admin: httpx.Client

    def configure(self, **values: Any) -> dict[str, Any]:
        r = self.admin.put("/llmsim/config", json=values)
        assert r.status_code == 200, r.text
        return dict(r.json())

    def queue_fault(self, fault: str, count: int = 1, **match: Any) -> None:
        r = self.admin.post("/llmsim/faults", json={"fault": fault, "count": count, **match})
        assert r.status_code == 201, r.text

    def stats(self) -> dict[str, Any]:
        r = self.admin.get("/llmsim/stats")
        assert r.status_code == 200, r.text
        return dict(r.json())
