"""A release as other tools read it: `frictionless validate` on the whole package, the CSV
dialect and profile every resource declares, the Parquet files listed outside `resources`
(and still checked by the validator), the dialects the validator accepts, and R.

The R tests run Debian's R (`Rscript` with the readr and jsonlite packages): they are skipped
when it is missing, unless REQUIRE_R=1 (as in .ci/run), in which case they fail.
"""

from __future__ import annotations

import csv
import hashlib
import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import AS_OF, HAVE_SNAPSHOTS, ROOT, SNAPSHOTS, findings_of
from test_release import repo_copy

from validate import release
from validate.engine import run
from validate.tableschema import TABLES

# Written out, not imported: this is what the descriptors promise to readers.
DIALECT = {"delimiter": ",", "quoteChar": '"', "doubleQuote": True, "header": True, "lineTerminator": "\n"}
FRICTIONLESS = Path(sys.executable).parent / "frictionless"


@pytest.fixture(scope="module")
def folder(tmp_path_factory) -> Path:
    if not HAVE_SNAPSHOTS:
        pytest.skip("snapshots folder not available")
    tmp = tmp_path_factory.mktemp("readers")
    zip_path, _ = release.build(repo_copy(tmp), tmp / "dist", SNAPSHOTS)
    return zip_path.with_suffix("")


def descriptor(path: Path) -> dict:
    return json.loads(path.read_text(encoding="utf-8"))


def csv_rows(path: Path) -> list[dict]:
    with open(path, newline="", encoding="utf-8") as f:
        return list(csv.DictReader(f))


def test_frictionless_validates_the_whole_release(folder):
    proc = subprocess.run([str(FRICTIONLESS), "validate", "--json", "datapackage.json"], cwd=folder, capture_output=True, text=True, timeout=600)
    report = json.loads(proc.stdout)
    errors = [(t["name"], e["type"], e.get("note", "")) for t in report["tasks"] for e in t["errors"]]
    assert proc.returncode == 0 and report["valid"], errors[:20]
    assert sorted(t["name"] for t in report["tasks"]) == sorted(TABLES)


@pytest.mark.parametrize("where", ["release", "repository"])
def test_every_csv_resource_declares_its_dialect_and_profile(folder, where):
    d = descriptor(folder / "datapackage.json" if where == "release" else ROOT / "datapackage.json")
    assert sorted(r["name"] for r in d["resources"]) == sorted(TABLES)
    for r in d["resources"]:
        assert r["path"].endswith(".csv") and r["format"] == "csv", r["name"]
        assert r["dialect"] == DIALECT, r["name"]
        assert r["type"] == "table" and r["profile"] == "tabular-data-resource", r["name"]


def test_parquet_files_are_listed_with_their_checksums(folder):
    d = descriptor(folder / "datapackage.json")
    listed = {e["path"]: e for e in d["x-parquet"]}
    assert sorted(listed) == sorted(f"data/{t}.parquet" for t in TABLES)
    for path, entry in listed.items():
        data = (folder / path).read_bytes()
        assert entry["hash"] == f"sha256:{hashlib.sha256(data).hexdigest()}" and entry["bytes"] == len(data), path
        assert entry["mediatype"] == "application/vnd.apache.parquet" and entry["schema"]["fields"], path
    assert "x-parquet" in (folder / "README.md").read_text(encoding="utf-8")


