"""Vectorised bounds of EDTF strings.

Claims and sources carry dates as typed by people, in the Library of Congress Extended
Date/Time Format. The ordering rules compare *strict* bounds (the first and last day a value
can mean, ignoring the `~`/`?`/`%` qualifiers), so they are computed once per column here, as
polars expressions, instead of calling a parser per row. The `edtf` package is the reference
implementation the tests compare this against.

Supported: `YYYY`, `YYYY-MM`, `YYYY-MM-DD`, each with an optional trailing qualifier `?`, `~`
or `%`, and intervals `A/B` where either side may be such a date, `..` (open) or empty
(unknown).
"""

from __future__ import annotations

import polars as pl

DATE_RE = r"(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?[?~%]?"
EDTF_RE = rf"^(?:{DATE_RE}|(?:{DATE_RE}|\.\.|)/(?:{DATE_RE}|\.\.|))$"
FORMS = "YYYY, YYYY-MM, YYYY-MM-DD (optionally followed by ~, ? or %), or an interval A/B with .. for an open end"


def _side_bounds(side: pl.Expr) -> tuple[pl.Expr, pl.Expr, pl.Expr]:
    """Start, end and validity of one side of an interval (or of a single date)."""
    parts = side.str.extract_groups(rf"^{DATE_RE}$")
    y, m, d = parts.struct.field("1"), parts.struct.field("2"), parts.struct.field("3")
    start_txt = pl.concat_str([y, m.fill_null("01"), d.fill_null("01")], separator="-")
    start = start_txt.str.to_date("%Y-%m-%d", strict=False)
    end = (
        pl.when(d.is_not_null())
        .then(start)
        .when(m.is_not_null())
        .then(start.dt.month_end())
        .otherwise(pl.concat_str([y, pl.lit("12-31")], separator="-").str.to_date("%Y-%m-%d", strict=False))
    )
    # A date that matched the pattern but is not a calendar day (2024-02-30, 2024-13) is invalid.
    ok = side.is_in(["..", ""]) | start.is_not_null()
    return start, end, ok


def bounds(column: str) -> list[pl.Expr]:
    """Expressions for `<column>_start`, `<column>_end` and `<column>__edtf_ok`.

    Null input gives null bounds and ok=True (emptiness is the `required` rule's business).
    An open or unknown end gives a null bound on that side.
    """
    col = pl.col(column)
    is_interval = col.str.contains("/", literal=True)
    left = pl.when(is_interval).then(col.str.split_exact("/", 1).struct.field("field_0")).otherwise(col)
    right = pl.when(is_interval).then(col.str.split_exact("/", 1).struct.field("field_1")).otherwise(col)
    l_start, _l_end, l_ok = _side_bounds(left)
    _r_start, r_end, r_ok = _side_bounds(right)
    ok = col.is_null() | (col.str.contains(EDTF_RE) & l_ok & r_ok)
    return [
        pl.when(ok).then(l_start).alias(f"{column}_start"),
        pl.when(ok).then(r_end).alias(f"{column}_end"),
        ok.alias(f"{column}__edtf_ok"),
    ]
