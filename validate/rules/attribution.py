"""Source attribution: every claim is cited, every source is used, quotes carry the number
they support and, given the archived copies, are verbatim."""

from __future__ import annotations

import re
from collections.abc import Iterator

import polars as pl

from ..registry import RowCheck, row_rule, show


def _cited(ctx, rule: str, table: str, key: str, message: str) -> Iterator[RowCheck]:
    if ctx.has(table, "citations"):
        cited = ctx.frame("citations")[key]
        yield RowCheck(rule, table, key, pl.col(key).is_null() | pl.col(key).is_in(cited.implode()), pl.format(message, pl.col(key)), needs=("citations",))


@row_rule("attribution.claim_cited")
def claim_cited(ctx) -> Iterator[RowCheck]:
    """Every claim has at least one citation: an uncited claim is a number from nowhere."""
    yield from _cited(ctx, "attribution.claim_cited", "claims", "claim_id", "claim {} has no citation in citations.csv")


@row_rule("attribution.source_cited")
def source_cited(ctx) -> Iterator[RowCheck]:
    """Every source is cited by at least one claim: an unused source is either a claim not yet
    entered or a leftover."""
    yield from _cited(ctx, "attribution.source_cited", "sources", "source_id", "source {} is not cited by any claim")


def _in_quote(ctx, rule: str, column: str) -> Iterator[RowCheck]:
    """Rows whose `column` occurs verbatim in at least one quote citing the claim pass."""
    if not (ctx.column("claims", column) and ctx.column("citations", "quote")):
        return
    ok_ids = (
        ctx.frame("claims")
        .lazy()
        .select("claim_id", column)
        .filter(pl.col(column).is_not_null())
        .join(ctx.frame("citations").lazy().select("claim_id", "quote"), on="claim_id")
        .filter(pl.col("quote").str.contains(pl.col(column), literal=True))
        .select(pl.col("claim_id").unique())
        .collect()["claim_id"]
    )
    yield RowCheck(
        rule,
        "claims",
        column,
        pl.col(column).is_null() | pl.col("claim_id").is_in(ok_ids.implode()),
        pl.format("{}={} does not occur in any quote citing {}", pl.lit(column), show(pl.col(column)).str.slice(0, 80), pl.col("claim_id")),
        needs=("citations",),
    )


@row_rule("attribution.qty_text_in_quote")
def qty_text_in_quote(ctx) -> Iterator[RowCheck]:
    """A claim's qty_text occurs in at least one of its quotes, so the number can be traced to
    the words printed in a source."""
    yield from _in_quote(ctx, "attribution.qty_text_in_quote", "qty_text")


@row_rule("attribution.hedge_text_in_quote")
def hedge_text_in_quote(ctx) -> Iterator[RowCheck]:
    """A claim's hedge_text occurs in at least one of its quotes, so the reader can see the
    words that made it less than certain."""
    yield from _in_quote(ctx, "attribution.hedge_text_in_quote", "hedge_text")


@row_rule("attribution.snapshot_hash")
def snapshot_hash(ctx) -> Iterator[RowCheck]:
    """With --snapshots: each source's snapshot_sha256 is the SHA-256 of a file in the folder,
    so the archived copy is exactly the one the quotes were taken from."""
    if ctx.snapshots is None or not ctx.column("sources", "snapshot_sha256"):
        return
    known = list(ctx.snapshots)
    yield RowCheck(
        "attribution.snapshot_hash",
        "sources",
        "snapshot_sha256",
        pl.col("snapshot_sha256").is_null() | pl.col("snapshot_sha256").is_in(known),
        pl.format("snapshot_sha256={} matches no file in the snapshots folder (changed or missing copy)", pl.col("snapshot_sha256")),
    )


_WS = re.compile(r"\s+")


def _norm(text: str) -> str:
    return _WS.sub(" ", text)


@row_rule("attribution.quote_in_snapshot")
def quote_in_snapshot(ctx) -> Iterator[RowCheck]:
    """With --snapshots: every quote occurs verbatim in its source's archived copy (runs of
    whitespace may differ, nothing else: not quotation marks, not dashes, not case)."""
    if ctx.snapshots is None or not (ctx.column("citations", "quote") and ctx.column("sources", "snapshot_sha256")):
        return
    texts = {sha: _norm(text) for sha, text in ctx.snapshots.items()}
    cited = (
        ctx.frame("citations")
        .select("source_id", "quote")
        .filter(pl.col("quote").is_not_null())
        .unique()
        .join(ctx.frame("sources").select("source_id", "snapshot_sha256"), on="source_id")
        .filter(pl.col("snapshot_sha256").is_in(list(texts)))
    )
    found = [_norm(q) in texts[sha] for q, sha in zip(cited["quote"], cited["snapshot_sha256"], strict=True)]
    missing = cited.filter(~pl.Series(found, dtype=pl.Boolean))
    bad = pl.struct("source_id", "quote").is_in(missing.select(pl.struct("source_id", "quote")).to_series().implode())
    yield RowCheck(
        "attribution.quote_in_snapshot",
        "citations",
        "quote",
        ~bad,
        pl.format("quote={} does not occur in the snapshot of {}", show(pl.col("quote")).str.slice(0, 80), pl.col("source_id")),
        needs=("sources",),
    )
