"""Unit consistency: quantities are ordered, carry a unit and the words they come from, and the
unit suits what is counted."""

from __future__ import annotations

from collections.abc import Iterator

import polars as pl

from ..quantities import TOLERANCE, numbers_in
from ..registry import RowCheck, row_rule, show

QTY = ("qty_low", "qty_best", "qty_high")

# Which unit dimensions may measure which item class. Counts and ratios (shares, multiples)
# suit most things; money is only ever currency; lengths describe systems (range, calibre).
ITEM_DIMENSIONS = {
    "artillery_ammunition": {"count", "ratio"},
    "artillery_system": {"count", "ratio", "length"},
    "rocket_system": {"count", "ratio", "length"},
    "ballistic_missile": {"count", "ratio", "length"},
    "drone": {"count", "ratio", "length"},
    "air_defense": {"count", "ratio", "length"},
    "personnel": {"count", "ratio"},
    "fuel": {"volume", "count", "ratio"},
    "money": {"currency", "currency_rate", "ratio"},
    "technology": {"count", "ratio"},
    "munitions": {"count", "ratio"},
    "other": {"count", "ratio", "length", "volume", "currency", "currency_rate"},
}


def _ready(ctx) -> bool:
    return ctx.has("claims") and all(ctx.column("claims", c) for c in (*QTY, "unit", "qty_text"))


def _dimension(ctx) -> pl.Expr:
    ids, dims = ctx.lookup("units", "unit_id", "dimension")
    return pl.col("unit").replace_strict(ids, dims, default=None, return_dtype=pl.String)


@row_rule("units.order")
def order(ctx) -> Iterator[RowCheck]:
    """qty_low <= qty_best <= qty_high wherever present: a low above a high is a typo or
    swapped columns."""
    if not _ready(ctx):
        return
    lo, be, hi = (pl.col(c) for c in QTY)
    bad_lb, bad_bh, bad_lh = lo > be, be > hi, lo > hi
    ok = ~(bad_lb.fill_null(False) | bad_bh.fill_null(False) | bad_lh.fill_null(False))
    msg = (
        pl.when(bad_bh.fill_null(False))
        .then(pl.format("qty_high={} < qty_best={}", show(hi), show(be)))
        .when(bad_lb.fill_null(False))
        .then(pl.format("qty_low={} > qty_best={}", show(lo), show(be)))
        .otherwise(pl.format("qty_low={} > qty_high={}", show(lo), show(hi)))
    )
    yield RowCheck("units.order", "claims", "qty_high", ok, msg)


@row_rule("units.presence")
def presence(ctx) -> Iterator[RowCheck]:
    """A quantity has a unit and the words it was read from; a unit goes with words too. A bare
    number cannot be interpreted or verified. (Vague amounts such as "millions" keep their
    words and unit with no number.)"""
    if not _ready(ctx):
        return
    any_qty = pl.any_horizontal([pl.col(c).is_not_null() for c in QTY])
    unit, text = pl.col("unit").is_not_null(), pl.col("qty_text").is_not_null()
    yield RowCheck("units.presence", "claims", "unit", ~(any_qty | text) | unit, pl.lit("unit is empty but the claim has a quantity or qty_text"))
    yield RowCheck(
        "units.presence",
        "claims",
        "qty_text",
        ~(any_qty | unit) | text,
        pl.lit("qty_text is empty but the claim has a quantity or unit: copy the number phrase as printed"),
    )


@row_rule("units.whole_count")
def whole_count(ctx) -> Iterator[RowCheck]:
    """Count units hold non-negative whole numbers: 4.5 persons is a typo."""
    if not (_ready(ctx) and ctx.has("units")):
        return
    is_count = _dimension(ctx) == "count"
    for c in QTY:
        v = pl.col(c)
        yield RowCheck(
            "units.whole_count",
            "claims",
            c,
            ~is_count.fill_null(False) | v.is_null() | ((v >= 0) & (v == v.floor())),
            pl.format("{}={} is not a whole number of {}", pl.lit(c), show(v), pl.col("unit")),
            needs=("units",),
        )


@row_rule("units.percent_range")
def percent_range(ctx) -> Iterator[RowCheck]:
    """A percentage lies between 0 and 100: a share above the whole is a typo or a number in
    the wrong unit."""
    if not _ready(ctx):
        return
    for c in QTY:
        v = pl.col(c)
        yield RowCheck(
            "units.percent_range",
            "claims",
            c,
            (pl.col("unit") != "percent").fill_null(True) | v.is_null() | v.is_between(0, 100),
            pl.format("{}={} percent is outside 0..100", pl.lit(c), show(v)),
        )


