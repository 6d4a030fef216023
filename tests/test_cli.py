"""The command line as a maintainer and CI use it: exit codes, the three formats, no writes."""

from __future__ import annotations

import hashlib
import json
import os
import subprocess
import sys
from pathlib import Path

from conftest import HAVE_SNAPSHOTS, ROOT, SNAPSHOTS


def cli(*args: str, cwd: Path = ROOT) -> subprocess.CompletedProcess:
    env = dict(os.environ, NOW="2026-11-22", PYTHONPATH=str(ROOT))
    return subprocess.run([sys.executable, "-m", "validate", *args], cwd=cwd, capture_output=True, text=True, timeout=120, env=env)


def tree_digest(root: Path) -> dict[str, str]:
    return {p.relative_to(root).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest() for p in sorted(root.rglob("*")) if p.is_file()}


def test_repository_package_is_valid():
    args = ["--snapshots", str(SNAPSHOTS)] if HAVE_SNAPSHOTS else []
    proc = cli(*args)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert "valid: 0 error(s)" in proc.stdout


def test_invalid_package_exits_1_with_located_text(pkg):
    key = pkg.read("claims")[1][0]["claim_id"]
    line = pkg.set("claims", key, category="bogus")
    proc = cli(str(pkg.root / "datapackage.json"))
    assert proc.returncode == 1
    assert f"data/claims.csv:{line} {key} category=bogus is not one of" in proc.stdout
    assert "[structure.enum]" in proc.stdout and "Traceback" not in proc.stderr


def test_json_report_shape(pkg):
    key = pkg.read("claims")[1][0]["claim_id"]
    line = pkg.set("claims", key, category="bogus", notes="")
    proc = cli(str(pkg.root / "datapackage.json"), "--format", "json")
    assert proc.returncode == 1
    doc = json.loads(proc.stdout)
    assert set(doc) == {"valid", "package", "version", "as_of", "counts", "rows", "rules", "findings"}
    assert doc["valid"] is False and doc["as_of"] == "2026-11-22" and doc["counts"]["error"] >= 1
    f = next(f for f in doc["findings"] if f["rule"] == "structure.enum")
    assert f == {
        "file": "data/claims.csv",
        "line": line,
        "rule": "structure.enum",
        "severity": "error",
        "key": key,
        "column": "category",
        "value": "bogus",
        "message": f["message"],
    }
    warnings = [f for f in doc["findings"] if f["severity"] == "warning"]
    assert all(w["rule"] in ("dates.inferred_note", "meaning.hedge_lexicon") for w in warnings)


def test_github_annotations(pkg):
    key = pkg.read("claims")[1][0]["claim_id"]
    line = pkg.set("claims", key, category="bogus")
    proc = cli(str(pkg.root / "datapackage.json"), "--format", "github")
    assert proc.returncode == 1
    assert f"::error file=data/claims.csv,line={line},title=structure.enum::{key} category=bogus" in proc.stdout


def test_warnings_do_not_fail(pkg):
    key = next(r["claim_id"] for r in pkg.read("claims")[1] if "~" in r["stated"])
    pkg.set("claims", key, notes="")
    proc = cli(str(pkg.root / "datapackage.json"))
    assert proc.returncode == 0 and "warning: " in proc.stdout and "[dates.inferred_note]" in proc.stdout


def test_usage_errors_exit_2(tmp_path):
    assert cli("--format", "yaml").returncode == 2
    assert cli(str(tmp_path / "missing.json")).returncode == 2
    assert cli("--as-of", "yesterday").returncode == 2
    assert cli("--snapshots", str(tmp_path / "nope")).returncode == 2
    (tmp_path / "datapackage.json").write_text("{not json", encoding="utf-8")
    proc = cli(str(tmp_path / "datapackage.json"))
    assert proc.returncode == 2 and "not valid JSON" in proc.stderr and "Traceback" not in proc.stderr


def test_folder_argument_and_as_of(pkg):
    proc = cli(str(pkg.root), "--as-of", "2024-12-31")
    assert proc.returncode == 1 and "[dates.future]" in proc.stdout


def test_validator_never_writes(pkg):
    key = pkg.read("claims")[1][0]["claim_id"]
    pkg.set("claims", key, category="bogus")
    (pkg.root / "data" / "units.csv").write_bytes((pkg.root / "data" / "units.csv").read_bytes().replace(b"\n", b"\r\n"))
    before = tree_digest(pkg.root)
    assert cli(str(pkg.root / "datapackage.json")).returncode == 1
    assert tree_digest(pkg.root) == before


def test_formatter_fixes_what_the_validator_reports(pkg):
    path = pkg.root / "data" / "units.csv"
    path.write_bytes(b"\xef\xbb\xbf" + path.read_bytes().replace(b"\n", b"\r\n"))
    header, rows = pkg.read("actors")
    pkg.write("actors", header, list(reversed(rows)))
    proc = cli(str(pkg.root / "datapackage.json"))
    assert proc.returncode == 1 and proc.stdout.count("[integrity.canonical]") == 2
    env = dict(os.environ, PYTHONPATH=str(ROOT))
    fmt = subprocess.run([sys.executable, "-m", "validate.fmt", str(pkg.root / "datapackage.json")], capture_output=True, text=True, env=env)
    assert fmt.returncode == 0 and "reformatted data/units.csv" in fmt.stdout
    assert cli(str(pkg.root / "datapackage.json")).returncode == 0


def test_formatter_keeps_undeclared_columns_and_fixes_column_order(pkg):
    # An extra column is the maintainer's to resolve: the formatter refuses the file rather
    # than drop the column. Columns merely out of order are put in schema order.
    env = dict(os.environ, PYTHONPATH=str(ROOT))
    header, rows = pkg.read("units")
    pkg.write("units", [*header, "extra"], [{**r, "extra": "keep me"} for r in rows])
    extra = pkg.path("units").read_bytes()
    header, rows = pkg.read("systems")
    pkg.write("systems", list(reversed(header)), rows)
    fmt = subprocess.run([sys.executable, "-m", "validate.fmt", str(pkg.root / "datapackage.json")], capture_output=True, text=True, env=env)
    assert fmt.returncode == 1 and "unexpected 'extra'" in fmt.stdout + fmt.stderr
    assert pkg.path("units").read_bytes() == extra
    assert pkg.path("systems").read_bytes() == (ROOT / "data" / "systems.csv").read_bytes()
