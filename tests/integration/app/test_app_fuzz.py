"""Fuzz every endpoint through the WSGI app: no malformed input yields a 500."""

from __future__ import annotations

import json
from typing import Any

import pytest
from flask.testing import FlaskClient
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from app.llm import LLMGateway
from app.settings import Settings
from app.web import create_app
from tests.integration.app.conftest import HASH_KEY, Llmsim

ENDPOINTS = ["/recipe/generate", "/recipe/compare", "/recipe/batch", "/menu/design"]
FIELDS = [
    "provider",
    "dish_name",
    "cuisine_type",
    "dietary_restrictions",
    "servings",
    "model",
    "temperature",
    "recipes",
    "cuisine",
    "menu_type",
    "courses",
    "dietary_requirements",
    "budget",
    "season",
    "occasion",
]

scalars = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(-(2**70), 2**70),
    st.floats(allow_nan=True, allow_infinity=True),
    st.text(max_size=40),
    st.sampled_from(["openai", "anthropic", "French", "", " ", "\x00"]),
)
values = st.recursive(
    scalars,
    lambda inner: st.one_of(
        st.lists(inner, max_size=12), st.dictionaries(st.text(max_size=10), inner, max_size=5)
    ),
    max_leaves=20,
)
near_valid = st.dictionaries(st.sampled_from(FIELDS), values, max_size=8)
bodies = st.one_of(values, near_valid)


@pytest.fixture(scope="module")
def client(llmsim: Llmsim) -> FlaskClient:
    settings_ = Settings.from_env(
        {
            "LLMOBS_USER_HASH_KEY": HASH_KEY,
            "OPENAI_BASE_URL": f"{llmsim.url}/v1",
            "ANTHROPIC_BASE_URL": llmsim.url,
            "LLMOBS_RETRY_BASE_DELAY_SECONDS": "0",
            "LLMOBS_LLM_TIMEOUT_SECONDS": "5",
        }
    )
    return create_app(settings_, LLMGateway(settings_)).test_client()


def _check(response: Any) -> None:
    assert response.status_code in (200, 400, 413, 415, 502, 503), response.data[:500]
    payload = response.get_json()
    assert isinstance(payload, dict)
    if response.status_code != 200:
        assert set(payload["error"]) >= {"type", "message"}
        assert "Traceback" not in response.get_data(as_text=True)


@pytest.mark.parametrize("path", ENDPOINTS)
@settings(
    max_examples=60,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(body=bodies)
def test_json_bodies_never_500(client: FlaskClient, path: str, body: Any) -> None:
    _check(
        client.post(path, data=json.dumps(body, allow_nan=True), content_type="application/json")
    )


@pytest.mark.parametrize("path", ENDPOINTS)
@settings(
    max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    raw=st.binary(max_size=300),
    content_type=st.sampled_from(
        ["application/json", "text/plain", "application/x-www-form-urlencoded", ""]
    ),
    headers=st.dictionaries(
        st.sampled_from(["X-Feature", "X-Team", "X-Tenant-Id", "X-User-Id"]),
        st.text(alphabet=st.characters(min_codepoint=32, max_codepoint=126), max_size=80),
        max_size=4,
    ),
)
def test_raw_bodies_and_headers_never_500(
    client: FlaskClient, path: str, raw: bytes, content_type: str, headers: dict[str, str]
) -> None:
    _check(client.post(path, data=raw, content_type=content_type, headers=headers))
