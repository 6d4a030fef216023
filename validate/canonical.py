"""The canonical CSV form, shared by the check (integrity.canonical) and the formatter.

Canonical: UTF-8 without BOM, LF line ends, the header in schema order, rows sorted by
primary key (claim ids by their number), minimal quoting, empty cells for nulls. Text is
kept exactly as typed.
"""

from __future__ import annotations

import io
import re
from typing import TYPE_CHECKING

import polars as pl

if TYPE_CHECKING:
    from .package import Table

_NUMBERED = re.compile(r"^\^?([a-z]+)\[0-9\]")

# Canonical form as a Table Dialect (Data Package v2). The repository's and the release's
# descriptors declare it on every CSV resource, so that no reader has to sniff the quote
# character (frictionless-ts guesses "'" on files whose notes hold apostrophes); the
# validator accepts a dialect that says exactly this and refuses any other (package.dialect_problem).
DIALECT: dict[str, object] = {"delimiter": ",", "quoteChar": '"', "doubleQuote": True, "header": True, "lineTerminator": "\n"}


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


def sorted_by_key(frame: pl.DataFrame, table: Table) -> pl.DataFrame:
    """`frame` (the table's text or typed rows) sorted as canonical form orders them."""
    keys = sort_keys(table)
    return frame.sort(keys, nulls_last=True, maintain_order=True) if keys else frame


def canonical_bytes(table: Table) -> bytes:
    assert table.strings is not None
    frame = sorted_by_key(table.strings, table)
    names = table.field_names
    buf = io.BytesIO()
    frame.select(names).write_csv(buf, line_terminator="\n", quote_style="necessary", null_value="")
    return buf.getvalue()


def first_difference(a: bytes, b: bytes) -> int:
    """1-based line of the first byte where a and b differ."""
    import numpy as np

    n = min(len(a), len(b))
    x = np.frombuffer(a, dtype=np.uint8, count=n)
    y = np.frombuffer(b, dtype=np.uint8, count=n)
    diff = np.flatnonzero(x != y)
    offset = int(diff[0]) if diff.size else n
    return a.count(b"\n", 0, offset) + 1


def is_sorted(frame: pl.DataFrame, keys: list[pl.Expr]) -> bool:
    """Rows are in key order: each row compares >= the previous one, key by key."""
    if frame.height < 2 or not keys:
        return True
    cols = frame.select(keys)
    greater = pl.lit(False)
    equal = pl.lit(True)
    for name in cols.columns:
        c, prev = pl.col(name), pl.col(name).shift(1)
        greater = greater | (equal & (c > prev).fill_null(False))
        equal = equal & (c.eq_missing(prev))
    return bool(cols.select((greater | equal).slice(1).all()).item())


def counts(frame: pl.DataFrame, names: list[str]) -> tuple[int, int]:
    """The bytes and '"' characters of the file the canonical writer makes of `frame`'s
    `names` columns (header included), computed without writing it."""
    parts = []
    for c in names:
        col = pl.col(c)
        needs = col.str.contains_any([",", '"', "\r", "\n"]).fill_null(False)
        parts += [
            col.str.len_bytes().sum().alias(f"b{len(parts)}"),
            needs.sum().alias(f"q{len(parts)}"),
            col.str.count_matches('"', literal=True).sum().alias(f"i{len(parts)}"),  # a '"' always needs quoting
        ]
    sums = frame.lazy().select(parts).collect().row(0) if parts else ()
    body, quoted, inner = (sum(int(v or 0) for v in sums[k::3]) for k in range(3))
    header = len(",".join(names).encode("utf-8")) + 1
    return header + body + 2 * quoted + inner + frame.height * len(names), 2 * quoted + 2 * inner


def in_key_order(table: Table) -> bool:
    """The rows are sorted by primary key, as canonical form requires (computed once)."""
    if table.key_sorted is None:
        table.key_sorted = table.strings is not None and is_sorted(table.strings, sort_keys(table))
    return table.key_sorted


def _looks_canonical(table: Table) -> bool:
    """A fast sufficient test: the file has exactly the bytes and quote characters that the
    canonical writer would produce for these values, with no BOM and no CR. Any quoting,
    blank line or spacing that differs changes one of those counts."""
    frame = table.strings
    assert frame is not None
    if table.header != table.field_names:
        return False
    if table.exact:  # the reader has already proved it
        return True
    # A BOM, a CR or a missing final newline changes the byte count too.
    return counts(frame, table.field_names) == (table.size, table.quotes)


def problems(table: Table) -> tuple[int, str] | None:
    """None when the file is canonical, else (line, what is wrong)."""
    if _looks_canonical(table) and in_key_order(table):
        return None
    raw = table.data()
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
    if not in_key_order(table):
        return line, f"rows are not sorted by {'/'.join(table.primary_key)}"
    return line, "differs from canonical form (quoting, blank lines or spacing)"
