"""Every field the objects and rules read is in kibana/fields.json, with a known type and source."""

from __future__ import annotations

from pathlib import Path

from scripts.kibana_fields import all_uses, esql_fields, field_list, load_json

TYPES = {"keyword", "text", "date", "long", "double", "scaled_float"}
KINDS = {"traces", "metrics", "alerts"}


def test_field_list_is_exactly_what_is_referenced(kibana_dir: Path) -> None:
    referenced = {use.field for use in all_uses(kibana_dir)}
    listed = set(field_list(kibana_dir))
    assert referenced - listed == set(), "referenced but missing from kibana/fields.json"
    assert listed - referenced == set(), "listed in kibana/fields.json but no longer used"


def test_each_use_reads_the_documents_the_field_lives_in(kibana_dir: Path) -> None:
    fields = field_list(kibana_dir)
    wrong = [use for use in all_uses(kibana_dir) if use.kind not in fields[use.field]["in"]]
    assert wrong == []


def test_field_entries_are_well_formed(kibana_dir: Path) -> None:
    for name, entry in field_list(kibana_dir).items():
        assert entry["type"] in TYPES, name
        assert entry["in"] and set(entry["in"]) <= KINDS, name


def test_field_list_says_who_checks_it(kibana_dir: Path) -> None:
    comment = " ".join(load_json(kibana_dir / "fields.json")["_comment"])
    assert "test_kibana_fields.py" in comment


def test_cost_and_tokens_are_double_not_scaled_float(kibana_dir: Path) -> None:
    fields = field_list(kibana_dir)
    for name, entry in fields.items():
        if name.startswith(("numeric_labels.gen_ai_cost_", "numeric_labels.gen_ai_usage_")):
            assert entry["type"] == "double", name


def test_esql_field_extraction_skips_strings_aliases_and_numbers() -> None:
    query = (
        'FROM traces-apm* | WHERE span.type == "genai.x" AND @timestamp >= NOW() - 1 hour'
        " | EVAL c = COALESCE(numeric_labels.cost, 0.0) | STATS total = SUM(c) | WHERE total > 2.5"
    )
    assert esql_fields(query) == {"span.type", "@timestamp", "numeric_labels.cost"}
