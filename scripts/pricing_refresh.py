"""Refresh genai_cost's bundled pricing snapshot from the pinned litellm wheel.

Reproducible: the litellm version is the pin in requirements-oracle.in, the wheel is fetched
with `pip download --require-hashes` against the hashes of requirements-oracle.lock, and the
JSON is read from inside the wheel. `--from-venv DIR` reads an installed litellm instead (offline).
Writes genai_cost/data/model_prices.json and snapshot.json (version, sha256, date).
"""

from __future__ import annotations

import argparse
import datetime as dt
import hashlib
import json
import re
import subprocess
import sys
import tempfile
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DATA_DIR = ROOT / "genai_cost" / "data"
MEMBER = "litellm/model_prices_and_context_window_backup.json"
PIN_FILE = ROOT / "requirements-oracle.in"
LOCK_FILE = ROOT / "requirements-oracle.lock"


def pinned_version() -> str:
    """The litellm version pinned in requirements-oracle.in (one source of truth)."""
    match = re.search(r"^litellm==([\w.]+)\s*$", PIN_FILE.read_text(), re.MULTILINE)
    if match is None:
        sys.exit(f"pricing-refresh: no 'litellm==<version>' line in {PIN_FILE}")
    return match.group(1)


def locked_requirement(version: str) -> str:
    """The litellm requirement with its hashes, copied from requirements-oracle.lock."""
    text = LOCK_FILE.read_text()
    match = re.search(
        rf"^litellm=={re.escape(version)} \\\n((?:\s+--hash=sha256:\w+ ?\\?\n?)+)", text, re.M
    )
    if match is None:
        sys.exit(f"pricing-refresh: litellm=={version} with hashes not found in {LOCK_FILE}")
    hashes = re.findall(r"--hash=sha256:\w+", match.group(1))
    return f"litellm=={version} " + " ".join(hashes) + "\n"


def from_wheel(version: str) -> bytes:
    """Download the hash-checked wheel into a temp dir and read the pricing JSON from it."""
    with tempfile.TemporaryDirectory() as tmp:
        req = Path(tmp) / "req.txt"
        req.write_text(locked_requirement(version))
        cmd = [sys.executable, "-m", "pip", "download", "-q", "--no-deps", "--only-binary=:all:"]
        cmd += ["--require-hashes", "-r", str(req), "-d", tmp]
        subprocess.run(cmd, check=True)
        wheels = sorted(Path(tmp).glob(f"litellm-{version}-*.whl"))
        if not wheels:
            sys.exit(f"pricing-refresh: pip downloaded no litellm-{version} wheel")
        with zipfile.ZipFile(wheels[0]) as wheel:
            return wheel.read(MEMBER)


def from_venv(venv: Path, version: str) -> bytes:
    """Read the pricing JSON from an installed litellm (checks the installed version)."""
    hits = sorted(venv.glob(f"lib/python3*/site-packages/litellm-{version}.dist-info"))
    if not hits:
        sys.exit(f"pricing-refresh: litellm {version} is not installed in {venv}")
    return (hits[0].parent / MEMBER).read_bytes()


def write_snapshot(body: bytes, version: str, origin: str) -> None:
    """Validate the JSON, then write it and its metadata beside each other."""
    table = json.loads(body)
    if not isinstance(table, dict) or len(table) < 100:
        sys.exit("pricing-refresh: the pricing JSON is not a table of models")
    DATA_DIR.mkdir(parents=True, exist_ok=True)
    (DATA_DIR / "model_prices.json").write_bytes(body)
    meta = {
        "litellm_version": version,
        "sha256": hashlib.sha256(body).hexdigest(),
        "source": f"{MEMBER} from {origin}",
        "retrieved_at": dt.datetime.now(dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
        "model_count": len(table),
    }
    (DATA_DIR / "snapshot.json").write_text(json.dumps(meta, indent=2) + "\n")
    print(f"pricing-refresh: litellm {version}, {len(table)} entries, sha256 {meta['sha256']}")


def main() -> None:
    """Parse arguments and refresh the snapshot."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--from-venv", type=Path, help="read an installed litellm (no download)")
    args = parser.parse_args()
    version = pinned_version()
    if args.from_venv is not None:
        write_snapshot(from_venv(args.from_venv, version), version, f"{args.from_venv}")
    else:
        write_snapshot(
            from_wheel(version), version, f"litellm-{version} wheel (PyPI, hash-checked)"
        )


if __name__ == "__main__":
    main()
