"""Arbitrary JSON bodies never make llmsim answer 5xx: bad input is a 4xx naming what was wrong.

Sent with the SDKs' own generic `post` (the typed methods refuse to build such bodies).
"""

from __future__ import annotations

from typing import Any

import anthropic
import openai
import pytest
from anthropic.types import Message
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from openai.types.chat import ChatCompletion
from openai.types.responses import Response

from tests.integration.llmsim.llmsim_harness import Sim

scalars = (
    st.none()
    | st.booleans()
    | st.integers(-(2**70), 2**70)
    | st.floats(allow_nan=False, allow_infinity=False)
    | st.text(max_size=20)
)
json_values = st.recursive(
    scalars,
    lambda inner: (
        st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=12), inner, max_size=4)
    ),
    max_leaves=20,
)
FIELDS = [
    "model", "messages", "max_tokens", "max_completion_tokens", "stream", "stream_options",
    "system", "tools", "input", "instructions", "max_output_tokens", "n",
]  # fmt: skip
message = st.fixed_dictionaries(
    {}, optional={"role": st.sampled_from(["user", "assistant", "system", "robot"]) | json_values,
                  "content": json_values, "type": json_values}
)  # fmt: skip
bodies = st.dictionaries(st.sampled_from(FIELDS), json_values, max_size=6) | st.fixed_dictionaries(
    {"model": st.sampled_from(["gpt-4o", "o3", "claude-haiku-4-5"]),
     "messages": st.lists(message, max_size=3)},
    optional={"max_tokens": json_values, "system": json_values, "stream": st.booleans(),
              "tools": json_values, "input": json_values},
)  # fmt: skip
FUZZ = settings(
    max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)


def status_of(call: Any) -> int:
    try:
        result = call()
    except (openai.APIStatusError, anthropic.APIStatusError) as err:
        return int(err.status_code)
    if hasattr(result, "close"):  # a stream: read it all
        for _ in result:
            pass
    return 200


@FUZZ
@given(body=bodies)
def test_openai_endpoints_never_5xx(oai: openai.OpenAI, body: dict[str, Any]) -> None:
    for path, cast in (("/chat/completions", ChatCompletion), ("/responses", Response)):
        status = status_of(lambda p=path, c=cast: oai.post(p, body=body, cast_to=c))
        assert status in (200, 400), (path, body, status)


@FUZZ
@given(body=bodies)
def test_anthropic_never_5xx(ant: anthropic.Anthropic, body: dict[str, Any]) -> None:
    status = status_of(lambda: ant.post("/v1/messages", body=body, cast_to=Message))
    assert status in (200, 400), (body, status)


@pytest.mark.parametrize("raw", [b"{", b"[" * 100_000, b"\xff\xfe", b"", b"null", b"[1, 2]"])
def test_unparseable_bodies_are_400(sim: Sim, oai: openai.OpenAI, raw: bytes) -> None:
    import httpx2

    with httpx2.Client(base_url=sim.url) as raw_client:  # the SDKs always send valid JSON
        r = raw_client.post(
            "/v1/chat/completions", content=raw, headers={"authorization": "Bearer k"}
        )
    assert r.status_code == 400 and r.json()["error"]["type"] == "invalid_request_error"
