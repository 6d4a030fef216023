"""Typed Parquet files, with an explicit pyarrow schema derived from the Table Schemas.

Nothing is inferred: strings are strings, numbers float64, integers int64, ISO dates date32,
and every EDTF column gets its strict bounds as date32 columns `<col>_start` and `<col>_end`
beside it. The package name, version and the Table Schema travel in the file's key-value
metadata, so a downstream tool can check what it is reading.
"""

from __future__ import annotations

import json
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq

from .canonical import sorted_by_key
from .package import Table

ARROW_TYPES = {"string": pa.string(), "number": pa.float64(), "integer": pa.int64(), "date": pa.date32(), "boolean": pa.bool_()}
# Fixed writer settings: two builds from the same data give the same bytes.
WRITE_OPTIONS = dict(
    compression="zstd", compression_level=9, row_group_size=1_000_000, use_dictionary=True, write_statistics=True, data_page_version="2.0", version="2.6"
)


def arrow_fields(table_schema: dict) -> list[pa.Field]:
    fields = []
    for fld in table_schema["fields"]:
        name = fld["name"]
        required = fld.get("constraints", {}).get("required", False)
        meta = {"description": fld.get("description", "")}
        fields.append(pa.field(name, ARROW_TYPES.get(fld.get("type", "string"), pa.string()), nullable=not required, metadata=meta))
        if fld.get("x-edtf"):
            fields.append(pa.field(f"{name}_start", pa.date32(), metadata={"description": f"First day {name} can mean (strict EDTF lower bound)."}))
            fields.append(pa.field(f"{name}_end", pa.date32(), metadata={"description": f"Last day {name} can mean (strict EDTF upper bound)."}))
    return fields


def parquet_table_schema(table_schema: dict) -> dict:
    """The Table Schema of the Parquet file: the CSV's fields plus the derived bounds."""
    out = []
    for fld in table_schema["fields"]:
        out.append(fld)
        if fld.get("x-edtf"):
            for side, word in (("start", "First"), ("end", "Last")):
                out.append(
                    {
                        "name": f"{fld['name']}_{side}",
                        "type": "date",
                        "title": f"{fld.get('title', fld['name'])} ({side})",
                        "description": f"{word} day {fld['name']} can mean (strict EDTF bound), derived.",
                    }
                )
    schema = {k: v for k, v in table_schema.items() if k not in ("fields", "foreignKeys")}
    return {**schema, "fields": out}


def arrow_schema(table: Table, package_name: str, version: str) -> pa.Schema:
    meta = {
        "dprk_russia_arms.package": package_name,
        "dprk_russia_arms.version": version,
        "dprk_russia_arms.table": table.name,
        "dprk_russia_arms.table_schema": json.dumps(table.schema, ensure_ascii=False, sort_keys=True),
    }
    return pa.schema(arrow_fields(table.schema), metadata=meta)


def write(table: Table, path: Path, package_name: str, version: str) -> int:
    """Write the table's typed frame as Parquet; returns the row count."""
    schema = arrow_schema(table, package_name, version)
    frame = table.frame
    assert frame is not None
    data = sorted_by_key(frame, table).select(schema.names).to_arrow()
    data = pa.Table.from_arrays([data.column(n).cast(schema.field(n).type) for n in schema.names], schema=schema)
    pq.write_table(data, path, **WRITE_OPTIONS)
    return data.num_rows
