"""Parser and expander for the subset of Kibana Lens formulas the project's dashboards use.

Lens stores a formula column together with hidden helper columns (one per aggregation plus a
``math`` column holding a tinymath AST). Our reviewable files carry only the formula text;
``expand_formula`` generates the helper columns the way Lens 8.x persists them (format followed:
Kibana's own sample-data dashboards, coreMigrationVersion 8.8.0, still shipped in 9.x), and
``parse`` rejects anything outside the subset so a typo fails a test instead of a panel.

Subset: numbers, ``+ - * /``, parentheses, and the aggregations in ``AGGREGATIONS`` with one
optional field argument and the named arguments ``kql='…'`` and ``percentile=N``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace
from typing import Any

# formula name -> Lens operationType; whether it takes a field
AGGREGATIONS: dict[str, tuple[str, bool]] = {
    "count": ("count", False),
    "sum": ("sum", True),
    "average": ("average", True),
    "min": ("min", True),
    "max": ("max", True),
    "median": ("median", True),
    "percentile": ("percentile", True),
    "unique_count": ("unique_count", True),
}
OPERATORS = {"+": "add", "-": "subtract", "*": "multiply", "/": "divide"}
NAMED_ARGUMENTS = {"kql", "percentile"}
RECORDS_FIELD = "___records___"

_TOKEN = re.compile(
    r"\s*(?:(?P<number>\d+(?:\.\d+)?)|(?P<string>'(?:[^'\\]|\\.)*')"
    r"|(?P<name>[A-Za-z_@][\w.@]*)|(?P<op>[-+*/(),=]))"
)


class FormulaError(ValueError):
    """A formula outside the supported subset, with the position that broke it."""


@dataclass(frozen=True)
class Number:
    """A numeric literal."""

    value: float
    start: int
    end: int


@dataclass(frozen=True)
class Aggregation:
    """One aggregation call, e.g. ``sum(numeric_labels.x, kql='a : "b"')``."""

    function: str
    field: str | None
    kql: str | None
    percentile: float | None
    start: int
    end: int


@dataclass(frozen=True)
class BinaryOp:
    """An arithmetic operation between two sub-expressions."""

    name: str
    left: Node
    right: Node
    start: int
    end: int


Node = Number | Aggregation | BinaryOp


@dataclass(frozen=True)
class _Token:
    kind: str
    text: str
    start: int
    end: int


def _tokenize(formula: str) -> list[_Token]:
    tokens: list[_Token] = []
    pos = 0
    while pos < len(formula):
        if formula[pos:].strip() == "":
            break
        match = _TOKEN.match(formula, pos)
        if match is None or match.end() == pos:
            raise FormulaError(f"unexpected character at {pos}: {formula[pos : pos + 10]!r}")
        kind = match.lastgroup or ""
        tokens.append(_Token(kind, match.group(kind), match.start(kind), match.end(kind)))
        pos = match.end()
    return tokens


@dataclass
class _Parser:
    formula: str
    tokens: list[_Token]
    index: int = 0

    def peek(self) -> _Token | None:
        return self.tokens[self.index] if self.index < len(self.tokens) else None

    def take(self, text: str | None = None) -> _Token:
        token = self.peek()
        if token is None:
            raise FormulaError(f"formula ends early, expected {text or 'more'}")
        if text is not None and token.text != text:
            raise FormulaError(f"expected {text!r} at {token.start}, found {token.text!r}")
        self.index += 1
        return token

    def expression(self) -> Node:
        node = self.term()
        while (token := self.peek()) is not None and token.text in ("+", "-"):
            self.take()
            right = self.term()
            node = BinaryOp(OPERATORS[token.text], node, right, node.start, right.end)
        return node

    def term(self) -> Node:
        node = self.factor()
        while (token := self.peek()) is not None and token.text in ("*", "/"):
            self.take()
            right = self.factor()
            node = BinaryOp(OPERATORS[token.text], node, right, node.start, right.end)
        return node

    def factor(self) -> Node:
        token = self.take()
        if token.kind == "number":
            return Number(float(token.text), token.start, token.end)
        if token.text == "(":
            inner = self.expression()
            closing = self.take(")")
            # Lens locates a parenthesised sub-expression including its parentheses
            return replace(inner, start=token.start, end=closing.end)
        if token.kind == "name":
            return self.call(token)
        raise FormulaError(f"unexpected {token.text!r} at {token.start}")

    def call(self, name: _Token) -> Aggregation:
        if name.text not in AGGREGATIONS:
            raise FormulaError(f"unsupported function {name.text!r} at {name.start}")
        self.take("(")
        field_name: str | None = None
        named: dict[str, str] = {}
        while (token := self.peek()) is not None and token.text != ")":
            if named or field_name is not None:
                self.take(",")
            argument = self.take()
            if argument.kind != "name":
                raise FormulaError(f"expected a field or name= at {argument.start}")
            following = self.peek()
            if following is not None and following.text == "=":
                self.take("=")
                named[argument.text] = self._named_value(argument.text)
            elif field_name is None and not named:
                field_name = argument.text
            else:
                raise FormulaError(f"unexpected argument {argument.text!r} at {argument.start}")
        end = self.take(")").end
        return _aggregation(name.text, field_name, named, name.start, end)

    def _named_value(self, key: str) -> str:
        if key not in NAMED_ARGUMENTS:
            raise FormulaError(f"unsupported named argument {key!r}")
        value = self.take()
        if key == "kql":
            if value.kind != "string":
                raise FormulaError("kql= needs a quoted string")
            return value.text[1:-1].replace("\\'", "'")
        if value.kind != "number":
            raise FormulaError(f"{key}= needs a number")
        return value.text


def _aggregation(
    function: str, field_name: str | None, named: dict[str, str], start: int, end: int
) -> Aggregation:
    takes_field = AGGREGATIONS[function][1]
    if takes_field and field_name is None:
        raise FormulaError(f"{function}() needs a field")
    if not takes_field and field_name is not None:
        raise FormulaError(f"{function}() takes no field")
    if function == "percentile" and "percentile" not in named:
        raise FormulaError("percentile() needs percentile=N")
    if function != "percentile" and "percentile" in named:
        raise FormulaError(f"{function}() takes no percentile=")
    percentile = float(named["percentile"]) if "percentile" in named else None
    return Aggregation(function, field_name, named.get("kql"), percentile, start, end)


def parse(formula: str) -> Node:
    """Parse a formula of the supported subset; raise FormulaError naming what is wrong."""
    parser = _Parser(formula, _tokenize(formula))
    node = parser.expression()
    if parser.peek() is not None:
        token = parser.take()
        raise FormulaError(f"unexpected {token.text!r} at {token.start}")
    return node


def aggregations(node: Node) -> list[Aggregation]:
    """The aggregation calls of a parsed formula, left to right (Lens numbers them so)."""
    if isinstance(node, Aggregation):
        return [node]
    if isinstance(node, BinaryOp):
        return aggregations(node.left) + aggregations(node.right)
    return []


_KQL_FIELD = re.compile(r"([A-Za-z_@][\w.@]*)\s*:")


def kql_fields(kql: str) -> set[str]:
    """Field names a simple KQL query (``field : value`` clauses) refers to."""
    without_strings = re.sub(r'"(?:[^"\\]|\\.)*"', '""', kql)
    return set(_KQL_FIELD.findall(without_strings))


def formula_fields(formula: str) -> set[str]:
    """Every field a formula reads, including those inside its kql= filters."""
    fields: set[str] = set()
    for agg in aggregations(parse(formula)):
        if agg.field is not None:
            fields.add(agg.field)
        if agg.kql is not None:
            fields |= kql_fields(agg.kql)
    return fields


@dataclass
class _Expansion:
    column_id: str
    label: str
    formula: str
    columns: dict[str, dict[str, Any]] = field(default_factory=dict)

    def helper_column(self, agg: Aggregation) -> str:
        helper_id = f"{self.column_id}X{len(self.columns)}"
        operation = AGGREGATIONS[agg.function][0]
        column: dict[str, Any] = {
            "label": f"Part of {self.label}",
            "dataType": "number",
            "operationType": operation,
            "isBucketed": False,
            "scale": "ratio",
            "sourceField": agg.field if agg.field is not None else RECORDS_FIELD,
            "customLabel": True,
        }
        if agg.percentile is not None:
            column["params"] = {"percentile": _plain_number(agg.percentile)}
        if agg.kql is not None:
            column["filter"] = {"query": agg.kql, "language": "kuery"}
        self.columns[helper_id] = column
        return helper_id

    def ast(self, node: Node) -> Any:
        if isinstance(node, Number):
            return _plain_number(node.value)
        if isinstance(node, Aggregation):
            return self.helper_column(node)
        return {
            "type": "function",
            "name": node.name,
            "args": [self.ast(node.left), self.ast(node.right)],
            "location": {"min": node.start, "max": node.end},
            "text": self.formula[node.start : node.end],
        }


def _plain_number(value: float) -> int | float:
    return int(value) if value.is_integer() else value


def expand_formula(column_id: str, column: dict[str, Any]) -> dict[str, dict[str, Any]]:
    """Helper columns (``<id>X0`` … ``<id>Xn``, the last one ``math``) for one formula column.

    Also sets the formula column's own ``references`` to the math column, as Lens does.
    """
    formula = column["params"]["formula"]
    tree = parse(formula)
    if not isinstance(tree, BinaryOp):
        raise FormulaError(f"{formula!r}: a single aggregation needs no formula, use a column")
    expansion = _Expansion(column_id, column.get("label") or formula, formula)
    math_ast = expansion.ast(tree)
    helper_ids = list(expansion.columns)
    math_id = f"{column_id}X{len(helper_ids)}"
    expansion.columns[math_id] = {
        "label": f"Part of {expansion.label}",
        "dataType": "number",
        "operationType": "math",
        "isBucketed": False,
        "scale": "ratio",
        "params": {"tinymathAst": math_ast},
        "references": helper_ids,
        "customLabel": True,
    }
    column["references"] = [math_id]
    return expansion.columns
