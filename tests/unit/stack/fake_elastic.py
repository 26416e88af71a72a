"""A stateful HTTP fake of ONLY the Elasticsearch and Kibana endpoints setup calls.

It keeps what was written (roles, users, templates, data streams, data views, connectors, rules)
so a second setup run sees the first run's results, checks Basic auth like a secured cluster,
enforces kbn-xsrf on Kibana writes and, like Kibana, rejects rule_type_id/consumer on rule
updates. Every request is recorded for the tests' assertions.
"""

from __future__ import annotations

import base64
import json
import re
import threading
from dataclasses import dataclass, field
from email.parser import BytesParser
from email.policy import HTTP
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import unquote, urlsplit

SCALED = {"type": "scaled_float", "scaling_factor": 1000000}


@dataclass
class Recorded:
    """One request as the fake saw it."""

    method: str
    path: str
    query: str
    body: Any
    headers: dict[str, str]


@dataclass
class ElasticState:
    """What the fake cluster and Kibana hold."""

    passwords: dict[str, str] = field(default_factory=dict)
    roles: dict[str, Any] = field(default_factory=dict)
    users: dict[str, Any] = field(default_factory=dict)
    component_templates: dict[str, Any] = field(default_factory=dict)
    index_template_composes_custom: bool = True
    data_streams: dict[str, list[str]] = field(default_factory=dict)
    index_mappings: dict[str, dict[str, Any]] = field(default_factory=dict)
    indices: dict[str, Any] = field(default_factory=dict)
    kibana_level: str = "available"
    data_views: dict[str, Any] = field(default_factory=dict)
    connectors: dict[str, Any] = field(default_factory=dict)
    rules: dict[str, Any] = field(default_factory=dict)
    imports: list[bytes] = field(default_factory=list)
    import_errors: list[dict[str, Any]] = field(default_factory=list)
    # answers of POST /traces-apm*/_search, in order (scripts/verify.py)
    search_answers: list[Any] = field(default_factory=list)
    # path prefix -> number of 503 answers still to give before behaving normally
    unavailable: dict[str, int] = field(default_factory=dict)


