"""The restaurant menu designer: four agents in five phases (seed 001, section 5).

1. the coordinator plans the courses (JSON, validated; one retry, then a 502);
2. parallel research: chef drafts, nutritionist researches, sommelier sets the approach;
3. refinement (a nested workflow): review, revise, at most MAX_REVIEW_ROUNDS per course;
4. wine pairing per course, an incomplete answer retried at most MAX_PAIRING_RETRIES times;
5. assembly.
Every phase and agent step is a traceloop @workflow/@task span; the parallel tasks run in a
thread pool whose context traceloop's threading instrumentation carries into the workers.
"""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from typing import Any

from opentelemetry import trace
from traceloop.sdk.decorators import task, workflow

from app import prompts
from app.agent_outputs import (
    MenuPlan,
    Pairing,
    PlanError,
    Review,
    parse_pairing,
    parse_plan,
    parse_review,
)
from app.llm import LLMGateway
from app.schemas import MenuRequest
from app.settings import AgentModels

MAX_REVIEW_ROUNDS = 3
MAX_PAIRING_RETRIES = 2
FALLBACK_WINE = "House sommelier selection"

# Span attributes of the agent steps (labels.llmobs_* / numeric_labels.llmobs_* in Elastic).
REFINEMENT_ROUND = "llmobs.refinement_round"
COURSE = "llmobs.course"
APPROVED = "llmobs.review_approved"
PAIRING_ATTEMPT = "llmobs.pairing_attempt"
PAIRING_FALLBACK = "llmobs.pairing_fallback"


class AgentOutputError(Exception):
    """An agent kept answering in a shape we cannot use; safe to show (names agent and provider)."""

    def __init__(self, agent: str, provider: str, reason: str) -> None:
        super().__init__(f"{agent} ({provider}) gave an unusable answer: {reason}")
        self.agent = agent
        self.provider = provider
        self.reason = reason


@dataclass(frozen=True)
class Research:
    """The three results of phase 2, each used downstream."""

    drafts: list[str]  # one per planned course, in plan order
    dietary_notes: str
    pairing_approach: str


