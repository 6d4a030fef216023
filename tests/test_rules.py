"""Every rule, one failing fixture (a single fault injected into a copy of the real package)
and one passing fixture (the clean package, or a near miss the rule must accept).

A failing fixture asserts exit-code semantics (an error makes the package invalid), the rule
id, the file, the CSV line and the row's key.
"""

from __future__ import annotations

import json

import pytest
from conftest import HAVE_SNAPSHOTS, findings_of

from validate.registry import RULES


def key_where(pkg, table: str, **match: str) -> str:
    header, rows = pkg.read(table)
    for r in rows:
        if all(r[k] == v for k, v in match.items()):
            return r[header[0]]
    raise LookupError(match)


def shells(pkg) -> str:
    """The claim 'up to 4.8 million' artillery shells (South Korea's defence minister)."""
    return key_where(pkg, "claims", qty_text="up to 4.8 million")


def claim_fault(column: str, value: str, pick=shells):
    def apply(pkg):
        key = pick(pkg)
        return "data/claims.csv", pkg.set("claims", key, **{column: value}), key

    return apply


def edit(table: str, pick, **values):
    def apply(pkg):
        key = pick(pkg)
        return f"data/{table}.csv", pkg.set(table, key, **values), key

    return apply


def first(table: str):
    return lambda pkg: pkg.read(table)[1][0][pkg.read(table)[0][0]]


def troops(pkg) -> str:
    return key_where(pkg, "claims", qty_text="roughly 12,000")


def percent(pkg) -> str:
    return key_where(pkg, "claims", qty_text="60%")


def forecast(pkg) -> str:
    return key_where(pkg, "claims", stance="forecasts", period="")


def dw_source(pkg) -> str:
    return key_where(pkg, "sources", source_type="syndicated_article", published="2024-06-20")


def uncite(pkg):
    key = shells(pkg)
    header, rows = pkg.read("citations")
    pkg.write("citations", header, [r for r in rows if r["claim_id"] != key])
    return "data/claims.csv", pkg.line_of("claims", key), key


def uncited_source(pkg):
    row = dict(pkg.row("sources", dw_source(pkg)))
    row.update(source_id="zz-uncited-source", snapshot_sha256="")
    header, rows = pkg.read("sources")
    pkg.write("sources", header, rows + [row])
    return "data/sources.csv", len(rows) + 2, "zz-uncited-source"


def duplicate_actor(pkg):
    header, rows = pkg.read("actors")
    pkg.write("actors", header, rows + [rows[-1]])
    return "data/actors.csv", len(rows) + 2, rows[-1]["actor_id"]


def duplicate_system_name(pkg):
    header, rows = pkg.read("systems")
    copy = dict(rows[-1], system_id="zz-copy")
    pkg.write("systems", header, rows + [copy])
    return "data/systems.csv", len(rows) + 2, "zz-copy"


def change_quote(pkg):
    key = shells(pkg)
    header, rows = pkg.read("citations")
    for i, r in enumerate(rows):
        if r["claim_id"] == key:
            r["quote"] = r["quote"].replace("detected", "found")
            pkg.write("citations", header, rows)
            return "data/citations.csv", i + 2, f"{key}/{r['source_id']}"
    raise LookupError(key)


def superseded_without_target(pkg):
    return claim_fault("status", "superseded")(pkg)


def supersede_earlier(pkg):
    """The 2024-06 shells claim 'superseded' by a 2022 claim stated before it."""
    key = shells(pkg)
    early = key_where(pkg, "claims", stated="2022-09~", stance="asserts")
    return "data/claims.csv", pkg.set("claims", key, status="superseded", superseded_by=early), key


def bad_header(pkg):
    path = pkg.path("units")
    text = path.read_text(encoding="utf-8")
    path.write_text(text.replace("label,", "lable,", 1), encoding="utf-8")
    return "data/units.csv", 1, None


def ragged(pkg):
    path = pkg.path("units")
    lines = path.read_text(encoding="utf-8").splitlines(keepends=True)
    lines[3] = lines[3].rstrip("\n") + ",extra\n"
    path.write_text("".join(lines), encoding="utf-8")
    return "data/units.csv", 4, None


