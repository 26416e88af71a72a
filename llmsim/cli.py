"""Command line: `python -m llmsim --host 127.0.0.1 --port 8099 [--latency-scale 0] ...`."""

from __future__ import annotations

import argparse
import logging
import os
import sys
from collections.abc import Sequence

from llmsim.config import ConfigError, Settings, cli_flag, env_name, from_sources
from llmsim.http_server import SimServer


def build_parser() -> argparse.ArgumentParser:
    """One flag per setting; each defaults to its LLMSIM_* variable, then the built-in default."""
    parser = argparse.ArgumentParser(
        prog="python -m llmsim",
        description="Keyless OpenAI- and Anthropic-compatible LLM simulator.",
    )
    for name, field in Settings.model_fields.items():
        default = field.get_default(call_default_factory=True)
        shown = "JSON object" if name == "latency_profiles" else default
        parser.add_argument(
            cli_flag(name),
            dest=name,
            default=None,
            metavar=name.upper(),
            help=f"env {env_name(name)} (default: {shown})",
        )
    return parser


def load_settings(argv: Sequence[str] | None = None) -> Settings:
    """Settings from LLMSIM_* env overridden by CLI flags; ConfigError names a bad setting."""
    args = build_parser().parse_args(argv)
    return from_sources(os.environ, vars(args))


def main(argv: Sequence[str] | None = None) -> int:
    """Validate the settings, bind, and serve until interrupted."""
    try:
        settings = load_settings(argv)
    except ConfigError as exc:
        print(f"llmsim: invalid configuration: {exc}", file=sys.stderr)
        return 2
    logging.basicConfig(level=settings.log_level.upper(), format="%(asctime)s %(name)s %(message)s")
    try:
        server = SimServer(settings)
    except OSError as exc:
        print(
            f"llmsim: cannot bind {settings.host}:{settings.port} (LLMSIM_HOST/LLMSIM_PORT): {exc}",
            file=sys.stderr,
        )
        return 2
    # always printed (whatever the log level): scripts read the bound URL from this line
    print(
        f"llmsim listening on {server.base_url} (latency scale {settings.latency_scale})",
        file=sys.stderr,
        flush=True,
    )
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        server.server_close()
    return 0
