"""`make verify`: ask Elasticsearch what arrived and fail loudly on the known traps.

Prints the LLM spans, their traces, the total cost and a per-model table, then checks: cost fields
mapped as double (not scaled_float, not keyword), some non-zero cost, LLM spans present, and no
LLM span cut off from its request's trace (context not propagated across threads).

    python scripts/verify.py [--since 24h]

Credentials and address come from the environment or .env: LLMOBS_ES_URL (default
http://127.0.0.1:$ES_PORT), ELASTIC_USERNAME, ELASTIC_PASSWORD. Exit 0 all good, 1 a trap was
found or Elasticsearch could not be asked, 2 bad settings.
"""

from __future__ import annotations

import argparse
import os
import re
import sys
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx

ROOT = Path(__file__).resolve().parent.parent
INDEX = "traces-apm*"
COST = "numeric_labels.gen_ai_cost_total_usd"
COST_AS_TEXT = "labels.gen_ai_cost_total_usd"
TOKENS_IN = "numeric_labels.gen_ai_usage_input_tokens"
TOKENS_OUT = "numeric_labels.gen_ai_usage_output_tokens"
MODEL_FIELDS = ("labels.gen_ai_response_model", "labels.gen_ai_request_model")
CHECKED_FIELDS = (
    COST,
    "numeric_labels.gen_ai_cost_input_usd",
    "numeric_labels.gen_ai_cost_output_usd",
)
TRACE_SAMPLE = 50


@dataclass
class Report:
    """Lines to print and the traps found; failures decide the exit code."""

    lines: list[str] = field(default_factory=list)
    failures: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)


def llm_filter(since: str) -> dict[str, Any]:
    """LLM spans: typed genai by APM Server, or carrying gen_ai token/provider attributes."""
    return {
        "bool": {
            "filter": [{"range": {"@timestamp": {"gte": f"now-{since}"}}}],
            "should": [
                {"term": {"span.type": "genai"}},
                {"exists": {"field": "labels.gen_ai_system"}},
                {"exists": {"field": TOKENS_IN}},
            ],
            "minimum_should_match": 1,
        }
    }


def summary_query(since: str) -> dict[str, Any]:
    """One search: counts, cost sums, per-model table, which documents became transactions."""
    per_model = {
        "sum_cost": {"sum": {"field": COST}},
        "tokens_in": {"sum": {"field": TOKENS_IN}},
        "tokens_out": {"sum": {"field": TOKENS_OUT}},
    }
    return {
        "size": 0,
        "track_total_hits": True,
        "query": llm_filter(since),
        "aggs": {
            "total_cost": {"sum": {"field": COST}},
            "priced": {"filter": {"range": {COST: {"gt": 0}}}},
            "cost_as_text": {"filter": {"exists": {"field": COST_AS_TEXT}}},
            "events": {"terms": {"field": "processor.event", "size": 5}},
            "traces": {"cardinality": {"field": "trace.id"}},
            "trace_sample": {"terms": {"field": "trace.id", "size": TRACE_SAMPLE}},
            **{
                f"model:{name}": {"terms": {"field": name, "size": 20}, "aggs": per_model}
                for name in MODEL_FIELDS
            },
        },
    }


def request_roots_query(trace_ids: list[str]) -> dict[str, Any]:
    """Which of these traces have an HTTP request transaction (the Flask server span)?"""
    return {
        "size": 0,
        "query": {
            "bool": {
                "filter": [
                    {"terms": {"trace.id": trace_ids}},
                    {"term": {"processor.event": "transaction"}},
                    {"term": {"transaction.type": "request"}},
                ]
            }
        },
        "aggs": {"traces": {"terms": {"field": "trace.id", "size": len(trace_ids) or 1}}},
    }


