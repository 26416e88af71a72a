"""The telemetry contract of the app (issue 4), asserted on the spans it really exports."""

from __future__ import annotations

from collections import Counter
from typing import Any

import httpx
import pytest

from app.attribution import pseudonymise
from tests.integration.app.conftest import HASH_KEY, Llmsim
from tests.integration.app.otlp_sink import Sink

MENU = {
    "cuisine": "French",
    "menu_type": "dinner",
    "courses": 3,
    "dietary_requirements": ["no shellfish"],
    "budget": "moderate",
    "season": "autumn",
    "occasion": "anniversary",
}
HEADERS = {
    "X-Feature": "menu-designer",
    "X-Team": "growth",
    "X-Tenant-Id": "acme",
    "X-User-Id": "alice@example.com",
}
CONTENT_PREFIXES = (
    "gen_ai.prompt",
    "gen_ai.completion",
    "gen_ai.input.messages",
    "gen_ai.output.messages",
    "traceloop.entity.input",
    "traceloop.entity.output",
)


def is_llm(span: dict[str, Any]) -> bool:
    a = span["attributes"]
    return "gen_ai.provider.name" in a or "gen_ai.system" in a


def collect(sink: Sink, trace_id: str, min_spans: int = 1) -> list[dict[str, Any]]:
    """All spans of one trace, once the server span (the last to end) has arrived."""

    def done() -> bool:
        spans = sink.trace(trace_id)
        return len(spans) >= min_spans and any(s["kind"] == "SERVER" for s in spans)

    assert sink.wait_for(done), f"trace {trace_id} incomplete: {len(sink.trace(trace_id))} spans"
    return sink.trace(trace_id)


def by_name(spans: list[dict[str, Any]], name: str) -> list[dict[str, Any]]:
    return [s for s in spans if s["name"] == name]


def children(spans: list[dict[str, Any]], parent: dict[str, Any]) -> list[str]:
    return sorted(s["name"] for s in spans if s["parent_span_id"] == parent["span_id"])


def llm_calls(stats: dict[str, Any]) -> int:
    """Requests llmsim served on the two completion APIs (its stats' total)."""
    return int(stats["requests_total"])


def test_menu_design_trace_contract(app_url: str, sim: Llmsim, otlp: tuple[str, Sink]) -> None:
    _, sink = otlp
    spans_before = len(sink.spans)
    calls_before = llm_calls(sim.stats())
    r = httpx.post(f"{app_url}/menu/design", json=MENU, headers=HEADERS, timeout=60)
    assert r.status_code == 200, r.text
    body = r.json()
    assert len(body["courses"]) == 3
    assert all(c["wine"]["wine"] and c["approved"] for c in body["courses"])
    assert body["dietary_notes"] and body["pairing_approach"]  # phase-2 results are used

    spans = collect(sink, body["trace_id"], min_spans=15)
    sink.wait_for(lambda: len(sink.spans) - spans_before >= len(spans))
    # one trace per request: nothing the request made went to another trace
    assert {s["trace_id"] for s in sink.spans[spans_before:]} == {body["trace_id"]}
    assert len(spans) >= 15

    roots = [s for s in spans if not s["parent_span_id"]]
    assert len(roots) == 1
    root = roots[0]
    assert root["kind"] == "SERVER"
    assert root["attributes"]["http.route"] == "/menu/design"
    ids = {s["span_id"] for s in spans}
    assert all(s["parent_span_id"] in ids for s in spans if s is not root)  # no orphans

    (workflow,) = by_name(spans, "menu_design.workflow")
    assert workflow["parent_span_id"] == root["span_id"]
    (research,) = by_name(spans, "parallel_research.task")
    assert children(spans, research) == [
        "chef.draft_recipes.task",
        "nutritionist.research.task",
        "sommelier.strategy.task",
    ]
    (refinement,) = by_name(spans, "recipe_refinement.workflow")
    assert refinement["parent_span_id"] == workflow["span_id"]
    assert len(by_name(spans, "nutritionist.review.task")) == 3
    assert len(by_name(spans, "sommelier.pair_wine.task")) == 3

    llm = [s for s in spans if is_llm(s)]
    # exactly one span per provider call: as many LLM spans as llmsim served requests
    assert len(llm) == llm_calls(sim.stats()) - calls_before
    assert not [s for s in spans if s["scope"] == "com.anthropic.sdk.python"]
    agents = Counter(s["attributes"]["llmobs.agent"] for s in llm)
    assert set(agents) == {"coordinator", "chef", "nutritionist", "sommelier"}
    pseudonym = pseudonymise("alice@example.com", HASH_KEY.encode())
    for s in llm:
        a = s["attributes"]
        assert a["gen_ai.cost.status"] == "priced", a
        assert a["gen_ai.cost.total_usd"] > 0
        assert a["gen_ai.system"] in ("openai", "anthropic")
        assert (a["llmobs.feature"], a["llmobs.team"], a["llmobs.tenant"]) == (
            "menu-designer",
            "growth",
            "acme",
        )
        assert a["enduser.pseudo.id"] == pseudonym
    for s in spans:
        assert "alice@example.com" not in str(s["attributes"])
        assert not [k for k in s["attributes"] if k.startswith(CONTENT_PREFIXES)], s["name"]
    assert root["resource"]["service.name"] == "menu-designer-test"