class FakeElastic:
    """Runs the fake on 127.0.0.1:<ephemeral port>; use as a context manager."""

    def __init__(self, state: ElasticState) -> None:
        self.state = state
        self.requests: list[Recorded] = []
        self._lock = threading.Lock()
        fake = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, format: str, *args: Any) -> None:
                return

            def _handle(self) -> None:
                length = int(self.headers.get("Content-Length") or 0)
                raw = self.rfile.read(length) if length else b""
                status, body = fake.dispatch(self.command, self.path, dict(self.headers), raw)
                data = json.dumps(body).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            do_GET = do_POST = do_PUT = do_DELETE = _handle  # noqa: N815 - http.server names

        self._server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self._server.server_address[1]}"
        self._thread = threading.Thread(
            target=self._server.serve_forever, kwargs={"poll_interval": 0.01}, daemon=True
        )

    def __enter__(self) -> FakeElastic:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._server.shutdown()
        self._server.server_close()

    def writes(self) -> list[Recorded]:
        """Requests that could change state (anything but GET and the read-only POSTs)."""
        read_only = ("/_simulate_index/", "/_security/_authenticate")
        return [
            r
            for r in self.requests
            if r.method != "GET" and not any(part in r.path for part in read_only)
        ]

    def find(self, method: str, path: str) -> list[Recorded]:
        """Requests with this method and exact path."""
        return [r for r in self.requests if r.method == method and r.path == path]

    # ------------------------------------------------------------------ dispatch
    def dispatch(
        self, method: str, target: str, headers: dict[str, str], raw: bytes
    ) -> tuple[int, Any]:
        parts = urlsplit(target)
        path = unquote(parts.path)
        body = _parse_body(headers, raw)
        with self._lock:
            self.requests.append(Recorded(method, path, parts.query, body, headers))
            for prefix, remaining in self.state.unavailable.items():
                if path.startswith(prefix) and remaining > 0:
                    self.state.unavailable[prefix] = remaining - 1
                    return 503, {"error": "starting"}
            if not self._authorised(headers):
                return 401, {"error": "unable to authenticate"}
            if path.startswith("/api/"):
                if method != "GET" and "kbn-xsrf" not in {k.lower() for k in headers}:
                    return 400, {"message": "Request must contain a kbn-xsrf header."}
                return self._kibana(method, path, body)
            return self._elasticsearch(method, path, body)

    def _authorised(self, headers: dict[str, str]) -> bool:
        value = {k.lower(): v for k, v in headers.items()}.get("authorization", "")
        if not value.startswith("Basic "):
            return False
        user, _, password = base64.b64decode(value[6:]).decode().partition(":")
        return self.state.passwords.get(user) == password

    def _elasticsearch(self, method: str, path: str, body: Any) -> tuple[int, Any]:
        s = self.state
        if path == "/_cluster/health":
            return 200, {"status": "green"}
        if path == "/_security/_authenticate":
            return 200, {"username": "someone"}
        if m := re.fullmatch(r"/_security/user/([^/]+)/_password", path):
            s.passwords[m.group(1)] = body["password"]
            return 200, {}
        if m := re.fullmatch(r"/_security/role/([^/]+)", path):
            return self._store(method, s.roles, m.group(1), body, _role_view)
        if m := re.fullmatch(r"/_security/user/([^/]+)", path):
            name = m.group(1)
            if method == "PUT":
                s.passwords[name] = body["password"]
                body = {k: v for k, v in body.items() if k != "password"}
            return self._store(method, s.users, name, body, _user_view)
        if m := re.fullmatch(r"/_component_template/([^/]+)", path):
            name = m.group(1)
            if method == "GET":
                if name not in s.component_templates:
                    return 404, {"error": "missing"}
                view = {**s.component_templates[name], "created_date_millis": 1}
                return 200, {"component_templates": [{"name": name, "component_template": view}]}
            s.component_templates[name] = body
            return 200, {"acknowledged": True}
        if path == "/_index_template/_simulate_index/traces-apm-default":
            return 200, {"template": {"mappings": {"properties": self._new_index_properties()}}}
        if path == "/_data_stream/traces-apm-*":
            streams = [
                {"name": n, "indices": [{"index_name": i} for i in idx]}
                for n, idx in s.data_streams.items()
            ]
            return 200, {"data_streams": streams}
        if path == "/traces-apm*/_search":
            return 200, s.search_answers.pop(0)
        if m := re.fullmatch(r"/([^/]+)/_mapping/field/(.+)", path):
            return 200, self._field_mapping(m.group(1), m.group(2).split(","))
        if m := re.fullmatch(r"/([^/]+)/_rollover", path):
            return self._rollover(m.group(1))
        if m := re.fullmatch(r"/(llmobs-alerts)", path):
            return self._store(method, s.indices, m.group(1), body, lambda v: {"mappings": v})
        return 404, {"error": f"fake has no route {method} {path}"}

    def _kibana(self, method: str, path: str, body: Any) -> tuple[int, Any]:
        s = self.state
        if path == "/api/status":
            return 200, {"status": {"overall": {"level": s.kibana_level}}}
        if path == "/api/data_views/data_view" and method == "POST":
            view = body["data_view"]
            s.data_views[view["id"]] = view
            return 200, {"data_view": view}
        if m := re.fullmatch(r"/api/data_views/data_view/([^/]+)", path):
            view_id = m.group(1)
            if view_id not in s.data_views:
                return 404, {"message": "not found"}
            if method == "POST":
                s.data_views[view_id] = {**s.data_views[view_id], **body["data_view"]}
            return 200, {"data_view": {**s.data_views[view_id], "fields": {}}}
        if m := re.fullmatch(r"/api/actions/connector/([^/]+)", path):
            return self._connector(method, m.group(1), body)
        if path == "/api/saved_objects/_import":
            s.imports.append(body["file"])
            if s.import_errors:
                return 200, {"success": False, "successCount": 0, "errors": s.import_errors}
            count = len([line for line in body["file"].splitlines() if line.strip()])
            return 200, {"success": True, "successCount": count}
        if m := re.fullmatch(r"/api/alerting/rule/([^/]+)", path):
            return self._rule(method, m.group(1), body)
        return 404, {"message": f"fake has no route {method} {path}"}

    # ------------------------------------------------------------------ helpers
    def _store(
        self, method: str, table: dict[str, Any], name: str, body: Any, view: Any
    ) -> tuple[int, Any]:
        if method == "GET":
            if name not in table:
                return 404, {}
            return 200, {name: view(table[name])}
        created = name not in table
        table[name] = body
        return 200, {"created": created}

    def _new_index_properties(self) -> dict[str, Any]:
        props: dict[str, Any] = {}
        if self.state.index_template_composes_custom:
            custom = self.state.component_templates.get("traces-apm@custom", {})
            props = custom.get("template", {}).get("mappings", {}).get("properties", {})
        copy: dict[str, Any] = json.loads(json.dumps(props))
        return copy

    def _field_mapping(self, index: str, fields: list[str]) -> dict[str, Any]:
        if index.endswith("*"):
            return {
                name: self._field_mapping(name, fields)[name]
                for name in self.state.index_mappings
                if name.removeprefix(".ds-").startswith(index[:-1])
            }
        mapping = self.state.index_mappings.get(index, {})
        found = {
            f: {"full_name": f, "mapping": {f.rsplit(".", 1)[1]: mapping[f]}}
            for f in fields
            if f in mapping
        }
        return {index: {"mappings": found}}

    def _rollover(self, stream: str) -> tuple[int, Any]:
        indices = self.state.data_streams[stream]
        new_index = f".ds-{stream}-{len(indices) + 1:06d}"
        labels = self._new_index_properties().get("numeric_labels", {}).get("properties", {})
        self.state.index_mappings[new_index] = {
            f"numeric_labels.{name}": spec for name, spec in labels.items()
        }
        indices.append(new_index)
        return 200, {"old_index": indices[-2], "new_index": new_index, "rolled_over": True}

    def _connector(self, method: str, connector_id: str, body: Any) -> tuple[int, Any]:
        table = self.state.connectors
        if method == "GET":
            if connector_id not in table:
                return 404, {"message": "not found"}
            return 200, {"id": connector_id, "is_preconfigured": False, **table[connector_id]}
        if method == "POST":
            if connector_id in table:
                return 409, {"message": "already exists"}
            table[connector_id] = body
            return 200, {"id": connector_id, **body}
        if "connector_type_id" in body:
            return 400, {
                "message": "[request body.connector_type_id]: definition for this key is missing"
            }
        table[connector_id] = {**table[connector_id], **body}
        return 200, {"id": connector_id, **table[connector_id]}

    def _rule(self, method: str, rule_id: str, body: Any) -> tuple[int, Any]:
        table = self.state.rules
        if method == "GET":
            if rule_id not in table:
                return 404, {"message": "not found"}
            return 200, {"id": rule_id, **table[rule_id]}
        if method == "POST":
            if rule_id in table:
                return 409, {"message": "already exists"}
            missing = {"name", "rule_type_id", "consumer", "schedule", "params"} - set(body)
            if missing:
                return 400, {"message": f"missing {sorted(missing)}"}
            table[rule_id] = {"enabled": True, **body}
            return 200, {"id": rule_id, **table[rule_id]}
        rejected = sorted({"rule_type_id", "consumer", "enabled", "id"} & set(body))
        if rejected:
            return 400, {
                "message": f"[request body.{rejected[0]}]: definition for this key is missing"
            }
        table[rule_id] = {**table[rule_id], **body}
        return 200, {"id": rule_id, **table[rule_id]}