def check_mapping(field_mapping: Mapping[str, Any], report: Report) -> None:
    """The newest traces-apm backing index must map the cost fields as double."""
    indices = sorted(field_mapping, key=_generation)
    if not indices:
        report.warnings.append("no traces-apm index yet: nothing has been ingested")
        return
    newest = indices[-1]
    for name in CHECKED_FIELDS:
        mapped = _field_type(field_mapping[newest], name)
        if mapped is None:
            report.lines.append(f"mapping: {name} not in {newest} yet")
        elif mapped == "double":
            report.lines.append(f"mapping: {name} double in {newest}")
        else:
            report.failures.append(
                f"{name} is mapped as {mapped} in {newest}: the traces-apm@custom template was"
                " missing when the index was created; run `make setup` (it rolls the data stream"
                " over; no data is deleted)"
            )
    older = [i for i in indices[:-1] if _field_type(field_mapping[i], COST) not in (None, "double")]
    if older:
        report.warnings.append(
            f"{len(older)} older backing index(es) keep {COST} as scaled_float (from before the"
            " rollover): tiny costs there are stored as 0"
        )


def check_spans(
    summary: Mapping[str, Any], roots: Mapping[str, Any] | None, report: Report
) -> None:
    """What arrived, and the traps visible in it."""
    aggs = summary.get("aggregations", {})
    count = int(summary.get("hits", {}).get("total", {}).get("value", 0))
    traces = int(aggs.get("traces", {}).get("value", 0))
    report.lines.append(f"LLM spans: {count} in {traces} traces")
    if count == 0:
        report.failures.append(
            "no LLM spans: run `make load`, then check `docker compose logs app otel-collector"
            " apm-server` (secret token, APM_SERVER_ENDPOINT)"
        )
        return
    total = float(aggs.get("total_cost", {}).get("value") or 0.0)
    priced = int(aggs.get("priced", {}).get("doc_count", 0))
    report.lines.append(f"total cost: ${total:.6f} ({priced} of {count} spans with a cost > 0)")
    if int(aggs.get("cost_as_text", {}).get("doc_count", 0)):
        report.failures.append(
            f"{COST_AS_TEXT} exists: cost arrived as a string (keyword), sums are impossible;"
            " the cost processor must write floats"
        )
    if priced == 0:
        report.failures.append(
            "every LLM span costs 0: unpriced models, or a scaled_float mapping rounding tiny"
            " costs to 0 (see gen_ai.cost.status in a span's metadata)"
        )
    _model_table(aggs, report)
    events = {b["key"]: b["doc_count"] for b in aggs.get("events", {}).get("buckets", [])}
    if events.get("transaction"):
        report.failures.append(
            f"{events['transaction']} LLM spans are the root of their own trace: trace context"
            " was not propagated (threads), so they show as separate traces"
        )
    sampled = [b["key"] for b in aggs.get("trace_sample", {}).get("buckets", [])]
    if roots is not None and sampled:
        rooted = {
            b["key"] for b in roots.get("aggregations", {}).get("traces", {}).get("buckets", [])
        }
        orphans = [t for t in sampled if t not in rooted]
        if orphans:
            report.failures.append(
                f"{len(orphans)} of {len(sampled)} sampled LLM traces have no HTTP request"
                f" transaction (e.g. trace {orphans[0]}): spans split off from their request"
            )


def _model_table(aggs: Mapping[str, Any], report: Report) -> None:
    for name in MODEL_FIELDS:
        buckets = aggs.get(f"model:{name}", {}).get("buckets", [])
        if buckets:
            report.lines.append(f"per model ({name}):")
            for b in buckets:
                report.lines.append(
                    f"  {b['key']:<32} {b['doc_count']:>6} calls  "
                    f"${float(b['sum_cost']['value'] or 0):>12.6f}  "
                    f"in {int(b['tokens_in']['value'] or 0):>9} tok  "
                    f"out {int(b['tokens_out']['value'] or 0):>9} tok"
                )
            return
    report.warnings.append("no model label on the LLM spans (labels.gen_ai_*_model)")


