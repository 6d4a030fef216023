"""Synthetic dprk-russia-arms packages for the benchmark.

    python benchmarks/generate.py N OUTDIR [--faulty 0.10] [--seed 1]

writes OUTDIR/datapackage.json and OUTDIR/schema/ (copied unchanged from this repository),
OUTDIR/data/units.csv, systems.csv, measures.csv and hedges.csv (copied unchanged) and
generated actors, sources, claims and citations with N claims in the proportions of the real
data: about 1.22 citations per claim, N/30 sources, N/200 synthetic actors beside the real ones,
a quarter of the claims quantified (phrases such as "up to 4.8 million" with qty_high 4800000
rounds), dates ordered (stated <= published <= accessed <= as-of 2026-11-22). Schema 0.2
columns: a measure of the claim's category that allows the unit's dimension, about 80 % of
claims certain and the rest hedged (hedge_text is a word of the hedges lexicon, printed in a
quote; a certain claim's quotes hold no lexicon word), and 3 % restating an earlier claim of the
same measure and item class that restates nothing. The clean package passes every rule of
`python -m validate ... --as-of 2026-11-22` with no warning; its CSV files are byte-for-byte
what `python -m validate.fmt` writes.

With --faulty F a fraction F of the claim rows carries exactly one fault each (a bad enum
value, qty_low > qty_high, a date that is not EDTF, an unknown claimant, a quantity that is not
in qty_text, a future date, a measure of another category, a hedged claim without hedge_text
or with one no quote holds, a restatement of a restatement or of another measure...), so the
validator reports them and exits 1. The faults are listed in OUTDIR/faults.csv (claim id,
fault kind, the rule that reports it: FAULT_RULE) for checking the report.

Everything is vectorised (numpy and polars): 1M claims take a few seconds.
"""

from __future__ import annotations

import argparse
import datetime as dt
import hashlib
import json
import re
import shutil
import sys
import time
from pathlib import Path

import numpy as np
import polars as pl

REPO = Path(__file__).resolve().parent.parent
AS_OF = dt.date(2026, 11, 22)
EPOCH = dt.date(1970, 1, 1)
FIRST_PUBLISHED = dt.date(2022, 3, 1)
LAST_PUBLISHED = dt.date(2026, 9, 30)  # leaves room for accessed <= AS_OF

CLAIMS = [
    "claim_id",
    "claimant_id",
    "stated",
    "category",
    "measure",
    "from_id",
    "to_id",
    "item_class",
    "system_id",
    "stance",
    "certainty",
    "hedge_text",
    "qty_low",
    "qty_best",
    "qty_high",
    "unit",
    "qty_text",
    "period",
    "period_text",
    "status",
    "superseded_by",
    "restates",
    "notes",
]

# ---------------------------------------------------------------------------------------------
# Quantities: (category, item_class, unit, weight, values, renderings). Values are what the
# phrase states; a rendering turns a value into words as a source would print them.
# ---------------------------------------------------------------------------------------------

WORD = {2: "two", 3: "three", 4: "four", 5: "five", 6: "six", 7: "seven", 8: "eight", 9: "nine", 10: "ten", 12: "twelve", 15: "fifteen", 20: "twenty"}


def _num(v: float) -> str:
    """A stored quantity as typed: whole numbers without a decimal point."""
    return str(int(v)) if float(v).is_integer() else repr(round(float(v), 1))


def _digits(v: float) -> str:
    return f"{int(v):,}" if float(v).is_integer() else repr(v)


def _renderings(v: float, money: bool = False) -> list[str]:
    """Ways a source prints the number v: '12,000', '4.8 million', 'five million', '$5.5 billion'."""
    out = []
    cur = "$" if money else ""
    out.append(cur + _digits(v))
    for scale, word in ((1e9, "billion"), (1e6, "million"), (1e3, "thousand")):
        if v >= scale:
            m = v / scale
            if abs(m * 10 - round(m * 10)) < 1e-9 and (scale > 1e3 or money is False):
                ms = _num(round(m, 1))
                if scale > 1e3:
                    out.append(f"{cur}{ms} {word}")
                if float(m).is_integer() and int(m) in WORD and not money:
                    out.append(f"{WORD[int(m)]} {word}")
                if m == 1 and not money:
                    out.append(f"a {word}")
            break
    if not money and float(v).is_integer() and int(v) in WORD and v <= 20:
        out.append(WORD[int(v)])
    return out


# phrase templates: (template, which field the number goes to)
SINGLE = [
    ("up to {}", "qty_high"),
    ("nearly {}", "qty_high"),
    ("as many as {}", "qty_high"),
    ("more than {}", "qty_low"),
    ("over {}", "qty_low"),
    ("at least {}", "qty_low"),
    ("about {}", "qty_best"),
    ("some {}", "qty_best"),
    ("around {}", "qty_best"),
    ("approximately {}", "qty_best"),
    ("roughly {}", "qty_best"),
    ("an estimated {}", "qty_best"),
    ("{}", "qty_best"),
]
RANGE = ["between {} and {}", "{} to {}", "from {} to {}"]


def _grid(mantissas: list[float], exponents: list[int]) -> list[float]:
    return sorted({round(m * 10**e, 6) for m in mantissas for e in exponents})