def _parse_body(headers: dict[str, str], raw: bytes) -> Any:
    content_type = {k.lower(): v for k, v in headers.items()}.get("content-type", "")
    if content_type.startswith("multipart/form-data"):
        message = BytesParser(policy=HTTP).parsebytes(
            f"Content-Type: {content_type}\r\n\r\n".encode() + raw
        )
        return {
            part.get_param("name", header="content-disposition"): part.get_payload(decode=True)
            for part in message.iter_parts()
        }
    if not raw:
        return None
    return json.loads(raw)


def _role_view(role: dict[str, Any]) -> dict[str, Any]:
    indices = [{"allow_restricted_indices": False, **entry} for entry in role.get("indices", [])]
    return {
        "applications": [],
        "run_as": [],
        "transient_metadata": {"enabled": True},
        **role,
        "indices": indices,
    }


def _user_view(user: dict[str, Any]) -> dict[str, Any]:
    return {"email": None, "enabled": True, **user}


def traces_stream(state: ElasticState, cost_type: dict[str, Any] | None) -> str:
    """Give the fake an existing traces-apm-default data stream whose write index maps
    numeric_labels.gen_ai_cost_total_usd as `cost_type` (None: unmapped)."""
    index = ".ds-traces-apm-default-000001"
    state.data_streams["traces-apm-default"] = [index]
    state.index_mappings[index] = (
        {} if cost_type is None else {"numeric_labels.gen_ai_cost_total_usd": cost_type}
    )
    return index
