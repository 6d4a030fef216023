"""The metadata itself is tested entry by entry: the Table Schemas are the public API."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path

import pint
import polars as pl
import pytest

from validate.registry import RULES
from validate.schemas import TABLES, load_table_schema, table_schemas

ROOT = Path(__file__).resolve().parent.parent
SNAKE = re.compile(r"^[a-z][a-z0-9]*(?:_[a-z0-9]+)*$")
PACKAGE = json.loads((ROOT / "datapackage.json").read_text(encoding="utf-8"))
FIELDS = [(t, f) for t in TABLES for f in load_table_schema(t)["fields"]]


def field_id(p):
    return f"{p[0]}.{p[1]['name']}" if isinstance(p, tuple) else None


def test_package_lists_every_table_with_its_schema():
    assert [r["name"] for r in PACKAGE["resources"]] == list(TABLES)
    for r in PACKAGE["resources"]:
        assert r["path"] == f"data/{r['name']}.csv"
        assert r["schema"] == f"schema/{r['name']}.json"
        assert r.get("description")


def test_package_metadata():
    assert PACKAGE["name"] == "dprk-russia-arms"
    assert re.match(r"^\d+\.\d+\.\d+$", PACKAGE["version"])
    assert PACKAGE["licenses"][0]["name"] == "CC-BY-4.0"
    assert PACKAGE["$schema"].startswith("https://datapackage.org/profiles/2.0/")
    assert PACKAGE["contributors"] and PACKAGE["keywords"]


@pytest.mark.parametrize("entry", FIELDS, ids=field_id)
def test_field_is_documented_and_snake_case(entry):
    _, fld = entry
    assert SNAKE.match(fld["name"]), fld["name"]
    assert len(fld.get("description", "")) > 10
    assert fld.get("title")
    assert fld.get("type") in ("string", "number", "integer", "date")


@pytest.mark.parametrize("entry", [e for e in FIELDS if "categories" in e[1]], ids=field_id)
def test_every_enum_value_is_documented(entry):
    _, fld = entry
    for cat in fld["categories"]:
        assert SNAKE.match(cat["value"]), cat
        assert len(cat.get("label", "")) > 5, cat


@pytest.mark.parametrize("table", TABLES)
def test_keys_and_foreign_keys_exist(table):
    schema = load_table_schema(table)
    names = {f["name"] for f in schema["fields"]}
    assert schema["primaryKey"] and set(schema["primaryKey"]) <= names
    for fk in schema.get("foreignKeys", []):
        assert set(fk["fields"]) <= names
        target = fk["reference"].get("resource") or table
        assert target in TABLES
        target_names = {f["name"] for f in load_table_schema(target)["fields"]}
        assert set(fk["reference"]["fields"]) <= target_names
    for key in schema.get("uniqueKeys", []):
        assert set(key) <= names


def test_shared_vocabulary_does_not_drift():
    """item_class is the same vocabulary in systems and claims (two places, one list)."""
    get = lambda t: next(f for f in load_table_schema(t)["fields"] if f["name"] == "item_class")["categories"]  # noqa: E731
    assert get("systems") == get("claims")


def test_every_rule_is_documented():
    for rule in RULES.values():
        assert re.match(r"^(structure|dates|units|attribution|integrity|meaning)\.[a-z_]+$", rule.id)
        assert len(rule.doc) > 40, rule.id


def test_pandera_schemas_are_derived_from_table_schemas():
    schemas = table_schemas()
    for table in TABLES:
        fields = [f["name"] for f in load_table_schema(table)["fields"]]
        declared = [c for c in schemas[table].columns if not c.endswith(("_start", "_end")) or c in fields]
        assert declared == fields


def test_units_factors_agree_with_pint():
    """Physical factors in units.csv are what pint says, not typed by hand."""
    ureg = pint.UnitRegistry()
    names = {"km": "kilometer", "mi": "mile", "mm": "millimeter", "barrels": "oil_barrel", "percent": "percent", "times": "dimensionless"}
    units = pl.read_csv(ROOT / "data" / "units.csv", infer_schema=False)
    for unit_id, canonical, factor in units.select("unit_id", "canonical_unit_id", "to_canonical").iter_rows():
        if unit_id in names and canonical in names:
            expected = ureg.Quantity(1, names[unit_id]).to(names[canonical]).magnitude
            assert float(factor) == pytest.approx(expected, rel=1e-9), unit_id
        else:
            assert unit_id == canonical and float(factor) == 1.0, unit_id


def test_frictionless_validates_the_repository():
    exe = Path(sys.executable).parent / "frictionless"
    proc = subprocess.run([str(exe), "validate", "datapackage.json"], cwd=ROOT, capture_output=True, text=True, timeout=300)
    assert proc.returncode == 0, proc.stdout[-3000:]
