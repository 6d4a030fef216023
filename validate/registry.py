"""The rule registry: every rule has a stable id, a severity and a docstring saying why.

Two kinds of rule exist:
- *row rules* are polars expressions evaluated on one table (its typed frame plus derived
  columns such as EDTF bounds); they become named pandera dataframe checks (see
  `validate.schemas`), so the same rules can check any frame;
- *file rules* look at what a frame cannot hold (the descriptor, the raw bytes, the header,
  snapshots); they are run by the engine and only documented here.

Rules that depend on fields (patterns, enums, keys) are generated from the Table Schemas, so
no column is declared twice by hand.
"""

from __future__ import annotations

import inspect
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any

import polars as pl


@dataclass(frozen=True)
class RuleInfo:
    """What a rule is, for the report, the codebook and the tests."""

    id: str
    severity: str
    doc: str
    kind: str  # "row" or "file"


@dataclass(frozen=True)
class RowCheck:
    """One row rule bound to a table and a column.

    `ok` is True for rows that pass (null counts as pass); `message` and `value` are only
    evaluated on failing rows. `needs` names the other tables the expressions read.
    """

    rule: str
    table: str
    column: str
    ok: pl.Expr
    message: pl.Expr
    value: pl.Expr | None = None
    needs: tuple[str, ...] = field(default=())
    window: bool = False  # the message looks at other rows (e.g. the first of a duplicate)


RULES: dict[str, RuleInfo] = {}
_BUILDERS: list[Callable[[Any], Iterator[RowCheck]]] = []


def register(rule_id: str, severity: str = "error", kind: str = "row", doc: str | None = None) -> RuleInfo:
    if rule_id in RULES:
        raise ValueError(f"rule {rule_id} registered twice")
    if severity not in ("error", "warning"):
        raise ValueError(severity)
    info = RuleInfo(rule_id, severity, inspect.cleandoc(doc or ""), kind)
    RULES[rule_id] = info
    return info


def file_rule(rule_id: str, doc: str, severity: str = "error") -> RuleInfo:
    """Document a rule that the engine checks outside the frames."""
    return register(rule_id, severity, "file", doc)


def row_rule(rule_id: str, severity: str = "error"):
    """Register a builder: a function of the context yielding RowChecks for `rule_id`.

    The builder's docstring is the rule's documentation: say why the rule exists.
    """

    def deco(fn: Callable[[Any], Iterator[RowCheck]]):
        register(rule_id, severity, "row", fn.__doc__)
        _BUILDERS.append(fn)
        return fn

    return deco


def build_checks(ctx: Any) -> list[RowCheck]:
    """Every row check for the tables in the context."""
    checks: list[RowCheck] = []
    for builder in _BUILDERS:
        checks.extend(builder(ctx))
    return checks


def fields(ctx: Any) -> Iterator[tuple[str, dict]]:
    """(table, field) for every Table Schema field whose column the table's typed frame has."""
    for name, table in ctx.tables.items():
        if table.frame is None:
            continue
        for fld in table.fields:
            if fld["name"] in table.frame.columns:
                yield name, fld


def show(expr: pl.Expr) -> pl.Expr:
    """A value as it would be typed: numbers without a trailing .0, null as empty."""
    return expr.cast(pl.String).str.replace(r"\.0$", "").fill_null("")
