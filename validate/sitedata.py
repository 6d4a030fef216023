"""The package as the report site reads it: every table as text, joined where pages need it.

polars reads the CSV files without inferring types (a site may be built from data that does not
validate); numbers are parsed here, once, for the charts and for display.
"""

from __future__ import annotations

import json
import math
from dataclasses import dataclass, field
from pathlib import Path

import polars as pl

from .edtf import bounds

QTY = ("qty_low", "qty_best", "qty_high")


@dataclass
class Dataset:
    """The package as the site shows it: plain dicts of strings, joined where pages need it."""

    descriptor: dict
    claims: list[dict]
    sources: list[dict]
    actors: dict[str, dict]
    units: dict[str, dict]
    measures: dict[str, dict]
    systems: dict[str, dict]
    citations: dict[str, list[dict]]
    labels: dict[str, dict[str, str]] = field(default_factory=dict)

    @property
    def name(self) -> str:
        return str(self.descriptor.get("name", "dprk-russia-arms"))

    @property
    def version(self) -> str:
        return str(self.descriptor.get("version", ""))

    def actor_name(self, actor_id: str | None) -> str:
        if not actor_id:
            return ""
        return self.actors.get(actor_id, {}).get("name") or actor_id

    def measure_label(self, measure_id: str | None) -> str:
        return self.measures.get(measure_id or "", {}).get("label") or (measure_id or "")

    def measure_category(self, measure_id: str | None, claim: dict) -> str:
        """The category a measure belongs to (the measures table), else the claim's own."""
        return self.measures.get(measure_id or "", {}).get("category") or claim["category"]

    @property
    def certainty_levels(self) -> list[str]:
        """The certainty values in the order the claims schema lists them: most sure first."""
        return list(self.labels.get("certainty", {}))


def _read(root: Path, name: str) -> pl.DataFrame:
    return pl.read_csv(root / "data" / f"{name}.csv", infer_schema=False)


def _schema_labels(root: Path, descriptor: dict) -> dict[str, dict[str, str]]:
    """value -> label of every enumerated column of the claims table, from its Table Schema."""
    res = next((r for r in descriptor.get("resources", []) if isinstance(r, dict) and r.get("name") == "claims"), {})
    schema = res.get("schema")
    if isinstance(schema, str):
        try:
            schema = json.loads((root / schema).read_text(encoding="utf-8"))
        except (OSError, ValueError):
            schema = None
    out: dict[str, dict[str, str]] = {}
    for f in (schema or {}).get("fields", []):
        cats = f.get("categories")
        if isinstance(cats, list):
            out[f["name"]] = {str(c.get("value")): str(c.get("label", "")) for c in cats if isinstance(c, dict)}
    return out


def number(text: str | None) -> float | None:
    if text is None or text == "":
        return None
    try:
        value = float(text)
    except ValueError:
        return None
    return value if math.isfinite(value) else None


def fmt_number(text: str | None) -> str:
    """A quantity as a reader expects it: 4800000 -> 4,800,000; 33.3 stays 33.3."""
    value = number(text)
    if value is None:
        return text or ""
    if value == int(value) and abs(value) < 1e15:
        return f"{int(value):,}"
    return f"{value:,.6g}" if abs(value) >= 1000 else f"{value:g}"


def load(root: Path) -> Dataset:
    descriptor = json.loads((root / "datapackage.json").read_text(encoding="utf-8"))
    claims = _read(root, "claims").with_columns(bounds("stated"))
    start = pl.coalesce("stated_start", "stated_end").cast(pl.Datetime("ms"))
    end = pl.coalesce("stated_end", "stated_start").cast(pl.Datetime("ms"))
    claims = claims.with_columns((start + (end - start) / 2).alias("stated_mid")).sort("claim_id")
    sources = _read(root, "sources").sort("source_id").to_dicts()
    source_by_id = {s["source_id"]: s for s in sources}
    citations: dict[str, list[dict]] = {}
    for c in _read(root, "citations").sort("claim_id", "source_id").to_dicts():
        c["source"] = source_by_id.get(c["source_id"], {"source_id": c["source_id"], "title": c["source_id"]})
        citations.setdefault(c["claim_id"], []).append(c)
    data = Dataset(
        descriptor=descriptor,
        claims=claims.to_dicts(),
        sources=sources,
        actors={a["actor_id"]: a for a in _read(root, "actors").to_dicts()},
        units={u["unit_id"]: u for u in _read(root, "units").to_dicts()},
        measures={m["measure_id"]: m for m in _read(root, "measures").sort("measure_id").to_dicts()},
        systems={s["system_id"]: s for s in _read(root, "systems").to_dicts()},
        citations=citations,
        labels=_schema_labels(root, descriptor),
    )
    for c in data.claims:
        c["claimant_name"] = data.actor_name(c["claimant_id"])
        c["from_name"], c["to_name"] = data.actor_name(c["from_id"]), data.actor_name(c["to_id"])
        c["measure_label"] = data.measure_label(c["measure"])
        c["system_name"] = data.systems.get(c["system_id"] or "", {}).get("name") or (c["system_id"] or "")
        c["cites"] = citations.get(c["claim_id"], [])
        c["quantified"] = any(number(c[q]) is not None for q in QTY)
        c["sources_attr"] = " ".join(x["source_id"] for x in c["cites"])
        for q in QTY:
            c[f"{q}_fmt"] = fmt_number(c[q])
    return data
