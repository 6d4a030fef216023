"""What the row rules may look at: the typed tables, the as-of date, snapshots, the last release."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import polars as pl

from .package import Table


@dataclass
class Context:
    tables: dict[str, Table]
    as_of: dt.date
    snapshots: dict[str, str] | None = None  # sha256 -> text, when --snapshots is given
    manifest: dict | None = None  # the latest releases/<version>.json
    complete: frozenset[str] | None = None  # tables with every column of this dataset's schema

    def has(self, *names: str) -> bool:
        """The tables exist, were read, and have all their columns (with the right types), so
        cross-table rules can use them."""
        return all(n in self.tables and self.tables[n].frame is not None and (self.complete is None or n in self.complete) for n in names)

    def frame(self, name: str) -> pl.DataFrame:
        table = self.tables[name]
        assert table.frame is not None
        return table.frame

    def column(self, table: str, name: str) -> bool:
        return self.has(table) and name in self.frame(table).columns

    def lookup(self, table: str, key: str, value: str) -> tuple[pl.Series, pl.Series]:
        """Keys and values of a column, for `replace_strict` look-ups across tables."""
        f = self.frame(table).select(key, value).filter(pl.col(key).is_not_null()).unique(key, keep="first", maintain_order=True)
        return f[key], f[value]
