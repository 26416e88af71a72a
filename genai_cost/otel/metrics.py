"""Cost metrics: a USD counter and an unpriced-call counter with bounded attributes only."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from opentelemetry import metrics
from opentelemetry.metrics import MeterProvider

from genai_cost.calculate import CostResult

COST_METRIC = "gen_ai.client.cost"
UNPRICED_METRIC = "gen_ai.client.cost.unpriced"
_MAX_VALUE_LEN = 128


class CostMetrics:
    """Records priced cost (USD) and unpriced calls per provider, model, feature and team."""

    def __init__(
        self, meter_provider: MeterProvider | None, attribution_keys: Sequence[str]
    ) -> None:
        provider = meter_provider or metrics.get_meter_provider()
        meter = provider.get_meter("genai_cost")
        self._keys = tuple(attribution_keys)
        self._cost = meter.create_counter(
            COST_METRIC, unit="USD", description="Cost of LLM calls in US dollars"
        )
        self._unpriced = meter.create_counter(
            UNPRICED_METRIC, unit="{call}", description="LLM calls that could not be priced"
        )

    def record(self, result: CostResult, raw_model: str, span_attrs: Mapping[str, object]) -> None:
        """Add one call: its cost when priced, one unpriced call when not (no_usage: nothing)."""
        if result.status == "no_usage":
            return
        attrs: dict[str, str] = {"gen_ai.provider.name": _bounded(result.provider or "")}
        for key in self._keys:
            value = span_attrs.get(key)
            if isinstance(value, str) and value:
                attrs[key] = _bounded(value)
        if result.status == "priced":
            attrs["gen_ai.cost.model_resolved"] = _bounded(result.model_resolved or "")
            self._cost.add(result.total_usd, attrs)
        else:
            attrs["gen_ai.request.model"] = _bounded(raw_model)
            self._unpriced.add(1, attrs)


def _bounded(value: str) -> str:
    return value[:_MAX_VALUE_LEN]
