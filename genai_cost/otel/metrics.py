"""Cost metrics: a USD counter and an unpriced-call counter with bounded attributes only.

Both are monotonic counters (OTel Sum metrics) reported through observable-counter
callbacks: the per-span path is one locked dict update instead of a synchronous
Counter.add (~12 us in the SDK), which keeps enrichment cheap. Attributes: provider,
model and the attribution keys (feature, team), never user or request ids.
"""

from __future__ import annotations

import threading
from collections.abc import Iterable, Mapping, Sequence

from opentelemetry import metrics
from opentelemetry.metrics import CallbackOptions, MeterProvider, Observation

COST_METRIC = "gen_ai.client.cost"
# Not "gen_ai.client.cost.unpriced": Elasticsearch stores each metric as a field named after it,
# and gen_ai.client.cost cannot be both a number and an object (elastic/apm#347).
UNPRICED_METRIC = "gen_ai.client.unpriced_calls"
PROVIDER_ATTR = "gen_ai.provider.name"
MODEL_RESOLVED_ATTR = "gen_ai.cost.model_resolved"
MODEL_REQUESTED_ATTR = "gen_ai.request.model"
_MAX_VALUE_LEN = 128

Key = tuple[str | None, ...]
# Bounded memory whatever the span attributes say (feature/team may come from request headers):
# past this many attribute sets per metric, new ones are summed into one overflow series,
# as the OTel SDK's own cardinality limit does.
MAX_SERIES = 2000
OVERFLOW: Key = (None,)


class CostMetrics:
    """Accumulates cost (USD) and unpriced calls per bounded attribute set; reports on collect."""

    def __init__(
        self, meter_provider: MeterProvider | None, attribution_keys: Sequence[str]
    ) -> None:
        provider = meter_provider or metrics.get_meter_provider()
        meter = provider.get_meter("genai_cost")
        self._keys = tuple(attribution_keys)
        self.max_series = MAX_SERIES
        self._lock = threading.Lock()
        self._cost: dict[Key, float] = {}
        self._unpriced: dict[Key, int] = {}
        meter.create_observable_counter(
            COST_METRIC, [self._observe_cost], unit="USD", description="Cost of LLM calls in USD"
        )
        meter.create_observable_counter(
            UNPRICED_METRIC,
            [self._observe_unpriced],
            unit="{call}",
            description="LLM calls that could not be priced",
        )

    def add_cost(
        self, provider: str, model: str, span_attrs: Mapping[str, object], usd: float
    ) -> None:
        """Add the cost of one priced call."""
        key = self._key(provider, model, span_attrs)
        with self._lock:
            if key not in self._cost and len(self._cost) >= self.max_series:
                key = OVERFLOW
            self._cost[key] = self._cost.get(key, 0.0) + usd

    def add_unpriced(self, provider: str, model: str, span_attrs: Mapping[str, object]) -> None:
        """Count one call that could not be priced (model as the span named it)."""
        key = self._key(provider, model, span_attrs)
        with self._lock:
            if key not in self._unpriced and len(self._unpriced) >= self.max_series:
                key = OVERFLOW
            self._unpriced[key] = self._unpriced.get(key, 0) + 1

    def _key(self, provider: str, model: str, span_attrs: Mapping[str, object]) -> Key:
        values = [v if type(v) is str and v else None for v in map(span_attrs.get, self._keys)]
        return (provider, model, *values)

    def _attributes(self, key: Key, model_attr: str) -> dict[str, str | bool]:
        if key == OVERFLOW:
            return {"otel.metric.overflow": True}
        attrs = {PROVIDER_ATTR: key[0] or "", model_attr: key[1] or ""}
        for name, value in zip(self._keys, key[2:], strict=True):
            if value is not None:
                attrs[name] = value
        return {k: v[:_MAX_VALUE_LEN] for k, v in attrs.items()}

    def _observe_cost(self, options: CallbackOptions) -> Iterable[Observation]:
        with self._lock:
            items = list(self._cost.items())
        return [Observation(v, self._attributes(k, MODEL_RESOLVED_ATTR)) for k, v in items]

    def _observe_unpriced(self, options: CallbackOptions) -> Iterable[Observation]:
        with self._lock:
            items = list(self._unpriced.items())
        return [Observation(v, self._attributes(k, MODEL_REQUESTED_ATTR)) for k, v in items]