def latin1(pkg):
    path = pkg.path("actors")
    data = path.read_bytes()
    path.write_bytes(data.replace("’".encode(), b"\x92", 1))
    line = data[: data.index("’".encode())].count(b"\n") + 1
    return "data/actors.csv", line, None


def crlf(pkg):
    path = pkg.path("units")
    path.write_bytes(path.read_bytes().replace(b"\n", b"\r\n"))
    return "data/units.csv", 1, None


def unsorted(pkg):
    header, rows = pkg.read("units")
    rows[1], rows[2] = rows[2], rows[1]
    pkg.write("units", header, rows)
    return "data/units.csv", 3, None


def descriptor_version(pkg):
    path = pkg.root / "datapackage.json"
    d = json.loads(path.read_text(encoding="utf-8"))
    d["version"] = "first"
    path.write_text(json.dumps(d), encoding="utf-8")
    return "datapackage.json", None, None


def wrong_checksum(pkg):
    path = pkg.root / "datapackage.json"
    d = json.loads(path.read_text(encoding="utf-8"))
    d["resources"][3]["hash"] = "sha256:" + "0" * 64
    path.write_text(json.dumps(d), encoding="utf-8")
    return "data/units.csv", None, None


def hedged(pkg) -> str:
    """A claim coded less than certain whose hedge word is in the lexicon."""
    header, rows = pkg.read("claims")
    words = {r["hedge"] for r in pkg.read("hedges")[1]}
    return next(r["claim_id"] for r in rows if r["hedge_text"].lower() in words and f"'{r['hedge_text'].lower()}'" not in r["notes"])


def restates_other_measure(pkg):
    """The troop count said to restate the shells claim: another measure and item class."""
    return "data/claims.csv", pkg.set("claims", troops(pkg), restates=shells(pkg)), troops(pkg)


def released(pkg):
    key = shells(pkg)
    (pkg.root / "releases").mkdir()
    manifest = {"version": "0.1.0", "claims": {key: "x", "c9999": "y"}}
    (pkg.root / "releases" / "0.1.0.json").write_text(json.dumps(manifest), encoding="utf-8")
    return "data/claims.csv", None, "c9999"


FAULTS = {
    "structure.descriptor": descriptor_version,
    "structure.header": bad_header,
    "structure.row": ragged,
    "structure.encoding": latin1,
    "structure.type": claim_fault("qty_high", "4.8m"),
    "structure.required": claim_fault("claimant_id", ""),
    "structure.enum": claim_fault("category", "transferred"),
    "structure.pattern": edit("actors", first("actors"), country="Korea"),
    "structure.range": claim_fault("qty_high", "-4800000"),
    "structure.primary_key": duplicate_actor,
    "structure.unique_key": duplicate_system_name,
    "structure.foreign_key": claim_fault("claimant_id", "nobody-at-all"),
    "dates.parse": claim_fault("stated", "June 2024"),
    "dates.interval": claim_fault("stated", "2024-06-16/2024-06-10"),
    "dates.period_stated": claim_fault("period", "2024-07"),
    "dates.stated_published": claim_fault("stated", "2024-07-01"),
    "dates.published_accessed": edit("sources", dw_source, accessed="2024-06-01"),
    "dates.future": claim_fault("period", "2027", pick=troops),
    "dates.supersede_order": supersede_earlier,
    "dates.inferred_note": claim_fault("notes", "", pick=lambda p: key_where(p, "claims", stated="2022-09~", stance="asserts")),
    "units.order": claim_fault("qty_low", "5000000"),
    "units.presence": claim_fault("unit", ""),
    "units.whole_count": edit("claims", troops, qty_best="12000.5"),
    "units.percent_range": edit("claims", percent, qty_best="160"),
    "units.dimension_fit": edit("claims", troops, unit="usd"),
    "units.qty_text": claim_fault("qty_high", "48000000"),
    "attribution.claim_cited": uncite,
    "attribution.source_cited": uncited_source,
    "attribution.qty_text_in_quote": claim_fault("qty_text", "up to 4.8 millions"),
    "attribution.snapshot_hash": edit("sources", dw_source, snapshot_sha256="0" * 64),
    "attribution.quote_in_snapshot": change_quote,
    "integrity.canonical": crlf,
    "integrity.formula": claim_fault("notes", '=HYPERLINK("http://example.org")'),
    "integrity.url_scheme": edit("sources", dw_source, url="javascript:alert(1)"),
    "integrity.superseded": superseded_without_target,
    "integrity.released_ids": released,
    "integrity.checksums": wrong_checksum,
    "meaning.measure_category": claim_fault("measure", "killed"),
    "meaning.hedge_text": edit("claims", troops, certainty="likely", hedge_text=""),
    "meaning.hedge_lexicon": edit("claims", hedged, certainty="certain", hedge_text=""),
    "meaning.restates": restates_other_measure,
    "attribution.hedge_text_in_quote": edit("claims", troops, certainty="likely", hedge_text="believed to be"),
}
NEEDS_SNAPSHOTS = {"attribution.snapshot_hash", "attribution.quote_in_snapshot"}


