"""pandera schemas derived from the Table Schemas, carrying every row rule.

Downstream tools can check their own polars frames with the same rules the validator uses:

    from validate.schemas import table_schemas
    schemas = table_schemas()                 # columns and types of every table
    schemas["claims"].validate(frame)

`package_schemas(ctx)` adds every row rule (structure, dates, units, attribution, integrity)
to each table as one dataframe-level check named `rules:<table>`, computed in a single polars
pass (`TableRules.verdicts` keeps each rule's verdict per row); that is what `python -m validate`
runs. Nothing here declares a column: it is all read from schema/*.json.
"""

from __future__ import annotations

from pathlib import Path

import pandera.polars as pa
import polars as pl

from . import rules  # noqa: F401  (registers the rules)
from .registry import RowCheck, build_checks
from .tableschema import POLARS_TYPES, SCHEMA_DIR, TABLES, load_table_schema, polars_dtype

__all__ = ["POLARS_TYPES", "SCHEMA_DIR", "TABLES", "TableRules", "columns", "load_table_schema", "package_schemas", "polars_dtype", "table_schemas"]


def columns(table_schema: dict) -> dict[str, pa.Column]:
    """One pandera Column per field, typed; EDTF fields get their derived date bounds beside
    them, as in the Parquet files. Nullability is left to the structure.required check, so
    the report names the rule and the row."""
    cols: dict[str, pa.Column] = {}
    for fld in table_schema["fields"]:
        name = fld["name"]
        cols[name] = pa.Column(polars_dtype(fld), nullable=True, required=True, description=fld.get("description"), title=fld.get("title"))
        if fld.get("x-edtf"):
            cols[f"{name}_start"] = pa.Column(pl.Date, nullable=True, required=False, description=f"First day {name} can mean (EDTF lower bound).")
            cols[f"{name}_end"] = pa.Column(pl.Date, nullable=True, required=False, description=f"Last day {name} can mean (EDTF upper bound).")
    return cols


class TableRules:
    """Every row rule of one table as one pandera check.

    One polars pass computes each rule's verdict per row (a boolean column per RowCheck, so
    polars evaluates them in parallel and shares common subexpressions); pandera folds the
    columns into the row's verdict and reports the failing rows. The columns are kept in
    `verdicts`, so a failure can be addressed to its rule and column without a second pass.
    """

    def __init__(self, table: str, checks: list[RowCheck], failure_cases: int | None = None):
        self.table = table
        self.checks = checks
        self.failure_cases = failure_cases
        self.verdicts: pl.DataFrame | None = None

    def __call__(self, data) -> pl.LazyFrame:
        self.verdicts = data.lazyframe.select([c.ok.fill_null(True).alias(f"_{i}") for i, c in enumerate(self.checks)]).collect()
        return self.verdicts.lazy()

    @property
    def name(self) -> str:
        return f"rules:{self.table}"

    def check(self) -> pa.Check:
        ids = sorted({c.rule for c in self.checks})
        return pa.Check(self, name=self.name, error=self.name, description="row rules " + ", ".join(ids), n_failure_cases=self.failure_cases)


def table_schemas(schema_dir: Path = SCHEMA_DIR) -> dict[str, pa.DataFrameSchema]:
    """Column and type schemas for each table (no cross-table rules)."""
    return {name: pa.DataFrameSchema(columns(load_table_schema(name, schema_dir)), name=name, strict=False) for name in TABLES}


def package_schemas(ctx, failure_cases: int | None = None) -> tuple[dict[str, pa.DataFrameSchema], dict[str, TableRules]]:
    """Schemas with every row rule attached, for the tables in `ctx`: one pandera check per
    table, named `rules:<table>` (see `TableRules`), returned beside the schemas so failures
    can be addressed to their rule and column. `failure_cases` caps the failing rows pandera
    lists per check (all by default)."""
    by_table: dict[str, list[RowCheck]] = {}
    for c in build_checks(ctx):
        if all(ctx.has(t) for t in c.needs):
            by_table.setdefault(c.table, []).append(c)
    schemas, table_rules = {}, {}
    for table_name, table in ctx.tables.items():
        if table.frame is None:
            continue
        checks = []
        if by_table.get(table_name):
            table_rules[table_name] = TableRules(table_name, by_table[table_name], failure_cases)
            checks.append(table_rules[table_name].check())
        schemas[table_name] = pa.DataFrameSchema(columns(table.schema), checks=checks, name=table_name, strict=False)
    return schemas, table_rules
