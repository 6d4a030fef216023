"""The canonical CSV form, shared by the check (integrity.canonical) and the formatter.

Canonical: UTF-8 without BOM, LF line ends, the header in schema order, rows sorted by
primary key (claim ids by their number), minimal quoting, empty cells for nulls. Text is
kept exactly as typed.
"""

from __future__ import annotations

import io
import re

import numpy as np
import polars as pl

from .package import Table

_NUMBERED = re.compile(r"^\^?([a-z]+)\[0-9\]")


def sort_keys(table: Table) -> list[pl.Expr]:
    """Primary key columns in sort order; ids of the form c0001 sort by their number."""
    keys = []
    for col in table.primary_key:
        pattern = table.field(col).get("constraints", {}).get("pattern", "")
        m = _NUMBERED.match(pattern)
        if m:
            keys.append(pl.col(col).str.strip_prefix(m.group(1)).cast(pl.Int64, strict=False).alias(f"_{col}_number"))
        keys.append(pl.col(col))
    return keys


def canonical_bytes(table: Table) -> bytes:
    frame = table.strings
    assert frame is not None
    names = table.field_names
    keys = sort_keys(table)
    if keys:
        frame = frame.sort(keys, nulls_last=True, maintain_order=True)
    buf = io.BytesIO()
    frame.select(names).write_csv(buf, line_terminator="\n", quote_style="necessary", null_value="")
    return buf.getvalue()


def first_difference(a: bytes, b: bytes) -> int:
    """1-based line of the first byte where a and b differ."""
    n = min(len(a), len(b))
    x = np.frombuffer(a, dtype=np.uint8, count=n)
    y = np.frombuffer(b, dtype=np.uint8, count=n)
    diff = np.flatnonzero(x != y)
    offset = int(diff[0]) if diff.size else n
    return a.count(b"\n", 0, offset) + 1


def problems(table: Table) -> tuple[int, str] | None:
    """None when the file is canonical, else (line, what is wrong)."""
    raw = table.raw
    want = canonical_bytes(table)
    if raw == want:
        return None
    if raw.startswith(b"\xef\xbb\xbf"):
        return 1, "starts with a byte order mark (BOM)"
    if b"\r" in raw:
        return first_difference(raw, raw.replace(b"\r", b"")), "has CR (Windows) line ends"
    if table.header != table.field_names:
        return 1, "header is not in schema order"
    line = first_difference(raw, want)
    if not raw.endswith(b"\n"):
        return line, "does not end with a newline"
    keys = sort_keys(table)
    frame = table.strings
    assert frame is not None
    if keys and not frame.select(keys).equals(frame.sort(keys, nulls_last=True, maintain_order=True).select(keys)):
        return line, f"rows are not sorted by {'/'.join(table.primary_key)}"
    return line, "differs from canonical form (quoting, blank lines or spacing)"
