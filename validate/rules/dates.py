"""Date ordering. Dates typed by people are EDTF; comparisons use strict bounds (the first and
last day a value can mean). A pair of dates is out of order only when it is certainly so: the
earliest the later event can be is after the latest the earlier event can be.
"""

from __future__ import annotations

from collections.abc import Iterator

import polars as pl

from ..registry import RowCheck, fields, row_rule, show


def _edtf(ctx) -> Iterator[tuple[str, str]]:
    """(table, column) of every EDTF field (`"x-edtf": true`) whose bounds were derived."""
    for table, fld in fields(ctx):
        if fld.get("x-edtf") and ctx.column(table, f"{fld['name']}__edtf_ok"):
            yield table, fld["name"]


@row_rule("dates.parse")
def parse(ctx) -> Iterator[RowCheck]:
    """Every EDTF value parses, so its bounds can be derived and compared: a date that does not
    parse cannot be checked by any other date rule."""
    from ..edtf import FORMS

    for table, c in _edtf(ctx):
        yield RowCheck(
            "dates.parse", table, c, pl.col(f"{c}__edtf_ok"), pl.format("{}={} is not an EDTF date this package accepts: " + FORMS, pl.lit(c), show(pl.col(c)))
        )


@row_rule("dates.interval")
def interval(ctx) -> Iterator[RowCheck]:
    """An interval starts no later than it ends (2024-06/2023-09 is a typo)."""
    for table, c in _edtf(ctx):
        s, e = pl.col(f"{c}_start"), pl.col(f"{c}_end")
        yield RowCheck(
            "dates.interval",
            table,
            c,
            s.is_null() | e.is_null() | (s <= e),
            pl.format("{}={} starts ({}) after it ends ({})", pl.lit(c), show(pl.col(c)), s, e),
        )


@row_rule("dates.period_stated")
def period_vs_stated(ctx) -> Iterator[RowCheck]:
    """A claim that asserts or denies something cannot cover a period that starts after it was
    stated (nobody reports deliveries that have not begun); a forecast's period cannot end
    before it was stated (that would be a report, not a forecast)."""
    if not (ctx.column("claims", "period_start") and ctx.column("claims", "stated_start") and ctx.column("claims", "stance")):
        return
    ps, pe = pl.col("period_start"), pl.col("period_end")
    ss, se = pl.col("stated_start"), pl.col("stated_end")
    forecast = pl.col("stance") == "forecasts"
    ok = pl.when(forecast).then(pe.is_null() | ss.is_null() | (pe >= ss)).otherwise(ps.is_null() | se.is_null() | (ps <= se))
    msg = (
        pl.when(forecast)
        .then(pl.format("period={} ends ({}) before the forecast was stated ({})", show(pl.col("period")), pe, show(pl.col("stated"))))
        .otherwise(pl.format("period={} starts ({}) after the claim was stated ({})", show(pl.col("period")), ps, show(pl.col("stated"))))
    )
    yield RowCheck("dates.period_stated", "claims", "period", ok, msg)


@row_rule("dates.stated_published")
def stated_vs_published(ctx) -> Iterator[RowCheck]:
    """A claim is not stated after the latest possible publication date of any source citing
    it: a source cannot report what had not been said yet."""
    if not (ctx.column("claims", "stated_start") and ctx.column("sources", "published_end") and ctx.has("citations")):
        return
    # Compare per citation, then look up the few failing claims: no per-claim mapping of a
    # million entries.
    cited = (
        ctx.frame("citations")
        .lazy()
        .select("claim_id", "source_id")
        .join(ctx.frame("sources").lazy().select("source_id", "published_end"), on="source_id", how="inner")
        .join(ctx.frame("claims").lazy().select("claim_id", "stated_start"), on="claim_id", how="inner")
        .filter(pl.col("stated_start") > pl.col("published_end"))
        .sort("published_end", "source_id")  # the earliest source names the claim; ties by id
        .unique("claim_id", keep="first", maintain_order=True)
        .collect()
    )
    limit = pl.col("claim_id").replace_strict(cited["claim_id"], cited["published_end"], default=None, return_dtype=pl.Date)
    by = pl.col("claim_id").replace_strict(cited["claim_id"], cited["source_id"], default=None, return_dtype=pl.String)
    yield RowCheck(
        "dates.stated_published",
        "claims",
        "stated",
        ~pl.col("claim_id").is_in(cited["claim_id"].implode()),
        pl.format("stated={} is after {} was published (at the latest {})", show(pl.col("stated")), by, limit),
        needs=("citations", "sources"),
    )


