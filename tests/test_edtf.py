"""The vectorised EDTF bounds agree with the `edtf` package (the reference implementation)."""

from __future__ import annotations

import datetime as dt
import time

import edtf
import polars as pl
from hypothesis import given, settings
from hypothesis import strategies as st

from validate.edtf import bounds


def ours(values: list[str | None]) -> list[tuple]:
    df = pl.DataFrame({"d": values}, schema={"d": pl.String}).with_columns(bounds("d"))
    return list(df.select("d_start", "d_end", "d__edtf_ok").iter_rows())


def reference(value: str) -> tuple[dt.date | None, dt.date | None]:
    obj = edtf.parse_edtf(value)
    lo, hi = obj.lower_strict(), obj.upper_strict()

    def day(s):
        if s is None:
            return None
        d = dt.date(*s[:3]) if s.tm_year > 0 else None
        return None if d in (dt.date(1, 1, 1), dt.date(9999, 12, 31)) else d

    return day(time.struct_time(lo) if lo else None), day(time.struct_time(hi) if hi else None)


DATES = st.builds(
    lambda y, m, d, q, prec: f"{y:04d}" + (f"-{m:02d}" if prec > 0 else "") + (f"-{d:02d}" if prec > 1 else "") + q,
    st.integers(1950, 2030),
    st.integers(1, 12),
    st.integers(1, 28),
    st.sampled_from(["", "~", "?", "%"]),
    st.integers(0, 2),
)


@settings(max_examples=300, deadline=None)
@given(DATES)
def test_single_dates_match_reference(value):
    start, end, ok = ours([value])[0]
    assert ok
    assert (start, end) == reference(value)


@settings(max_examples=200, deadline=None)
@given(DATES, DATES)
def test_intervals_match_reference(a, b):
    value = f"{a}/{b}"
    start, end, ok = ours([value])[0]
    assert ok
    ref = reference(value)
    assert (start, end) == ref


def test_open_ends_and_invalid_values():
    rows = ours(["../2024-12", "2024-03/..", "2024-02-30", "2024-13", "June 2024", "2024-06-1", None, "2024/2023"])
    assert rows[0] == (None, dt.date(2024, 12, 31), True)
    assert rows[1] == (dt.date(2024, 3, 1), None, True)
    assert [r[2] for r in rows[2:6]] == [False, False, False, False]
    assert rows[6] == (None, None, True)
    assert rows[7] == (dt.date(2024, 1, 1), dt.date(2023, 12, 31), True)  # parses; dates.interval reports it


def test_leap_years_and_month_ends():
    rows = ours(["2024-02", "2023-02", "2024-02-29", "2023-02-29", "2024-12"])
    assert rows[0][1] == dt.date(2024, 2, 29) and rows[1][1] == dt.date(2023, 2, 28)
    assert rows[2][2] and not rows[3][2]
    assert rows[4][1] == dt.date(2024, 12, 31)
