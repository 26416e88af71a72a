"""llmsim: a keyless OpenAI- and Anthropic-wire-compatible LLM simulator.

Run it with ``python -m llmsim``; point the official SDKs at it through ``OPENAI_BASE_URL`` and
``ANTHROPIC_BASE_URL``. Replies are deterministic under a seed and shaped for the demo workload.
"""

__all__ = ["__version__"]

__version__ = "0.1.0"
