"""Single-agent recipe endpoints: generate, compare both providers, and a bounded batch."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from dataclasses import asdict
from typing import Any

from traceloop.sdk.decorators import task, workflow

from app import prompts
from app.agent_outputs import parse_recipe
from app.llm import LLMGateway, Provider
from app.schemas import BatchRequest, CompareRequest, RecipeRequest
from app.settings import AgentModels


class RecipeService:
    """Generates recipes with the chef's prompt on either provider."""

    def __init__(self, gateway: LLMGateway, models: AgentModels, batch_concurrency: int) -> None:
        self._llm = gateway
        self._models = models
        self._batch_concurrency = batch_concurrency

    def _default_model(self, provider: Provider) -> str:
        return self._models.recipe_openai if provider == "openai" else self._models.recipe_anthropic

    @task(name="recipe.generate")
    def generate(self, req: RecipeRequest) -> dict[str, Any]:
        model = req.model or self._default_model(req.provider)
        reply = self._llm.chat(
            agent="recipe",
            provider=req.provider,
            model=model,
            system=prompts.CHEF,
            prompt=prompts.recipe(
                req.dish_name,
                "main course",
                req.cuisine_type or "any",
                req.servings,
                req.dietary_restrictions,
            ),
            max_tokens=1500,
            temperature=req.temperature,
        )
        return {
            "provider": req.provider,
            "model": reply.model,
            "recipe": asdict(parse_recipe(reply.text, req.dish_name)),
            "finish_reason": reply.finish_reason,
            "usage": {"input_tokens": reply.input_tokens, "output_tokens": reply.output_tokens},
            "attempts": reply.attempts,
        }

    @workflow(name="recipe_compare")
    def compare(self, req: CompareRequest) -> dict[str, Any]:
        common = req.model_dump()
        with ThreadPoolExecutor(max_workers=2, thread_name_prefix="compare") as pool:
            futures = {
                provider: pool.submit(self.generate, RecipeRequest(provider=provider, **common))
                for provider in ("openai", "anthropic")
            }
            return {provider: f.result() for provider, f in futures.items()}

    @workflow(name="recipe_batch")
    def batch(self, req: BatchRequest) -> dict[str, Any]:
        with ThreadPoolExecutor(
            max_workers=self._batch_concurrency, thread_name_prefix="batch"
        ) as pool:
            results = list(pool.map(self.generate, req.recipes))
        return {"count": len(results), "results": results}