@pytest.mark.parametrize(("edit", "message"), [("bytes", "is 1 bytes, but"), ("drop", "without its hash"), ("file", "sha256 is")])
def test_validator_checks_every_listed_parquet_file(folder, tmp_path, edit, message):
    copy_ = tmp_path / "rel"
    shutil.copytree(folder, copy_)
    d = descriptor(copy_ / "datapackage.json")
    entry = next(e for e in d["x-parquet"] if e["path"] == "data/claims.parquet")
    if edit == "bytes":
        (copy_ / "data" / "claims.parquet").write_bytes(b"x")
    elif edit == "drop":
        del entry["hash"]
    else:
        data = bytearray((copy_ / "data" / "claims.parquet").read_bytes())
        data[len(data) // 2] ^= 0xFF
        (copy_ / "data" / "claims.parquet").write_bytes(bytes(data))
    (copy_ / "datapackage.json").write_text(json.dumps(d), encoding="utf-8")
    result = run(copy_ / "datapackage.json", as_of=AS_OF)
    hits = findings_of(result, "integrity.checksums")
    assert not result.valid and {h.file for h in hits} == {"data/claims.parquet"}
    assert any(message in h.message for h in hits), [h.message for h in hits]


def with_dialect(pkg, dialect) -> object:
    d = descriptor(pkg.root / "datapackage.json")
    res = next(r for r in d["resources"] if r["name"] == "systems")
    if dialect is None:
        res.pop("dialect", None)
    else:
        res["dialect"] = dialect
    (pkg.root / "datapackage.json").write_text(json.dumps(d), encoding="utf-8")
    return pkg.validate()


@pytest.mark.parametrize("dialect", [None, DIALECT, {}, {"delimiter": ","}, {"header": True, "quoteChar": '"'}])
def test_the_canonical_dialect_is_accepted(pkg, dialect):
    result = with_dialect(pkg, dialect)
    assert result.valid, [f.text() for f in result.findings if f.severity == "error"]


@pytest.mark.parametrize(
    ("dialect", "words"),
    [
        ({**DIALECT, "delimiter": ";"}, 'delimiter=";" is not ","'),
        ({"quoteChar": "'"}, 'quoteChar="\'" is not'),
        ({"header": False}, "header=false is not true"),
        ({"header": 1}, "header=1 is not true"),
        ({"lineTerminator": "\r\n"}, "lineTerminator="),
        ({"doubleQuote": False}, "doubleQuote=false"),
        ({"skipInitialSpace": True}, "skipInitialSpace is not supported"),
        ({"escapeChar": "\\"}, "escapeChar is not supported"),
        ("dialect.json", "only an inline dialect object"),
        ([","], "only an inline dialect object"),
    ],
)
def test_any_other_dialect_is_refused_with_a_clear_message(pkg, dialect, words):
    result = with_dialect(pkg, dialect)
    hits = [f for f in findings_of(result, "structure.descriptor") if f.column == "dialect"]
    assert not result.valid and len(hits) == 1, [f.text() for f in result.findings]
    assert "resource 'systems' dialect" in hits[0].message and words in hits[0].message, hits[0].message
    assert "canonical CSV only" in hits[0].message or "inline dialect object" in hits[0].message
    # the file is not read against a dialect it does not have: no row findings for it
    assert not [f for f in result.findings if f.file == "data/systems.csv"]


def rscript() -> str:
    """Rscript with readr and jsonlite, or skip (fail under REQUIRE_R=1)."""
    required = os.environ.get("REQUIRE_R") == "1"
    exe = shutil.which("Rscript")
    if exe is None:
        if required:
            pytest.fail("REQUIRE_R=1 but Rscript is missing (apt-get install r-base-core r-cran-readr r-cran-jsonlite)")
        pytest.skip("Rscript is missing")
    probe = subprocess.run([exe, "-e", "library(readr); library(jsonlite)"], capture_output=True, text=True, timeout=120)
    if probe.returncode != 0:
        if required:
            pytest.fail(f"REQUIRE_R=1 but R cannot load readr and jsonlite: {probe.stderr[-500:]}")
        pytest.skip("the R packages readr and jsonlite are missing")
    return exe


def test_r_reads_every_resource_as_frictionless_does(folder):
    """tests/r/read_release.R reads each CSV resource with the types of its Table Schema and
    the declared dialect; every cell equals the CSV's, typed."""
    exe = rscript()
    proc = subprocess.run([exe, str(ROOT / "tests" / "r" / "read_release.R"), str(folder)], capture_output=True, text=True, timeout=600)
    assert proc.returncode == 0, proc.stderr[-3000:]
    tables = json.loads(proc.stdout)["tables"]
    assert sorted(tables) == sorted(TABLES)
    r_class = {"string": "character", "number": "numeric", "date": "Date"}
    for name in TABLES:
        schema = descriptor(folder / "schema" / f"{name}.json")
        rows = csv_rows(folder / "data" / f"{name}.csv")
        got = tables[name]
        assert got["rows"] == len(rows), name
        for fld in schema["fields"]:
            column, kind = fld["name"], fld["type"]
            assert got["classes"][column] == r_class[kind], (name, column)
            values = got["columns"][column]
            assert len(values) == len(rows), (name, column)
            for row, value in zip(rows, values, strict=True):
                text = row[column]
                if text == "":
                    assert value is None, (name, column)
                elif kind == "number":
                    assert value == float(text), (name, column, text, value)
                else:  # strings exactly as written (quotes, commas, apostrophes), dates as ISO
                    assert value == text, (name, column, text, value)


def test_readme_r_example_runs(folder):
    """The README's R example (readr and jsonlite) runs as written on a release."""
    exe = rscript()
    section = (ROOT / "README.md").read_text(encoding="utf-8").split("## Using a release", 1)[1].split("\n## ", 1)[0]
    blocks = re.findall(r"```r\n(.*?)```", section, re.S)
    example = next(b for b in blocks if "library(readr)" in b)
    claims = csv_rows(folder / "data" / "claims.csv")
    citations = csv_rows(folder / "data" / "citations.csv")
    check = (
        f"stopifnot(nrow(claims) == {len(claims)}, nrow(citations) == {len(citations)}, is.numeric(claims$qty_best),\n"
        '          inherits(read_table("sources")$accessed, "Date"), any(claims$qty_text == "up to 4.8 million", na.rm = TRUE))\n'
        'cat("ok\\n")\n'
    )
    script = re.sub(r"dprk-russia-arms-\d+\.\d+\.\d+", folder.name, example) + check
    proc = subprocess.run([exe, "-e", script], cwd=folder.parent, capture_output=True, text=True, timeout=600)
    assert proc.returncode == 0 and proc.stdout.rstrip().endswith("ok"), proc.stderr[-3000:]


def test_readme_frictionless_r_example_needs_only_what_the_descriptor_declares(folder):
    """frictionless (CRAN, not in Debian) cannot run here; check what its 1.x read_resource()
    relies on: resources by name with profile tabular-data-resource, a schema path inside
    the release, the dialect, and the example's resource names."""
    section = (ROOT / "README.md").read_text(encoding="utf-8").split("## Using a release", 1)[1].split("\n## ", 1)[0]
    example = next(b for b in re.findall(r"```r\n(.*?)```", section, re.S) if "library(frictionless)" in b)
    d = descriptor(folder / "datapackage.json")
    by_name = {r["name"]: r for r in d["resources"]}
    names = re.findall(r'read_resource\(package, "([a-z_]+)"\)', example)
    assert names
    for name in names:
        r = by_name[name]
        assert r["profile"] == "tabular-data-resource" and (folder / r["schema"]).is_file() and (folder / r["path"]).is_file()