def test_every_rule_has_a_failing_fixture():
    assert sorted(FAULTS) == sorted(RULES)


@pytest.mark.parametrize("rule", sorted(FAULTS))
def test_fault_is_reported(pkg, rule):
    if rule in NEEDS_SNAPSHOTS and not HAVE_SNAPSHOTS:
        pytest.skip("snapshots folder not available")
    file, line, key = FAULTS[rule](pkg)
    result = pkg.validate(snapshots=rule in NEEDS_SNAPSHOTS)
    hits = findings_of(result, rule)
    assert hits, f"{rule} not reported; got {[f.text() for f in result.findings]}"
    assert any(f.file == file and f.line == line and f.key == key for f in hits), [f.text() for f in hits]
    assert result.valid is (RULES[rule].severity == "warning")


@pytest.mark.parametrize("rule", sorted(FAULTS))
def test_clean_package_passes(pkg, rule):
    result = pkg.validate(snapshots=HAVE_SNAPSHOTS)
    assert not findings_of(result, rule), [f.text() for f in findings_of(result, rule)]


def test_clean_package_is_valid_with_no_warnings(pkg):
    result = pkg.validate(snapshots=HAVE_SNAPSHOTS)
    assert result.findings == []


def test_stated_after_two_sources_names_the_same_one_every_time(pkg):
    # Two sources that could both have been published last on 2022-09-30 cite c0001; the
    # finding names the earliest source, ties broken by source id, whatever the file order.
    dw = "dw-2024-06-20-north-korea-supporting-russia"
    ap = "ap-2022-09-north-korea-rockets-artillery"
    pkg.set("sources", dw, published="2022-09")
    pkg.set("claims", "c0001", stated="2023-01-01")
    header, rows = pkg.read("citations")
    ap_row = next(r for r in rows if r["claim_id"] == "c0001" and r["source_id"] == ap)
    rows = [r for r in rows if r is not ap_row] + [{**ap_row, "source_id": dw}, ap_row]
    pkg.write("citations", header, rows)
    hits = [f for f in findings_of(pkg.validate(), "dates.stated_published") if f.key == "c0001"]
    assert len(hits) == 1 and f"after {ap} was published (at the latest 2022-09-30)" in hits[0].message


@pytest.mark.parametrize("sorted_rows", [True, False])
def test_duplicate_key_found_whether_rows_are_sorted_or_not(pkg, sorted_rows):
    # Sorted files are checked by comparing neighbours, others by hashing: same finding.
    header, rows = pkg.read("actors")
    twin = rows[0]
    rows = [twin, twin, *rows[1:]] if sorted_rows else [*rows, twin]
    pkg.write("actors", header, rows)
    hits = findings_of(pkg.validate(), "structure.primary_key")
    line = 3 if sorted_rows else len(rows) + 1
    assert [(h.line, h.key) for h in hits] == [(line, twin["actor_id"])]
    assert "first at line 2" in hits[0].message


