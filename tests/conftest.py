"""Shared fixtures: a throw-away copy of the real package, and helpers to inject one fault."""

from __future__ import annotations

import csv
import datetime as dt
import io
import os
import shutil
from pathlib import Path

import pytest

from validate.engine import run

ROOT = Path(__file__).resolve().parent.parent
AS_OF = dt.date(2026, 11, 22)
SNAPSHOTS = Path(os.environ.get("SNAPSHOTS", ROOT.parent / "shared" / "snapshots"))
HAVE_SNAPSHOTS = SNAPSHOTS.is_dir() and any(SNAPSHOTS.glob("*.txt"))


class Pkg:
    """A copy of the package in a temporary folder, edited row by row like a maintainer would."""

    def __init__(self, root: Path):
        self.root = root

    def path(self, table: str) -> Path:
        return self.root / "data" / f"{table}.csv"

    def read(self, table: str) -> tuple[list[str], list[dict]]:
        with open(self.path(table), newline="", encoding="utf-8") as f:
            reader = csv.DictReader(f)
            return list(reader.fieldnames or []), list(reader)

    def write(self, table: str, header: list[str], rows: list[dict]) -> None:
        buf = io.StringIO()
        w = csv.DictWriter(buf, fieldnames=header, lineterminator="\n")
        w.writeheader()
        w.writerows(rows)
        self.path(table).write_bytes(buf.getvalue().encode("utf-8"))

    def row(self, table: str, key: str) -> dict:
        header, rows = self.read(table)
        return next(r for r in rows if r[header[0]] == key)

    def set(self, table: str, key: str, **values: str) -> int:
        """Set cells of the row whose first column is `key`; returns the row's CSV line."""
        header, rows = self.read(table)
        for i, r in enumerate(rows):
            if r[header[0]] == key:
                r.update(values)
                self.write(table, header, rows)
                return i + 2
        raise KeyError(key)

    def line_of(self, table: str, key: str) -> int:
        header, rows = self.read(table)
        return next(i + 2 for i, r in enumerate(rows) if r[header[0]] == key)

    def append(self, table: str, **values: str) -> int:
        header, rows = self.read(table)
        rows.append({h: values.get(h, "") for h in header})
        self.write(table, header, rows)
        return len(rows) + 1

    def delete(self, table: str, key: str) -> None:
        header, rows = self.read(table)
        self.write(table, header, [r for r in rows if r[header[0]] != key])

    def validate(self, snapshots: bool = False, as_of: dt.date = AS_OF):
        return run(self.root / "datapackage.json", snapshots=SNAPSHOTS if snapshots else None, as_of=as_of)


@pytest.fixture
def pkg(tmp_path: Path) -> Pkg:
    for name in ("datapackage.json",):
        shutil.copy(ROOT / name, tmp_path / name)
    for folder in ("schema", "data"):
        shutil.copytree(ROOT / folder, tmp_path / folder)
    return Pkg(tmp_path)


def findings_of(result, rule: str):
    return [f for f in result.findings if f.rule == rule]
