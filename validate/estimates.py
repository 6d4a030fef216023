"""Which claims' numbers the site draws together: one group per measure, item class and unit.

A number is comparable only with numbers of the same measure, item_class and unit dimension
(schema 0.2): killed is never drawn beside wounded or "wounded or missing", delivered never
beside offered. Within one dimension, units that share a canonical unit (km and mi) are put on
one axis; units that do not (containers and rounds are both counts) are drawn apart. A row that
restates another (`restates`) is not an independent estimate: it is listed with the group of
the row it restates and never drawn.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from .sitedata import Dataset, number

# How each item class reads in a chart title.
ITEM_NOUNS = {
    "artillery_ammunition": "Artillery shells",
    "artillery_system": "Artillery systems",
    "rocket_system": "Rocket launchers",
    "ballistic_missile": "Ballistic missiles",
    "drone": "Drones",
    "air_defense": "Air-defence systems",
    "personnel": "Personnel",
    "fuel": "Oil and fuel",
    "money": "Money",
    "technology": "Technology",
    "munitions": "Munitions",
    "other": "Other items",
}


def noun(item_class: str) -> str:
    return ITEM_NOUNS.get(item_class, item_class.replace("_", " ").capitalize())


@dataclass
class Group:
    """Claims whose numbers may stand on one axis: the drawn estimates and the restatements listed with them."""

    item_class: str
    measure: str
    dimension: str
    unit: str  # the unit of the axis
    claims: list[dict] = field(default_factory=list)
    restatements: list[dict] = field(default_factory=list)
    scale: dict[str, float] = field(default_factory=dict)  # claim_id -> factor from the claim's unit to `unit`


def charted(claim: dict) -> bool:
    """An active claim with a number (restating or not)."""
    return claim["quantified"] and claim["status"] == "active"


def _factor(data: Dataset, unit: str | None) -> float:
    value = number(data.units.get(unit or "", {}).get("to_canonical"))
    return value if value else 1.0


def axis(data: Dataset, unit: str | None) -> tuple[str, str]:
    """(dimension, canonical unit) of a unit; an unknown unit is its own axis."""
    row = data.units.get(unit or "")
    if row is None:
        return "unknown", unit or "none"
    return row.get("dimension") or "unknown", row.get("canonical_unit_id") or unit or "none"


def key(data: Dataset, claim: dict) -> tuple[str, str, str, str]:
    """What makes two numbers comparable: measure, item class, unit dimension and canonical unit."""
    return (claim["measure"] or "", claim["item_class"], *axis(data, claim["unit"]))


def groups(data: Dataset, item_class: str) -> tuple[list[Group], list[dict]]:
    """The groups of one item class, in measures-table order, and the restatements no group can hold.

    A restatement goes with the group of the row it restates when that row is drawn here, else
    with the group of its own measure and unit, else it is returned to be listed on its own.
    """
    rows = [c for c in data.claims if c["item_class"] == item_class and charted(c)]
    rows.sort(key=lambda c: (c["stated_mid"] or dt.datetime.max, c["claim_id"]))
    by_key: dict[tuple, Group] = {}
    where: dict[str, Group] = {}
    for c in rows:
        if c["restates"]:
            continue
        k = key(data, c)
        g = by_key.get(k)
        if g is None:
            g = by_key[k] = Group(item_class=item_class, measure=k[0], dimension=k[2], unit=k[3])
        g.claims.append(c)
        where[c["claim_id"]] = g
    leftover = []
    for c in rows:
        if c["restates"]:
            g = where.get(c["restates"]) or by_key.get(key(data, c))
            (g.restatements if g else leftover).append(c)
    for g in by_key.values():
        units = {c["unit"] for c in g.claims}
        if len(units) == 1:
            g.unit = units.pop() or g.unit
        g.scale = {c["claim_id"]: _factor(data, c["unit"]) / _factor(data, g.unit) for c in g.claims}
    order = {m: i for i, m in enumerate(data.measures)}
    cats = {v: i for i, v in enumerate(data.labels.get("category", {}))}
    ranked = sorted(
        by_key.values(),
        key=lambda g: (cats.get(data.measure_category(g.measure, g.claims[0]), len(cats)), order.get(g.measure, len(order)), g.measure, g.dimension, g.unit),
    )
    return ranked, leftover


def chart_title(data: Dataset, group: Group) -> str:
    """A figure title read from the claims: "Artillery shells (North Korea → Russia): delivered or shipped — competing estimates"."""
    claims = group.claims

    def only(column: str) -> str | None:
        values = {c[column] for c in claims}
        return data.actor_name(values.pop()) if len(values) == 1 and None not in values else None

    origin, to = only("from_id"), only("to_id")
    flow = f" ({origin} → {to})" if origin and to else f" (from {origin})" if origin else f" (to {to})" if to else ""
    what = f"{noun(group.item_class)}{flow}: {data.measure_label(group.measure)}"
    if {c["stance"] for c in claims} == {"forecasts"}:
        what += " (forecasts)"
    claimants = {c["claimant_id"] for c in claims}
    return f"{what} — {'competing estimates' if len(claimants) > 1 else 'estimates' if len(claims) > 1 else 'estimate'}"
