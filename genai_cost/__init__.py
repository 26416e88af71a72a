"""genai_cost: what an LLM call cost, from LiteLLM's pricing table, offline-safe.

    from genai_cost import PricingDatabase, Usage, calculate_cost
    db = PricingDatabase.from_env()
    calculate_cost(db, model="gpt-4o-mini", provider="openai",
                   usage=Usage(input_tokens=1000, output_tokens=200)).total_usd

Imports neither Flask nor traceloop; the OpenTelemetry processor is in genai_cost.otel.
"""

from genai_cost.calculate import CostResult, calculate_cost
from genai_cost.config import ConfigError, Settings
from genai_cost.database import PricingDatabase
from genai_cost.overrides import Overrides
from genai_cost.resolve import Resolution
from genai_cost.usage import Usage

__all__ = [
    "ConfigError",
    "CostResult",
    "Overrides",
    "PricingDatabase",
    "Resolution",
    "Settings",
    "Usage",
    "calculate_cost",
]
