"""Traceloop.init(processor=CostSpanProcessor(...)) for real, in a subprocess (global-once)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from genai_cost import PricingDatabase, Usage, calculate_cost

PROBE = Path(__file__).with_name("traceloop_probe.py")


def test_traceloop_hook(db: PricingDatabase) -> None:
    env = {**os.environ, "TRACELOOP_TELEMETRY": "false"}
    run = subprocess.run(
        [sys.executable, str(PROBE)],
        capture_output=True,
        text=True,
        timeout=120,
        env=env,
        check=False,
    )
    assert run.returncode == 0, run.stderr[-2000:]
    spans = {s["name"]: s for s in json.loads(run.stdout.strip().splitlines()[-1])}
    llm, wf = spans["openai.chat"], spans["plan_menu.workflow"]
    # traceloop patched our on_start (it stamps the workflow name on child spans there)
    assert llm["patched_on_start"] is True
    assert llm["attributes"]["traceloop.workflow.name"] == "plan_menu"
    expected = calculate_cost(db, "gpt-4o-mini", "openai", Usage(1000, 200))
    assert llm["attributes"]["gen_ai.cost.total_usd"] == expected.total_usd
    assert llm["attributes"]["gen_ai.cost.status"] == "priced"
    assert llm["attributes"]["gen_ai.system"] == "openai"
    assert not any(k.startswith("gen_ai.cost") for k in wf["attributes"])  # not an LLM span
