"""Structure: what each Table Schema declares, checked on every row.

These checks are generated from `schema/*.json` (the single source of truth), so adding a
constraint to a field is all it takes to enforce it. They repeat what `frictionless validate`
checks, vectorised, and add what frictionless 5 does not enforce (Table Schema v2
`categories` and `uniqueKeys`).
"""

from __future__ import annotations

from collections.abc import Iterator

import polars as pl

from ..canonical import in_key_order
from ..registry import RowCheck, fields, file_rule, row_rule, show

file_rule(
    "structure.descriptor",
    """
    The descriptor is a valid Frictionless Data Package v2 (checked by frictionless) with the
    name, version, licence and the six resources this dataset promises; downstream tools rely
    on it to find and type every table.""",
)
file_rule(
    "structure.header",
    """
    The header names the schema's fields, in schema order: a renamed, missing or extra column
    would silently shift what every tool reads.""",
)
file_rule(
    "structure.row",
    """
    Every record has as many fields as the header; a ragged row or an unclosed quote means
    values have moved into the wrong columns.""",
)
file_rule(
    "structure.encoding",
    """
    Files are UTF-8 text: anything else garbles names and quotes.""",
)
file_rule(
    "structure.type",
    """
    Every cell parses as its field's type (number, ISO date); a value that does not would be
    dropped to null by typed readers.""",
)


@row_rule("structure.required")
def required(ctx) -> Iterator[RowCheck]:
    """A required field has a value in every row: an empty claimant or date makes a claim
    unattributable or unplaceable."""
    for table, fld in fields(ctx):
        if fld.get("constraints", {}).get("required"):
            c = fld["name"]
            yield RowCheck("structure.required", table, c, pl.col(c).is_not_null(), pl.lit(f"{c} is empty but required"))


def enum_values(fld: dict) -> list[str] | None:
    """The allowed values of a field: v2 `categories` (values or {value, label}) or `enum`."""
    cats = fld.get("categories")
    if isinstance(cats, list):
        return [str(c["value"] if isinstance(c, dict) else c) for c in cats]
    enum = fld.get("constraints", {}).get("enum")
    return [str(v) for v in enum] if isinstance(enum, list) else None


@row_rule("structure.enum")
def enum(ctx) -> Iterator[RowCheck]:
    """A categorical field holds one of its documented values (Table Schema v2 `categories`,
    which frictionless 5 does not enforce): a typo would create a category of its own."""
    for table, fld in fields(ctx):
        values = enum_values(fld)
        if values is not None:
            c = fld["name"]
            shown = ", ".join(str(v) for v in values)
            yield RowCheck(
                "structure.enum",
                table,
                c,
                pl.col(c).is_in(values),
                pl.format("{}={} is not one of: {}", pl.lit(c), show(pl.col(c)), pl.lit(shown)),
            )


@row_rule("structure.pattern")
def pattern(ctx) -> Iterator[RowCheck]:
    """Identifiers and codes follow their declared pattern (slugs, claim ids, ISO codes,
    Wikidata ids, hashes), so they can be joined and looked up reliably."""
    for table, fld in fields(ctx):
        pat = fld.get("constraints", {}).get("pattern")
        if pat:
            c = fld["name"]
            anchored = f"^(?:{pat})$"  # Table Schema patterns match the whole value
            yield RowCheck(
                "structure.pattern",
                table,
                c,
                pl.col(c).str.contains(anchored),
                pl.format("{}={} does not match {}", pl.lit(c), show(pl.col(c)), pl.lit(anchored)),
            )


@row_rule("structure.range")
def ranges(ctx) -> Iterator[RowCheck]:
    """Numbers and text lengths stay within their declared bounds (no negative quantities,
    quotes of 1 to 500 characters)."""
    ops = {
        "minimum": (lambda c, v: c >= v, "less than"),
        "maximum": (lambda c, v: c <= v, "more than"),
        "exclusiveMinimum": (lambda c, v: c > v, "not more than"),
        "exclusiveMaximum": (lambda c, v: c < v, "not less than"),
    }
    for table, fld in fields(ctx):
        c = fld["name"]
        cons = fld.get("constraints", {})
        for key, (test, words) in ops.items():
            if key in cons and fld.get("type") in ("number", "integer"):
                yield RowCheck(
                    "structure.range",
                    table,
                    c,
                    test(pl.col(c), cons[key]),
                    pl.format("{}={} is {} " + str(cons[key]), pl.lit(c), show(pl.col(c)), pl.lit(words)),
                )
        length = pl.col(c).cast(pl.String).str.len_chars()
        if "minLength" in cons:
            yield RowCheck(
                "structure.range",
                table,
                c,
                length >= cons["minLength"],
                pl.format("{} has {} characters, fewer than " + str(cons["minLength"]), pl.lit(c), length),
            )
        if "maxLength" in cons:
            yield RowCheck(
                "structure.range",
                table,
                c,
                length <= cons["maxLength"],
                pl.format("{} has {} characters, more than " + str(cons["maxLength"]), pl.lit(c), length),
            )


