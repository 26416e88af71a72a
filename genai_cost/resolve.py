"""Model-name resolution: from what a span or caller says to one key of the pricing table.

Deterministic and provider-aware, in this order: alias; exact key (provider-prefixed first);
case-insensitive; stripped provider prefix (OpenRouter-style); OpenAI fine-tune base;
stripped date suffix; stripped Bedrock regional prefix. Never a substring or file-order
guess: an unknown or ambiguous name resolves to None (unpriced). Results are memoised.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass

from genai_cost.snapshot import Entry

# OpenTelemetry gen_ai.provider.name / gen_ai.system values → LiteLLM provider names.
PROVIDER_ALIASES: Mapping[str, str] = {
    "aws.bedrock": "bedrock",
    "azure.ai.openai": "azure",
    "az.ai.openai": "azure",
    "azure.ai.inference": "azure_ai",
    "az.ai.inference": "azure_ai",
    "gcp.vertex_ai": "vertex_ai",
    "vertexai": "vertex_ai",
    "gcp.gemini": "gemini",
    "gcp.gen_ai": "gemini",
    "mistral_ai": "mistral",
    "mistralai": "mistral",
    "x_ai": "xai",
    "ibm.watsonx.ai": "watsonx",
    "together": "together_ai",
    "togetherai": "together_ai",
}
_DATE_SUFFIX = re.compile(r"(?:-\d{4}-\d{2}-\d{2}|-\d{8}|@\d{8})$")
_BEDROCK_REGION = re.compile(r"^(?:us|us-gov|eu|apac|ap|global|jp|au|ca|sa|me|af)\.(?=[\w-]+\.)")
_MAX_DEPTH = 4
_MEMO_LIMIT = 8192


@dataclass(frozen=True, slots=True)
class Resolution:
    """Outcome of resolving a name: the table key (None = unpriced) and the rule that matched."""

    key: str | None
    rule: str  # exact | provider-prefixed | case-insensitive | alias | ... | unknown | ambiguous


UNKNOWN = Resolution(None, "unknown")
_AMBIGUOUS = "\x00ambiguous"


def normalize_provider(provider: str | None) -> str | None:
    """Lower-case a provider name and map OpenTelemetry spellings to LiteLLM's."""
    if provider is None:
        return None
    p = provider.strip().lower()
    return PROVIDER_ALIASES.get(p, p) or None


class Resolver:
    """Resolves names against one table version; thread-safe (the memo is a plain dict)."""

    def __init__(self, entries: Mapping[str, Entry], aliases: Mapping[str, str]) -> None:
        self._entries = entries
        self._aliases = aliases
        self._lower = _lower_index(entries)
        self._alias_lower = _lower_index(aliases)
        self._providers = _providers(entries)
        self._memo: dict[tuple[str, str | None], Resolution] = {}

    def resolve(self, name: str, provider: str | None = None) -> Resolution:
        """Resolve a model name (and optional provider) to a table key, memoised."""
        memo_key = (name, provider)
        hit = self._memo.get(memo_key)
        if hit is not None:
            return hit
        p = normalize_provider(provider)
        if p is not None and p not in self._providers:
            p = None  # a provider the table does not know (e.g. a simulator) does not constrain
        result = self._resolve(name.strip(), p, 0)
        if len(self._memo) >= _MEMO_LIMIT:
            self._memo.clear()
        self._memo[memo_key] = result
        return result

    def _resolve(self, name: str, p: str | None, depth: int) -> Resolution:
        if not name or depth > _MAX_DEPTH:
            return UNKNOWN
        alias = name if name in self._aliases else self._alias_lower.get(name.lower())
        if alias is not None and alias != _AMBIGUOUS and depth == 0:
            found = self._resolve(self._aliases[alias], p, 1)
            return Resolution(found.key, "alias") if found.key else found
        direct = self._lookup(name, p)
        if direct is not None:
            return direct
        for rule, candidate, provider in self._variants(name, p):
            found = self._resolve(candidate, provider, depth + 1)
            if found.key is not None or found.rule == "ambiguous":
                return Resolution(found.key, rule) if found.key else found
        return UNKNOWN

    def _variants(self, name: str, p: str | None) -> list[tuple[str, str, str | None]]:
        """Shortened spellings to try, in a fixed order."""
        out: list[tuple[str, str, str | None]] = []
        head, sep, rest = name.partition("/")
        if sep and rest:
            hinted = normalize_provider(head)
            out.append(
                ("stripped-prefix", rest, p or (hinted if hinted in self._providers else None))
            )
        if name.startswith("ft:") and name.count(":") >= 2:
            out.append(("fine-tune-base", "ft:" + name.split(":")[1], p))
        stripped = _DATE_SUFFIX.sub("", name)
        if stripped != name:
            out.append(("stripped-date", stripped, p))
        regionless = _BEDROCK_REGION.sub("", name)
        if regionless != name:
            out.append(("bedrock-region-stripped", regionless, p))
        return out

    def _lookup(self, name: str, p: str | None) -> Resolution | None:
        """Exact, then case-insensitive match; a provider-prefixed key wins over a bare one."""
        if p is not None:
            prefixed = f"{p}/{name}"
            if prefixed in self._entries:
                return Resolution(prefixed, "provider-prefixed")
        if name in self._entries and self._compatible(name, p):
            return Resolution(name, "exact")
        lowered = name.lower()
        if p is not None:
            key = self._unique(self._lower, f"{p}/{lowered}")
            if key == _AMBIGUOUS:
                return Resolution(None, "ambiguous")
            if key is not None:
                return Resolution(key, "case-insensitive")
        key = self._unique(self._lower, lowered)
        if key == _AMBIGUOUS:
            return Resolution(None, "ambiguous")
        if key is not None and self._compatible(key, p):
            return Resolution(key, "case-insensitive")
        return None

    def _compatible(self, key: str, p: str | None) -> bool:
        """A bare key counts for provider p only if its litellm_provider is p's family."""
        if p is None:
            return True
        listed = str(self._entries[key].get("litellm_provider", "")).lower()
        if not listed:
            return True
        return listed == p or listed.startswith((p + "_", p + "-")) or listed.endswith("-" + p)

    @staticmethod
    def _unique(index: Mapping[str, str], lowered: str) -> str | None:
        return index.get(lowered)


def _lower_index(keys: Mapping[str, object]) -> dict[str, str]:
    """lower-case name → key, or the ambiguity marker when two keys differ only in case."""
    index: dict[str, str] = {}
    for key in keys:
        low = key.lower()
        index[low] = _AMBIGUOUS if low in index and index[low] != key else key
    return index


def _providers(entries: Mapping[str, Entry]) -> frozenset[str]:
    names = {str(e.get("litellm_provider", "")).lower() for e in entries.values()}
    names |= {k.split("/", 1)[0].lower() for k in entries if "/" in k}
    names.discard("")
    return frozenset(names)
