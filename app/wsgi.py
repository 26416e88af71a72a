"""WSGI entry point (gunicorn `app.wsgi:app`): settings, telemetry, then the Flask app.

Imported in each worker after the fork (gunicorn's default, no preload), so the batch export
threads belong to the worker that uses them.
"""

from __future__ import annotations

import logging

from app.llm import LLMGateway
from app.settings import Settings
from app.telemetry import init_telemetry, instrument_flask
from app.web import create_app

logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s %(message)s")

settings = Settings.from_env()
if settings.telemetry_enabled:
    init_telemetry(settings)
app = create_app(
    settings, LLMGateway(settings), instrument_flask if settings.telemetry_enabled else None
)