def _generation(index: str) -> tuple[str, int]:
    match = re.search(r"-(\d+)$", index)
    return (index.rsplit("-", 1)[0], int(match.group(1)) if match else 0)


def _field_type(index_mapping: Mapping[str, Any], name: str) -> str | None:
    leaf = name.rsplit(".", 1)[1]
    spec = index_mapping.get("mappings", {}).get(name, {}).get("mapping", {}).get(leaf)
    return None if spec is None else str(spec.get("type"))


def settings(env: Mapping[str, str]) -> tuple[str, tuple[str, str]]:
    """URL and credentials; a missing password is a setup problem worth naming."""
    password = env.get("ELASTIC_PASSWORD", "")
    if not password:
        raise ValueError("ELASTIC_PASSWORD is empty: run `make env` / `make up` first")
    url = env.get("LLMOBS_ES_URL", "").strip() or f"http://127.0.0.1:{env.get('ES_PORT') or 9200}"
    if not url.startswith(("http://", "https://")):
        raise ValueError(f"LLMOBS_ES_URL must be an http(s) URL, got {url!r}")
    return url.rstrip("/"), (env.get("ELASTIC_USERNAME") or "elastic", password)


def read_dotenv(path: Path) -> dict[str, str]:
    """NAME=value lines of .env (comments and blanks skipped); missing file: empty."""
    values: dict[str, str] = {}
    if path.is_file():
        for line in path.read_text(encoding="utf-8").splitlines():
            name, sep, value = line.partition("=")
            if sep and name.strip() and not name.lstrip().startswith("#"):
                values[name.strip()] = value.strip()
    return values


def collect(client: httpx.Client, since: str) -> Report:
    """Run the three queries and evaluate them."""
    report = Report()
    fields = ",".join(CHECKED_FIELDS)
    mapping = client.get(f"/{INDEX}/_mapping/field/{fields}")
    mapping.raise_for_status()
    check_mapping(mapping.json(), report)
    summary = client.post(f"/{INDEX}/_search", json=summary_query(since))
    summary.raise_for_status()
    body = summary.json()
    sample = [
        b["key"] for b in body.get("aggregations", {}).get("trace_sample", {}).get("buckets", [])
    ]
    roots = None
    if sample:
        answer = client.post(f"/{INDEX}/_search", json=request_roots_query(sample))
        answer.raise_for_status()
        roots = answer.json()
    check_spans(body, roots, report)
    return report


def main(argv: list[str] | None = None, env: Mapping[str, str] | None = None) -> int:
    """Print the report; exit 1 on any trap."""
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--since", default="24h", help="time window, e.g. 15m, 1h, 24h")
    args = parser.parse_args(argv)
    if not re.fullmatch(r"\d+[smhd]", args.since):
        print(f"verify: --since must look like 15m, 1h or 24h, got {args.since!r}", file=sys.stderr)
        return 2
    env = {**read_dotenv(ROOT / ".env"), **os.environ} if env is None else env
    try:
        url, auth = settings(env)
    except ValueError as exc:
        print(f"verify: {exc}", file=sys.stderr)
        return 2
    print(f"verify: {url} {INDEX}, last {args.since}")
    try:
        with httpx.Client(base_url=url, auth=auth, timeout=30) as client:
            report = collect(client, args.since)
    except httpx.HTTPError as exc:
        print(f"verify: FAIL: cannot query Elasticsearch at {url}: {exc}", file=sys.stderr)
        return 1
    for line in report.lines:
        print(f"  {line}")
    for warning in report.warnings:
        print(f"  warning: {warning}")
    for failure in report.failures:
        print(f"FAIL: {failure}")
    print("verify: OK" if not report.failures else f"verify: {len(report.failures)} problem(s)")
    return 1 if report.failures else 0


if __name__ == "__main__":
    sys.exit(main())
