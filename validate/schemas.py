"""pandera schemas derived from the Table Schemas, carrying every row rule as a named check.

Downstream tools can check their own polars frames with the same rules the validator uses:

    from validate.schemas import table_schemas
    schemas = table_schemas()                 # columns and types of every table
    schemas["claims"].validate(frame)

`package_schemas(ctx)` adds every row rule (structure, dates, units, attribution, integrity)
as a dataframe-level check named `<rule id>:<table>`; that is what `python -m validate` runs. Nothing here declares a column: it is all read from schema/*.json.
"""

from __future__ import annotations

import json
from pathlib import Path

import pandera.polars as pa
import polars as pl

from . import rules  # noqa: F401  (registers the rules)
from .registry import RowCheck, build_checks

SCHEMA_DIR = Path(__file__).resolve().parent.parent / "schema"
TABLES = ("sources", "actors", "systems", "units", "claims", "citations")

POLARS_TYPES = {"string": pl.String, "number": pl.Float64, "integer": pl.Int64, "date": pl.Date, "boolean": pl.Boolean}


def polars_dtype(fld: dict) -> pl.DataType:
    return POLARS_TYPES.get(fld.get("type", "string"), pl.String)


def load_table_schema(name: str, schema_dir: Path = SCHEMA_DIR) -> dict:
    return json.loads((schema_dir / f"{name}.json").read_text(encoding="utf-8"))


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


def to_pandera_check(name: str, checks: list[RowCheck]) -> pa.Check:
    """One named pandera check for one rule on one table: a row passes when it passes the rule
    on every column the rule looks at."""
    ok = pl.all_horizontal([c.ok.fill_null(True) for c in checks]).alias("ok")

    def run(data, ok=ok):
        return data.lazyframe.select(ok)

    return pa.Check(run, name=name, error=name, description=checks[0].rule)


def table_schemas(schema_dir: Path = SCHEMA_DIR) -> dict[str, pa.DataFrameSchema]:
    """Column and type schemas for each table (no cross-table rules)."""
    return {name: pa.DataFrameSchema(columns(load_table_schema(name, schema_dir)), name=name, strict=False) for name in TABLES}


def package_schemas(ctx) -> tuple[dict[str, pa.DataFrameSchema], dict[str, list[RowCheck]]]:
    """Schemas with every row rule attached, for the tables in `ctx`, and the checks behind each
    pandera check name (`<rule id>:<table>`), to address failures to their columns."""
    groups: dict[str, list[RowCheck]] = {}
    for c in build_checks(ctx):
        if all(ctx.has(t) for t in c.needs):
            groups.setdefault(f"{c.rule}:{c.table}", []).append(c)
    schemas = {}
    for table_name, table in ctx.tables.items():
        if table.frame is None:
            continue
        pa_checks = [to_pandera_check(n, cs) for n, cs in groups.items() if cs[0].table == table_name]
        schemas[table_name] = pa.DataFrameSchema(columns(table.schema), checks=pa_checks, name=table_name, strict=False)
    return schemas, groups