COMMON = [1, 1.2, 1.5, 2, 2.5, 3, 4, 4.8, 5, 6, 7, 8, 9]
# (category, item_class, unit, weight, values, what the unit is called in a quote, money)
QUANTIFIED = [
    ("transfer", "artillery_ammunition", "rounds", 20, _grid(COMMON, [5, 6]), "artillery shells", False),
    ("transfer", "munitions", "containers", 10, [float(k * 1000) for k in (1, 2, 3, 5, 6, 7, 8, 10, 12, 13, 15, 20)], "shipping containers", False),
    ("transfer", "munitions", "railcars", 4, [float(k) for k in (100, 150, 200, 300, 500, 1000, 2000, 2500)], "railcars of munitions", False),
    ("transfer", "ballistic_missile", "missiles", 8, [float(k) for k in (5, 10, 12, 20, 25, 40, 50, 60, 100, 150, 200)], "ballistic missiles", False),
    ("transfer", "rocket_system", "launchers", 4, [float(k) for k in (10, 12, 20, 30, 50, 100)], "multiple rocket launchers", False),
    ("transfer", "artillery_system", "pieces", 5, [float(k) for k in (20, 50, 100, 120, 150, 200, 250, 300)], "self-propelled howitzers", False),
    ("transfer", "fuel", "barrels", 3, _grid([1, 1.5, 2, 2.5, 3, 5], [5, 6]), "barrels of oil", False),
    ("transfer", "other", "times", 2, [2.0, 3.0, 4.0], "times the previous volume", False),
    ("deployment", "personnel", "persons", 10, [float(k * 500) for k in range(2, 31)], "North Korean troops", False),
    (
        "casualties",
        "personnel",
        "persons",
        10,
        [float(k) for k in (10, 30, 40, 100, 120, 200, 300, 500, 1000, 1500, 2000, 2700, 3000, 4000)],
        "soldiers",
        False,
    ),
    ("use", "ballistic_missile", "missiles", 4, [float(k) for k in (5, 10, 20, 40, 50, 60)], "North Korean missiles", False),
    ("use", "artillery_ammunition", "percent", 3, [float(k) for k in range(10, 100, 5)], "percent of the shells fired", False),
    ("production", "munitions", "factories", 2, [float(k) for k in (10, 20, 50, 100, 200, 300)], "munitions factories", False),
    ("capability", "ballistic_missile", "km", 3, [float(k) for k in (300, 400, 500, 600, 700, 800, 900)], "kilometres of range", False),
    ("capability", "drone", "types", 2, [float(k) for k in range(2, 13)], "types of drones", False),
    ("payment", "money", "usd", 4, _grid([1, 1.5, 2, 3, 5, 5.5, 7.5], [7, 8, 9]), "in payments", True),
    ("payment", "money", "usd_per_year", 2, _grid([1, 2, 5, 5.72], [7, 8]), "a year", True),
]
PERCENT_WORDS = [("a third", 33.3), ("half", 50.0), ("a quarter", 25.0), ("two thirds", 66.7), ("three quarters", 75.0)]
TIMES_WORDS = [("twice", 2.0), ("double", 2.0), ("tripling", 3.0), ("three times", 3.0), ("four times", 4.0)]
KM_MILES = [("about 190 miles (300 kilometers)", 300.0), ("about 550 miles (900 kilometers)", 900.0), ("some 430 miles (700 kilometers)", 700.0)]
# Vague amounts: words and a unit, no number (the numbers parser must find nothing in them).
VAGUE = [
    ("transfer", "artillery_ammunition", "rounds", "millions"),
    ("transfer", "artillery_ammunition", "rounds", "Millions"),
    ("transfer", "munitions", "rounds", "a significant quantity"),
    ("transfer", "munitions", "rockets", "dozens"),
    ("transfer", "munitions", "containers", "thousands"),
    ("deployment", "personnel", "persons", "tens of thousands"),
    ("casualties", "personnel", "persons", "hundreds"),
    ("transfer", "ballistic_missile", "missiles", "dozens"),
]
# Unquantified claims: (category, item_class, weight)
UNQUANTIFIED = [
    ("transfer", "artillery_ammunition", 14),
    ("transfer", "munitions", 10),
    ("transfer", "ballistic_missile", 8),
    ("transfer", "artillery_system", 5),
    ("transfer", "rocket_system", 4),
    ("transfer", "technology", 6),
    ("transfer", "other", 5),
    ("transfer", "fuel", 3),
    ("deployment", "personnel", 12),
    ("deployment", "other", 3),
    ("use", "ballistic_missile", 6),
    ("use", "artillery_ammunition", 4),
    ("casualties", "personnel", 6),
    ("production", "munitions", 3),
    ("capability", "ballistic_missile", 3),
    ("capability", "drone", 2),
    ("payment", "money", 3),
    ("agreement", "other", 2),
    ("other", "other", 4),
    ("other", "air_defense", 1),
]
# Measures (0.2): which measures.csv measure_id a claim of (category, item_class, unit) may
# have, with weights; unit None for unquantified claims. Every measure belongs to the category
# and allows the unit's dimension (checked against data/measures.csv when generating).
MEASURE_MIX: dict[tuple[str, str, str | None], list[tuple[str, int]]] = {
    ("transfer", "artillery_ammunition", "rounds"): [("delivered", 80), ("purchased", 10), ("offered", 5), ("requested", 5)],
    ("transfer", "munitions", "containers"): [("delivered", 60), ("traffic", 40)],
    ("transfer", "munitions", "railcars"): [("traffic", 70), ("delivered", 30)],
    ("transfer", "munitions", "rounds"): [("delivered", 90), ("purchased", 10)],
    ("transfer", "munitions", "rockets"): [("delivered", 100)],
    ("transfer", "ballistic_missile", "missiles"): [("delivered", 80), ("purchased", 10), ("offered", 10)],
    ("transfer", "rocket_system", "launchers"): [("delivered", 90), ("offered", 10)],
    ("transfer", "artillery_system", "pieces"): [("delivered", 90), ("requested", 10)],
    ("transfer", "fuel", "barrels"): [("delivered", 100)],
    ("transfer", "other", "times"): [("traffic", 80), ("delivered", 20)],
    ("deployment", "personnel", "persons"): [("deployed_troops", 85), ("workers_sent", 15)],
    ("casualties", "personnel", "persons"): [("killed", 35), ("wounded", 25), ("wounded_or_missing", 10), ("casualties_unspecified", 30)],
    ("use", "ballistic_missile", "missiles"): [("fired", 75), ("found_debris", 25)],
    ("use", "artillery_ammunition", "percent"): [("fired", 100)],
    ("production", "munitions", "factories"): [("production_capacity", 100)],
    ("capability", "ballistic_missile", "km"): [("range", 100)],
    ("capability", "drone", "types"): [("technical_feature", 100)],
    ("payment", "money", "usd"): [("paid", 100)],
    ("payment", "money", "usd_per_year"): [("paid", 100)],
    ("transfer", "artillery_ammunition", None): [("delivered", 75), ("purchased", 10), ("offered", 5), ("requested", 5), ("traffic", 5)],
    ("transfer", "munitions", None): [("delivered", 70), ("traffic", 20), ("purchased", 10)],
    ("transfer", "ballistic_missile", None): [("delivered", 75), ("purchased", 10), ("offered", 10), ("requested", 5)],
    ("transfer", "artillery_system", None): [("delivered", 90), ("offered", 10)],
    ("transfer", "rocket_system", None): [("delivered", 90), ("offered", 10)],
    ("transfer", "technology", None): [("offered", 40), ("requested", 30), ("delivered", 30)],
    ("transfer", "other", None): [("delivered", 60), ("traffic", 40)],
    ("transfer", "fuel", None): [("delivered", 90), ("offered", 10)],
    ("deployment", "personnel", None): [("deployed_troops", 90), ("workers_sent", 10)],
    ("deployment", "other", None): [("workers_sent", 100)],
    ("use", "ballistic_missile", None): [("fired", 80), ("found_debris", 20)],
    ("use", "artillery_ammunition", None): [("fired", 100)],
    ("casualties", "personnel", None): [("casualties_unspecified", 50), ("killed", 30), ("wounded", 20)],
    ("production", "munitions", None): [("produced", 70), ("production_capacity", 30)],
    ("capability", "ballistic_missile", None): [("technical_feature", 70), ("range", 30)],
    ("capability", "drone", None): [("technical_feature", 100)],
    ("payment", "money", None): [("paid", 100)],
    ("agreement", "other", None): [("agreed", 100)],
    ("other", "other", None): [("other", 50), ("impact", 50)],
    ("other", "air_defense", None): [("other", 100)],
}
# Certainty (0.2) by stance, in per cent: certain, likely, possible, doubtful (about 80 %
# certain overall), and the hedges a hedged claim's first quote ends with: (hedge_text, a
# sentence holding it verbatim). A certain claim's quotes hold no word of data/hedges.csv.
CERTAINTY = ["certain", "likely", "possible", "doubtful"]
CERTAINTY_MIX = {"asserts": [85, 8, 5, 2], "denies": [95, 2, 1, 2], "forecasts": [60, 15, 22, 3]}
HEDGES = {
    "likely": [
        ("likely", "Officials said this was likely."),
        ("believed", "The account is believed to be accurate."),
        ("probably", "The account is probably accurate, analysts said."),
        ("assessed", "Analysts assessed the account as credible."),
        ("appears", "The account appears to be credible."),
    ],
    "possible": [
        ("could", "The account could not be independently verified."),
        ("allegedly", "This allegedly came from a leaked document."),
        ("reportedly", "This reportedly came from several sources."),
        ("may", "The account may be incomplete."),
        ("might", "The account might be exaggerated."),
        ("if confirmed", "The account, if confirmed, would be significant."),
    ],
    "doubtful": [
        ("unlikely", "Others said the account was unlikely to be accurate."),
        ("doubt", "Several analysts doubt the account."),
        ("unclear", "It remains unclear whether the account is accurate."),
    ],
}
RESTATES_SHARE = 0.03  # claims that restate an earlier one of the same measure and item_class

ITEM_WORDS = {
    "artillery_ammunition": "artillery shells",
    "munitions": "munitions",
    "ballistic_missile": "ballistic missiles",
    "artillery_system": "self-propelled howitzers",
    "rocket_system": "multiple rocket launchers",
    "technology": "military technology",
    "other": "equipment",
    "fuel": "refined oil",
    "personnel": "troops",
    "drone": "drones",
    "money": "hard currency",
    "air_defense": "air defence systems",
}


