"""Faults and errors in each provider's real shape, asserted as the SDKs' own exceptions."""

from __future__ import annotations

from typing import Any

import anthropic
import httpx2
import openai
import pytest
from openai.types.chat import ChatCompletion

from tests.integration.llmsim.llmsim_harness import Sim

OAI_MODEL = "gpt-4o-mini"
ANT_MODEL = "claude-haiku-4-5"
ASK = [{"role": "user", "content": "Write two paragraphs about bread baking at home."}]


def call_openai(client: openai.OpenAI, **extra: Any) -> Any:
    return client.chat.completions.create(model=OAI_MODEL, messages=ASK, **extra)  # type: ignore[arg-type]


def call_anthropic(client: anthropic.Anthropic, **extra: Any) -> Any:
    return client.messages.create(model=ANT_MODEL, max_tokens=300, messages=ASK, **extra)  # type: ignore[arg-type]


OPENAI_FAULTS = [
    ("429", openai.RateLimitError, 429),
    ("500", openai.InternalServerError, 500),
    ("503", openai.InternalServerError, 503),
    ("529", openai.InternalServerError, 503),  # OpenAI has no 529: sent as its 503 overload
]
ANTHROPIC_FAULTS = [
    ("429", anthropic.RateLimitError, 429),
    ("500", anthropic.InternalServerError, 500),
    ("503", anthropic.ServiceUnavailableError, 503),
    ("529", anthropic.OverloadedError, 529),
]


@pytest.mark.parametrize(("fault", "exc", "status"), OPENAI_FAULTS)
def test_openai_fault_header(oai: openai.OpenAI, fault: str, exc: type, status: int) -> None:
    with pytest.raises(exc) as err:
        call_openai(oai, extra_headers={"x-llmsim-fault": fault})
    assert type(err.value) is exc
    assert err.value.status_code == status
    assert err.value.request_id is not None
    body = err.value.body
    assert isinstance(body, dict) and {"message", "type", "param", "code"} <= body.keys()
    if fault == "429":
        assert err.value.code == "rate_limit_exceeded"
        assert err.value.response.headers["retry-after"] == "1"
        assert err.value.response.headers["retry-after-ms"] == "10"


@pytest.mark.parametrize(("fault", "exc", "status"), ANTHROPIC_FAULTS)
def test_anthropic_fault_header(
    ant: anthropic.Anthropic, fault: str, exc: type, status: int
) -> None:
    with pytest.raises(exc) as err:
        call_anthropic(ant, extra_headers={"x-llmsim-fault": fault})
    assert type(err.value) is exc
    assert err.value.status_code == status
    assert err.value.request_id is not None
    expected = {"429": "rate_limit_error", "529": "overloaded_error"}.get(fault, "api_error")
    assert err.value.type == expected
    if fault == "429":
        assert err.value.response.headers["retry-after"] == "1"


@pytest.mark.parametrize("stream", [False, True])
def test_streaming_requests_fail_the_same_way(
    oai: openai.OpenAI, ant: anthropic.Anthropic, stream: bool
) -> None:
    with pytest.raises(openai.RateLimitError):
        call_openai(oai, stream=stream, extra_headers={"x-llmsim-fault": "429"})
    with pytest.raises(anthropic.OverloadedError):
        call_anthropic(ant, stream=stream, extra_headers={"x-llmsim-fault": "529"})


def test_sdk_retries_queued_faults_then_succeeds(sim: Sim) -> None:
    sim.queue_fault("429", 2, provider="openai")
    sim.queue_fault("529", 1, provider="anthropic")
    with openai.OpenAI(base_url=f"{sim.url}/v1", api_key="k", max_retries=2) as oai:
        assert call_openai(oai).choices[0].message.content
    with anthropic.Anthropic(base_url=sim.url, api_key="k", max_retries=2) as ant:
        assert call_anthropic(ant).content[0].text
    stats = sim.stats()
    assert stats["requests_total"] == 5
    assert stats["by_fault"] == {"429": 2, "529": 1, "none": 2}
    assert stats["by_provider"] == {"openai": 3, "anthropic": 2}
    assert stats["by_status"] == {"429": 2, "529": 1, "200": 2}


def test_queued_fault_targets_one_model(sim: Sim, oai: openai.OpenAI) -> None:
    sim.queue_fault("500", 1, model="gpt-4.1")
    assert call_openai(oai).choices[0].message.content  # gpt-4o-mini is not targeted
    with pytest.raises(openai.InternalServerError):
        oai.chat.completions.create(model="gpt-4.1", messages=ASK)  # type: ignore[arg-type]
    assert oai.chat.completions.create(model="gpt-4.1", messages=ASK)  # type: ignore[arg-type]


def test_global_fault_rate(sim: Sim, oai: openai.OpenAI, ant: anthropic.Anthropic) -> None:
    sim.configure(fault_rate_503=1.0)
    for _ in range(3):
        with pytest.raises(openai.InternalServerError):
            call_openai(oai)
        with pytest.raises(anthropic.ServiceUnavailableError):
            call_anthropic(ant)
    sim.configure(fault_rate_503=0.0, fault_rate_429=0.5)
    outcomes = set()
    for n in range(30):
        try:
            oai.chat.completions.create(
                model=OAI_MODEL, messages=[{"role": "user", "content": str(n)}]
            )
            outcomes.add("ok")
        except openai.RateLimitError:
            outcomes.add("429")
    assert outcomes == {"ok", "429"}


