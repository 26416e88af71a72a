"""Admin API (/llmsim/*) and health: effective config, validation, scheduled faults, stats."""

from __future__ import annotations

import pytest

from tests.integration.llmsim.llmsim_harness import Sim


def test_health(sim: Sim) -> None:
    r = sim.admin.get("/health")
    assert r.status_code == 200 and r.json() == {"status": "ok"}


def test_config_round_trip(sim: Sim) -> None:
    before = sim.admin.get("/llmsim/config").json()
    assert before["latency_scale"] == 0 and before["host"] == "127.0.0.1"
    after = sim.configure(
        review_reject_rate=0.5, latency_profiles={"gpt-4o": {"ttft_ms": 10, "tokens_per_s": 500}}
    )
    assert after["review_reject_rate"] == 0.5
    assert after["latency_profiles"]["gpt-4o"] == {"ttft_ms": 10, "tokens_per_s": 500}
    assert after["latency_profiles"]["claude-haiku"] == before["latency_profiles"]["claude-haiku"]
    assert sim.admin.get("/llmsim/config").json() == after


@pytest.mark.parametrize(
    ("patch", "named"),
    [
        ({"latency_scale": -1}, "latency_scale"),
        ({"review_reject_rate": 2}, "review_reject_rate"),
        ({"seed": "abc"}, "seed"),
        ({"fault_rate_429": 0.7, "fault_rate_500": 0.7}, "fault_rate_"),
        ({"port": 1234}, "port"),
        ({"no_such_setting": 1}, "no_such_setting"),
        ({"latency_profiles": {"gpt-4o": {"ttft_ms": 1}}}, "tokens_per_s"),
        ([1, 2], "body"),
    ],
)
def test_bad_config_is_400_naming_the_setting(sim: Sim, patch: object, named: str) -> None:
    before = sim.admin.get("/llmsim/config").json()
    r = sim.admin.put("/llmsim/config", json=patch)
    assert r.status_code == 400
    assert named in r.json()["error"]
    assert sim.admin.get("/llmsim/config").json() == before


def test_bad_json_is_400(sim: Sim) -> None:
    r = sim.admin.put(
        "/llmsim/config", content=b"{nope", headers={"content-type": "application/json"}
    )
    assert r.status_code == 400 and "JSON" in r.json()["error"]


def test_fault_queue(sim: Sim) -> None:
    sim.queue_fault("429", 3, provider="openai", model="gpt-4o")
    queued = sim.admin.get("/llmsim/faults").json()["queued"]
    assert queued == [{"kind": "429", "remaining": 3, "provider": "openai", "model": "gpt-4o"}]
    assert sim.admin.delete("/llmsim/faults").json() == {"cleared": 3}
    assert sim.admin.get("/llmsim/faults").json()["queued"] == []


@pytest.mark.parametrize(
    ("spec", "named"),
    [
        ({"fault": "404"}, "fault"),
        ({"fault": "429", "count": 0}, "count"),
        ({"fault": "429", "provider": "google"}, "provider"),
        ({"fault": "429", "model": ""}, "model"),
        ({"fault": "429", "when": "now"}, "when"),
    ],
)
def test_bad_fault_spec_is_400(sim: Sim, spec: dict[str, object], named: str) -> None:
    r = sim.admin.post("/llmsim/faults", json=spec)
    assert r.status_code == 400 and r.json()["error"].startswith(named)


def test_unknown_routes(sim: Sim) -> None:
    assert sim.admin.get("/llmsim/nothing").status_code == 404
    r = sim.admin.get("/v2/whatever")
    assert r.status_code == 404 and r.json()["error"]["type"] == "invalid_request_error"
    r = sim.admin.get("/v1/chat/completions")
    assert r.status_code == 405
