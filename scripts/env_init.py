"""Create .env from .env.example, filling every "(generated)" secret with a strong random value.

Standard library only, so `make up` works before any virtualenv exists. An existing .env is
never rewritten: variables that .env.example gained since are appended, and empty generated
secrets are filled; every other value is left as the user set it.
"""

from __future__ import annotations

import argparse
import os
import re
import secrets
import sys
from dataclasses import dataclass
from pathlib import Path

# A comment line containing this marker declares the variable below it a generated secret.
GENERATED_MARKER = "(generated)"
_ASSIGNMENT = re.compile(r"^([A-Za-z_][A-Za-z0-9_]*)=(.*)$")


@dataclass(frozen=True)
class Variable:
    """One `NAME=value` line of an env file and whether its comment marks it generated."""

    name: str
    value: str
    generated: bool


def parse_env(text: str) -> list[Variable]:
    """Read the variables of an env file in order; a comment block applies to the next line."""
    variables: list[Variable] = []
    generated = False
    for raw in text.splitlines():
        line = raw.strip()
        if not line:
            generated = False
            continue
        if line.startswith("#"):
            generated = generated or GENERATED_MARKER in line
            continue
        match = _ASSIGNMENT.match(line)
        if match:
            variables.append(Variable(match.group(1), match.group(2), generated))
        generated = False
    return variables


def new_secret() -> str:
    """A 256-bit random secret, 64 hex characters: safe in YAML, URLs and shell unquoted."""
    return secrets.token_hex(32)


def render_new(example_text: str) -> tuple[str, list[str]]:
    """The text of a fresh .env: the example with each empty generated secret filled."""
    lines: list[str] = []
    filled: list[str] = []
    generated_names = {v.name for v in parse_env(example_text) if v.generated}
    for raw in example_text.splitlines():
        match = _ASSIGNMENT.match(raw.strip())
        if match and match.group(1) in generated_names and match.group(2) == "":
            lines.append(f"{match.group(1)}={new_secret()}")
            filled.append(match.group(1))
        else:
            lines.append(raw)
    return "\n".join(lines) + "\n", filled


def render_update(example_text: str, env_text: str) -> tuple[str, list[str], list[str]]:
    """Existing .env text with empty generated secrets filled and missing variables appended."""
    example = parse_env(example_text)
    generated_names = {v.name for v in example if v.generated}
    present = {v.name for v in parse_env(env_text)}
    lines: list[str] = []
    filled: list[str] = []
    for raw in env_text.splitlines():
        match = _ASSIGNMENT.match(raw.strip())
        if match and match.group(1) in generated_names and match.group(2) == "":
            lines.append(f"{match.group(1)}={new_secret()}")
            filled.append(match.group(1))
        else:
            lines.append(raw)
    added: list[str] = []
    for variable in example:
        if variable.name in present:
            continue
        value = new_secret() if variable.generated and variable.value == "" else variable.value
        if not added:
            lines.append("# added by scripts/env_init.py from .env.example")
        lines.append(f"{variable.name}={value}")
        added.append(variable.name)
    return "\n".join(lines) + "\n", filled, added


def write_private(path: Path, text: str) -> None:
    """Write a file readable by its owner only: it holds passwords."""
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as handle:
        handle.write(text)
    path.chmod(0o600)


def main(argv: list[str] | None = None) -> int:
    """Create or complete the env file; print what was generated (names only, never values)."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    root = Path(__file__).resolve().parent.parent
    parser.add_argument("--example", type=Path, default=root / ".env.example")
    parser.add_argument("--output", type=Path, default=root / ".env")
    args = parser.parse_args(argv)
    if not args.example.is_file():
        print(f"env_init: {args.example} not found", file=sys.stderr)
        return 2
    example_text = args.example.read_text(encoding="utf-8")
    if not args.output.exists():
        text, filled = render_new(example_text)
        write_private(args.output, text)
        print(f"env_init: created {args.output} with {len(filled)} generated secrets")
        return 0
    text, filled, added = render_update(example_text, args.output.read_text(encoding="utf-8"))
    if filled or added:
        write_private(args.output, text)
        print(f"env_init: {args.output}: generated {filled or 'none'}, added {added or 'none'}")
    else:
        print(f"env_init: {args.output} is complete; left unchanged")
    return 0


if __name__ == "__main__":
    sys.exit(main())