@row_rule("dates.published_accessed")
def published_vs_accessed(ctx) -> Iterator[RowCheck]:
    """A source is not published after it was accessed: the archived copy cannot predate the
    document."""
    if ctx.column("sources", "published_start") and ctx.column("sources", "accessed"):
        ps, acc = pl.col("published_start"), pl.col("accessed")
        yield RowCheck(
            "dates.published_accessed",
            "sources",
            "published",
            ps.is_null() | acc.is_null() | (ps <= acc),
            pl.format("published={} is after accessed={}", show(pl.col("published")), acc),
        )


@row_rule("dates.future")
def future(ctx) -> Iterator[RowCheck]:
    """No date lies after the as-of date (today, --as-of or NOW): a future date is a typo.
    Forecasts' periods are the exception: they are about the future by design."""
    as_of = pl.lit(ctx.as_of)
    for table, c in _edtf(ctx):
        s = pl.col(f"{c}_start")
        ok = s.is_null() | (s <= as_of)
        if table == "claims" and c == "period" and ctx.column("claims", "stance"):
            ok = ok | (pl.col("stance") == "forecasts")
        yield RowCheck("dates.future", table, c, ok, pl.format("{}={} is after the as-of date " + ctx.as_of.isoformat(), pl.lit(c), show(pl.col(c))))
    for table, fld in fields(ctx):
        if fld.get("type") == "date":
            c = fld["name"]
            yield RowCheck(
                "dates.future",
                table,
                c,
                pl.col(c).is_null() | (pl.col(c) <= as_of),
                pl.format("{}={} is after the as-of date " + ctx.as_of.isoformat(), pl.lit(c), pl.col(c)),
            )


@row_rule("dates.supersede_order")
def supersede_order(ctx) -> Iterator[RowCheck]:
    """A superseding claim is not stated before the claim it supersedes: a correction comes
    after what it corrects."""
    if not (ctx.column("claims", "superseded_by") and ctx.column("claims", "stated_end")):
        return
    claims = ctx.frame("claims")
    targets = (
        claims.lazy()
        .select("claim_id", "stated_end")  # filtering the whole frame would copy every column
        .filter(pl.col("claim_id").is_in(claims["superseded_by"].drop_nulls().unique().implode()))
        .unique("claim_id", keep="first")
        .collect()
    )
    by_end = pl.col("superseded_by").replace_strict(targets["claim_id"], targets["stated_end"], default=None, return_dtype=pl.Date)
    yield RowCheck(
        "dates.supersede_order",
        "claims",
        "superseded_by",
        by_end.is_null() | pl.col("stated_start").is_null() | (by_end >= pl.col("stated_start")),
        pl.format("superseded_by={} was stated (at the latest {}) before this claim (stated={})", pl.col("superseded_by"), by_end, show(pl.col("stated"))),
    )


@row_rule("dates.inferred_note", severity="warning")
def inferred_note(ctx) -> Iterator[RowCheck]:
    """An approximate or uncertain date (~, ?, %) was inferred by someone: the notes must say
    from what, or a researcher cannot judge it. A warning, because the inference may be
    explained in a related row."""
    for table, c in _edtf(ctx):
        if c == "period" or not ctx.column(table, "notes"):
            continue
        yield RowCheck(
            "dates.inferred_note",
            table,
            c,
            ~(pl.col(c).str.contains(r"[~?%]") & pl.col("notes").is_null()),
            pl.format("{}={} is approximate or uncertain but notes do not say what it was inferred from", pl.lit(c), pl.col(c)),
        )
