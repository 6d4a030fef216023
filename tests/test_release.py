"""Releases: typed Parquet round trip, determinism, downstream readers, checksums, SemVer."""

from __future__ import annotations

import csv
import hashlib
import json
import shutil
import subprocess
import sys
from pathlib import Path

import duckdb
import pandas as pd
import polars as pl
import pyarrow.parquet as pq
import pytest
from conftest import AS_OF, HAVE_SNAPSHOTS, ROOT, SNAPSHOTS

from validate import release
from validate.changes import ValuesError, changes_csv, read_values, values_path
from validate.engine import run
from validate.release import ReleaseError
from validate.releaseflow import Change, changelog_day, required_version
from validate.releaseflow import data_changes as changes_between
from validate.tableschema import TABLES

CURRENT = json.loads((ROOT / "datapackage.json").read_text(encoding="utf-8"))["version"]
needs_snapshots = pytest.mark.skipif(not HAVE_SNAPSHOTS, reason="snapshots folder not available")


def repo_copy(tmp: Path, version: str = "0.1.0", date: str = "2026-11-22") -> Path:
    root = tmp / "repo"
    root.mkdir()
    for name in ["datapackage.json", "CHANGELOG.md", "LICENSE", "LICENSE-DATA", "CITATION.cff", "README.md"]:
        if (ROOT / name).exists():
            shutil.copy(ROOT / name, root / name)
    for folder in ["schema", "data", "docs"]:
        if (ROOT / folder).exists():
            shutil.copytree(ROOT / folder, root / folder)
    if (ROOT / "releases").exists():
        shutil.copytree(ROOT / "releases", root / "releases")
        for f in (root / "releases").glob("*.*"):
            f.unlink()
    text = (root / "CHANGELOG.md").read_text(encoding="utf-8")
    if f"## [{version}] - " not in text:
        text = text.replace("## [Unreleased]", f"## [Unreleased]\n\n## [{version}] - {date}", 1)
    (root / "CHANGELOG.md").write_text(text, encoding="utf-8")
    d = json.loads((root / "datapackage.json").read_text(encoding="utf-8"))
    d["version"] = version
    (root / "datapackage.json").write_text(json.dumps(d, indent=2), encoding="utf-8")
    return root


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    if not HAVE_SNAPSHOTS:
        pytest.skip("snapshots folder not available")
    tmp = tmp_path_factory.mktemp("release")
    root = repo_copy(tmp, version=CURRENT)
    zip_path, _ = release.build(root, tmp / "dist", SNAPSHOTS)
    return root, zip_path, zip_path.with_suffix("")


def csv_rows(path: Path) -> list[dict]:
    with open(path, newline="", encoding="utf-8") as f:
        return list(csv.DictReader(f))


@needs_snapshots
@pytest.mark.parametrize("table", TABLES)
def test_parquet_round_trip(built, table):
    _, _, folder = built
    schema = json.loads((folder / "schema" / f"{table}.json").read_text(encoding="utf-8"))
    types = {f["name"]: f["type"] for f in schema["fields"]}
    rows = csv_rows(folder / "data" / f"{table}.csv")
    back = pq.read_table(folder / "data" / f"{table}.parquet").to_pylist()
    assert len(rows) == len(back)
    for want, got in zip(rows, back, strict=True):
        for name, text in want.items():
            value = got[name]
            if text == "":
                assert value is None, (table, name)
            elif types[name] == "number":
                assert value == float(text), (table, name, text, value)
            elif types[name] == "date":
                assert value.isoformat() == text
            else:
                assert value == text, (table, name)


@needs_snapshots
def test_two_builds_are_byte_identical(built, tmp_path):
    root, zip_path, _ = built
    again, _ = release.build(root, tmp_path / "dist2", SNAPSHOTS)
    assert again.read_bytes() == zip_path.read_bytes()


