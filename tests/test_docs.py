"""The coding manual, the codebook and the reliability report stay in step with the data."""

from __future__ import annotations

import csv
import json
import re

import pytest
from conftest import ROOT

from validate import docs, reliability

MANUAL = (ROOT / "docs" / "coding-manual.md").read_text(encoding="utf-8")


def test_generated_docs_are_current():
    stale = [p.name for p, text in docs.generated().items() if p.read_text(encoding="utf-8") != text]
    assert not stale, f"stale: {stale}; run `make docs`"


def test_every_measure_is_in_the_coding_manual():
    with (ROOT / "data" / "measures.csv").open(newline="", encoding="utf-8") as f:
        ids = [r["measure_id"] for r in csv.DictReader(f)]
    missing = [m for m in ids if f"`{m}`" not in MANUAL]
    assert not missing, f"measures with no decision rule in docs/coding-manual.md: {missing}"


def test_every_certainty_value_is_in_the_coding_manual():
    claims = json.loads((ROOT / "schema" / "claims.json").read_text(encoding="utf-8"))
    values = next(f for f in claims["fields"] if f["name"] == "certainty")["categories"]
    assert all(f"`{v['value']}`" in MANUAL for v in values)


@pytest.mark.parametrize(
    "topic",
    ["Claimant", "Stance", "Certainty", "Measure", "Item class", "Direction", "Dates", "Quantities", "restatements", "Scope"],
)
def test_the_manual_has_a_section_per_coded_field(topic):
    assert re.search(rf"^## \d+\. .*{topic}", MANUAL, re.M | re.I), topic


def test_manual_examples_quote_the_sources_verbatim():
    # A worked example is a quotation followed by "->" (the coded fields); each of its pieces
    # (split at an ellipsis) occurs in a snapshot, whitespace runs aside.
    from conftest import HAVE_SNAPSHOTS, SNAPSHOTS

    if not HAVE_SNAPSHOTS:
        pytest.skip("snapshots folder not available")
    texts = " ".join(re.sub(r"\s+", " ", p.read_text(encoding="utf-8")) for p in SNAPSHOTS.glob("*.txt"))
    examples = [q for q in re.findall(r'"([^"`]{8,}?)" ->', re.sub(r"\s+", " ", MANUAL)) if len(q.split()) >= 4]
    assert len(examples) >= 10
    missing = [q for q in examples if not all(piece.strip() in texts for piece in q.split("...") if piece.strip())]
    assert not missing, missing


def test_kappa_matches_a_hand_computed_case():
    # 10 items: 7 agree; A says yes 6 times, B 5 times -> pe = (6*5 + 4*5)/100 = 0.5, po = 0.7
    pairs = [("y", "y")] * 4 + [("n", "n")] * 3 + [("y", "n")] * 2 + [("n", "y")]
    assert reliability.kappa(pairs) == pytest.approx(0.4)
    assert reliability.kappa([("a", "a")] * 3) is None
    assert reliability.kappa([]) is None


def test_alignment_pairs_within_an_excerpt_and_keeps_the_rest():
    row = {"excerpt": "E1", "quote": "", "measure": "killed", "item_class": "personnel", "claimant_id": "x"}
    a = [row, {**row, "measure": "wounded"}]
    b = [{**row, "measure": "wounded"}, {**row, "excerpt": "E2"}]
    al = reliability.align(a, b)
    assert [(p["measure"], q["measure"]) for p, q in al.pairs] == [("wounded", "wounded")]
    assert [r["measure"] for r in al.only_a] == ["killed"] and [r["excerpt"] for r in al.only_b] == ["E2"]
