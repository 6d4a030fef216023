"""The README stays true: its data summary is current and its Python examples run."""

from __future__ import annotations

import os
import re
from pathlib import Path

import pytest

from validate.summary import render

ROOT = Path(__file__).resolve().parent.parent
README = (ROOT / "README.md").read_text(encoding="utf-8")


def test_summary_is_current():
    assert render(README) == README, "README.md data summary is stale: run `make docs`"


def test_summary_counts_every_claim():
    claims = (ROOT / "data" / "claims.csv").read_text(encoding="utf-8").count("\nc")
    assert re.search(rf"^{claims} claims by \d+ claimants", README, re.M)


def section(title: str) -> str:
    return README.split(f"## {title}", 1)[1].split("\n## ", 1)[0]


@pytest.mark.parametrize("block", re.findall(r"```python\n(.*?)```", section("Loading the data"), re.S))
def test_loading_examples_run(block):
    cwd = os.getcwd()
    os.chdir(ROOT)
    try:
        namespace: dict = {}
        exec(compile(block, "README.md", "exec"), namespace)  # noqa: S102 - the README's own example
        assert namespace.get("claims") is not None and len(namespace["claims"]) > 100
    finally:
        os.chdir(cwd)


def test_codebook_is_current():
    from validate.codebook import TARGET, render

    assert TARGET.read_text(encoding="utf-8") == render(), "docs/codebook.md is stale: run `make docs`"


def test_citation_cff_matches_the_package():
    import json

    import yaml

    cff = yaml.safe_load((ROOT / "CITATION.cff").read_text(encoding="utf-8"))
    package = json.loads((ROOT / "datapackage.json").read_text(encoding="utf-8"))
    assert cff["cff-version"] == "1.2.0" and cff["type"] == "dataset"
    assert str(cff["version"]) == package["version"] and cff["license"] == package["licenses"][0]["name"]
    assert cff["title"] and cff["authors"] and cff["message"]
