"""Admin API under /llmsim/: runtime config, scheduled faults, stats, cache reset."""

from __future__ import annotations

import ipaddress
import json

from llmsim.config import ConfigError
from llmsim.exchange import BodyTooLargeError, Exchange
from llmsim.faults import FaultSpecError, parse_fault_spec
from llmsim.state import SimState

ADMIN_BODY_LIMIT = 64 * 1024


def is_loopback(host: str) -> bool:
    """Whether a client address is loopback (IPv4, IPv6 or IPv4-mapped IPv6)."""
    try:
        return ipaddress.ip_address(host.removeprefix("::ffff:")).is_loopback
    except ValueError:
        return False


def _body(ex: Exchange) -> object:
    """The JSON body of an admin request (None when empty); ConfigError when not JSON."""
    raw = ex.read_body(ADMIN_BODY_LIMIT)
    try:
        return json.loads(raw) if raw else None
    except (json.JSONDecodeError, UnicodeDecodeError, RecursionError) as exc:
        raise ConfigError(f"body: not valid JSON ({exc})") from None


def handle_admin(ex: Exchange, state: SimState) -> None:
    """Route one admin request; 4xx with {"error": ...} on bad input or when not allowed."""
    mode = state.settings.admin
    if mode == "off":
        ex.send_json(404, {"error": "admin API is disabled (LLMSIM_ADMIN=off)"})
        return
    if mode == "loopback" and not is_loopback(ex.client_host):
        ex.send_json(403, {"error": "admin API is loopback-only (set LLMSIM_ADMIN=any to open it)"})
        return
    route = (ex.method, ex.path)
    try:
        if route == ("GET", "/llmsim/config"):
            ex.send_json(200, state.settings.model_dump(mode="json"))
        elif route == ("PUT", "/llmsim/config"):
            ex.send_json(200, state.update(_body(ex)).model_dump(mode="json"))
        elif route == ("GET", "/llmsim/faults"):
            ex.send_json(200, {"queued": state.faults.pending()})
        elif route == ("POST", "/llmsim/faults"):
            state.faults.add(parse_fault_spec(_body(ex)))
            ex.send_json(201, {"queued": state.faults.pending()})
        elif route == ("DELETE", "/llmsim/faults"):
            ex.send_json(200, {"cleared": state.faults.clear()})
        elif route == ("GET", "/llmsim/stats"):
            ex.send_json(200, state.stats.snapshot())
        elif route == ("DELETE", "/llmsim/stats"):
            state.stats.reset()
            ex.send_json(200, state.stats.snapshot())
        elif route == ("DELETE", "/llmsim/cache"):
            state.clear_caches()
            ex.send_json(200, {"cleared": True})
        else:
            ex.send_json(404, {"error": f"no admin route {ex.method} {ex.path}"})
    except (ConfigError, FaultSpecError) as exc:
        ex.send_json(400, {"error": str(exc)})
    except BodyTooLargeError as exc:
        ex.send_json(
            413, {"error": f"body: {exc.size} bytes, at most {ADMIN_BODY_LIMIT}"}, close=True
        )