def test_unsorted_rows_are_not_canonical(pkg):
    file, line, _ = unsorted(pkg)
    hits = findings_of(pkg.validate(), "integrity.canonical")
    assert [(f.file, f.line) for f in hits] == [(file, line)]
    assert "sorted" in hits[0].message and "make fmt" in hits[0].message


# Near misses on both sides: "-" starts a formula unless a digit follows it.
@pytest.mark.parametrize(
    ("value", "flagged"),
    [("-5 degrees is a number, not a formula", False), ("- 5", True), ("-0.5", False)],
)
def test_formula_near_misses(pkg, value, flagged):
    claim_fault("notes", value)(pkg)
    assert bool(findings_of(pkg.validate(), "integrity.formula")) is flagged


def test_miles_or_kilometres_both_agree(pkg):
    key = key_where(pkg, "claims", measure="range", unit="mi")
    pkg.set("claims", key, qty_best="900", unit="km", qty_text="about 550 miles (900 kilometers)")
    result = pkg.validate()
    assert not findings_of(result, "units.qty_text") and not findings_of(result, "units.dimension_fit")


def test_forecast_period_may_lie_in_the_future(pkg):
    key = forecast(pkg)
    pkg.set("claims", key, period="2030")
    assert not findings_of(pkg.validate(), "dates.future")


def test_forecast_period_must_not_end_before_it_was_stated(pkg):
    key = forecast(pkg)
    line = pkg.set("claims", key, period="2001")
    hits = findings_of(pkg.validate(), "dates.period_stated")
    assert [(f.line, f.key) for f in hits] == [(line, key)]


def test_superseding_correctly_passes(pkg):
    key = shells(pkg)
    _, rows = pkg.read("claims")
    later = next(r["claim_id"] for r in rows if r["stated"].startswith("2025"))
    pkg.set("claims", key, status="superseded", superseded_by=later)
    result = pkg.validate()
    assert not findings_of(result, "integrity.superseded") and not findings_of(result, "dates.supersede_order")


def test_as_of_date_moves_the_future(pkg):
    import datetime as dt

    result = pkg.validate(as_of=dt.date(2024, 12, 31))
    hits = findings_of(result, "dates.future")
    assert hits and all(f.file in ("data/claims.csv", "data/sources.csv") for f in hits)


def test_unneeded_quotes_are_not_canonical(pkg):
    path = pkg.path("units")
    text = path.read_text(encoding="utf-8")
    path.write_text(text.replace("\nrounds,", '\n"rounds",', 1), encoding="utf-8")
    hits = findings_of(pkg.validate(), "integrity.canonical")
    assert [f.file for f in hits] == ["data/units.csv"] and "quoting" in hits[0].message


# Meaning (0.2): near misses on both sides of each rule.


def test_measure_of_the_right_category_passes(pkg):
    pkg.set("claims", troops(pkg), measure="in_combat", category="use")
    assert not findings_of(pkg.validate(), "meaning.measure_category")


def test_certain_claim_with_hedge_text_fails(pkg):
    line = pkg.set("claims", troops(pkg), hedge_text="roughly")
    hits = findings_of(pkg.validate(), "meaning.hedge_text")
    assert [(f.line, f.key, f.column) for f in hits] == [(line, troops(pkg), "hedge_text")]
    assert "certainty=certain" in hits[0].message


def test_hedge_text_found_in_a_quote_passes(pkg):
    pkg.set("claims", troops(pkg), certainty="possible", hedge_text="roughly")
    result = pkg.validate()
    assert not findings_of(result, "meaning.hedge_text") and not findings_of(result, "attribution.hedge_text_in_quote")