def quantity_catalogue() -> pl.DataFrame:
    """Every (combo, qty_text, low, best, high) phrase the generator may use; combo indexes
    QUANTIFIED, then VAGUE (offset len(QUANTIFIED))."""
    rows = []
    for k, (_cat, _item, unit, _w, values, _what, money) in enumerate(QUANTIFIED):
        for v in values:
            for r in _renderings(v, money):
                for tmpl, fld in SINGLE:
                    rows.append((k, tmpl.format(r), fld, v, None))
        for a, b in zip(values, values[2:], strict=False):  # ranges between neighbouring values
            for tmpl in RANGE:
                rows.append((k, tmpl.format(_renderings(a, money)[0], _renderings(b, money)[0]), "range", a, b))
        if unit == "percent":
            rows += [(k, f"{p}%", "qty_best", v, None) for p, v in ((str(int(x)), x) for x in values)]
            rows += [(k, f"{x} percent", "qty_best", x, None) for x in (int(v) for v in values)]
            rows += [(k, f"nearly {w}", "qty_high", v, None) for w, v in PERCENT_WORDS]
            rows += [(k, f"about {w}", "qty_best", v, None) for w, v in PERCENT_WORDS]
        if unit == "times":
            rows += [(k, w, "qty_best", v, None) for w, v in TIMES_WORDS]
            rows += [(k, f"more than {w}", "qty_low", v, None) for w, v in TIMES_WORDS if w in ("double", "twice")]
        if unit == "km":
            rows += [(k, w, "qty_best", v, None) for w, v in KM_MILES]
        if unit == "percent":  # percentages are never "5,000%": drop renderings above 100
            rows = [r for r in rows if r[0] != k or r[3] <= 100]
    table = []
    for k, text, fld, a, b in rows:
        low = _num(a) if fld in ("qty_low", "range") else None
        best = _num(a) if fld == "qty_best" else None
        high = _num(b) if fld == "range" else _num(a) if fld == "qty_high" else None
        table.append((k, text, fld, low, best, high))
    schema = {"combo": pl.Int32, "qty_text": pl.String, "field": pl.String, "qty_low": pl.String, "qty_best": pl.String, "qty_high": pl.String}
    cat = pl.DataFrame(table, schema=schema, orient="row").unique(["combo", "qty_text"], keep="first", maintain_order=True)
    vague = pl.DataFrame(
        {"combo": [len(QUANTIFIED) + i for i in range(len(VAGUE))], "qty_text": [v[3] for v in VAGUE], "field": ["vague"] * len(VAGUE)},
        schema={"combo": pl.Int32, "qty_text": pl.String, "field": pl.String},
    )
    return pl.concat([cat, vague], how="diagonal")


# ---------------------------------------------------------------------------------------------
# Actors, sources
# ---------------------------------------------------------------------------------------------

ACTOR_TYPES = [
    ("government_body", "gov-body", "Ministry office", 8),
    ("intelligence_agency", "intel", "Intelligence service", 5),
    ("armed_forces", "forces", "Armed forces command", 4),
    ("official", "official", "Official", 20),
    ("analyst", "analyst", "Analyst", 20),
    ("research_organisation", "institute", "Research institute", 10),
    ("company", "company", "Satellite imagery company", 4),
    ("media", "outlet", "News outlet", 20),
    ("international_organisation", "intl-org", "International organisation", 2),
    ("officials_group", "officials", "Group of officials", 7),
]
COUNTRIES = ["KOR", "USA", "UKR", "RUS", "PRK", "GBR", "DEU", "FRA", "JPN", "POL", "EST", "AUT"]
STATE_OF = {"KOR": "kor", "USA": "usa", "UKR": "ukr", "RUS": "rus", "PRK": "prk"}

PUBLISHERS = [  # slug, name, domain, source_type
    ("reuters", "Reuters", "reuters.example.com", "news_article"),
    ("ap", "Associated Press", "apnews.example.com", "news_article"),
    ("yonhap", "Yonhap News Agency", "en.yna.example.kr", "news_article"),
    ("kyiv-independent", "The Kyiv Independent", "kyivindependent.example.com", "news_article"),
    ("nk-news", "NK News", "nknews.example.org", "news_article"),
    ("bbc", "BBC News", "bbc.example.co.uk", "news_article"),
    ("ft", "Financial Times", "ft.example.com", "news_article"),
    ("wsj", "The Wall Street Journal", "wsj.example.com", "news_article"),
    ("mint", "Mint", "livemint.example.com", "syndicated_article"),
    ("news-blog", "Unnamed news blog", "blog.example.net", "syndicated_article"),
    ("38-north", "38 North", "38north.example.org", "report"),
    ("rusi", "Royal United Services Institute", "rusi.example.org", "report"),
    ("isw", "Institute for the Study of War", "understandingwar.example.org", "report"),
    ("kor-mnd", "Ministry of National Defense (Republic of Korea)", "mnd.example.go.kr", "government_statement"),
    ("white-house", "The White House", "whitehouse.example.gov", "government_statement"),
    ("un-panel", "UN Panel of Experts", "un.example.org", "dataset"),
    ("telegram", "Telegram channel", "t.example.me", "other"),
]
ORIGINALS = ["Associated Press", "Deutsche Welle", "The Wall Street Journal", "Reuters", "Agence France-Presse"]
HEADLINES = [
    "North Korea ships more artillery shells to Russia, officials say",
    "Satellite images show North Korea boosting arms flow to Russia",
    "Seoul says Pyongyang sent troops to fight for Moscow",
    "Russia pays North Korea in oil and technology for munitions",
    "North Korean missiles used in strikes on Ukraine, Kyiv says",
    "How North Korea is supplying Russia's war in Ukraine",
    "Pyongyang and Moscow deepen military cooperation after defence pact",
    "Ukraine says North Korean troops suffered heavy casualties in Kursk",
]
FIRST = ["Min-jun", "Anna", "Oleksandr", "Sarah", "Dmitri", "Ji-woo", "Thomas", "Olena", "David", "Hye-jin", "Mark", "Yuki"]
LAST = ["Kim", "Smith", "Kovalenko", "Park", "Ivanova", "Lee", "Brown", "Shevchenko", "Choi", "Tanaka", "Müller", "Novak"]

QUOTE_Q = [  # quantified: the quote carries qty_text verbatim
    ("", " said North Korea had sent ", " ", " to Russia since the summer."),
    ("According to ", ", Pyongyang has supplied ", " ", " for use in Ukraine, a figure not independently verified."),
    ("", " estimated that ", " ", " had reached Russia by rail and sea, citing satellite imagery of the port of Rajin."),
    ("“We assess that ", " has seen ", " ", ",” the statement said, without giving further details."),
    ("In a briefing, ", " put the figure at ", " ", ", up from earlier estimates."),
    ("", " told reporters that ", " ", ' were involved, according to "multiple sources" in the region.'),
]
QUOTE_U = {  # unquantified, by stance
    "asserts": [
        ("", " said North Korea continued to supply ", " to Russia."),
        ("“There is clear evidence,” said ", ", that Pyongyang is providing ", " to Moscow."),
        ("", " reported that Moscow was receiving North Korean ", " as its own stocks ran low."),
    ],
    "forecasts": [
        ("According to ", ", Russia will acquire additional North Korean ", " in the future."),
        ("", " expects Pyongyang to send more ", " to Moscow in the coming months."),
    ],
    "denies": [
        ("", " denied that any ", " had been transferred, calling the reports “groundless”."),
    ],
}
PERIOD_TEXT = ["in 2023", "this year", "since the summer", "in recent weeks", "over the past year", "by the end of next year", "now", "since August 2023"]
CLAIM_NOTES = [
    "Synthetic claim for the benchmark. ",
    "No date given for this statement: document date used (said no later than publication). ",
    "'recently': no date given, only that it was before the document; the open interval ends at the publication date. ",
    "Figure as printed; the claimant's own estimate, not independently verified by the outlet. ",
]


def _days(d: dt.date) -> int:
    return (d - EPOCH).days


