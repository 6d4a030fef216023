"""Meaning (0.2): a claim's measure belongs to its category, its certainty agrees with its hedge
words, and a restating row points at the assertion it repeats. The words these rules read (the
measures and the hedge lexicon) are tables of the package, not lists in the code."""

from __future__ import annotations

import re
from collections.abc import Iterator

import polars as pl

from ..registry import RowCheck, row_rule, show


@row_rule("meaning.measure_category")
def measure_category(ctx) -> Iterator[RowCheck]:
    """A claim's measure belongs to its category (measures.category): "killed" is a casualty,
    "offered" a transfer. A measure in the wrong category means one of the two is miscoded, and
    the claim would be counted with unlike claims."""
    if not (ctx.column("claims", "measure") and ctx.column("claims", "category") and ctx.has("measures")):
        return
    ids, cats = ctx.lookup("measures", "measure_id", "category")
    expected = pl.col("measure").replace_strict(ids, cats, default=None, return_dtype=pl.String)
    yield RowCheck(
        "meaning.measure_category",
        "claims",
        "measure",
        expected.is_null() | pl.col("category").is_null() | (expected == pl.col("category")),
        pl.format("measure={} belongs to category={}, but the claim's category is {}", pl.col("measure"), expected, pl.col("category")),
        needs=("measures",),
    )


@row_rule("meaning.hedge_text")
def hedge_text(ctx) -> Iterator[RowCheck]:
    """hedge_text is set exactly when certainty is not certain: a hedged claim shows the words
    that hedge it, and a certain claim has none."""
    if not (ctx.column("claims", "certainty") and ctx.column("claims", "hedge_text")):
        return
    certain, has = pl.col("certainty") == "certain", pl.col("hedge_text").is_not_null()
    yield RowCheck(
        "meaning.hedge_text",
        "claims",
        "hedge_text",
        pl.col("certainty").is_null() | (certain != has),
        pl.when(certain)
        .then(pl.format("hedge_text={} is set but certainty=certain: a certain claim has no hedge words", show(pl.col("hedge_text")).str.slice(0, 60)))
        .otherwise(pl.format("certainty={} but hedge_text is empty: copy the hedging words as printed", pl.col("certainty"))),
    )


# The lexicon is matched in two steps: a fast case-insensitive substring scan over every quote,
# then a whole-word regex on the few quotes that contain a candidate.
def _lexicon(ctx) -> list[str]:
    return sorted(ctx.frame("hedges")["hedge"].drop_nulls().unique().to_list(), key=lambda w: (-len(w), w))


@row_rule("meaning.hedge_lexicon", severity="warning")
def hedge_lexicon(ctx) -> Iterator[RowCheck]:
    """A quote behind a live (not retracted) claim coded certain contains a hedge word of the
    lexicon (hedges.csv):
    the claim may be hedged ("could", "allegedly", "concern"). A warning, because the word may
    govern another claim in the same sentence; once a maintainer has looked, the claim's notes
    say why, quoting the word ('could' hedges the forecast, not this claim), and the warning
    is no longer raised for that word."""
    if not all(ctx.column("claims", c) for c in ("certainty", "notes", "status")) or not (ctx.column("citations", "quote") and ctx.has("hedges")):
        return
    words = _lexicon(ctx)
    if not words:
        return
    pattern = r"(?i)\b(?:" + "|".join(re.escape(w) for w in words) + r")\b"
    live = (pl.col("certainty") == "certain") & (pl.col("status") != "retracted").fill_null(True)
    certain = ctx.frame("claims").lazy().select("claim_id", "notes", "certainty", "status").filter(live)
    found = (
        ctx.frame("citations")
        .lazy()
        .select("claim_id", "quote")
        .filter(pl.col("quote").str.contains_any(words, ascii_case_insensitive=True).fill_null(False))
        .join(certain, on="claim_id")
        .select("claim_id", "notes", word=pl.col("quote").str.extract_all(pattern))
        .explode("word")
        .with_columns(pl.col("word").str.to_lowercase())
        .filter(
            pl.col("word").is_not_null() & ~pl.col("notes").fill_null("").str.contains(pl.concat_str([pl.lit("'"), pl.col("word"), pl.lit("'")]), literal=True)
        )
        .group_by("claim_id")
        .agg(pl.col("word").min())
        .collect()
    )
    word = pl.col("claim_id").replace_strict(found["claim_id"], found["word"], default=None, return_dtype=pl.String)
    yield RowCheck(
        "meaning.hedge_lexicon",
        "claims",
        "certainty",
        (pl.col("certainty") != "certain").fill_null(True) | word.is_null(),
        pl.format(
            "certainty=certain but a quote of the claim contains the hedge word '{}' (hedges.csv): "
            "if it hedges this claim, code the certainty; if not, say why in notes, quoting '{}'",
            word,
            word,
        ),
        needs=("citations", "hedges"),
    )


@row_rule("meaning.restates")
def restates(ctx) -> Iterator[RowCheck]:
    """A restating row points at the row that carries the assertion: another claim, with the
    same measure and item_class, that restates nothing itself (no chains). Otherwise a count of
    independent estimates would skip the wrong row, or compare unlike things."""
    cols = ("restates", "measure", "item_class")
    if not all(ctx.column("claims", c) for c in cols):
        return
    claims = ctx.frame("claims")
    # Only the few rows that are restated are looked up (not a table of every claim id, which
    # costs a second at a million claims); a duplicated id (structure.primary_key) is
    # looked up at its first row, as in ctx.lookup.
    refs = claims["restates"].drop_nulls().unique()
    restated = claims.select("claim_id", *cols).filter(pl.col("claim_id").is_in(refs.implode())).unique("claim_id", keep="first", maintain_order=True)
    ids = restated["claim_id"]
    target = {c: pl.col("restates").replace_strict(ids, restated[c], default=None, return_dtype=pl.String) for c in cols}
    r = pl.col("restates")
    known = r.is_in(ids.implode())
    bad_self = (r == pl.col("claim_id")).fill_null(False)
    bad_chain = target["restates"].is_not_null()
    bad_measure = (target["measure"] != pl.col("measure")).fill_null(False) & known
    bad_item = (target["item_class"] != pl.col("item_class")).fill_null(False) & known
    msg = (
        pl.when(bad_self)
        .then(pl.format("restates={} is the claim itself", r))
        .when(bad_chain)
        .then(pl.format("restates={}, which itself restates {}: point at the row that carries the assertion", r, target["restates"]))
        .when(bad_measure)
        .then(pl.format("restates={} whose measure is {}, not {}", r, target["measure"], pl.col("measure")))
        .otherwise(pl.format("restates={} whose item_class is {}, not {}", r, target["item_class"], pl.col("item_class")))
    )
    yield RowCheck("meaning.restates", "claims", "restates", r.is_null() | ~(bad_self | bad_chain | bad_measure | bad_item), msg)
