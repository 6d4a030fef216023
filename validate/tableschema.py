"""The dataset's own Table Schemas (schema/*.json) and the polars type of each field type.

Kept apart from `validate.schemas` (which builds pandera schemas) so that reading a package
does not wait for pandera to import.
"""

from __future__ import annotations

import json
from pathlib import Path

import polars as pl

SCHEMA_DIR = Path(__file__).resolve().parent.parent / "schema"
TABLES = ("sources", "actors", "systems", "units", "measures", "hedges", "claims", "citations")

POLARS_TYPES = {"string": pl.String, "number": pl.Float64, "integer": pl.Int64, "date": pl.Date, "boolean": pl.Boolean}


def polars_dtype(fld: dict) -> pl.DataType:
    return POLARS_TYPES.get(fld.get("type", "string"), pl.String)


def load_table_schema(name: str, schema_dir: Path = SCHEMA_DIR) -> dict:
    return json.loads((schema_dir / f"{name}.json").read_text(encoding="utf-8"))