class MenuDesigner:
    """Runs the five phases with one gateway and one set of agent models."""

    def __init__(self, gateway: LLMGateway, models: AgentModels) -> None:
        self._llm = gateway
        self._models = models

    @workflow(name="menu_design")
    def design(self, req: MenuRequest) -> dict[str, Any]:
        plan = self.plan_menu(req)
        research = self.parallel_research(req, plan)
        refined = self.refine_recipes(req, plan, research)
        pairings = self.pair_wines(plan, research.pairing_approach)
        return self.assemble(req, plan, research, refined, pairings)

    # ---- phase 1
    @task(name="coordinator.plan_menu")
    def plan_menu(self, req: MenuRequest) -> MenuPlan:
        error: str | None = None
        for _ in range(2):
            reply = self._llm.chat(
                agent="coordinator",
                provider="openai",
                model=self._models.coordinator,
                system=prompts.COORDINATOR,
                prompt=prompts.plan(
                    req.courses,
                    req.cuisine,
                    req.menu_type,
                    req.occasion,
                    req.season,
                    req.budget,
                    req.dietary_requirements,
                    error,
                ),
                max_tokens=1500,
            )
            try:
                return parse_plan(reply.text, req.courses)
            except PlanError as exc:
                error = str(exc)
                trace.get_current_span().add_event("plan_invalid", {"reason": error})
        raise AgentOutputError("coordinator", "openai", f"invalid plan twice: {error}")

    # ---- phase 2
    @task(name="parallel_research")
    def parallel_research(self, req: MenuRequest, plan: MenuPlan) -> Research:
        with ThreadPoolExecutor(max_workers=3, thread_name_prefix="research") as pool:
            drafts = pool.submit(self.chef_draft_recipes, req, plan)
            notes = pool.submit(self.nutritionist_research, req)
            approach = pool.submit(self.sommelier_strategy, req, plan)
            return Research(drafts.result(), notes.result(), approach.result())

    @task(name="chef.draft_recipes")
    def chef_draft_recipes(self, req: MenuRequest, plan: MenuPlan) -> list[str]:
        return [
            self._llm.chat(
                agent="chef",
                provider="anthropic",
                model=self._models.chef,
                system=prompts.CHEF,
                prompt=prompts.recipe(
                    course.dish_name, course.course_type, req.cuisine, 4, req.dietary_requirements
                ),
                max_tokens=1200,
            ).text
            for course in plan.courses
        ]

    @task(name="nutritionist.research")
    def nutritionist_research(self, req: MenuRequest) -> str:
        return self._llm.chat(
            agent="nutritionist",
            provider="anthropic",
            model=self._models.nutritionist,
            system=prompts.NUTRITIONIST,
            prompt=prompts.dietary_research(req.cuisine, req.menu_type, req.dietary_requirements),
            max_tokens=600,
        ).text

    @task(name="sommelier.strategy")
    def sommelier_strategy(self, req: MenuRequest, plan: MenuPlan) -> str:
        return self._llm.chat(
            agent="sommelier",
            provider="openai",
            model=self._models.sommelier,
            system=prompts.SOMMELIER,
            prompt=prompts.pairing_strategy(
                req.cuisine, req.occasion, req.budget, [c.dish_name for c in plan.courses]
            ),
            max_tokens=600,
        ).text

    # ---- phase 3
    @workflow(name="recipe_refinement")
    def refine_recipes(
        self, req: MenuRequest, plan: MenuPlan, research: Research
    ) -> list[dict[str, Any]]:
        return [
            self._refine_course(course.dish_name, draft, research.dietary_notes)
            for course, draft in zip(plan.courses, research.drafts, strict=True)
        ]

    def _refine_course(self, dish: str, recipe: str, notes: str) -> dict[str, Any]:
        review = Review(approved=False, feedback="", well_formed=False)
        for round_ in range(1, MAX_REVIEW_ROUNDS + 1):
            review = self.nutritionist_review(dish, recipe, notes, round_)
            if review.approved:
                return {
                    "recipe": recipe,
                    "approved": True,
                    "review_rounds": round_,
                    "feedback": review.feedback,
                }
            if round_ < MAX_REVIEW_ROUNDS:
                recipe = self.chef_revise(dish, recipe, review.feedback, round_)
        return {
            "recipe": recipe,
            "approved": False,
            "review_rounds": MAX_REVIEW_ROUNDS,
            "feedback": review.feedback,
        }

    @task(name="nutritionist.review")
    def nutritionist_review(self, dish: str, recipe: str, notes: str, round_: int) -> Review:
        span = trace.get_current_span()
        span.set_attributes({REFINEMENT_ROUND: round_, COURSE: dish[:120]})
        review = parse_review(
            self._llm.chat(
                agent="nutritionist",
                provider="anthropic",
                model=self._models.nutritionist,
                system=prompts.NUTRITIONIST,
                prompt=prompts.review(dish, recipe, notes, round_),
                max_tokens=500,
            ).text
        )
        span.set_attributes(
            {APPROVED: review.approved, "llmobs.review_well_formed": review.well_formed}
        )
        return review

    @task(name="chef.revise")
    def chef_revise(self, dish: str, recipe: str, feedback: str, round_: int) -> str:
        trace.get_current_span().set_attributes({REFINEMENT_ROUND: round_, COURSE: dish[:120]})
        return self._llm.chat(
            agent="chef",
            provider="anthropic",
            model=self._models.chef,
            system=prompts.CHEF,
            prompt=prompts.revision(dish, feedback, recipe),
            max_tokens=1200,
        ).text

    # ---- phase 4
    @task(name="wine_pairing")
    def pair_wines(self, plan: MenuPlan, approach: str) -> list[dict[str, Any]]:
        return [self._pair_course(c.dish_name, c.course_type, approach) for c in plan.courses]

    def _pair_course(self, dish: str, course_type: str, approach: str) -> dict[str, Any]:
        missing: tuple[str, ...] = ()
        for attempt in range(1, MAX_PAIRING_RETRIES + 2):
            pairing = self.sommelier_pair(dish, course_type, approach, attempt, missing)
            if pairing.complete:
                return {
                    "wine": pairing.wine,
                    "region": pairing.region,
                    "reason": pairing.reason,
                    "fallback": False,
                    "attempts": attempt,
                }
            missing = pairing.missing
        return {
            "wine": FALLBACK_WINE,
            "region": "",
            "reason": "",
            "fallback": True,
            "attempts": MAX_PAIRING_RETRIES + 1,
        }

    @task(name="sommelier.pair_wine")
    def sommelier_pair(
        self, dish: str, course_type: str, approach: str, attempt: int, missing: tuple[str, ...]
    ) -> Pairing:
        span = trace.get_current_span()
        span.set_attributes({PAIRING_ATTEMPT: attempt, COURSE: dish[:120]})
        pairing = parse_pairing(
            self._llm.chat(
                agent="sommelier",
                provider="openai",
                model=self._models.sommelier,
                system=prompts.SOMMELIER,
                prompt=prompts.wine_pairing(dish, course_type, approach[:600], attempt, missing),
                max_tokens=300,
            ).text
        )
        # The last attempt's span says whether the course falls back to the house selection.
        span.set_attributes(
            {
                "llmobs.pairing_complete": pairing.complete,
                PAIRING_FALLBACK: not pairing.complete and attempt == MAX_PAIRING_RETRIES + 1,
            }
        )
        return pairing

    # ---- phase 5
    @task(name="assemble_menu")
    def assemble(
        self,
        req: MenuRequest,
        plan: MenuPlan,
        research: Research,
        refined: list[dict[str, Any]],
        pairings: list[dict[str, Any]],
    ) -> dict[str, Any]:
        return {
            "theme": plan.theme,
            "cuisine": req.cuisine,
            "occasion": req.occasion,
            "dietary_notes": research.dietary_notes,
            "pairing_approach": research.pairing_approach,
            "courses": [
                {
                    "course_type": c.course_type,
                    "dish_name": c.dish_name,
                    "description": c.description,
                    **refinement,
                    "wine": pairing,
                }
                for c, refinement, pairing in zip(plan.courses, refined, pairings, strict=True)
            ],
        }