@row_rule("units.dimension_fit")
def dimension_fit(ctx) -> Iterator[RowCheck]:
    """The unit's dimension fits the claim's item class and measure (shells in rounds or
    containers, troops in persons, money in currency, ranges in length): the measures table
    says which dimensions each measure's numbers may have. A quantity in the wrong unit cannot
    be compared with its peers."""
    if not (_ready(ctx) and ctx.has("units", "measures") and ctx.column("claims", "item_class") and ctx.column("claims", "measure")):
        return
    dim = _dimension(ctx)
    ids, dims = ctx.lookup("measures", "measure_id", "dimensions")
    allowed = pl.col("measure").replace_strict(ids, dims, default=None, return_dtype=pl.String)
    # The verdict depends only on (item_class, measure, unit), all from short lists: decide
    # each combination once, then look the rows' combinations up by number (string matching
    # row by row cost a tenth of a second at a million claims). A unit or measure not in its
    # table, or without a dimension, passes (structure.foreign_key reports the unknown ones);
    # an item class not in ITEM_DIMENSIONS fits no dimension.
    unit_ids, unit_dims = ctx.lookup("units", "unit_id", "dimension")
    items = list(ITEM_DIMENSIONS)
    n_m, n_u = len(ids), len(unit_ids)
    fits = [
        (i * n_m + m) * n_u + u
        for i, item in enumerate([*items, None])
        for m, a in enumerate(dims)
        for u, d in enumerate(unit_dims)
        if a is None or d is None or (item is not None and d in ITEM_DIMENSIONS[item] and f"; {d}; " in f"; {a}; ")
    ]
    item_no = pl.col("item_class").replace_strict(items, range(len(items)), default=len(items), return_dtype=pl.Int64)
    measure_no = pl.col("measure").replace_strict(ids, range(n_m), default=None, return_dtype=pl.Int64)
    unit_no = pl.col("unit").replace_strict(unit_ids, range(n_u), default=None, return_dtype=pl.Int64)
    yield RowCheck(
        "units.dimension_fit",
        "claims",
        "unit",
        pl.col("item_class").is_null() | measure_no.is_null() | unit_no.is_null() | ((item_no * n_m + measure_no) * n_u + unit_no).is_in(fits),
        pl.format(
            "unit={} ({}) does not fit item_class={} and measure={} (whose numbers may be: {})",
            pl.col("unit"),
            dim,
            pl.col("item_class"),
            pl.col("measure"),
            allowed,
        ),
        needs=("units", "measures"),
    )


MAX_NUMBERS = 4


@row_rule("units.qty_text")
def qty_text_agrees(ctx) -> Iterator[RowCheck]:
    """The numbers in qty_text agree with qty_low/best/high ("4.8 million" is 4800000, "a
    third" is 33.3 percent, "550 miles (900 kilometers)" may be 550 mi or 900 km), and a
    phrase that gives a number has it recorded: a claim's number must be recoverable from the
    words that carry it."""
    if not _ready(ctx):
        return
    # Parse each distinct phrase once, then compare every row against its phrase's numbers in
    # one pass; the checks below carry the per-row verdicts.
    claims = ctx.frame("claims")
    texts = claims["qty_text"].drop_nulls().unique().to_list()
    parsed = [numbers_in(t)[:MAX_NUMBERS] for t in texts]
    numbers = pl.DataFrame(
        {"qty_text": texts, **{f"_n{i}": [float(p[i]) if len(p) > i else None for p in parsed] for i in range(MAX_NUMBERS)}},
        schema={"qty_text": pl.String, **{f"_n{i}": pl.Float64 for i in range(MAX_NUMBERS)}},
    )
    cands = [pl.col(f"_n{i}") for i in range(MAX_NUMBERS)]
    verdicts = {}
    for c in QTY:
        v = pl.col(c)
        verdicts[c] = v.is_null() | pl.any_horizontal([((v - k).abs() <= TOLERANCE * k.abs().clip(lower_bound=1e-9)).fill_null(False) for k in cands])
    verdicts["_recorded"] = ~(pl.all_horizontal([pl.col(c).is_null() for c in QTY]) & cands[0].is_not_null())
    ok = (
        claims.select("qty_text", *QTY)
        .join(numbers, on="qty_text", how="left", maintain_order="left")
        .select(**{name: expr.fill_null(True) for name, expr in verdicts.items()})
    )
    for c in QTY:
        v = pl.col(c)
        yield RowCheck(
            "units.qty_text", "claims", c, pl.lit(ok[c]), pl.format("{}={} is not a number stated in qty_text={}", pl.lit(c), show(v), pl.col("qty_text"))
        )
    yield RowCheck(
        "units.qty_text",
        "claims",
        "qty_best",
        pl.lit(ok["_recorded"]),
        pl.format("qty_text={} gives a number but qty_low, qty_best and qty_high are all empty", pl.col("qty_text")),
    )