@needs_snapshots
def test_downstream_types(built):
    _, _, folder = built
    claims = folder / "data" / "claims.parquet"
    p = pl.read_parquet(claims)
    assert p.schema["qty_best"] == pl.Float64 and p.schema["stated_start"] == pl.Date and p.schema["claim_id"] == pl.String
    pdf = pd.read_parquet(claims, dtype_backend="pyarrow")
    assert str(pdf["stated_end"].dtype) == "date32[day][pyarrow]" and str(pdf["qty_high"].dtype) == "double[pyarrow]"
    types = dict(duckdb.sql(f"DESCRIBE SELECT * FROM '{claims}'").fetchall()[i][:2] for i in range(len(p.columns)))
    assert types["stated_start"] == "DATE" and types["qty_low"] == "DOUBLE"
    meta = pq.read_schema(claims).metadata
    assert meta[b"dprk_russia_arms.version"] == CURRENT.encode()
    assert json.loads(meta[b"dprk_russia_arms.table_schema"])["primaryKey"] == ["claim_id"]


@needs_snapshots
def test_release_descriptor_and_validation(built):
    _, _, folder = built
    d = json.loads((folder / "datapackage.json").read_text(encoding="utf-8"))
    day = changelog_day((ROOT / "CHANGELOG.md").read_text(encoding="utf-8"), CURRENT)
    assert d["created"] == f"{day.isoformat()}T00:00:00Z" and d["version"] == CURRENT
    assert all(r["hash"].startswith("sha256:") and r["bytes"] > 0 for r in d["resources"])
    assert {r["name"] for r in d["resources"]} == set(TABLES)  # Parquet is listed under x-parquet (validate/descriptor.py)
    assert {e["name"] for e in d["x-parquet"]} == {f"{t}-parquet" for t in TABLES}
    assert all(e["hash"].startswith("sha256:") and e["bytes"] > 0 for e in d["x-parquet"])
    result = run(folder / "datapackage.json", as_of=AS_OF)
    assert result.valid, [f.text() for f in result.findings]
    report = json.loads((folder / "validation.json").read_text(encoding="utf-8"))
    assert report["valid"] is True and report["package"] == "datapackage.json"
    exe = Path(sys.executable).parent / "frictionless"
    for table in TABLES:
        proc = subprocess.run([str(exe), "validate", "datapackage.json", "--resource-name", table], cwd=folder, capture_output=True, text=True)
        assert proc.returncode == 0, proc.stdout[-2000:]


