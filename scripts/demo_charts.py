"""Draws the demo report as one PNG (or SVG) of bar charts with matplotlib's headless backend."""

from __future__ import annotations

import math
from pathlib import Path
from typing import TYPE_CHECKING

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt
from matplotlib.axes import Axes

if TYPE_CHECKING:
    from demo_report import Report, Row


def _bars(ax: Axes, rows: list[Row], values: list[float], title: str, unit: str) -> None:
    labels = [r.key for r in rows]
    ax.barh(labels, values, color="#1BA9F5")
    ax.set_xlim(left=0, right=max([*values, 0.0]) * 1.05 or 1.0)
    ax.invert_yaxis()
    ax.set_title(title, fontsize=10)
    ax.set_xlabel(unit, fontsize=8)
    ax.tick_params(labelsize=8)


def _latency(ax: Axes, rows: list[Row], title: str) -> None:
    labels = [r.key for r in rows]
    p50 = [0.0 if math.isnan(r.p50_ms) else r.p50_ms for r in rows]
    p95 = [0.0 if math.isnan(r.p95_ms) else r.p95_ms for r in rows]
    ys = range(len(labels))
    ax.barh([y - 0.2 for y in ys], p50, height=0.4, label="p50", color="#1BA9F5")
    ax.barh([y + 0.2 for y in ys], p95, height=0.4, label="p95", color="#F04E98")
    ax.set_yticks(list(ys), labels)
    ax.invert_yaxis()
    ax.set_title(title, fontsize=10)
    ax.set_xlabel("ms", fontsize=8)
    ax.tick_params(labelsize=8)
    ax.legend(fontsize=8)


def _tokens(ax: Axes, rows: list[Row], title: str) -> None:
    labels = [r.key for r in rows]
    inputs = [float(r.input_tokens) for r in rows]
    outputs = [float(r.output_tokens) for r in rows]
    ax.barh(labels, inputs, label="input", color="#1BA9F5")
    ax.barh(labels, outputs, left=inputs, label="output", color="#FEC514")
    ax.invert_yaxis()
    ax.set_title(title, fontsize=10)
    ax.set_xlabel("tokens", fontsize=8)
    ax.tick_params(labelsize=8)
    ax.legend(fontsize=8)


def draw_charts(report: Report, path: Path) -> None:
    """Write cost, tokens, latency, calls and errors per model/provider/agent/feature to `path`."""
    groups = report.groups
    fig, axes = plt.subplots(4, 2, figsize=(14, 16))
    _bars(
        axes[0][0], groups["model"], [r.cost_usd for r in groups["model"]], "cost by model", "USD"
    )
    _bars(
        axes[0][1],
        groups["feature"],
        [r.cost_usd for r in groups["feature"]],
        "cost by feature",
        "USD",
    )
    _tokens(axes[1][0], groups["model"], "tokens by model")
    _bars(
        axes[1][1], groups["agent"], [r.cost_usd for r in groups["agent"]], "cost by agent", "USD"
    )
    _latency(axes[2][0], groups["model"], "LLM call latency by model")
    _latency(axes[2][1], report.requests, "request latency by route")
    _bars(axes[3][0], groups["provider"], [float(r.calls) for r in groups["provider"]],
          "LLM calls by provider", "calls")  # fmt: skip
    _bars(axes[3][1], groups["model"], [float(r.errors) for r in groups["model"]],
          "LLM errors by model", "errors")  # fmt: skip
    total = report.total
    fig.suptitle(
        f"LLM demo: {total.calls} calls, ${total.cost_usd:.4f}, "
        f"{total.input_tokens + total.output_tokens:,} tokens, {total.errors} errors",
        fontsize=13,
    )
    fig.tight_layout(rect=(0, 0, 1, 0.97))
    path.parent.mkdir(parents=True, exist_ok=True)
    fig.savefig(path, dpi=90)
    plt.close(fig)
