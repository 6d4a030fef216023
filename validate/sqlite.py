"""The SQLite edition of a release: every table with its keys, and a convenience view.

For sqlite3 and Datasette users. Types follow the Table Schemas (TEXT, REAL, INTEGER; dates as
ISO TEXT, with the EDTF bounds beside each EDTF column as in the Parquet files); primary and
foreign keys are declared, and `claims_cited` joins each claim with its measure's label, its
claimant, sources and quotes. The file is built in a fixed order, so two builds give the same bytes.
"""

from __future__ import annotations

import sqlite3
from pathlib import Path

import polars as pl

from .canonical import sorted_by_key
from .package import Table

SQL_TYPES = {"string": "TEXT", "number": "REAL", "integer": "INTEGER", "date": "TEXT", "boolean": "INTEGER"}
ORDER = ["units", "measures", "hedges", "actors", "systems", "sources", "claims", "citations"]  # referenced tables first, then any other

VIEW = """
CREATE VIEW claims_cited AS
SELECT c.claim_id, c.claimant_id, a.name AS claimant_name, a.actor_type AS claimant_type,
       c.stated, c.stated_start, c.stated_end, c.category, c.measure, m.label AS measure_label,
       c.from_id, c.to_id, c.item_class, c.system_id, c.stance, c.certainty, c.hedge_text,
       c.qty_low, c.qty_best, c.qty_high, c.unit, c.qty_text,
       c.period, c.period_start, c.period_end, c.period_text,
       c.status, c.superseded_by, c.restates,
       s.source_id, s.title AS source_title, s.publisher, s.original_publisher,
       s.published, s.published_start, s.published_end, q.quote
FROM claims c
LEFT JOIN actors a ON a.actor_id = c.claimant_id
LEFT JOIN measures m ON m.measure_id = c.measure
LEFT JOIN citations q ON q.claim_id = c.claim_id
LEFT JOIN sources s ON s.source_id = q.source_id
"""


def _quote(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def _sql_type(fld: dict) -> str:
    return SQL_TYPES.get(fld.get("type", "string"), "TEXT")


def columns(table: Table) -> list[tuple[str, str]]:
    return [(fld["name"], _sql_type(fld)) for fld in _fields_with_bounds(table)]


def create_statement(table: Table) -> str:
    parts = []
    for fld in _fields_with_bounds(table):
        required = fld.get("constraints", {}).get("required", False)
        parts.append(f"{_quote(fld['name'])} {_sql_type(fld)}{' NOT NULL' if required else ''}")
    parts.append(f"PRIMARY KEY ({', '.join(_quote(k) for k in table.primary_key)})")
    for fk in table.schema.get("foreignKeys", []):
        target = fk["reference"].get("resource") or table.name
        parts.append(f"FOREIGN KEY ({', '.join(map(_quote, fk['fields']))}) REFERENCES {_quote(target)} ({', '.join(map(_quote, fk['reference']['fields']))})")
    return f"CREATE TABLE {_quote(table.name)} (\n  " + ",\n  ".join(parts) + "\n)"


def _fields_with_bounds(table: Table) -> list[dict]:
    """The table's fields, each EDTF field followed by its date bounds (stored as ISO text)."""
    out = []
    for fld in table.fields:
        out.append(fld)
        if fld.get("x-edtf"):
            out += [{"name": f"{fld['name']}_start"}, {"name": f"{fld['name']}_end"}]
    return out


def write(tables: dict[str, Table], path: Path) -> None:
    if path.exists():
        path.unlink()
    con = sqlite3.connect(path)
    try:
        # Rows go in sorted by key, so self-references (actors.parent_id) may point forward:
        # the keys are checked once everything is in.
        for name in [*(n for n in ORDER if n in tables), *sorted(set(tables) - set(ORDER))]:
            table = tables[name]
            con.execute(create_statement(table))
            frame = table.frame
            assert frame is not None
            frame = sorted_by_key(frame, table)
            names = [c for c, _ in columns(table)]
            frame = frame.select([pl.col(c).cast(pl.String) if frame.schema[c] == pl.Date else pl.col(c) for c in names])
            placeholders = ", ".join("?" for _ in names)
            con.executemany(f"INSERT INTO {_quote(name)} VALUES ({placeholders})", frame.iter_rows())
        con.execute(VIEW)
        con.commit()
        broken = con.execute("PRAGMA foreign_key_check").fetchall()
        if broken:
            raise ValueError(f"foreign keys do not resolve in the SQLite file: {broken[:5]}")
        con.execute("VACUUM")
    finally:
        con.close()