def _date(expr: pl.Expr) -> pl.Expr:
    return expr.cast(pl.Int32).cast(pl.Date)


def pick(rng: np.random.Generator, n: int, weights: list[float]) -> np.ndarray:
    p = np.asarray(weights, dtype=float)
    return rng.choice(len(p), size=n, p=p / p.sum())


def _mix_table(mixes: list[list[tuple[int, float]]]) -> tuple[np.ndarray, np.ndarray]:
    """Weighted choices as padded matrices: row g holds mix g's cumulative shares (the last one
    infinite) and its values, so that `ids[g, (u[:, None] >= cum[g]).sum(1)]` draws from mix g
    for uniform u."""
    width = max(len(m) for m in mixes)
    cum = np.full((len(mixes), width), np.inf)
    ids = np.zeros((len(mixes), width), dtype=np.int64)
    for g, mix in enumerate(mixes):
        w = np.asarray([x[1] for x in mix], dtype=float)
        cum[g, : len(w) - 1] = np.cumsum(w)[:-1] / w.sum()
        ids[g, : len(w)] = [x[0] for x in mix]
    return cum, ids


def make_actors(rng: np.random.Generator, n: int, real: pl.DataFrame) -> pl.DataFrame:
    t = pick(rng, n, [a[3] for a in ACTOR_TYPES])
    i = np.arange(1, n + 1)
    country = np.asarray(COUNTRIES, dtype=object)[rng.integers(0, len(COUNTRIES), n)]
    country = np.where(rng.random(n) < 0.2, None, country)
    types = np.asarray([a[0] for a in ACTOR_TYPES], dtype=object)[t]
    prefix = pl.Series([a[1] for a in ACTOR_TYPES])[t]
    label = pl.Series([a[2] for a in ACTOR_TYPES])[t]
    state = np.asarray([STATE_OF.get(c) if c else None for c in COUNTRIES + [None]], dtype=object)
    cidx = np.asarray([COUNTRIES.index(c) if c else len(COUNTRIES) for c in country])
    has_parent = np.isin(types, ["government_body", "intelligence_agency", "armed_forces", "official", "officials_group"]) & (rng.random(n) < 0.6)
    parent = np.where(has_parent, state[cidx], None)
    f = pl.DataFrame(
        {
            "i": i,
            "prefix": prefix,
            "label": label,
            "actor_type": pl.Series(types.tolist(), dtype=pl.String),
            "country": pl.Series(country.tolist(), dtype=pl.String),
            "parent_id": pl.Series(parent.tolist(), dtype=pl.String),
            "w": rng.integers(1, 99_999_999, n),
            "r": rng.random(n),
        }
    )
    num = pl.col("i").cast(pl.String).str.zfill(6)
    out = f.select(
        actor_id=pl.concat_str([pl.col("prefix"), pl.lit("-"), num]),
        name=pl.concat_str([pl.col("label"), pl.lit(" "), pl.col("i").cast(pl.String)]),
        actor_type="actor_type",
        country="country",
        parent_id="parent_id",
        aliases=pl.when(pl.col("r") < 0.3).then(pl.concat_str([pl.col("label"), pl.lit(" no. "), pl.col("i").cast(pl.String)])),
        wikidata_id=pl.when(pl.col("r") > 0.9).then(pl.concat_str([pl.lit("Q"), pl.col("w").cast(pl.String)])),
        notes=pl.when(pl.col("r").is_between(0.5, 0.8)).then(pl.lit("Synthetic actor for the benchmark; country as printed, parent from general knowledge.")),
    )
    return pl.concat([real, out]).sort("actor_id")


def make_sources(rng: np.random.Generator, n: int, seed: int) -> pl.DataFrame:
    p = rng.integers(0, len(PUBLISHERS), n)
    day = rng.integers(_days(FIRST_PUBLISHED), _days(LAST_PUBLISHED) + 1, n)
    fmt = pick(rng, n, [85, 8, 4, 3])  # day, month~, month, day?
    lag = np.where(rng.random(n) < 0.5, rng.integers(0, 30, n), rng.integers(0, 800, n))
    sha = [hashlib.sha256(f"synthetic snapshot {seed} {k}".encode()).hexdigest() for k in range(n)]
    pub = pl.DataFrame([(s, nm, dom, st) for s, nm, dom, st in PUBLISHERS], schema=["slug", "publisher", "domain", "source_type"], orient="row")
    f = pl.DataFrame(
        {
            "k": np.arange(n),
            "p": p,
            "day": day,
            "fmt": fmt,
            "lag": lag,
            "sha": sha,
            "h": rng.integers(0, len(HEADLINES), n),
            "a1": rng.integers(0, len(FIRST) * len(LAST), n),
            "a2": rng.integers(0, len(FIRST) * len(LAST), n),
            "o": rng.integers(0, len(ORIGINALS), n),
            "lang": pick(rng, n, [80, 8, 5, 5, 2]),
            "r": rng.random(n),
        }
    ).join(pub.with_row_index("p").with_columns(pl.col("p").cast(pl.Int64)), on="p", how="left", maintain_order="left")
    d = _date(pl.col("day"))
    month = d.dt.strftime("%Y-%m")
    published = (
        pl.when(pl.col("fmt") == 0)
        .then(d.dt.strftime("%Y-%m-%d"))
        .when(pl.col("fmt") == 1)
        .then(month + "~")
        .when(pl.col("fmt") == 2)
        .then(month)
        .otherwise(d.dt.strftime("%Y-%m-%d") + "?")
    )
    pub_start = pl.when(pl.col("fmt").is_in([1, 2])).then(d.dt.month_start()).otherwise(d)
    pub_end = pl.when(pl.col("fmt").is_in([1, 2])).then(d.dt.month_end()).otherwise(d)
    accessed = pl.min_horizontal(pub_end + pl.duration(days=pl.col("lag")), pl.lit(AS_OF))
    author = pl.Series([f"{a} {b}" for a in FIRST for b in LAST])
    out = f.with_columns(
        source_id=pl.concat_str([pl.col("slug"), pl.lit("-"), d.dt.strftime("%Y-%m-%d"), pl.lit("-"), pl.col("k").cast(pl.String).str.zfill(6)]),
        title=pl.col("h").replace_strict(dict(enumerate(HEADLINES)), return_dtype=pl.String),
        original_publisher=pl.when(pl.col("source_type") == "syndicated_article").then(
            pl.col("o").replace_strict(dict(enumerate(ORIGINALS)), return_dtype=pl.String)
        ),
        authors=pl.when(pl.col("r") < 0.4)
        .then(pl.col("a1").replace_strict(dict(enumerate(author)), return_dtype=pl.String))
        .when(pl.col("r") < 0.6)
        .then(
            pl.concat_str(
                [
                    pl.col("a1").replace_strict(dict(enumerate(author)), return_dtype=pl.String),
                    pl.col("a2").replace_strict(dict(enumerate(author)), return_dtype=pl.String),
                ],
                separator="; ",
            )
        ),
        published=published,
        pub_start=pub_start,
        pub_end=pub_end,
        accessed=accessed.dt.strftime("%Y-%m-%d"),
        url=pl.when(pl.col("r") < 0.7).then(
            pl.concat_str([pl.lit("https://"), pl.col("domain"), pl.lit("/"), d.dt.strftime("%Y/%m/%d"), pl.lit("/article-"), pl.col("k").cast(pl.String)])
        ),
        language=pl.col("lang").replace_strict(dict(enumerate(["en", "ko", "ru", "uk", "de"])), return_dtype=pl.String),
        snapshot_sha256="sha",
        notes=pl.when(pl.col("fmt").is_in([1, 3]))
        .then(pl.lit("No date is printed. Inferred from the photo caption and the events reported (approximate)."))
        .when(pl.col("r") > 0.7)
        .then(pl.lit("accessed: the archive date was not recorded; this is the date the snapshot entered the project.")),
    )
    return out.sort("source_id")


