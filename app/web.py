"""HTTP layer: routes, request validation and JSON errors that never leak exception text."""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any, TypeVar

from flask import Flask, Response, g, jsonify, request
from opentelemetry import trace
from pydantic import BaseModel, ValidationError
from werkzeug.exceptions import HTTPException

from app.attribution import AttributionError, attach_attributes, attribution_from_headers, detach
from app.llm import LLMGateway, ProviderCallError
from app.menu_designer import AgentOutputError, MenuDesigner
from app.recipes import RecipeService
from app.schemas import BatchRequest, CompareRequest, MenuRequest, RecipeRequest
from app.settings import Settings

log = logging.getLogger(__name__)

MAX_BODY_BYTES = 64 * 1024
M = TypeVar("M", bound=BaseModel)


class RequestError(Exception):
    """A client error with its status and a body that names what was wrong."""

    def __init__(
        self, status: int, kind: str, message: str, details: list[dict[str, str]] | None = None
    ) -> None:
        super().__init__(message)
        self.status, self.kind, self.message, self.details = status, kind, message, details


def error_response(status: int, kind: str, message: str, **extra: Any) -> tuple[Response, int]:
    """The one error shape of the API: {"error": {"type", "message", ...}}."""
    return jsonify({"error": {"type": kind, "message": message, **extra}}), status


def parse_body(model: type[M]) -> M:
    """Validate the JSON body against `model`; RequestError (400/415) names the bad field."""
    if not request.is_json:
        raise RequestError(415, "unsupported_media_type", "the body must be application/json")
    payload = request.get_json(silent=True)
    if payload is None:
        raise RequestError(400, "invalid_json", "the body is not valid JSON")
    if not isinstance(payload, dict):
        raise RequestError(400, "validation_error", "the body must be a JSON object")
    try:
        return model.model_validate(payload)
    except ValidationError as exc:
        details = [
            {"field": ".".join(str(p) for p in err["loc"]) or "(body)", "reason": err["msg"]}
            for err in exc.errors(include_url=False, include_input=False, include_context=False)
        ]
        first = details[0]
        raise RequestError(
            400, "validation_error", f"{first['field']}: {first['reason']}", details
        ) from None


def create_app(
    settings: Settings, gateway: LLMGateway, instrument: Callable[[Flask], None] | None = None
) -> Flask:
    """Build the Flask app. `instrument` (the OTel Flask instrumentation) runs before our hooks:
    it starts each request in a fresh context, so attribution must be attached after it."""
    app = Flask(__name__)
    if instrument is not None:
        instrument(app)
    app.config["MAX_CONTENT_LENGTH"] = MAX_BODY_BYTES
    designer = MenuDesigner(gateway, settings.models)
    recipes = RecipeService(gateway, settings.models, settings.batch_concurrency)

    @app.before_request
    def bind_attribution() -> tuple[Response, int] | None:
        try:
            attributes = attribution_from_headers(request.headers, settings.user_hash_key)
        except AttributionError as exc:
            return error_response(400, "invalid_header", str(exc))
        if attributes:
            trace.get_current_span().set_attributes(attributes)  # the server span itself
            g.attribution_token = attach_attributes(attributes)  # and every span below it
        return None

    @app.teardown_request
    def unbind_attribution(_: BaseException | None) -> None:
        token = g.pop("attribution_token", None)
        if token is not None:
            detach(token)

    def traced(result: dict[str, Any]) -> Response:
        trace_id = trace.get_current_span().get_span_context().trace_id
        return jsonify({**result, "trace_id": f"{trace_id:032x}"})

    @app.get("/health")
    def health() -> Response:
        return jsonify({"status": "ok"})

    @app.get("/ready")
    def ready() -> Response:
        return jsonify({"status": "ready", "service": settings.service_name})

    @app.post("/recipe/generate")
    def recipe_generate() -> Response:
        return traced(recipes.generate(parse_body(RecipeRequest)))

    @app.post("/recipe/compare")
    def recipe_compare() -> Response:
        return traced(recipes.compare(parse_body(CompareRequest)))

    @app.post("/recipe/batch")
    def recipe_batch() -> Response:
        body = parse_body(BatchRequest)
        if len(body.recipes) > settings.batch_max_items:
            raise RequestError(
                400, "validation_error", f"recipes: at most {settings.batch_max_items} items"
            )
        return traced(recipes.batch(body))

    @app.post("/menu/design")
    def menu_design() -> Response:
        return traced(designer.design(parse_body(MenuRequest)))

    _register_error_handlers(app)
    return app


def _register_error_handlers(app: Flask) -> None:
    handlers: dict[type[Exception], Callable[[Any], tuple[Response, int]]] = {}

    def on_request_error(exc: RequestError) -> tuple[Response, int]:
        extra = {"details": exc.details} if exc.details else {}
        return error_response(exc.status, exc.kind, exc.message, **extra)

    def on_provider_error(exc: ProviderCallError) -> tuple[Response, int]:
        kind = "provider_unavailable" if exc.http_status == 503 else "provider_error"
        response, status = error_response(
            exc.http_status,
            kind,
            f"the {exc.agent} agent's {exc.provider} call failed "
            f"({exc.kind}) after {exc.attempts} attempt(s)",
            provider=exc.provider,
            agent=exc.agent,
            reason=exc.kind,
        )
        if status == 503:
            response.headers["Retry-After"] = "5"
        return response, status

    def on_agent_output(exc: AgentOutputError) -> tuple[Response, int]:
        return error_response(
            502, "agent_output_invalid", str(exc), provider=exc.provider, agent=exc.agent
        )

    def on_http(exc: HTTPException) -> tuple[Response, int]:
        code = exc.code or 500
        kind = {413: "payload_too_large", 404: "not_found", 405: "method_not_allowed"}.get(
            code, "http_error"
        )
        return error_response(code, kind, exc.description or exc.name)

    def on_unexpected(exc: Exception) -> tuple[Response, int]:
        log.exception("unhandled error")  # details go to the log and the span, not the client
        return error_response(500, "internal_error", "internal error; see the trace")

    handlers[RequestError] = on_request_error
    handlers[ProviderCallError] = on_provider_error
    handlers[AgentOutputError] = on_agent_output
    handlers[HTTPException] = on_http
    handlers[Exception] = on_unexpected
    for exc_type, handler in handlers.items():
        app.register_error_handler(exc_type, handler)