@pytest.mark.parametrize("stream", [False, True])
def test_timeout_fault(
    oai: openai.OpenAI, ant: anthropic.Anthropic, sim: Sim, stream: bool
) -> None:
    with pytest.raises(openai.APITimeoutError):
        call_openai(
            oai.with_options(timeout=0.3),
            stream=stream,
            extra_headers={"x-llmsim-fault": "timeout"},
        )
    with pytest.raises(anthropic.APITimeoutError):
        call_anthropic(
            ant.with_options(timeout=0.3),
            stream=stream,
            extra_headers={"x-llmsim-fault": "timeout"},
        )
    assert sim.stats()["by_fault"]["timeout"] == 2


def test_truncated_response(oai: openai.OpenAI, ant: anthropic.Anthropic) -> None:
    with pytest.raises(openai.APIConnectionError):
        call_openai(oai, extra_headers={"x-llmsim-fault": "truncate"})
    with pytest.raises(anthropic.APIConnectionError):
        call_anthropic(ant, extra_headers={"x-llmsim-fault": "truncate"})


def read_openai_stream(stream: Any, received: list[str]) -> None:
    for chunk in stream:
        if chunk.choices and chunk.choices[0].delta.content:
            received.append(chunk.choices[0].delta.content)


def read_anthropic_stream(client: anthropic.Anthropic, received: list[str]) -> None:
    with client.messages.stream(
        model=ANT_MODEL,
        max_tokens=300,
        messages=ASK,  # type: ignore[arg-type]
        extra_headers={"x-llmsim-fault": "truncate"},
    ) as s:
        received.extend(s.text_stream)


def test_truncated_openai_stream(oai: openai.OpenAI) -> None:
    received: list[str] = []
    stream = call_openai(oai, stream=True, extra_headers={"x-llmsim-fault": "truncate"})
    with pytest.raises(openai.APIConnectionError):
        read_openai_stream(stream, received)
    full = call_openai(oai).choices[0].message.content
    assert received and full.startswith("".join(received)) and "".join(received) != full


def test_truncated_anthropic_stream(ant: anthropic.Anthropic) -> None:
    received: list[str] = []
    # the anthropic SDK lets the transport's error through when a stream is cut
    with pytest.raises((anthropic.APIConnectionError, httpx2.RemoteProtocolError)):
        read_anthropic_stream(ant, received)
    full = call_anthropic(ant).content[0].text
    assert received and full.startswith("".join(received)) and "".join(received) != full


def test_bad_fault_header_is_400(oai: openai.OpenAI, ant: anthropic.Anthropic) -> None:
    with pytest.raises(openai.BadRequestError) as err:
        call_openai(oai, extra_headers={"x-llmsim-fault": "418"})
    assert "x-llmsim-fault" in err.value.message
    with pytest.raises(anthropic.BadRequestError) as aerr:
        call_anthropic(ant, extra_headers={"x-llmsim-scenario": "review=maybe"})
    assert "x-llmsim-scenario" in (aerr.value.api_message or "")


def test_openai_missing_key_is_401(oai: openai.OpenAI) -> None:
    with pytest.raises(openai.AuthenticationError) as err:
        call_openai(oai, extra_headers={"Authorization": openai.omit})
    assert err.value.status_code == 401 and err.value.type == "invalid_request_error"
    # the same client (and connection pool) keeps working after a rejected request
    assert call_openai(oai).choices[0].message.content


@pytest.mark.parametrize(
    ("body", "param"),
    [
        ({"messages": ASK}, "model"),
        ({"model": OAI_MODEL}, "messages"),
        ({"model": OAI_MODEL, "messages": []}, "messages"),
        ({"model": OAI_MODEL, "messages": [{"role": "robot", "content": "x"}]}, "messages[0].role"),
        ({"model": OAI_MODEL, "messages": ASK, "max_tokens": 0}, "max_tokens"),
        (
            {"model": OAI_MODEL, "messages": ASK, "max_completion_tokens": 10**9},
            "max_completion_tokens",
        ),
        (
            {"model": OAI_MODEL, "messages": ASK, "stream_options": {"include_usage": True}},
            "stream_options",
        ),
    ],
)
def test_openai_bad_requests_are_400_naming_the_param(
    oai: openai.OpenAI, body: dict[str, Any], param: str
) -> None:
    # the generic post sends bodies that chat.completions.create would refuse to build
    with pytest.raises(openai.BadRequestError) as err:
        oai.post("/chat/completions", body=body, cast_to=ChatCompletion)
    assert err.value.status_code == 400
    assert err.value.param == param


def test_body_too_large_is_413(oai: openai.OpenAI, ant: anthropic.Anthropic) -> None:
    huge = [{"role": "user", "content": "x" * (5 * 1024 * 1024)}]
    with pytest.raises(openai.APIStatusError) as err:
        oai.chat.completions.create(model=OAI_MODEL, messages=huge)  # type: ignore[arg-type]
    assert err.value.status_code == 413 and err.value.code == "request_too_large"
    with pytest.raises(anthropic.ContentTooLargeError) as aerr:
        ant.messages.create(model=ANT_MODEL, max_tokens=10, messages=huge)  # type: ignore[arg-type]
    assert aerr.value.type == "request_too_large"
