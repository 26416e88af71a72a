"""Command line: price a call (or a JSONL batch), resolve a model name, show the database.

Exit codes: 0 on success (an unknown model is status "unpriced", still 0); 2 on bad
arguments, an unreadable batch file or bad configuration, with a message naming what was wrong.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from genai_cost.calculate import CostResult, calculate_cost
from genai_cost.config import ConfigError
from genai_cost.database import PricingDatabase
from genai_cost.usage import Usage

TOKEN_FIELDS = (
    "input_tokens",
    "output_tokens",
    "cache_read_tokens",
    "cache_write_tokens",
    "reasoning_tokens",
)


class UsageError(Exception):
    """Bad input to the CLI (exit status 2)."""


def _count(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a whole number") from None
    if value < 0:
        raise argparse.ArgumentTypeError(f"{text!r} is negative")
    return value


def _moment(text: str) -> dt.datetime:
    try:
        moment = dt.datetime.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not an ISO 8601 date-time") from None
    return moment if moment.tzinfo is not None else moment.replace(tzinfo=dt.UTC)


def build_parser() -> argparse.ArgumentParser:
    """The argument parser (argparse exits 2 on bad arguments)."""
    parser = argparse.ArgumentParser(prog="python -m genai_cost", description=__doc__)
    sub = parser.add_subparsers(dest="command", required=True)
    price = sub.add_parser("price", help="price one call, or a JSONL file of calls")
    price.add_argument("--model")
    price.add_argument("--provider")
    for name in TOKEN_FIELDS:
        price.add_argument("--" + name.replace("_", "-"), type=_count, default=None)
    price.add_argument("--cache-write-1h-tokens", type=_count, default=0)
    price.add_argument("--service-tier", help="flex | priority (others: standard)")
    price.add_argument("--batch-api", action="store_true", help="priced as a Batch API call")
    price.add_argument("--at", type=_moment, help="when the call ran, for off-peak rates (now)")
    price.add_argument("--batch", type=Path, metavar="FILE.jsonl", help="one call per line")
    price.add_argument("--json", action="store_true", help="machine-readable output")
    resolve = sub.add_parser("resolve", help="which table entry a model name resolves to")
    resolve.add_argument("name")
    resolve.add_argument("--provider")
    resolve.add_argument("--json", action="store_true")
    info = sub.add_parser("info", help="snapshot, version, model count, last refresh")
    info.add_argument("--json", action="store_true")
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run the CLI; returns the exit status."""
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        db = PricingDatabase.from_env(refresh=False)
        if args.command == "price":
            return _price(args, db)
        if args.command == "resolve":
            return _resolve(args, db)
        return _info(args, db)
    except (UsageError, ConfigError) as exc:
        parser.exit(2, f"{parser.prog} {args.command}: error: {exc}\n")


def _price(args: argparse.Namespace, db: PricingDatabase) -> int:
    if args.batch is not None:
        if args.model is not None:
            raise UsageError("--batch and --model are mutually exclusive")
        for result in [_price_line(db, obj, args.at) for obj in _read_batch(args.batch)]:
            print(json.dumps(result.to_dict()) if args.json else _text(result))
        return 0
    if args.model is None or args.input_tokens is None or args.output_tokens is None:
        raise UsageError("--model, --input-tokens and --output-tokens are required")
    usage = Usage(
        **{f: getattr(args, f) or 0 for f in TOKEN_FIELDS},
        cache_write_1h_tokens=args.cache_write_1h_tokens,
    )
    result = calculate_cost(
        db,
        args.model,
        args.provider,
        usage,
        service_tier=args.service_tier,
        batch=args.batch_api,
        at=args.at,
    )
    print(json.dumps(result.to_dict(), indent=2) if args.json else _text(result))
    return 0


def _read_batch(path: Path) -> list[dict[str, Any]]:
    """Every line of the JSONL file, validated before anything is printed."""
    try:
        lines = path.read_text().splitlines()
    except (OSError, UnicodeDecodeError) as exc:
        raise UsageError(f"cannot read --batch file {path}: {exc}") from None
    out: list[dict[str, Any]] = []
    for number, line in enumerate(lines, 1):
        if not line.strip():
            continue
        try:
            obj = json.loads(line)
        except ValueError as exc:
            raise UsageError(f"{path}:{number}: not valid JSON ({exc})") from None
        if not isinstance(obj, dict) or not isinstance(obj.get("model"), str):
            raise UsageError(f"{path}:{number}: expected an object with a string 'model'")
        for name in (*TOKEN_FIELDS, "cache_write_1h_tokens"):
            value = obj.get(name)
            if value is not None and (
                isinstance(value, bool) or not isinstance(value, int) or value < 0
            ):
                raise UsageError(f"{path}:{number}: {name} must be a non-negative integer")
        out.append(obj)
    return out


def _price_line(db: PricingDatabase, obj: dict[str, Any], at: dt.datetime | None) -> CostResult:
    usage = Usage(
        **{f: obj.get(f) or 0 for f in TOKEN_FIELDS},
        cache_write_1h_tokens=obj.get("cache_write_1h_tokens") or 0,
    )
    provider = obj.get("provider") if isinstance(obj.get("provider"), str) else None
    tier = obj.get("service_tier") if isinstance(obj.get("service_tier"), str) else None
    return calculate_cost(
        db,
        obj["model"],
        provider,
        usage,
        service_tier=tier,
        batch=obj.get("batch_api") is True,
        at=at,
    )


def _text(result: CostResult) -> str:
    if result.status != "priced":
        return f"{result.status}: {result.model_resolved or '-'} ({result.match})"
    parts = ", ".join(f"{k} ${v:.8f}" for k, v in result.breakdown.items())
    return f"${result.total_usd:.8f} {result.model_resolved} ({result.match}; {parts})"


def _resolve(args: argparse.Namespace, db: PricingDatabase) -> int:
    found = db.resolve(args.name, args.provider)
    status = "resolved" if found.key else "unpriced"
    if args.json:
        print(
            json.dumps(
                {
                    "name": args.name,
                    "provider": args.provider,
                    "status": status,
                    "model_resolved": found.key,
                    "rule": found.rule,
                }
            )
        )
    else:
        print(f"{found.key} ({found.rule})" if found.key else f"unpriced ({found.rule})")
    return 0


def _info(args: argparse.Namespace, db: PricingDatabase) -> int:
    info = db.info()
    if args.json:
        print(json.dumps(info, indent=2))
    else:
        for key, value in info.items():
            print(f"{key}: {value}")
    return 0
