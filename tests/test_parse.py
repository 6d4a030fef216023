"""The CSV readers agree with Python's csv module, whichever path a file takes.

A canonical file is parsed by polars and accepted only when byte and quote accounting prove
the parse exact (polars fills a short row with nulls without a word); anything else goes to
pyarrow and then to the csv module. These properties generate small tables, write them in
canonical form, damage them the way hand edits do (a deleted or inserted comma, quote, CR or
newline; unneeded quotes; blank lines) and check, against the csv module as the oracle:

- a file read without findings has exactly the oracle's cells and lines;
- a file the fast path accepts is well formed and canonical;
- a ragged file is always reported as such (structure.row), never read with shifted cells.
"""

from __future__ import annotations

import csv
import io
import os
from pathlib import Path

import polars as pl
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from validate import canonical
from validate.package import Table, _parse_rows

EXAMPLES = int(os.environ.get("FUZZ_EXAMPLES", "300"))
PROPERTY = settings(max_examples=EXAMPLES, deadline=None, suppress_health_check=list(HealthCheck), database=None)

CELL = st.text(alphabet=st.sampled_from(["a", "b", " ", ",", '"', "\n", "é"]), max_size=4)
DAMAGE = [",", '"', "\r", "\n", '""', "\n\n", "a"]


def write_canonical(header: list[str], rows: list[list[str]]) -> bytes:
    frame = pl.DataFrame({h: [r[i] or None for r in rows] for i, h in enumerate(header)}, schema=dict.fromkeys(header, pl.String))
    buf = io.BytesIO()
    frame.write_csv(buf, line_terminator="\n", quote_style="necessary", null_value="")
    return buf.getvalue()


def oracle(raw: bytes, width: int, strict: bool = True) -> tuple[list[tuple], bool]:
    """(rows as (line, *cells) with None for empty, well_formed) by the csv module."""
    reader = csv.reader(io.StringIO(raw.decode("utf-8"), newline=""), strict=strict)
    next(reader)
    out, ok, start = [], True, reader.line_num + 1
    for record in reader:
        if not record:  # a blank line: the readers skip it
            start = reader.line_num + 1
            continue
        ok = ok and len(record) == width
        out.append((start, *[c if c != "" else None for c in record]))
        start = reader.line_num + 1
    return out, ok


def parse(raw: bytes, header: list[str]) -> tuple[Table, pl.DataFrame | None, list]:
    schema = {"fields": [{"name": h, "type": "string"} for h in header]}
    table = Table("t", "data/t.csv", Path("/nonexistent/t.csv"), schema, raw, header)
    table.take_facts()
    findings: list = []
    frame = _parse_rows(table, 0, findings)
    return table, frame, findings


@st.composite
def damaged_file(draw):
    width = draw(st.integers(min_value=1, max_value=4))
    header = [f"c{i}" for i in range(width)]
    rows = draw(st.lists(st.lists(CELL, min_size=width, max_size=width), min_size=1, max_size=6))
    raw = write_canonical(header, rows)
    head = len(raw.split(b"\n", 1)[0]) + 1
    for _ in range(draw(st.integers(min_value=0, max_value=3))):
        body = raw[head:]
        at = draw(st.integers(min_value=0, max_value=len(body)))
        if draw(st.booleans()) and at < len(body):
            body = body[:at] + body[at + 1 :]  # delete one byte
        else:
            body = body[:at] + draw(st.sampled_from(DAMAGE)).encode() + body[at:]
        raw = raw[:head] + body
    return header, raw


@PROPERTY
@given(damaged_file())
def test_readers_agree_with_the_csv_module(case):
    header, raw = case
    table, frame, findings = parse(raw, header)
    try:
        raw.decode("utf-8")
    except UnicodeDecodeError:  # a byte was cut out of a character
        assert not table.exact and [f.rule for f in findings] == ["structure.encoding"]
        return
    try:
        expected, well_formed = oracle(raw, len(header))
    except csv.Error:  # the oracle itself cannot read it (e.g. a quote left open)
        expected, well_formed = None, False
    rows = [f for f in findings if f.rule == "structure.row"]
    if table.exact:
        assert well_formed and not findings
        assert canonical.counts(frame, header) == (table.size, table.quotes)
    if well_formed:
        assert not findings
        assert frame.select("_line", *header).rows() == expected
    if expected is not None and not well_formed:
        assert rows, "a ragged file must be reported"
    if frame is not None and not rows:
        # whatever path was taken, the cells and lines are the csv module's (read leniently)
        assert frame.select("_line", *header).rows() == oracle(raw, len(header), strict=False)[0]


def test_short_row_is_caught_even_when_the_byte_count_could_hide_it():
    # One field missing (a comma short) and one CR too many: the byte total is what the
    # canonical writer would give, so only the CR and quote checks keep polars' null-filled
    # parse out.
    header = ["a", "b"]
    raw = b"a,b\n1\r\n2,3\n"
    table, frame, findings = parse(raw, header)
    assert not table.exact
    assert [f.line for f in findings if f.rule == "structure.row"] == [2]


def test_canonical_file_takes_the_fast_path():
    header = ["a", "b"]
    raw = write_canonical(header, [["x,y", 'say "hi"'], ["", "z"]])
    table, frame, findings = parse(raw, header)
    assert table.exact and not findings
    assert frame.rows() == [("x,y", 'say "hi"', 2), (None, "z", 3)]


@PROPERTY
@given(st.binary(max_size=40), st.integers(min_value=1, max_value=9))
def test_utf8_check_finds_the_first_bad_byte_across_blocks(data, block):
    from validate.package import _utf8_error

    try:
        data.decode("utf-8")
        expected = None
    except UnicodeDecodeError as exc:
        expected = exc.start
    assert _utf8_error(data, 0, block) == expected
