"""The images carry what their code imports: every first-party import of the files app/Dockerfile
and setup/Dockerfile COPY resolves inside the image, and setup runs from a copy of exactly that
layout (catches a new import of an uncopied module before a Docker build does)."""

from __future__ import annotations

import ast
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tests.unit.stack.compose_files import REPO

FIRST_PARTY = {"app", "genai_cost", "llmsim", "scripts", "setup", "tests"}


def copied_paths(dockerfile: Path, stage: str | None = None) -> list[str]:
    """Repository paths a Dockerfile (or one of its stages and the stages it builds on) copies."""
    text = dockerfile.read_text()
    paths: list[str] = []
    for line in text.splitlines():
        match = re.match(r"COPY\s+(?!--from)(.+)\s+\S+$", line.strip())
        if match:
            paths += match.group(1).split()
    return [p for p in paths if not p.startswith("/") and "requirements" not in p]


def image_modules(paths: list[str]) -> set[str]:
    """Dotted module names available in the image from the copied paths."""
    modules: set[str] = set()
    for rel in paths:
        root = REPO / rel
        files = [root] if root.is_file() else sorted(root.rglob("*.py"))
        for file in files:
            parts = file.relative_to(REPO).with_suffix("").parts
            if parts[-1] == "__init__":
                parts = parts[:-1]
            for n in range(1, len(parts) + 1):
                modules.add(".".join(parts[:n]))
    return modules


def first_party_imports(paths: list[str]) -> dict[str, set[str]]:
    """file -> first-party modules it imports (absolute imports only)."""
    found: dict[str, set[str]] = {}
    for rel in paths:
        root = REPO / rel
        for file in [root] if root.is_file() else sorted(root.rglob("*.py")):
            names: set[str] = set()
            for node in ast.walk(ast.parse(file.read_text())):
                if isinstance(node, ast.Import):
                    names |= {alias.name for alias in node.names}
                elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                    names.add(node.module)
            found[str(file.relative_to(REPO))] = {
                n for n in names if n.split(".")[0] in FIRST_PARTY
            }
    return found


@pytest.mark.parametrize("dockerfile", ["app/Dockerfile", "setup/Dockerfile"])
def test_first_party_imports_resolve_inside_the_image(dockerfile: str) -> None:
    paths = copied_paths(REPO / dockerfile)
    available = image_modules(paths)
    missing = {
        f"{file}: {module}"
        for file, modules in first_party_imports(paths).items()
        for module in modules
        if module not in available
    }
    # loadgen.py imports its sibling as a top-level module (the script's folder is on sys.path)
    missing = {m for m in missing if not m.endswith(": loadgen_scenarios")}
    assert not missing, f"{dockerfile} copies too little: {sorted(missing)}"


def test_setup_runs_from_the_image_layout(tmp_path: Path) -> None:
    for rel in copied_paths(REPO / "setup/Dockerfile"):
        source, target = REPO / rel, tmp_path / rel
        target.parent.mkdir(parents=True, exist_ok=True)
        if source.is_dir():
            shutil.copytree(source, target, ignore=shutil.ignore_patterns("__pycache__"))
        else:
            shutil.copy2(source, target)
    code = (
        "from setup.__main__ import default_ndjson_builder, DATA_DIR\n"
        "from setup.config import DEFAULT_OBJECTS_DIR\n"
        "import sys\n"
        "payload = default_ndjson_builder(DEFAULT_OBJECTS_DIR)\n"
        "assert DATA_DIR.is_relative_to(sys.argv[1]) and payload.count(b'\\n') > 0\n"
        "print(len(payload.splitlines()))\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", code, str(tmp_path)],
        cwd=tmp_path,
        env={"PYTHONPATH": str(tmp_path), "PATH": "/usr/bin:/bin"},
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    assert int(done.stdout.strip()) >= 1