def test_refinement_rounds_and_pairing_fallback(
    app_url: str, sim: Llmsim, otlp: tuple[str, Sink]
) -> None:
    sim.configure(review_reject_rate=1.0, pairing_incomplete_rate=1.0)
    r = httpx.post(f"{app_url}/menu/design", json={**MENU, "courses": 1}, timeout=60)
    assert r.status_code == 200, r.text
    (course,) = r.json()["courses"]
    assert (course["approved"], course["review_rounds"]) == (False, 3)
    assert course["wine"]["fallback"] is True

    spans = collect(otlp[1], r.json()["trace_id"])
    reviews = by_name(spans, "nutritionist.review.task")
    assert sorted(s["attributes"]["llmobs.refinement_round"] for s in reviews) == [1, 2, 3]
    assert all(s["attributes"]["llmobs.review_approved"] is False for s in reviews)
    assert len(by_name(spans, "chef.revise.task")) == 2
    pairs = sorted(
        by_name(spans, "sommelier.pair_wine.task"),
        key=lambda s: s["attributes"]["llmobs.pairing_attempt"],
    )
    assert [s["attributes"]["llmobs.pairing_attempt"] for s in pairs] == [1, 2, 3]
    assert [s["attributes"]["llmobs.pairing_fallback"] for s in pairs] == [False, False, True]


def test_malformed_plan_is_retried_once_then_502(
    app_url: str, sim: Llmsim, otlp: tuple[str, Sink]
) -> None:
    sim.configure(plan_malformed_rate=1.0)
    r = httpx.post(f"{app_url}/menu/design", json=MENU, timeout=60)
    assert r.status_code == 502
    error = r.json()["error"]
    assert (error["type"], error["agent"], error["provider"]) == (
        "agent_output_invalid",
        "coordinator",
        "openai",
    )
    assert "Traceback" not in r.text


def _recipe(app_url: str, provider: str, **headers: str) -> httpx.Response:
    return httpx.post(
        f"{app_url}/recipe/generate",
        headers=headers,
        timeout=30,
        json={"provider": provider, "dish_name": "Ratatouille", "servings": 4},
    )


@pytest.mark.parametrize("provider", ["openai", "anthropic"])
def test_rate_limit_is_retried_and_visible(
    app_url: str, sim: Llmsim, otlp: tuple[str, Sink], provider: str
) -> None:
    sim.queue_fault("429", 1, provider)
    r = _recipe(app_url, provider)
    assert r.status_code == 200, r.text
    assert r.json()["attempts"] == 2
    spans = collect(otlp[1], r.json()["trace_id"])
    llm = sorted(
        (s for s in spans if is_llm(s)), key=lambda s: s["attributes"]["llmobs.llm_attempt"]
    )
    assert [s["status"] for s in llm] == ["ERROR", "UNSET"] or [s["status"] for s in llm] == [
        "ERROR",
        "OK",
    ]
    failed = llm[0]
    assert failed["attributes"]["error.type"] == "RateLimitError"
    assert [e["name"] for e in failed["events"]] == ["exception"]
    assert llm[1]["attributes"]["gen_ai.cost.status"] == "priced"


@pytest.mark.parametrize(
    ("fault", "status", "reason"),
    [("500", 502, "unavailable"), ("429", 503, "rate_limited"), ("529", 503, "overloaded")],
)
def test_exhausted_retries_name_provider_and_agent(
    app_url: str, sim: Llmsim, otlp: tuple[str, Sink], fault: str, status: int, reason: str
) -> None:
    sim.queue_fault(fault, 3, "anthropic")
    r = _recipe(app_url, "anthropic")
    assert r.status_code == status
    error = r.json()["error"]
    assert (error["provider"], error["agent"], error["reason"]) == ("anthropic", "recipe", reason)
    assert "Error" not in error["message"]  # no exception class or upstream text leaks
    if status == 503:
        assert r.headers["Retry-After"]


def test_timeout_is_retried_then_502(app_url: str, sim: Llmsim) -> None:
    sim.queue_fault("timeout", 3, "openai")
    r = _recipe(app_url, "openai")
    assert r.status_code == 502
    assert r.json()["error"]["reason"] == "timeout"


def test_compare_and_batch(app_url: str, sim: Llmsim) -> None:
    r = httpx.post(f"{app_url}/recipe/compare", json={"dish_name": "Bouillabaisse"}, timeout=30)
    assert r.status_code == 200, r.text
    assert set(r.json()) >= {"openai", "anthropic", "trace_id"}
    assert r.json()["anthropic"]["model"].startswith("claude")
    batch = {
        "recipes": [
            {"provider": p, "dish_name": f"Dish {i}"}
            for i, p in enumerate(["openai", "anthropic", "openai"])
        ]
    }
    r = httpx.post(f"{app_url}/recipe/batch", json=batch, timeout=30)
    assert r.status_code == 200, r.text
    assert r.json()["count"] == 3


def test_cost_metrics_carry_bounded_attributes(
    app_url: str, sim: Llmsim, otlp: tuple[str, Sink]
) -> None:
    _, sink = otlp
    assert _recipe(app_url, "openai", **HEADERS).status_code == 200

    def seen() -> list[dict[str, Any]]:
        with sink.lock:
            return [
                m
                for m in sink.metrics
                if m["name"] == "gen_ai.client.cost"
                and m["attributes"].get("llmobs.feature") == "menu-designer"
            ]

    # delta temporality: each point is one interval's increase, so later intervals may be 0
    assert sink.wait_for(lambda: any(m["value"] > 0 for m in seen()))
    for point in seen():
        assert point["value"] >= 0
        assert point["attributes"]["llmobs.team"] == "growth"
        assert not {"enduser.pseudo.id", "llmobs.tenant"} & set(point["attributes"])
