"""The fast reader changes nothing but speed.

On synthetic packages from `benchmarks/generate.py` (clean, and with 10 % faulty claim rows
of every fault kind), the validator's findings are the same whether the canonical files are
read by polars (proved exact by byte accounting) or by the exact pyarrow/csv-module path.
"""

from __future__ import annotations

import csv
import datetime as dt
import importlib.util
import sys
from pathlib import Path

import pytest

from validate import package
from validate.engine import run
from validate.report import Finding

ROOT = Path(__file__).resolve().parent.parent
AS_OF = dt.date(2026, 11, 22)


def _generator():
    spec = importlib.util.spec_from_file_location("bench_generate", ROOT / "benchmarks" / "generate.py")
    module = importlib.util.module_from_spec(spec)
    sys.modules["bench_generate"] = module
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="module")
def packages(tmp_path_factory):
    gen = _generator()
    out = {}
    for faulty in (0.0, 0.1):
        folder = tmp_path_factory.mktemp(f"synthetic-{faulty}")
        gen.generate(3000, folder, faulty=faulty, seed=7)
        out[faulty] = folder
    return out


def findings(folder: Path) -> list[Finding]:
    return run(folder / "datapackage.json", as_of=AS_OF).findings


@pytest.mark.parametrize("faulty", [0.0, 0.1])
def test_fast_and_exact_readers_give_the_same_findings(packages, faulty, monkeypatch):
    fast = findings(packages[faulty])
    monkeypatch.setattr(package, "_parse_canonical", lambda *a, **k: None)
    exact = findings(packages[faulty])
    assert fast == exact
    if faulty:  # one fault in each of 10 % of 3,000 claim rows (faults.csv): every one reported, by its rule
        with open(packages[faulty] / "faults.csv", newline="", encoding="utf-8") as f:
            faults = list(csv.DictReader(f))
        faulty_ids = {row["claim_id"] for row in faults}
        assert len(faulty_ids) == 300 and faulty_ids <= {f.key for f in fast}
        assert {(row["claim_id"], row["rule"]) for row in faults} <= {(f.key, f.rule) for f in fast}
        assert {row["fault"] for row in faults} == set(_generator().FAULT_RULE)  # every kind, the 0.2 ones included
    else:
        assert fast == []
