"""Command line of setup: read the settings, wait for the services, run the phases, summarise."""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Mapping, Sequence
from pathlib import Path

from setup import elasticsearch_steps, kibana_steps
from setup.api_client import ApiClient, RetryBudget, SetupError, wait_until_ready
from setup.config import ConfigError, SetupConfig
from setup.kibana_steps import KIBANA_HEADERS, NdjsonBuilder, kibana_available
from setup.progress import Progress

DATA_DIR = Path(__file__).resolve().parent / "data"


def default_ndjson_builder(objects_dir: Path) -> bytes:
    """kibana/ as importable NDJSON, built by scripts/kibana_export.py (kibana/'s own tool)."""
    try:
        from scripts.kibana_export import build_ndjson
    except ImportError as exc:
        raise SetupError(f"cannot import scripts.kibana_export.build_ndjson: {exc}") from None
    result: bytes = build_ndjson(objects_dir)
    return result


def run_phases(
    phase: str,
    config: SetupConfig,
    progress: Progress,
    *,
    env: Mapping[str, str],
    build_ndjson: NdjsonBuilder = default_ndjson_builder,
    poll_interval_s: float = 3.0,
    retry: RetryBudget | None = None,
) -> None:
    """Run the Elasticsearch phase, the Kibana phase, or both, each after its readiness wait."""
    auth = (config.username, config.password)
    if phase in ("elasticsearch", "all"):
        es = ApiClient("Elasticsearch", config.elasticsearch_url, auth, retry=retry)
        try:
            wait_until_ready(
                es,
                "/_cluster/health?wait_for_status=yellow&timeout=1s",
                lambda r: r.status == 200,
                budget_s=config.es_wait_s,
                interval_s=poll_interval_s,
                log=progress.log,
            )
            elasticsearch_steps.run(es, config, DATA_DIR, progress)
        finally:
            es.close()
    if phase in ("kibana", "all"):
        kibana = ApiClient("Kibana", config.kibana_url, auth, headers=KIBANA_HEADERS, retry=retry)
        try:
            wait_until_ready(
                kibana,
                "/api/status",
                kibana_available,
                budget_s=config.kibana_wait_s,
                interval_s=poll_interval_s,
                log=progress.log,
            )
            kibana_steps.run(kibana, DATA_DIR, config.objects_dir, env, build_ndjson, progress)
        finally:
            kibana.close()


def main(argv: Sequence[str] | None = None, env: Mapping[str, str] | None = None) -> int:
    """Exit 0 when every step succeeded (or had nothing to do), 2 on bad settings, 1 on failure."""
    parser = argparse.ArgumentParser(
        prog="python -m setup",
        description="One-shot, idempotent setup of the Elastic stack (settings: .env.example).",
    )
    parser.add_argument(
        "--phase",
        choices=("elasticsearch", "kibana", "all"),
        default="all",
        help="elasticsearch: users, roles, traces-apm@custom, alert index; kibana: data view,"
        " connectors, kibana/ saved objects, rules (default: both)",
    )
    args = parser.parse_args(argv)
    env = os.environ if env is None else env
    progress = Progress()
    try:
        config = SetupConfig.from_env(env)
    except ConfigError as exc:
        print(f"setup: configuration error: {exc}", file=sys.stderr)
        return 2
    try:
        run_phases(args.phase, config, progress, env=env, build_ndjson=default_ndjson_builder)
    except SetupError as exc:
        print(f"setup: FAILED: {exc}", file=sys.stderr)
        return 1
    progress.log(f"done ({args.phase}): {progress.summary()}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