def test_hedge_lexicon_is_data_not_code(pkg):
    # A word added to hedges.csv is looked for at once; explaining it in notes silences it.
    key = troops(pkg)
    header, rows = pkg.read("hedges")
    pkg.write("hedges", header, sorted([*rows, {"hedge": "roughly", "certainty": "possible", "notes": ""}], key=lambda r: r["hedge"]))
    hits = [f for f in findings_of(pkg.validate(), "meaning.hedge_lexicon") if f.key == key]
    assert len(hits) == 1 and "'roughly'" in hits[0].message and hits[0].severity == "warning"
    pkg.set("claims", key, notes=pkg.row("claims", key)["notes"] + " 'roughly' is an approximation, not a hedge.")
    assert not [f for f in findings_of(pkg.validate(), "meaning.hedge_lexicon") if f.key == key]


def test_hedge_words_are_whole_words(pkg):
    # "may" must not match "mayor"; the word itself does.
    key = troops(pkg)
    header, rows = pkg.read("citations")
    row = next(r for r in rows if r["claim_id"] == key)
    row["quote"] += " The mayor agreed."
    pkg.write("citations", header, rows)
    assert not [f for f in findings_of(pkg.validate(), "meaning.hedge_lexicon") if f.key == key]
    row["quote"] += " It may."
    pkg.write("citations", header, rows)
    hits = [f for f in findings_of(pkg.validate(), "meaning.hedge_lexicon") if f.key == key]
    assert len(hits) == 1 and "'may'" in hits[0].message


@pytest.mark.parametrize("how", ["self", "chain", "item_class"])
def test_restates_rejects_self_chains_and_other_items(pkg, how):
    header, rows = pkg.read("claims")
    a, b, c = [r["claim_id"] for r in rows if r["measure"] == "delivered" and r["item_class"] == "technology" and not r["restates"]][:3]
    if how == "self":
        line, key = pkg.set("claims", a, restates=a), a
    elif how == "chain":
        pkg.set("claims", b, restates=a)
        line, key = pkg.set("claims", c, restates=b), c
    else:
        pkg.set("claims", b, item_class="fuel")
        line, key = pkg.set("claims", b, restates=a), b
    hits = findings_of(pkg.validate(), "meaning.restates")
    assert (line, key) in [(f.line, f.key) for f in hits], [f.text() for f in hits]


def test_restating_the_same_measure_and_item_passes(pkg):
    header, rows = pkg.read("claims")
    a, b = [r["claim_id"] for r in rows if r["measure"] == "delivered" and r["item_class"] == "technology" and not r["restates"]][:2]
    pkg.set("claims", b, restates=a)
    assert not findings_of(pkg.validate(), "meaning.restates")


def test_duplicated_claim_id_leaves_the_claims_rules_running(pkg):
    # A duplicated claim id made meaning.restates raise inside the claims check, and every
    # claims rule was silently skipped (the package passed); a restated id that names two
    # rows is now looked up at its first.
    header, rows = pkg.read("claims")
    a, b, c = [r["claim_id"] for r in rows if r["measure"] == "delivered" and r["item_class"] == "technology" and not r["restates"]][:3]
    pkg.set("claims", b, restates=a)
    pkg.set("claims", c, restates=c)
    header, rows = pkg.read("claims")
    i = next(i for i, r in enumerate(rows) if r["claim_id"] == a)
    pkg.write("claims", header, [*rows[: i + 1], dict(rows[i]), *rows[i + 1 :]])
    result = pkg.validate()
    assert [(f.line, f.key) for f in findings_of(result, "structure.primary_key")] == [(i + 3, a)]
    assert [f.key for f in findings_of(result, "meaning.restates")] == [c]


def test_unit_dimension_comes_from_the_measures_table(pkg):
    # A range counted in missiles fits the item class but not the measure; allow counts for
    # the measure in measures.csv and it passes: the rule reads the table, not the code.
    key = key_where(pkg, "claims", measure="range", unit="mi")
    line = pkg.set("claims", key, unit="missiles")
    hits = findings_of(pkg.validate(), "units.dimension_fit")
    assert [(f.line, f.key) for f in hits] == [(line, key)] and "measure=range" in hits[0].message
    pkg.set("measures", "range", dimensions="count; length")
    assert not findings_of(pkg.validate(), "units.dimension_fit")
