"""Integrity and safety: the files stay canonical and safe to open in a spreadsheet, links are
web links, and nothing published disappears."""

from __future__ import annotations

from collections.abc import Iterator

import polars as pl

from ..registry import RowCheck, fields, file_rule, row_rule, show

file_rule(
    "integrity.canonical",
    """
    CSV files are canonical (UTF-8 without BOM, LF line ends, header in schema order, rows
    sorted by primary key, minimal quoting): diffs between versions then show only real
    changes. `make fmt` rewrites the files into this form.""",
)
file_rule(
    "integrity.released_ids",
    """
    Claim ids published in an earlier release (releases/*.json) are never removed: a wrong
    claim is retracted or superseded, so citations of the dataset keep resolving.""",
)

file_rule(
    "integrity.checksums",
    """
    Every resource whose descriptor declares a sha256 `hash` or `bytes` matches them, Parquet
    included (frictionless does not check Parquet checksums): a downloaded release is exactly
    what was published.""",
)

# =, +, @, tab and CR start formulas in spreadsheets; "-" too unless it starts a number.
FORMULA_RE = r"^(?:[=+@\t\r]|-(?:[^0-9]|$))"


@row_rule("integrity.formula")
def formula(ctx) -> Iterator[RowCheck]:
    """No text cell starts with a spreadsheet formula trigger (=, +, @, tab, CR, or - not
    followed by a digit): researchers open these files in spreadsheets, where such a cell runs
    as a formula (CSV injection)."""
    for name, fld in fields(ctx):
        c = fld["name"]
        if fld.get("type", "string") == "string":
            yield RowCheck(
                "integrity.formula",
                name,
                c,
                ~pl.col(c).str.contains(FORMULA_RE).fill_null(False),
                pl.format("{}={} starts with a spreadsheet formula trigger", pl.lit(c), show(pl.col(c)).str.slice(0, 60)),
            )


@row_rule("integrity.url_scheme")
def url_scheme(ctx) -> Iterator[RowCheck]:
    """URLs are http(s) only: javascript:, data: or file: links in a published dataset would be
    clicked by researchers."""
    for name, fld in fields(ctx):
        c = fld["name"]
        if fld.get("format") == "uri":
            yield RowCheck(
                "integrity.url_scheme",
                name,
                c,
                pl.col(c).is_null() | pl.col(c).str.contains(r"^https?://[^\s/]+\S*$"),
                pl.format("{}={} is not an http(s) URL", pl.lit(c), show(pl.col(c))),
            )


@row_rule("integrity.superseded")
def superseded(ctx) -> Iterator[RowCheck]:
    """superseded_by is set exactly when status is superseded, and never points at the claim
    itself: a replacement must be findable, and an active claim replaces nothing."""
    if not (ctx.column("claims", "status") and ctx.column("claims", "superseded_by")):
        return
    is_sup = pl.col("status") == "superseded"
    has_by = pl.col("superseded_by").is_not_null()
    ok = (is_sup.fill_null(False) == has_by) & (pl.col("superseded_by") != pl.col("claim_id")).fill_null(True)
    yield RowCheck(
        "integrity.superseded",
        "claims",
        "superseded_by",
        ok,
        pl.format(
            "status={} with superseded_by={}: a superseded claim names its replacement (another claim), other claims leave it empty",
            show(pl.col("status")),
            show(pl.col("superseded_by")),
        ),
    )
