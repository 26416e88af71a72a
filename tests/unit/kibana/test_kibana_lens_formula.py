"""The Lens formula checker/expander, and every formula the dashboards use."""

from __future__ import annotations

from typing import Any

import pytest
from kibana_objects import layers, lens_panels

from scripts.lens_formula import (
    Aggregation,
    BinaryOp,
    FormulaError,
    aggregations,
    expand_formula,
    formula_fields,
    kql_fields,
    parse,
)


def _formula_columns(dashboards: list[dict[str, Any]]) -> list[tuple[str, dict[str, Any]]]:
    found = []
    for dashboard in dashboards:
        for panel in lens_panels(dashboard):
            for layer in layers(panel).values():
                for column_id, column in layer["columns"].items():
                    if column["operationType"] == "formula":
                        found.append((column_id, column))
    return found


def test_dashboards_use_formulas(dashboards: list[dict[str, Any]]) -> None:
    assert len(_formula_columns(dashboards)) >= 10


def test_every_dashboard_formula_parses_and_expands(dashboards: list[dict[str, Any]]) -> None:
    for column_id, column in _formula_columns(dashboards):
        formula = column["params"]["formula"]
        tree = parse(formula)
        assert isinstance(tree, BinaryOp), formula
        helpers = expand_formula(column_id, dict(column))
        ids = list(helpers)
        math = helpers[ids[-1]]
        assert math["operationType"] == "math"
        assert math["references"] == ids[:-1]
        assert math["params"]["tinymathAst"]["text"] == formula
        assert len(ids) - 1 == len(aggregations(tree))


def test_expansion_matches_the_lens_shape() -> None:
    column: dict[str, Any] = {
        "label": "Error rate",
        "operationType": "formula",
        "params": {"formula": "count(kql='event.outcome : \"failure\"') / count()"},
    }
    helpers = expand_formula("err", column)
    assert list(helpers) == ["errX0", "errX1", "errX2"]
    assert helpers["errX0"]["filter"] == {"query": 'event.outcome : "failure"', "language": "kuery"}
    assert helpers["errX0"]["sourceField"] == "___records___"
    assert "filter" not in helpers["errX1"]
    ast = helpers["errX2"]["params"]["tinymathAst"]
    assert ast["name"] == "divide"
    assert ast["args"] == ["errX0", "errX1"]
    assert ast["location"] == {"min": 0, "max": len(column["params"]["formula"])}
    assert column["references"] == ["errX2"]
    assert all(h["label"] == "Part of Error rate" for h in helpers.values())


def test_nested_arithmetic_and_percentile() -> None:
    column: dict[str, Any] = {
        "label": "x",
        "params": {"formula": "(sum(a.b) + sum(c.d)) / percentile(e.f, percentile=95) - 1"},
    }
    helpers = expand_formula("c", column)
    assert [h["operationType"] for h in helpers.values()] == ["sum", "sum", "percentile", "math"]
    assert helpers["cX2"]["params"] == {"percentile": 95}
    ast = helpers["cX3"]["params"]["tinymathAst"]
    assert ast["name"] == "subtract"
    assert ast["args"][1] == 1
    divide = ast["args"][0]
    assert divide["name"] == "divide"
    assert divide["args"][0]["name"] == "add"
    assert divide["args"][0]["args"] == ["cX0", "cX1"]


def test_precedence_left_to_right() -> None:
    tree = parse("sum(a.b) - sum(c.d) - sum(e.f) * 2")
    assert isinstance(tree, BinaryOp) and tree.name == "subtract"
    assert isinstance(tree.left, BinaryOp) and tree.left.name == "subtract"
    assert isinstance(tree.right, BinaryOp) and tree.right.name == "multiply"
    assert [agg.field for agg in aggregations(tree)] == ["a.b", "c.d", "e.f"]


def test_formula_fields_include_kql_filters() -> None:
    formula = 'sum(numeric_labels.x, kql=\'labels.team : "a" and span.type : "genai"\') / count()'
    assert formula_fields(formula) == {"numeric_labels.x", "labels.team", "span.type"}
    first = aggregations(parse(formula))[0]
    assert isinstance(first, Aggregation) and first.kql is not None


def test_kql_fields_ignore_quoted_values() -> None:
    assert kql_fields('span.type : "genai" and labels.x : "a : b"') == {"span.type", "labels.x"}


@pytest.mark.parametrize(
    ("formula", "message"),
    [
        ("sum()", "needs a field"),
        ("count(a.b)", "takes no field"),
        ("foo(a.b) / count()", "unsupported function"),
        ("percentile(a.b) / count()", "percentile=N"),
        ("sum(a.b, percentile=5) / count()", "takes no percentile"),
        ("sum(a.b, shift='1h') / count()", "unsupported named argument"),
        ("sum(a.b) / ", "ends early"),
        ("sum(a.b) count()", "unexpected"),
        ("sum(a.b) / count() )", "unexpected"),
        ("sum(a.b) # 2", "unexpected character"),
        ("count(kql=1) / count()", "quoted string"),
    ],
)
def test_rejects_formulas_outside_the_subset(formula: str, message: str) -> None:
    with pytest.raises(FormulaError, match=message):
        parse(formula)


def test_single_aggregation_is_not_a_formula() -> None:
    with pytest.raises(FormulaError, match="single aggregation"):
        expand_formula("c", {"params": {"formula": "sum(a.b)"}})