@needs_snapshots
def test_tampered_parquet_is_caught(built, tmp_path):
    _, _, folder = built
    copy = tmp_path / "rel"
    shutil.copytree(folder, copy)
    path = copy / "data" / "units.parquet"
    data = bytearray(path.read_bytes())
    data[len(data) // 2] ^= 0xFF
    path.write_bytes(bytes(data))
    result = run(copy / "datapackage.json", as_of=AS_OF)
    hits = [f for f in result.findings if f.rule == "integrity.checksums"]
    assert {h.file for h in hits} == {"data/units.parquet"} and not result.valid
    assert any("sha256 is" in h.message for h in hits)


def leftovers(out: Path) -> list[str]:
    return sorted(p.name for p in out.iterdir()) if out.exists() else []


@needs_snapshots
def test_refusals_leave_nothing_in_dist(tmp_path):
    root = repo_copy(tmp_path)
    (root / "data" / "units.csv").write_bytes((root / "data" / "units.csv").read_bytes() + b"bogus,,,,\n")
    with pytest.raises(ReleaseError, match="validation failed"):
        release.build(root, tmp_path / "d", SNAPSHOTS)
    assert leftovers(tmp_path / "d") == []
    with pytest.raises(ReleaseError, match="snapshots"):
        release.build(root, tmp_path / "d", None)
    assert leftovers(tmp_path / "d") == []


@needs_snapshots
def test_undated_version_builds_a_candidate_that_cannot_be_cut(tmp_path):
    root = repo_copy(tmp_path)
    (root / "CHANGELOG.md").write_text("# Changelog\n\n## [Unreleased]\n", encoding="utf-8")
    zip_path, msg = release.build(root, tmp_path / "d", SNAPSHOTS)
    assert zip_path.name == "dprk-russia-arms-0.1.0-candidate.zip" and "no dated section" in msg
    d = json.loads((zip_path.with_suffix("") / "datapackage.json").read_text(encoding="utf-8"))
    assert d["version"] == "0.1.0-candidate"
    with pytest.raises(ReleaseError, match="nothing to cut"):
        release.build(root, tmp_path / "d2", SNAPSHOTS, cut=True)
    assert leftovers(tmp_path / "d2") == [] and not (root / "releases" / "0.1.0.json").exists()


@needs_snapshots
def test_cut_then_rebuild_and_bump(tmp_path):
    root = repo_copy(tmp_path)
    zip1, msg = release.build(root, tmp_path / "d", SNAPSHOTS, cut=True)
    assert "cut 0.1.0" in msg and (root / "releases" / "0.1.0.json").is_file() and (root / "releases" / "0.1.0.claims.csv").is_file()
    _, msg = release.build(root, tmp_path / "d2", SNAPSHOTS)
    assert "reproduced" in msg
    # a corrected claim: main builds a 0.1.1 candidate, never a different 0.1.0
    header, rows = read(root, "claims")
    rows[0]["notes"] = rows[0]["notes"] + " Corrected."
    write(root, "claims", header, rows)
    zip3, msg = release.build(root, tmp_path / "d3", SNAPSHOTS)
    assert zip3.name == "dprk-russia-arms-0.1.1-candidate.zip" and "PATCH" in msg
    assert leftovers(tmp_path / "d3") == ["dprk-russia-arms-0.1.1-candidate", "dprk-russia-arms-0.1.1-candidate.zip"]
    with pytest.raises(ReleaseError, match="nothing to cut"):
        release.build(root, tmp_path / "d3", SNAPSHOTS, cut=True)
    bump(root, "0.1.1")
    zip2, msg = release.build(root, tmp_path / "d4", SNAPSHOTS)
    assert zip2.name == "dprk-russia-arms-0.1.1.zip" and "not cut" in msg
    changes = (zip2.with_suffix("") / "changes.csv").read_text(encoding="utf-8").splitlines()
    old_notes = rows[0]["notes"][: -len(" Corrected.")]
    assert list(csv.reader(changes)) == [["claim_id", "change", "field", "old", "new"], [rows[0]["claim_id"], "changed", "notes", old_notes, rows[0]["notes"]]]
    bump(root, "0.2.0")
    zip5, msg = release.build(root, tmp_path / "d5", SNAPSHOTS)
    assert zip5.name == "dprk-russia-arms-0.1.1-candidate.zip" and "PATCH bump, so the version must be 0.1.1" in msg


@needs_snapshots
def test_documentation_alone_is_a_patch(tmp_path):
    root = repo_copy(tmp_path)
    release.build(root, tmp_path / "d", SNAPSHOTS, cut=True)
    (root / "README.md").write_text((root / "README.md").read_text(encoding="utf-8") + "\nOne more line.\n", encoding="utf-8")
    zip_path, msg = release.build(root, tmp_path / "d2", SNAPSHOTS)
    assert zip_path.name == "dprk-russia-arms-0.1.1-candidate.zip" and "README.md changed" in msg
    bump(root, "0.1.1")
    _, msg = release.build(root, tmp_path / "d3", SNAPSHOTS, cut=True)
    assert "cut 0.1.1" in msg


@needs_snapshots
def test_tooling_change_builds_a_candidate(tmp_path, monkeypatch):
    # Same data and documents, but this commit's code writes the release differently.
    root = repo_copy(tmp_path)
    release.build(root, tmp_path / "d", SNAPSHOTS, cut=True)
    monkeypatch.setattr(release, "as_json", lambda findings, summary: "{}")
    zip_path, msg = release.build(root, tmp_path / "d2", SNAPSHOTS)
    assert zip_path.name == "dprk-russia-arms-0.1.1-candidate.zip" and "validation.json" in msg
    assert leftovers(tmp_path / "d2") == ["dprk-russia-arms-0.1.1-candidate", "dprk-russia-arms-0.1.1-candidate.zip"]


def _commit_that_cut(version: str) -> str | None:
    out = subprocess.run(
        ["git", "-C", str(ROOT), "log", "--diff-filter=A", "--format=%H", "--", f"releases/{version}.json"], capture_output=True, text=True, check=False
    )
    lines = out.stdout.split()
    return lines[-1] if out.returncode == 0 and lines else None


@needs_snapshots
@pytest.mark.parametrize("manifest_file", sorted((ROOT / "releases").glob("*.json")), ids=lambda p: p.stem)
def test_published_version_rebuilds_from_the_commit_that_cut_it(tmp_path, manifest_file):
    manifest = json.loads(manifest_file.read_text(encoding="utf-8"))
    commit = _commit_that_cut(manifest["version"])
    assert commit, f"no commit adds {manifest_file.name}: is this a full git clone?"
    tree = tmp_path / "tree"
    subprocess.run(["git", "-C", str(ROOT), "worktree", "add", "--detach", str(tree), commit], check=True, capture_output=True)
    try:
        proc = subprocess.run(
            [sys.executable, "-m", "validate.release", "--snapshots", str(SNAPSHOTS), "--out", str(tmp_path / "dist")],
            cwd=tree,
            capture_output=True,
            text=True,
            timeout=600,
        )
        assert proc.returncode == 0, proc.stderr
        built = tmp_path / "dist" / manifest["zip"]["name"]
        assert hashlib.sha256(built.read_bytes()).hexdigest() == manifest["zip"]["sha256"]
    finally:
        subprocess.run(["git", "-C", str(ROOT), "worktree", "remove", "--force", str(tree)], check=False, capture_output=True)


def read(root, table):
    with open(root / "data" / f"{table}.csv", newline="", encoding="utf-8") as f:
        r = csv.DictReader(f)
        return list(r.fieldnames or []), list(r)


def write(root, table, header, rows):
    with open(root / "data" / f"{table}.csv", "w", newline="", encoding="utf-8") as f:
        w = csv.DictWriter(f, fieldnames=header, lineterminator="\n")
        w.writeheader()
        w.writerows(rows)


def bump(root, version):
    d = json.loads((root / "datapackage.json").read_text(encoding="utf-8"))
    d["version"] = version
    (root / "datapackage.json").write_text(json.dumps(d, indent=2), encoding="utf-8")
    text = (root / "CHANGELOG.md").read_text(encoding="utf-8")
    (root / "CHANGELOG.md").write_text(text.replace("## [Unreleased]", f"## [Unreleased]\n\n## [{version}] - 2026-11-23", 1), encoding="utf-8")


def manifest(fields=None, claims=None, pk=None, resources=None):
    return {
        "version": "1.2.3",
        "schemas": {"claims": {"fields": fields or [["claim_id", "string"], ["qty_best", "number"]], "primaryKey": pk or ["claim_id"]}},
        "claims": claims or {"c0001": {"row": "a", "fields": {"claim_id": "1", "qty_best": "2"}}},
        "resources": resources or {"claims": {"hash": "sha256:x"}},
    }


@pytest.mark.parametrize(
    ("change", "expected"),
    [
        (dict(fields=[["claim_id", "string"]]), "2.0.0"),  # column removed
        (dict(fields=[["claim_id", "string"], ["qty_best", "string"]]), "2.0.0"),  # type changed
        (dict(pk=["qty_best"]), "2.0.0"),  # key changed
        (dict(fields=[["claim_id", "string"], ["qty_best", "number"], ["new_col", "string"]]), "1.3.0"),  # column added
        (dict(claims={"c0001": {"row": "a", "fields": {}}, "c0002": {"row": "b", "fields": {}}}), "1.3.0"),  # claim added
        (dict(claims={"c0001": {"row": "changed", "fields": {"claim_id": "1", "qty_best": "3"}}}), "1.2.4"),  # correction
        (dict(resources={"claims": {"hash": "sha256:y"}, "actors": {"hash": "z"}}), "1.2.3"),  # new resource entry only
    ],
)
def test_semver_bumps(change, expected):
    prev = manifest()
    cur = manifest(**change)
    need, why = required_version(prev["version"], changes_between(prev, cur))
    assert need == expected, why


def test_table_removed_is_major():
    prev = manifest()
    prev["schemas"]["actors"] = {"fields": [["actor_id", "string"]], "primaryKey": ["actor_id"]}
    assert required_version("0.3.1", changes_between(prev, manifest()))[0] == "1.0.0"
    assert required_version("1.0.0", [Change("minor", "x"), Change("patch", "y")])[0] == "1.1.0"


def test_changes_csv_kinds():
    prev = {"c1": {"claim_id": "c1", "status": "active", "notes": "n"}, "c2": {"claim_id": "c2", "status": "active", "notes": ""}}
    cur = {
        "c1": {"claim_id": "c1", "status": "retracted", "notes": "n", "measure": "delivered"},
        "c2": {"claim_id": "c2", "status": "active", "notes": "", "measure": ""},
        "c3": {"claim_id": "c3", "status": "active", "notes": "", "measure": "killed"},
    }
    out = list(csv.reader(changes_csv(prev, cur, {"c1": "retracted"}).decode().splitlines()))
    assert out == [
        ["claim_id", "change", "field", "old", "new"],
        ["c1", "retracted", "status", "active", "retracted"],
        ["c1", "retracted", "measure", "", "delivered"],
        ["c3", "added", "", "", ""],
    ]


def test_published_values_match_their_manifests():
    # releases/<v>.claims.csv holds the published claims; every row hashes to its manifest.
    for manifest_file in sorted((ROOT / "releases").glob("*.json")):
        manifest = json.loads(manifest_file.read_text(encoding="utf-8"))
        values = read_values(values_path(ROOT, manifest["version"]), manifest)
        assert sorted(values) == sorted(manifest["claims"])


def test_tampered_values_are_refused(tmp_path):
    manifest = json.loads((ROOT / "releases" / "0.1.0.json").read_text(encoding="utf-8"))
    text = values_path(ROOT, "0.1.0").read_text(encoding="utf-8")
    (tmp_path / "v.csv").write_text(text.replace("millions", "billions", 1), encoding="utf-8")
    with pytest.raises(ValuesError, match="does not hash"):
        read_values(tmp_path / "v.csv", manifest)
    with pytest.raises(ValuesError, match="missing"):
        read_values(tmp_path / "absent.csv", manifest)


@needs_snapshots
def test_sqlite_matches_the_csv_files(built):
    import sqlite3

    _, _, folder = built
    con = sqlite3.connect(folder / "dprk-russia-arms.sqlite")
    try:
        for table in TABLES:
            assert con.execute(f'SELECT count(*) FROM "{table}"').fetchone()[0] == len(csv_rows(folder / "data" / f"{table}.csv"))
        assert con.execute("PRAGMA foreign_key_check").fetchall() == []
        fks = {(t, r[2]) for t in TABLES for r in con.execute(f'PRAGMA foreign_key_list("{t}")').fetchall()}
        assert ("claims", "actors") in fks and ("citations", "sources") in fks and ("claims", "claims") in fks
        n_cites = len(csv_rows(folder / "data" / "citations.csv"))
        assert con.execute("SELECT count(*) FROM claims_cited").fetchone()[0] == n_cites
        assert con.execute("SELECT typeof(qty_best) FROM claims WHERE qty_best IS NOT NULL LIMIT 1").fetchone()[0] == "real"
    finally:
        con.close()


@needs_snapshots
def test_claims_cited_keeps_every_claim_and_its_period_bounds(built, tmp_path):
    import sqlite3

    _, _, folder = built
    db = tmp_path / "copy.sqlite"
    shutil.copy(folder / "dprk-russia-arms.sqlite", db)
    con = sqlite3.connect(db)
    try:
        row = con.execute("SELECT period, period_start, period_end FROM claims_cited WHERE claim_id = 'c0107'").fetchone()
        assert row == ("2024-03/2024-12-23", "2024-03-01", "2024-12-23")
        # a claim whose citation (or claimant) is missing is still in the view, with empty source columns
        con.execute("PRAGMA foreign_keys = OFF")
        con.execute("DELETE FROM citations WHERE claim_id = 'c0107'")
        con.execute("DELETE FROM actors WHERE actor_id = 'open-source-centre'")
        rows = con.execute("SELECT claim_id, claimant_name, source_id, quote FROM claims_cited WHERE claim_id = 'c0107'").fetchall()
        assert rows == [("c0107", None, None, None)]
        assert con.execute("SELECT count(DISTINCT claim_id) FROM claims_cited").fetchone()[0] == con.execute("SELECT count(*) FROM claims").fetchone()[0]
    finally:
        con.close()


@needs_snapshots
def test_sqlite_and_parquet_carry_every_column_and_the_0_2_fields(built):
    """Every table (measures and hedges included) with every column of its schema, and the
    claims_cited view with each claim's measure, its label, certainty, hedge words and restates."""
    import sqlite3

    _, _, folder = built
    con = sqlite3.connect(folder / "dprk-russia-arms.sqlite")
    try:
        assert {"measures", "hedges"} <= set(TABLES)
        for table in TABLES:
            schema = json.loads((folder / "schema" / f"{table}.json").read_text(encoding="utf-8"))
            names = [n for f in schema["fields"] for n in ([f["name"], f"{f['name']}_start", f"{f['name']}_end"] if f.get("x-edtf") else [f["name"]])]
            assert [r[1] for r in con.execute(f'PRAGMA table_info("{table}")').fetchall()] == names, table
            assert pq.read_schema(folder / "data" / f"{table}.parquet").names == names, table
        assert {"measure", "certainty", "hedge_text", "restates"} <= set(pq.read_schema(folder / "data" / "claims.parquet").names)
        fks = {(r[3], r[2], r[4]) for r in con.execute('PRAGMA foreign_key_list("claims")').fetchall()}
        assert ("measure", "measures", "measure_id") in fks and ("restates", "claims", "claim_id") in fks
        labels = {m["measure_id"]: m["label"] for m in csv_rows(folder / "data" / "measures.csv")}
        view = {r[0]: r[1:] for r in con.execute("SELECT claim_id, measure, measure_label, certainty, hedge_text, restates FROM claims_cited").fetchall()}
        for c in csv_rows(folder / "data" / "claims.csv"):
            want = (c["measure"], labels[c["measure"]], c["certainty"], c["hedge_text"] or None, c["restates"] or None)
            assert view[c["claim_id"]] == want, c["claim_id"]
    finally:
        con.close()


def readme_section(title: str) -> str:
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    return text.split(f"## {title}", 1)[1].split("\n## ", 1)[0]


@needs_snapshots
def test_using_a_release_examples_run(built, capsys):
    """The README's pandas, polars, DuckDB and SQLite examples work as written on a release."""
    import os
    import re
    import sqlite3

    _, _, folder = built
    section = readme_section("Using a release")
    cwd = os.getcwd()
    os.chdir(folder.parent)
    try:
        blocks = re.findall(r"```python\n(.*?)```", section, re.S)
        assert len(blocks) == 2
        for block in blocks:
            namespace: dict = {}
            exec(compile(block, "README.md", "exec"), namespace)  # noqa: S102 - the README's own example
            assert len(namespace["claims"]) > 100
        printed = capsys.readouterr().out
        assert "up to 4.8 million" in printed and "roughly 12,000" in printed
        (sql,) = re.findall(r"```sql\n(.*?)```", section, re.S)
        rows = duckdb.sql(sql).fetchall()
        assert rows and all(r[4] for r in rows)
        (sh,) = re.findall(r"```sh\n(.*?)```", section, re.S)
        query = re.search(r'"(SELECT .*?)"', sh, re.S).group(1)
        con = sqlite3.connect(folder / "dprk-russia-arms.sqlite")
        assert con.execute(query).fetchall()
        con.close()
    finally:
        os.chdir(cwd)


@needs_snapshots
def test_rebuild_names_the_files_that_changed(tmp_path):
    root = repo_copy(tmp_path)
    release.build(root, tmp_path / "d", SNAPSHOTS, cut=True)
    (root / "LICENSE").write_text((root / "LICENSE").read_text(encoding="utf-8") + "\n", encoding="utf-8")
    zip_path, msg = release.build(root, tmp_path / "d2", SNAPSHOTS)
    assert zip_path.name.endswith("-candidate.zip") and "LICENSE changed" in msg