# ---------------------------------------------------------------------------------------------
# Claims and citations
# ---------------------------------------------------------------------------------------------


def make_claims(rng: np.random.Generator, n: int, actors: pl.DataFrame, sources: pl.DataFrame, systems: pl.DataFrame) -> tuple[pl.DataFrame, pl.DataFrame]:
    n_src = sources.height
    width = max(7, len(str(n)))
    # Citations: 1 (80 %), 2 (18 %) or 3 (2 %) distinct sources per claim; every source cited.
    k = np.minimum(pick(rng, n, [80, 18, 2]) + 1, n_src)
    first = rng.integers(0, n_src, n)
    first[rng.permutation(n)[: min(n, n_src)]] = np.arange(min(n, n_src))
    claim_of = np.repeat(np.arange(n), k)
    nth = np.arange(claim_of.size) - np.repeat(np.cumsum(k) - k, k)
    step = max(1, n_src // 3)
    src_of = (first[claim_of] + nth * (1 + rng.integers(0, step, claim_of.size) * (nth > 0))) % n_src
    cit = pl.DataFrame({"ci": claim_of, "si": src_of, "nth": nth}).unique(["ci", "si"], keep="first", maintain_order=True)
    pub_start = sources["pub_start"].cast(pl.Int32).to_numpy()
    earliest = cit.with_columns(ps=pl.Series(pub_start)[cit["si"].to_numpy()]).group_by("ci").agg(pl.col("ps").min()).sort("ci")["ps"].to_numpy()

    # stated: on or up to 45 days before the earliest citing source's publication.
    d = earliest - np.where(rng.random(n) < 0.35, 0, rng.integers(0, 46, n))
    s_fmt = pick(rng, n, [60, 10, 8, 5, 10, 4, 3])  # day, month, month~, day?, interval, ../day, year
    d0 = d - rng.integers(1, 15, n)
    stance = pick(rng, n, [78, 3, 19])  # asserts, denies, forecasts
    # quantities
    quant = rng.random(n)
    cat = quantity_catalogue()
    counts = cat.group_by("combo").len().sort("combo")
    start = np.concatenate([[0], np.cumsum(counts["len"].to_numpy().astype(np.int64))[:-1]]).astype(np.int64)
    n_q = len(QUANTIFIED)
    combo = np.full(n, -1)
    is_num = quant < 0.24
    is_vague = (quant >= 0.24) & (quant < 0.29)
    combo[is_num] = pick(rng, int(is_num.sum()), [q[3] for q in QUANTIFIED])
    combo[is_vague] = n_q + rng.integers(0, len(VAGUE), int(is_vague.sum()))
    phrase = np.where(combo >= 0, start[np.maximum(combo, 0)] + (rng.random(n) * counts["len"].to_numpy()[np.maximum(combo, 0)]).astype(np.int64), -1)
    unq = pick(rng, n, [u[2] for u in UNQUANTIFIED])
    q_cat = [q[0] for q in QUANTIFIED] + [v[0] for v in VAGUE]
    q_item = [q[1] for q in QUANTIFIED] + [v[1] for v in VAGUE]
    q_unit = [q[2] for q in QUANTIFIED] + [v[2] for v in VAGUE]
    q_what = [q[5] for q in QUANTIFIED] + [ITEM_WORDS[v[1]] for v in VAGUE]
    # systems named for a fitting item class (30 % of claims that could name one)
    sys_by_class: dict[str, list[str]] = {}
    for sid, cls in systems.select("system_id", "item_class").iter_rows():
        sys_by_class.setdefault(cls, []).append(sid)

    f = pl.DataFrame(
        {
            "i": np.arange(n),
            "combo": combo,
            "phrase": phrase,
            "unq": unq,
            "claimant": rng.integers(0, actors.height, n),
            "d": d,
            "d0": d0,
            "s_fmt": s_fmt,
            "stance": stance,
            "p_fmt": np.where(rng.random(n) < 0.25, rng.integers(0, 5, n), -1),
            "p1": d - rng.integers(30, 700, n),
            "p2": d + rng.integers(30, 400, n),
            "r": rng.random(n),
            "r2": rng.random(n),
            "sup": rng.random(n),
            "sup_to": np.minimum(np.arange(n) + rng.integers(1, 50, n), n - 1),
            "note": rng.integers(0, len(CLAIM_NOTES), n),
            "pt": rng.integers(0, len(PERIOD_TEXT), n),
        }
    )
    cat_rows = cat.with_row_index("phrase").with_columns(pl.col("phrase").cast(pl.Int64))
    f = f.join(cat_rows.drop("combo", "field"), on="phrase", how="left", maintain_order="left").sort("i")
    lookup = lambda values: pl.col("combo").replace_strict(dict(enumerate(values)), default=None, return_dtype=pl.String)  # noqa: E731
    ulookup = lambda values: pl.col("unq").replace_strict(dict(enumerate(values)), return_dtype=pl.String)  # noqa: E731
    category = pl.when(pl.col("combo") >= 0).then(lookup(q_cat)).otherwise(ulookup([u[0] for u in UNQUANTIFIED]))
    item = pl.when(pl.col("combo") >= 0).then(lookup(q_item)).otherwise(ulookup([u[1] for u in UNQUANTIFIED]))
    f = f.with_columns(category=category, item_class=item, unit=pl.when(pl.col("combo") >= 0).then(lookup(q_unit)))
    # direction: money, fuel and technology flow to North Korea; most of the rest from it.
    back = pl.col("item_class").is_in(["money", "fuel", "technology"])
    undirected = pl.col("category").is_in(["capability", "other", "agreement"]) & (pl.col("r2") < 0.5)
    f = f.with_columns(
        from_id=pl.when(undirected).then(None).when(back).then(pl.lit("rus")).otherwise(pl.lit("prk")),
        to_id=pl.when(undirected).then(None).when(back).then(pl.lit("prk")).otherwise(pl.lit("rus")),
        # a stance of "denies" only on unquantified claims; no forecast of casualties
        stance=pl.when((pl.col("stance") == 1) & (pl.col("combo") >= 0))
        .then(pl.lit("asserts"))
        .otherwise(pl.col("stance").replace_strict({0: "asserts", 1: "denies", 2: "forecasts"}, return_dtype=pl.String)),
    )
    sys_expr = pl.lit(None, dtype=pl.String)
    for cls, ids in sys_by_class.items():
        pickid = (pl.col("r2") * 1000).cast(pl.Int64) % len(ids)
        sys_expr = (
            pl.when((pl.col("item_class") == cls) & (pl.col("r2") < 0.3))
            .then(pickid.replace_strict(dict(enumerate(ids)), return_dtype=pl.String))
            .otherwise(sys_expr)
        )
    f = f.with_columns(system_id=sys_expr)

    # measure (0.2): drawn from MEASURE_MIX for the claim's category, item class and unit;
    # certainty by stance, and a hedge of that certainty for every claim that is not certain.
    keys = list(MEASURE_MIX)
    key = pl.concat_str([pl.col("category"), pl.col("item_class"), pl.col("unit").fill_null("")], separator="|")
    gid = f.select(key.replace_strict({f"{c}|{it}|{u or ''}": g for g, (c, it, u) in enumerate(keys)}, return_dtype=pl.Int64)).to_series().to_numpy()
    names = sorted({m for mix in MEASURE_MIX.values() for m, _ in mix})
    m_cum, m_id = _mix_table([[(names.index(m), w) for m, w in MEASURE_MIX[k]] for k in keys])
    measure = m_id[gid, (rng.random(n)[:, None] >= m_cum[gid]).sum(axis=1)]
    stances = list(CERTAINTY_MIX)
    st_id = f.select(pl.col("stance").replace_strict({st: j for j, st in enumerate(stances)}, return_dtype=pl.Int64)).to_series().to_numpy()
    c_cum, c_id = _mix_table([list(enumerate(CERTAINTY_MIX[st])) for st in stances])
    certainty = c_id[st_id, (rng.random(n)[:, None] >= c_cum[st_id]).sum(axis=1)]
    hedge_list = [(cty, h, sentence) for cty in CERTAINTY[1:] for h, sentence in HEDGES[cty]]
    offset = np.asarray([0] + [sum(len(HEDGES[x]) for x in CERTAINTY[1:j]) for j in range(1, len(CERTAINTY))])
    count = np.asarray([1] + [len(HEDGES[x]) for x in CERTAINTY[1:]])
    hedge = np.where(certainty > 0, offset[certainty] + (rng.random(n) * count[certainty]).astype(np.int64), -1)
    f = f.with_columns(
        measure=pl.Series(measure).replace_strict(dict(enumerate(names)), return_dtype=pl.String),
        certainty=pl.Series(certainty).replace_strict(dict(enumerate(CERTAINTY)), return_dtype=pl.String),
        hedge=pl.Series(hedge),
    )
    f = f.with_columns(hedge_text=pl.col("hedge").replace_strict({j: h[1] for j, h in enumerate(hedge_list)}, default=None, return_dtype=pl.String))

    # dates
    D, D0, P1, P2 = (_date(pl.col(c)) for c in ("d", "d0", "p1", "p2"))
    day, month, year = D.dt.strftime("%Y-%m-%d"), D.dt.strftime("%Y-%m"), D.dt.strftime("%Y")
    sf = pl.col("s_fmt")
    stated = (
        pl.when(sf == 0)
        .then(day)
        .when(sf == 1)
        .then(month)
        .when(sf == 2)
        .then(month + "~")
        .when(sf == 3)
        .then(day + "?")
        .when(sf == 4)
        .then(pl.concat_str([D0.dt.strftime("%Y-%m-%d"), day], separator="/"))
        .when(sf == 5)
        .then("../" + day)
        .otherwise(year)
    )
    s_start = (
        pl.when(sf.is_in([1, 2])).then(D.dt.month_start()).when(sf == 4).then(D0).when(sf == 5).then(None).when(sf == 6).then(D.dt.truncate("1y")).otherwise(D)
    )
    s_end = pl.when(sf.is_in([1, 2])).then(D.dt.month_end()).when(sf == 6).then(D.dt.truncate("1y").dt.offset_by("1y").dt.offset_by("-1d")).otherwise(D)
    pf, fc = pl.col("p_fmt"), pl.col("stance") == "forecasts"
    p1day, p1month = P1.dt.strftime("%Y-%m-%d"), P1.dt.strftime("%Y-%m")
    past = (
        pl.when(pf == 0)
        .then(pl.concat_str([p1day, day], separator="/"))
        .when(pf == 1)
        .then(p1month + "/..")
        .when(pf == 2)
        .then(P1.dt.strftime("%Y"))
        .when(pf == 3)
        .then("../" + day)
        .otherwise(pl.concat_str([p1month + "~", day], separator="/"))
    )
    future = (
        pl.when(pf.is_in([0, 1]))
        .then((D.dt.year() + 1).cast(pl.String))
        .when(pf == 2)
        .then(month + "/..")
        .otherwise(pl.concat_str([day, P2.dt.strftime("%Y-%m-%d")], separator="/"))
    )
    period = pl.when(pf < 0).then(None).when(fc).then(future).otherwise(past)
    f = f.with_columns(stated=stated, s_start=s_start, s_end=s_end, period=period)
    f = f.with_columns(
        period_text=pl.when(pl.col("period").is_not_null() & (pl.col("r") < 0.6)).then(
            pl.col("pt").replace_strict(dict(enumerate(PERIOD_TEXT)), return_dtype=pl.String)
        )
    )

    # status: 2.5 % superseded by a later-stated claim, 1 % retracted
    target_end = f["s_end"].gather(f["sup_to"])
    can = (f["sup_to"] != f["i"]) & (f["s_start"].is_null() | (target_end >= f["s_start"])).fill_null(False)
    f = f.with_columns(target_end=target_end, can=can)
    superseded = (pl.col("sup") < 0.025) & pl.col("can")
    f = f.with_columns(
        status=pl.when(superseded).then(pl.lit("superseded")).when(pl.col("sup") > 0.99).then(pl.lit("retracted")).otherwise(pl.lit("active")),
        superseded_by=pl.when(superseded).then(pl.lit("c") + pl.col("sup_to").add(1).cast(pl.String).str.zfill(width)),
    )
    cid = pl.lit("c") + (pl.col("i") + 1).cast(pl.String).str.zfill(width)
    # restates (0.2): a few claims repeat the nearest earlier claim of the same measure and
    # item class that is not itself a candidate (so the target restates nothing: no chains).
    candidate = pl.col("rs") < RESTATES_SHARE
    target = pl.when(~candidate).then(pl.col("i")).shift(1).forward_fill().over("measure", "item_class")
    f = f.with_columns(rs=pl.Series(rng.random(n))).with_columns(target=target)
    f = f.with_columns(restates=pl.when(candidate & pl.col("target").is_not_null()).then(pl.lit("c") + (pl.col("target") + 1).cast(pl.String).str.zfill(width)))
    approx = pl.col("stated").str.contains(r"[~?%]")
    notes = pl.when(approx | (pl.col("r") < 0.6)).then(
        pl.concat_str(
            [
                pl.col("note").replace_strict(dict(enumerate(CLAIM_NOTES)), return_dtype=pl.String),
                pl.lit("Coded as "),
                pl.col("category"),
                pl.lit(" of "),
                pl.col("item_class"),
                pl.lit("; stance "),
                pl.col("stance"),
                pl.lit(". "),
                pl.when(approx)
                .then(pl.lit("The date is approximate: inferred from the publication date of the first source citing it."))
                .otherwise(pl.lit("")),
            ]
        )
    )
    claimant = actors["actor_id"].gather(f["claimant"])
    claimant_name = actors["name"].gather(f["claimant"])
    f = f.with_columns(claim_id=cid, claimant_id=claimant, claimant_name=claimant_name, notes=notes)
    f = f.with_columns(
        what=pl.when(pl.col("combo") >= 0).then(lookup(q_what)).otherwise(pl.col("item_class").replace_strict(ITEM_WORDS, return_dtype=pl.String))
    )
    claims = f.select(CLAIMS)

    # quotes: every citation of a quantified claim carries qty_text verbatim
    c = cit.join(
        f.select(pl.col("i").alias("ci"), "claim_id", "claimant_name", "qty_text", "what", "stance", "hedge"), on="ci", how="left", maintain_order="left"
    )
    c = c.with_columns(t=pl.Series(rng.integers(0, 1000, c.height)), si_id=sources["source_id"].gather(c["si"]))
    tq = pl.col("t") % len(QUOTE_Q)
    part = lambda tmpl, j, t: t.replace_strict({k: v[j] for k, v in enumerate(tmpl)}, return_dtype=pl.String)  # noqa: E731
    unquantified = pl.lit(None, dtype=pl.String)
    for st, tmpl in QUOTE_U.items():
        tu = pl.col("t") % len(tmpl)
        text = pl.concat_str([part(tmpl, 0, tu), pl.col("claimant_name"), part(tmpl, 1, tu), pl.col("what"), part(tmpl, 2, tu)])
        unquantified = pl.when(pl.col("stance") == st).then(text).otherwise(unquantified)
    quote = (
        pl.when(pl.col("qty_text").is_not_null())
        .then(
            pl.concat_str(
                [
                    part(QUOTE_Q, 0, tq),
                    pl.col("claimant_name"),
                    part(QUOTE_Q, 1, tq),
                    pl.col("qty_text"),
                    part(QUOTE_Q, 2, tq),
                    pl.col("what"),
                    part(QUOTE_Q, 3, tq),
                ]
            )
        )
        .otherwise(unquantified)
    )
    # a hedged claim's first quote (and half of the others) ends with the sentence holding its hedge_text
    hedged = (pl.col("hedge") >= 0) & ((pl.col("nth") == 0) | (pl.col("t") < 500))
    sentence = pl.col("hedge").replace_strict({j: h[2] for j, h in enumerate(hedge_list)}, default=None, return_dtype=pl.String)
    quote = pl.when(hedged).then(pl.concat_str([quote, pl.lit(" "), sentence])).otherwise(quote)
    citations = c.select(
        "ci",
        "claim_id",
        source_id="si_id",
        quote=quote,
        notes=pl.when(pl.col("t") < 30).then(pl.lit("The headline repeats the claim in other words; quote from the body.")),
    ).sort("ci", "source_id")
    return claims, citations


# ---------------------------------------------------------------------------------------------
# Faults
# ---------------------------------------------------------------------------------------------

GENERIC_FAULTS = [
    "enum_status",  # status=activ                         -> structure.enum
    "enum_item_class",  # item_class typo (unquantified)    -> structure.enum
    "bad_edtf",  # stated=2024-13-45 or 20/06/2024          -> dates.parse
    "unknown_claimant",  # claimant_id not in actors        -> structure.foreign_key
    "missing_claimant",  # claimant_id empty                -> structure.required
    "future_stated",  # stated=2027-..                      -> dates.future (+ dates.stated_published)
    "formula_notes",  # notes=@SUM(...)                      -> integrity.formula
    "superseded_without_by",  # status=superseded, no by   -> integrity.superseded
    "unknown_superseded_by",  # superseded_by=c9999..      -> structure.foreign_key
]
QTY_FAULTS = [
    "low_gt_high",  # a range's low and high swapped        -> units.order
    "qty_mismatch",  # qty x 10, not in qty_text            -> units.qty_text
    "qty_text_not_quoted",  # qty_text not in any quote     -> attribution.qty_text_in_quote
    "unit_dimension",  # a length unit for shells or troops -> units.dimension_fit
]
MEANING_FAULTS = [  # 0.2
    "measure_category",  # measure=killed for a transfer     -> meaning.measure_category
    "hedge_text_missing",  # certainty=likely, no hedge_text -> meaning.hedge_text
    "hedge_text_not_quoted",  # hedge_text not in any quote  -> attribution.hedge_text_in_quote
    "restates_chain",  # restates a row that restates another -> meaning.restates
    "restates_measure",  # restates a row of another measure -> meaning.restates
]
# The rule that reports each fault kind on the faulty row (faults.csv `rule`); future_stated is
# also reported by dates.stated_published, and sometimes by dates.period_stated or
# dates.supersede_order.
FAULT_RULE = {
    "enum_status": "structure.enum",
    "enum_item_class": "structure.enum",
    "bad_edtf": "dates.parse",
    "unknown_claimant": "structure.foreign_key",
    "missing_claimant": "structure.required",
    "future_stated": "dates.future",
    "formula_notes": "integrity.formula",
    "superseded_without_by": "integrity.superseded",
    "unknown_superseded_by": "structure.foreign_key",
    "low_gt_high": "units.order",
    "qty_mismatch": "units.qty_text",
    "qty_text_not_quoted": "attribution.qty_text_in_quote",
    "unit_dimension": "units.dimension_fit",
    "measure_category": "meaning.measure_category",
    "hedge_text_missing": "meaning.hedge_text",
    "hedge_text_not_quoted": "attribution.hedge_text_in_quote",
    "restates_chain": "meaning.restates",
    "restates_measure": "meaning.restates",
}


def add_faults(rng: np.random.Generator, claims: pl.DataFrame, fraction: float) -> tuple[pl.DataFrame, pl.DataFrame]:
    """Give round(fraction * N) claim rows one fault each; returns the claims and the fault list."""
    n = claims.height
    m = int(round(fraction * n))
    if m == 0:
        return claims, pl.DataFrame(schema={"claim_id": pl.String, "fault": pl.String, "rule": pl.String})
    kinds = GENERIC_FAULTS + QTY_FAULTS + MEANING_FAULTS
    want = rng.integers(0, len(kinds), m)
    is_range = (claims["qty_low"].is_not_null() & claims["qty_high"].is_not_null()).to_numpy()
    has_qty = claims.select(pl.any_horizontal(pl.col("qty_low", "qty_best", "qty_high").is_not_null()) & (pl.col("unit") != "percent")).to_series().to_numpy()
    dim_ok = claims["item_class"].is_in(["artillery_ammunition", "munitions", "personnel", "technology"]).to_numpy() & has_qty
    unquant = claims["unit"].is_null().to_numpy()
    active = (claims["status"] == "active").to_numpy()
    # rows that neither restate nor are restated: changing their measure, item class or
    # restates makes no other row wrong
    restating = claims["restates"].is_not_null().to_numpy()
    free = ~restating & ~claims["claim_id"].is_in(claims["restates"].drop_nulls().implode()).to_numpy()
    pools = {
        "low_gt_high": is_range,
        "qty_mismatch": has_qty & ~is_range,
        "qty_text_not_quoted": has_qty,
        "unit_dimension": dim_ok,
        "enum_item_class": unquant & free,
        "measure_category": unquant & free,  # no unit, so no units.dimension_fit finding as well
        "restates_chain": free & restating.any(),
        "restates_measure": free,
        "enum_status": active,
        "superseded_without_by": active,
        "unknown_superseded_by": active,
    }
    taken = np.zeros(n, dtype=bool)
    row_kind = np.full(n, -1)
    for j, kind in enumerate(kinds):
        need = int((want == j).sum())
        pool = np.flatnonzero(pools.get(kind, np.ones(n, dtype=bool)) & ~taken)
        chosen = rng.choice(pool, size=min(need, pool.size), replace=False)
        taken[chosen] = True
        row_kind[chosen] = j
    short = m - int(taken.sum())  # pools too small (tiny N): fill up with a generic fault
    if short > 0:
        extra = rng.choice(np.flatnonzero(~taken), size=short, replace=False)
        row_kind[extra] = kinds.index("unknown_claimant")
    # restates targets: for a chain, a row that restates another; for a mismatch, an unfaulted
    # row (with every row faulty: one whose measure stays) of another measure, the next one in
    # sorted order that has such a row
    ids = claims["claim_id"].to_numpy()
    measure = claims["measure"].to_numpy()
    target = np.full(n, None, dtype=object)
    chain = row_kind == kinds.index("restates_chain")
    if chain.any():
        target[chain] = ids[rng.choice(np.flatnonzero(restating), size=int(chain.sum()))]
    mismatch = np.flatnonzero(row_kind == kinds.index("restates_measure"))
    if mismatch.size:
        anchor = ~taken if not taken.all() else row_kind != kinds.index("measure_category")
        names = sorted(set(measure[anchor].tolist()))
        first = np.asarray([np.flatnonzero((measure == mv) & anchor)[0] for mv in names])
        pos = np.asarray([names.index(mv) if mv in names else -1 for mv in measure[mismatch]])
        nxt = np.where(pos >= 0, (pos + 1) % len(names), 0)
        same = np.asarray(names, dtype=object)[nxt] == measure[mismatch]  # a single measure (tiny N): the row itself, also reported
        target[mismatch] = ids[np.where(same, mismatch, first[nxt])]
    f = claims.with_columns(_k=pl.Series(row_kind), _r=pl.Series(rng.random(n)), _t=pl.Series(target.tolist(), dtype=pl.String))
    k = pl.col("_k")

    def is_(kind: str) -> pl.Expr:
        return k == kinds.index(kind)

    times10 = lambda c: (pl.col(c).cast(pl.Float64) * 10).cast(pl.Int64).cast(pl.String)  # noqa: E731
    first_qty = (
        pl.when(pl.col("qty_low").is_not_null())
        .then(pl.lit("qty_low"))
        .when(pl.col("qty_best").is_not_null())
        .then(pl.lit("qty_best"))
        .otherwise(pl.lit("qty_high"))
    )
    f = f.with_columns(
        status=pl.when(is_("enum_status"))
        .then(pl.lit("activ"))
        .when(is_("superseded_without_by") | is_("unknown_superseded_by"))
        .then(pl.lit("superseded"))
        .otherwise("status"),
        superseded_by=pl.when(is_("unknown_superseded_by")).then(pl.lit("c99999999")).otherwise("superseded_by"),
        item_class=pl.when(is_("enum_item_class")).then(pl.col("item_class") + "s").otherwise("item_class"),
        stated=pl.when(is_("bad_edtf"))
        .then(pl.when(pl.col("_r") < 0.5).then(pl.lit("2024-13-45")).otherwise(pl.lit("20/06/2024")))
        .when(is_("future_stated"))
        .then(pl.lit("2027-03-01"))
        .otherwise("stated"),
        claimant_id=pl.when(is_("unknown_claimant"))
        .then(pl.lit("unknown-claimant-") + pl.col("claim_id"))
        .when(is_("missing_claimant"))
        .then(None)
        .otherwise("claimant_id"),
        notes=pl.when(is_("formula_notes")).then(pl.lit("@SUM(A1:A9) pasted from a spreadsheet")).otherwise("notes"),
        qty_low=pl.when(is_("low_gt_high")).then("qty_high").when(is_("qty_mismatch") & (first_qty == "qty_low")).then(times10("qty_low")).otherwise("qty_low"),
        qty_best=pl.when(is_("qty_mismatch") & (first_qty == "qty_best")).then(times10("qty_best")).otherwise("qty_best"),
        qty_high=pl.when(is_("low_gt_high"))
        .then("qty_low")
        .when(is_("qty_mismatch") & (first_qty == "qty_high"))
        .then(times10("qty_high"))
        .otherwise("qty_high"),
        qty_text=pl.when(is_("qty_text_not_quoted")).then(pl.col("qty_text") + " in all").otherwise("qty_text"),
        unit=pl.when(is_("unit_dimension")).then(pl.lit("km")).otherwise("unit"),
        measure=pl.when(is_("measure_category"))
        .then(pl.when(pl.col("category") == "casualties").then(pl.lit("delivered")).otherwise(pl.lit("killed")))
        .otherwise("measure"),
        certainty=pl.when((is_("hedge_text_missing") | is_("hedge_text_not_quoted")) & (pl.col("certainty") == "certain"))
        .then(pl.when(is_("hedge_text_missing")).then(pl.lit("likely")).otherwise(pl.lit("possible")))
        .otherwise("certainty"),
        hedge_text=pl.when(is_("hedge_text_missing")).then(None).when(is_("hedge_text_not_quoted")).then(pl.lit("possible to imagine")).otherwise("hedge_text"),
        restates=pl.when(is_("restates_chain") | is_("restates_measure")).then("_t").otherwise("restates"),
    )
    faults = f.filter(k >= 0).select("claim_id", fault=k.replace_strict(dict(enumerate(kinds)), return_dtype=pl.String))
    faults = faults.with_columns(rule=pl.col("fault").replace_strict(FAULT_RULE, return_dtype=pl.String))
    return f.drop("_k", "_r", "_t"), faults


# ---------------------------------------------------------------------------------------------


def write_csv(frame: pl.DataFrame, path: Path) -> None:
    """The canonical form (validate.canonical): LF, minimal quoting, empty cells for nulls;
    frames arrive sorted by primary key."""
    frame.write_csv(path, line_terminator="\n", quote_style="necessary", null_value="")


def read_real(table: str) -> pl.DataFrame:
    return pl.read_csv(REPO / "data" / f"{table}.csv", infer_schema=False)


def check_vocabularies() -> None:
    """MEASURE_MIX and HEDGES agree with the copied tables: each measure exists, belongs to the
    category it is drawn for and allows the unit's dimension; each hedge is in the lexicon with
    its certainty, and no quote template of a certain claim holds a lexicon word."""
    measures = {m: (c, d.split("; ")) for m, c, d in read_real("measures").select("measure_id", "category", "dimensions").iter_rows()}
    dims = dict(read_real("units").select("unit_id", "dimension").iter_rows())
    for (cat, item, unit), mix in MEASURE_MIX.items():
        for m, _w in mix:
            if m not in measures or measures[m][0] != cat or (unit is not None and dims[unit] not in measures[m][1]):
                raise AssertionError(f"MEASURE_MIX: measure {m} does not fit ({cat}, {item}, {unit}) in data/measures.csv")
    lexicon = dict(read_real("hedges").select("hedge", "certainty").iter_rows())
    for cty, hedges in HEDGES.items():
        for h, sentence in hedges:
            if lexicon.get(h) != cty or h not in sentence:
                raise AssertionError(f"HEDGES: {h!r} is not a {cty} hedge of data/hedges.csv held by its sentence")
    words = re.compile(r"(?i)\b(" + "|".join(re.escape(w) for w in lexicon) + r")\b")
    texts = [x for t in QUOTE_Q for x in t] + [x for ts in QUOTE_U.values() for t in ts for x in t] + [q[5] for q in QUANTIFIED] + list(ITEM_WORDS.values())
    if any(words.search(t) for t in texts):
        raise AssertionError("a quote template holds a hedge word of data/hedges.csv: certain claims would be reported")


def generate(n: int, outdir: Path, faulty: float = 0.0, seed: int = 1) -> dict:
    """Write the package; returns counts and the time taken."""
    t0 = time.perf_counter()
    rng = np.random.default_rng(seed)
    outdir.mkdir(parents=True, exist_ok=True)
    (outdir / "data").mkdir(exist_ok=True)
    shutil.copy2(REPO / "datapackage.json", outdir / "datapackage.json")
    shutil.copytree(REPO / "schema", outdir / "schema", dirs_exist_ok=True)
    for table in ("units", "systems", "measures", "hedges"):
        shutil.copy2(REPO / "data" / f"{table}.csv", outdir / "data" / f"{table}.csv")
    check_vocabularies()
    systems = read_real("systems")
    actors = make_actors(rng, max(1, round(n / 200)), read_real("actors"))
    sources = make_sources(rng, min(n, max(2, round(n / 30))), seed)  # no more sources than claims: each is cited
    claims, citations = make_claims(rng, n, actors, sources, systems)
    faults = None
    if faulty > 0:
        claims, faults = add_faults(rng, claims, faulty)
    if citations["quote"].str.len_chars().max() > 500:
        raise AssertionError("a generated quote is longer than 500 characters")
    write_csv(actors, outdir / "data" / "actors.csv")
    source_fields = [f["name"] for f in json.loads((REPO / "schema" / "sources.json").read_text(encoding="utf-8"))["fields"]]
    write_csv(sources.select(source_fields), outdir / "data" / "sources.csv")
    write_csv(claims, outdir / "data" / "claims.csv")
    write_csv(citations.drop("ci"), outdir / "data" / "citations.csv")
    if faults is not None:
        write_csv(faults, outdir / "faults.csv")
    elif (outdir / "faults.csv").exists():
        (outdir / "faults.csv").unlink()
    info = {
        "claims": claims.height,
        "citations": citations.height,
        "sources": sources.height,
        "actors": actors.height,
        "faulty_rows": 0 if faults is None else faults.height,
        "seconds": round(time.perf_counter() - t0, 2),
        "bytes": sum(p.stat().st_size for p in (outdir / "data").glob("*.csv")),
    }
    return info


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("n", type=int, help="number of claims")
    p.add_argument("outdir", type=Path)
    p.add_argument("--faulty", type=float, default=0.0, metavar="F", help="fraction of claim rows with one fault each (e.g. 0.10)")
    p.add_argument("--seed", type=int, default=1)
    args = p.parse_args(argv)
    if args.n < 1 or not 0 <= args.faulty <= 1:
        p.error("N must be >= 1 and --faulty between 0 and 1")
    info = generate(args.n, args.outdir, args.faulty, args.seed)
    print(json.dumps(info))
    return 0


if __name__ == "__main__":
    sys.exit(main())