def _duplicates(rule: str, table: str, cols: list[str], what: str, adjacent: bool = False) -> RowCheck:
    """Rows repeating an earlier row's `cols` fail. With `adjacent` (rows sorted by these
    columns), a repeat can only follow its twin, so comparing neighbours is enough."""
    first = pl.col("_line").first().over(cols)
    if adjacent:
        first_seen = pl.any_horizontal([pl.col(c).ne_missing(pl.col(c).shift(1)) for c in cols])
    else:
        first_seen = pl.struct(cols).is_first_distinct()
    return RowCheck(
        rule,
        table,
        cols[-1],
        first_seen | pl.any_horizontal([pl.col(c).is_null() for c in cols]),
        pl.format(f"duplicate {what} ({'/'.join(cols)}={{}}), first at line {{}}", pl.concat_str([show(pl.col(c)) for c in cols], separator="/"), first),
        pl.concat_str([show(pl.col(c)) for c in cols], separator="/"),
        window=True,
    )


@row_rule("structure.primary_key")
def primary_key(ctx) -> Iterator[RowCheck]:
    """Primary keys are unique: a claim id, source id or (claim, source) pair names one row."""
    for name, table in ctx.tables.items():
        pk = table.primary_key
        if table.frame is not None and pk and all(c in table.frame.columns for c in pk):
            # Canonical files are sorted by primary key, which makes duplicates neighbours.
            yield _duplicates("structure.primary_key", name, pk, "primary key", adjacent=in_key_order(table))


@row_rule("structure.unique_key")
def unique_keys(ctx) -> Iterator[RowCheck]:
    """Table Schema v2 `uniqueKeys` hold (frictionless 5 does not enforce them): two sources
    with one snapshot, or two systems with one name, are the same thing entered twice.
    Rows with an empty key are not compared."""
    for name, table in ctx.tables.items():
        for key in table.schema.get("uniqueKeys", []) or []:
            cols = [key] if isinstance(key, str) else list(key)
            if table.frame is not None and all(c in table.frame.columns for c in cols):
                yield _duplicates("structure.unique_key", name, cols, "unique key")


@row_rule("structure.foreign_key")
def foreign_keys(ctx) -> Iterator[RowCheck]:
    """Foreign keys resolve: every claimant, actor, system, unit, claim and source referred
    to exists, so joins lose nothing."""
    for name, table in ctx.tables.items():
        for fk in table.schema.get("foreignKeys", []) or []:
            fields = fk.get("fields")
            ref = fk.get("reference", {})
            target = ref.get("resource") or name
            ref_fields = ref.get("fields")
            fields = [fields] if isinstance(fields, str) else fields
            ref_fields = [ref_fields] if isinstance(ref_fields, str) else ref_fields
            if not (fields and ref_fields and len(fields) == len(ref_fields) == 1):
                continue
            c, rc = fields[0], ref_fields[0]
            if not (ctx.column(name, c) and ctx.column(target, rc)):
                continue
            keys = ctx.frame(target)[rc]  # is_in hashes the keys once; duplicates cost nothing
            column = ctx.frame(name)[c]
            if 4 * (column.len() - column.null_count()) <= keys.len():
                # A sparse column (superseded_by, restates): hashing a million claim ids costs more
                # than looking its few distinct values up among them; the keys found are the same.
                keys = keys.filter(keys.is_in(column.drop_nulls().unique().implode()))
            yield RowCheck(
                "structure.foreign_key",
                name,
                c,
                pl.col(c).is_null() | pl.col(c).is_in(keys.implode()),
                pl.format(f"{c}={{}} is not a {rc} in {target}", show(pl.col(c))),
                needs=(target,),
            )
