"""Load generator: bodies the app accepts, attribution from the fixed population, bounds."""

from __future__ import annotations

import random

import pytest
from loadgen import (
    Outcome,
    Plan,
    Summary,
    _Dispatcher,
    check_base_url,
    parse_args,
)
from loadgen_scenarios import (
    FEATURE_TEAM,
    SCENARIOS,
    TENANTS,
    USERS,
    attribution_headers,
    parse_mix,
)
from pydantic import BaseModel

from app.attribution import attribution_from_headers
from app.schemas import BatchRequest, CompareRequest, MenuRequest, RecipeRequest

SCHEMAS: dict[str, type[BaseModel]] = {
    "generate": RecipeRequest,
    "compare": CompareRequest,
    "batch": BatchRequest,
    "menu": MenuRequest,
}


@pytest.mark.parametrize("scenario", sorted(SCENARIOS))
def test_every_body_validates_against_the_apps_own_schema(scenario: str) -> None:
    rng = random.Random(7)
    for _ in range(200):
        body = SCENARIOS[scenario][1](rng, ("openai", "anthropic"))
        SCHEMAS[scenario].model_validate(body)


def test_both_providers_appear_and_a_provider_subset_is_honoured() -> None:
    rng = random.Random(1)
    build = SCENARIOS["generate"][1]
    assert {build(rng, ("openai", "anthropic"))["provider"] for _ in range(50)} == {
        "openai", "anthropic",
    }  # fmt: skip
    assert {build(rng, ("anthropic",))["provider"] for _ in range(50)} == {"anthropic"}
    batch = SCENARIOS["batch"][1](rng, ("openai",))
    assert {item["provider"] for item in batch["recipes"]} == {"openai"}


def test_attribution_headers_come_from_the_population_and_the_app_accepts_them() -> None:
    rng = random.Random(3)
    seen_users = set()
    for scenario in SCENARIOS:
        for _ in range(100):
            headers = attribution_headers(rng, scenario)
            assert FEATURE_TEAM[headers["X-Feature"]] == headers["X-Team"]
            assert headers["X-Tenant-Id"] in TENANTS
            seen_users.add(headers["X-User-Id"])
            attributes = attribution_from_headers(headers, b"k" * 16)
            assert attributes["llmobs.feature"] == headers["X-Feature"]
            assert headers["X-User-Id"] not in attributes.values()
    assert seen_users <= set(USERS)
    assert len(seen_users) > len(USERS) // 2


def test_a_user_always_belongs_to_the_same_tenant() -> None:
    rng = random.Random(5)
    tenants: dict[str, set[str]] = {}
    for _ in range(300):
        headers = attribution_headers(rng, "generate")
        tenants.setdefault(headers["X-User-Id"], set()).add(headers["X-Tenant-Id"])
    assert all(len(t) == 1 for t in tenants.values())


def test_parse_mix_names_the_bad_part() -> None:
    assert parse_mix("generate=3, menu=1") == {"generate": 3, "menu": 1}
    with pytest.raises(ValueError, match="unknown scenario 'chat'"):
        parse_mix("chat=1")
    with pytest.raises(ValueError, match="whole-number weight"):
        parse_mix("menu=x")
    with pytest.raises(ValueError, match="above 0"):
        parse_mix("menu=0")


@pytest.mark.parametrize(
    "url", ["http://127.0.0.1:5001", "http://localhost:5001/", "http://app:5001", "http://[::1]:1"]
)
def test_loopback_and_compose_hosts_are_allowed(url: str) -> None:
    assert check_base_url(url) == url.rstrip("/")


@pytest.mark.parametrize(
    "url", ["http://example.com", "http://10.0.0.5:5001", "ftp://app:21", "app:5001"]
)
def test_other_hosts_are_refused(url: str) -> None:
    with pytest.raises(ValueError, match="--base-url"):
        check_base_url(url)


def test_command_line_bounds_stop_with_exit_code_2(capsys: pytest.CaptureFixture[str]) -> None:
    for argv in (
        ["--requests", "0"],
        ["--requests", "10001"],
        ["--concurrency", "33"],
        ["--duration", "99999"],
        ["--providers", "openai,mistral"],
        ["--base-url", "http://example.com"],
    ):
        with pytest.raises(SystemExit) as caught:
            parse_args(argv, env={})
        assert caught.value.code == 2
        assert argv[0] in capsys.readouterr().err
    plan, wait = parse_args(["--duration", "5"], env={})
    assert (plan.requests, plan.duration_s, wait) == (None, 5.0, 0.0)
    assert parse_args([], env={})[0].requests == 50


def test_loadgen_variables_give_defaults_and_flags_win(capsys: pytest.CaptureFixture[str]) -> None:
    env = {
        "LOADGEN_BASE_URL": "http://app:5001",
        "LOADGEN_REQUESTS": "20",
        "LOADGEN_CONCURRENCY": "3",
        "LOADGEN_MIX": "menu=1",
        "LOADGEN_PROVIDERS": "anthropic",
        "LOADGEN_DURATION": "",
    }
    plan, _ = parse_args(["--concurrency", "5"], env=env)
    assert (plan.base_url, plan.requests, plan.concurrency) == ("http://app:5001", 20, 5)
    assert (plan.mix, plan.providers, plan.duration_s) == ({"menu": 1}, ("anthropic",), None)
    with pytest.raises(SystemExit) as caught:
        parse_args([], env={"LOADGEN_CONCURRENCY": "99"})
    assert caught.value.code == 2
    assert "LOADGEN_CONCURRENCY='99'" in capsys.readouterr().err


def test_dispatcher_stops_at_the_count_and_at_the_deadline() -> None:
    counted = _Dispatcher(Plan("http://127.0.0.1:1", requests=7, seed=1))
    assert sum(1 for _ in iter(counted.next, None)) == 7
    timed = _Dispatcher(Plan("http://127.0.0.1:1", requests=None, duration_s=0.05, seed=1))
    assert sum(1 for _ in iter(timed.next, None)) > 0  # ends by itself (the deadline)


def test_summary_counts_errors_by_status_and_renders_them() -> None:
    summary = Summary(
        [
            Outcome("generate", "200", 10.0),
            Outcome("generate", "200", 30.0),
            Outcome("menu", "503", 50.0),
            Outcome("menu", "timeout", 90.0),
        ],
        elapsed_s=2.0,
    )
    assert summary.succeeded == 2
    assert summary.errors_by_status == {"503": 1, "timeout": 1}
    assert summary.latency(50) == 40.0
    assert summary.latency(50, "generate") == 20.0
    text = summary.render()
    assert "requests 4  ok 2  errors 2" in text
    assert "503: 1, timeout: 1" in text
