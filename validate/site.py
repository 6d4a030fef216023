"""The researcher-facing static report site: `python -m validate.site [--out DIR]`.

Reads the tables in `data/` (as text, with polars) and `datapackage.json`, and writes a static
site that works from file:// with no server and no network: an overview, a filterable table of
every claim, one page of estimates charts per item class that has quantified claims, the
sources, and the validation report.

Everything from the data is escaped: the pages are rendered by jinja2 with autoescape on, and
the charts are SVG drawn at build time by matplotlib (whose SVG writer escapes text; mathtext is
off so `$` in a quote stays a dollar sign). A Content-Security-Policy allows only the one inline
script, by hash, and no network at all. Two builds from the same data give identical bytes.
"""

from __future__ import annotations

import argparse
import base64
import datetime as dt
import hashlib
import io
import json
import math
import re
import sys
import textwrap
from dataclasses import dataclass, field
from pathlib import Path

import polars as pl
from jinja2 import Environment, FileSystemLoader, StrictUndefined
from markupsafe import Markup, escape

from .edtf import bounds

ROOT = Path(__file__).resolve().parent.parent
TEMPLATES = Path(__file__).resolve().parent / "templates"
SVG_SALT = "dprk-russia-arms-site"
QTY = ("qty_low", "qty_best", "qty_high")

# Colour-blind-safe qualitative palette (Okabe & Ito), then Tableau 10 for larger groups.
PALETTE = (
    "#0072B2", "#D55E00", "#009E73", "#CC79A7", "#E69F00", "#56B4E9", "#000000", "#8C564B",
    "#1F77B4", "#FF7F0E", "#2CA02C", "#D62728", "#9467BD", "#E377C2", "#7F7F7F", "#BCBD22", "#17BECF",
)  # fmt: skip

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
# The inline script of claims.html: filters rows by their data-* attributes and free text.
FILTER_JS = """
(function () {
  "use strict";
  var table = document.getElementById("claims-table");
  if (!table) { return; }
  var rows = Array.prototype.slice.call(table.tBodies[0].rows);
  var texts = rows.map(function (r) { return r.textContent.toLowerCase(); });
  var selects = Array.prototype.slice.call(document.querySelectorAll("select[data-filter]"));
  var search = document.getElementById("filter-text");
  var count = document.getElementById("visible-count");
  var reset = document.getElementById("filter-reset");
  function state() {
    var params = new URLSearchParams();
    selects.forEach(function (s) { if (s.value) { params.set(s.getAttribute("data-filter"), s.value); } });
    if (search.value.trim()) { params.set("q", search.value.trim()); }
    return params;
  }
  function apply() {
    var wanted = selects.filter(function (s) { return s.value !== ""; }).map(function (s) {
      return ["data-" + s.getAttribute("data-filter").replace(/_/g, "-"), s.value];
    });
    var terms = search.value.toLowerCase().split(/\\s+/).filter(Boolean);
    var shown = 0;
    rows.forEach(function (row, i) {
      var ok = wanted.every(function (w) { return (row.getAttribute(w[0]) || "").split(" ").indexOf(w[1]) >= 0; }) &&
        terms.every(function (t) { return texts[i].indexOf(t) >= 0; });
      row.hidden = !ok;
      if (ok) { shown += 1; }
    });
    count.textContent = String(shown);
    var params = state().toString();
    try { history.replaceState(null, "", params ? "#" + params : location.pathname); } catch (e) { /* file:// may refuse */ }
  }
  function load() {
    var hash = location.hash.slice(1);
    if (hash.indexOf("=") < 0) { return; }
    var params = new URLSearchParams(hash);
    selects.forEach(function (s) {
      var v = params.get(s.getAttribute("data-filter"));
      if (v !== null && Array.prototype.some.call(s.options, function (o) { return o.value === v; })) { s.value = v; }
    });
    if (params.get("q")) { search.value = params.get("q"); }
  }
  search.form.addEventListener("submit", function (e) { e.preventDefault(); });
  selects.forEach(function (s) { s.addEventListener("change", apply); });
  search.addEventListener("input", apply);
  reset.addEventListener("click", function () {
    selects.forEach(function (s) { s.value = ""; });
    search.value = "";
    apply();
  });
  load();
  apply();
})();
"""


@dataclass
class Dataset:
    """The package as the site shows it: plain dicts of strings, joined where pages need it."""

    descriptor: dict
    claims: list[dict]
    sources: list[dict]
    actors: dict[str, dict]
    units: dict[str, dict]
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


def _number(text: str | None) -> float | None:
    if text is None or text == "":
        return None
    try:
        value = float(text)
    except ValueError:
        return None
    return value if math.isfinite(value) else None


def fmt_number(text: str | None) -> str:
    """A quantity as a reader expects it: 4800000 -> 4,800,000; 33.3 stays 33.3."""
    value = _number(text)
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
        systems={s["system_id"]: s for s in _read(root, "systems").to_dicts()},
        citations=citations,
        labels=_schema_labels(root, descriptor),
    )
    for c in data.claims:
        c["claimant_name"] = data.actor_name(c["claimant_id"])
        c["from_name"], c["to_name"] = data.actor_name(c["from_id"]), data.actor_name(c["to_id"])
        c["system_name"] = data.systems.get(c["system_id"] or "", {}).get("name") or (c["system_id"] or "")
        c["cites"] = citations.get(c["claim_id"], [])
        c["quantified"] = any(_number(c[q]) is not None for q in QTY)
        c["sources_attr"] = " ".join(x["source_id"] for x in c["cites"])
        for q in QTY:
            c[f"{q}_fmt"] = fmt_number(c[q])
    return data


# --------------------------------------------------------------------------------------------
# Charts


def _scale(top: float, unit: str) -> tuple[float, str]:
    if unit == "percent":
        return 1.0, ""
    for factor, word in ((1e9, "billions"), (1e6, "millions")):
        if top >= factor:
            return factor, word
    return 1.0, ""


def chart_title(data: Dataset, item_class: str, category: str, group: list[dict]) -> str:
    """A figure title read from the claims: "Artillery shells delivered to Russia: competing estimates"."""
    noun = ITEM_NOUNS.get(item_class, item_class.replace("_", " ").capitalize())

    def only(key: str) -> str | None:
        values = {c[key] for c in group}
        return data.actor_name(values.pop()) if len(values) == 1 and None not in values else None

    to, origin = only("to_id"), only("from_id")
    unit = group[0]["unit"] if group else None
    if unit == "percent" and category == "use" and origin:
        what = f"Share of {noun.lower()} used in the war that came from {origin}"
    elif category == "transfer":
        what = f"{noun} delivered to {to}" if to else f"{noun} transferred"
    elif category == "deployment":
        what = f"{noun} deployed to {to}" if to else f"{noun} deployed"
    elif category == "casualties":
        what = f"Casualties among {noun.lower()} sent by {origin}" if origin else f"Casualties among {noun.lower()}"
    elif category == "use":
        what = f"{noun} used in the war"
    elif category == "production":
        what = f"{noun} production"
    elif category == "capability":
        what = f"Capability of {noun.lower()}"
    elif category == "payment":
        what = f"{noun} paid to {to}" if to else f"{noun} paid"
    else:
        what = noun
    if unit == "percent" and not what.startswith("Share"):
        what += " (share, percent)"
    if {c["stance"] for c in group} == {"forecasts"}:
        what += " (forecasts)"
    claimants = {c["claimant_id"] for c in group}
    return f"{what}: {'competing estimates' if len(claimants) > 1 else 'estimates' if len(group) > 1 else 'estimate'}"


def _svg_postprocess(svg: str, chart_id: str, tooltips: dict[str, str], label: str) -> str:
    """Make matplotlib's SVG fit to inline in a page with other charts.

    Drops the XML prolog and metadata, makes the size responsive, prefixes every id with the
    chart's id (so several charts on one page do not clash), and turns the artists' gids into
    what the page and its tests use: `<g id="claim-cNNNN" class="mark">` with a tooltip for each
    claim's mark, and class/data-claim (no id) for the range and date-interval lines.
    """
    svg = svg[svg.index("<svg") :]
    svg = re.sub(r"<metadata>.*?</metadata>\s*", "", svg, flags=re.S)
    svg = re.sub(r'<svg ([^>]*?)width="[^"]*" height="[^"]*"', rf'<svg \1aria-label="{escape(label)}" class="chart" role="img"', svg, count=1)

    def ident(m: re.Match) -> str:
        name = m.group(2)
        if name.startswith(("claim-", "range-", "stated-")):
            return m.group(0)
        return f'{m.group(1)}{chart_id}-{name}"'

    svg = re.sub(r'(\bid=")([^"]+)"', ident, svg)
    svg = re.sub(r'((?:xlink:)?href="#)([^"]+)"', ident, svg)
    svg = re.sub(r"url\(#([^)]+)\)", lambda m: f"url(#{chart_id}-{m.group(1)})", svg)
    svg = re.sub(r'<g id="(range|stated)-(c[0-9]+)">', r'<g class="\1" data-claim="\2">', svg)

    def mark(m: re.Match) -> str:
        cid = m.group(1)
        return f'<g id="claim-{cid}" class="mark" data-claim="{cid}">\n   <title>{escape(tooltips.get(cid, cid))}</title>'

    svg = re.sub(r'<g id="claim-(c[0-9]+)">', mark, svg)
    return svg.rstrip() + "\n"


def _darker(colour: str, amount: float = 0.3) -> str:
    r, g, b = (int(colour[i : i + 2], 16) for i in (1, 3, 5))
    return "#{:02x}{:02x}{:02x}".format(*(round(v * (1 - amount)) for v in (r, g, b)))


@dataclass
class _Mark:
    claim: dict
    x: float
    y: float
    shape: str
    low: float | None
    best: float | None
    high: float | None
    text: str
    dx: float = 0.0


def _marks(group: list[dict], factor: float) -> list[_Mark]:
    import matplotlib.dates as mdates

    out = []
    for c in group:
        if c["stated_mid"] is None:
            continue
        low, best, high = (_number(c[q]) for q in QTY)
        if best is not None:
            y, shape = best, "best"
        elif low is not None and high is not None:
            y, shape = (low + high) / 2, "range"
        elif low is not None:
            y, shape = low, "low"
        else:
            y, shape = high, "high"
        text = c["qty_text"] or fmt_number(c[{"low": "qty_low", "high": "qty_high"}.get(shape, "qty_best")])
        scaled = [None if v is None else v / factor for v in (low, best, high)]
        out.append(_Mark(c, mdates.date2num(c["stated_mid"]), y / factor, shape, *scaled, text=text))
    out.sort(key=lambda m: (m.x, m.y, m.claim["claim_id"]))
    return out


MARKERS = {"best": ("o", 7.5), "range": ("D", 6.0), "low": ("^", 9.0), "high": ("v", 9.0)}


def render_chart(data: Dataset, group: list[dict], colours: dict[str, str], title: str, unit: str, chart_id: str) -> tuple[str, str, list[str]]:
    """One estimates chart as SVG: (inline SVG, standalone SVG file, claim ids plotted).

    The axes, legend and titles are laid out first (constrained layout), then frozen, so that
    marks which would overlap can be dodged sideways and the printed numbers placed where they
    collide with nothing, both measured in the final geometry.
    """
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.dates as mdates
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure
    from matplotlib.lines import Line2D
    from matplotlib.ticker import FuncFormatter, MaxNLocator
    from matplotlib.transforms import Bbox, offset_copy

    rc = {
        "svg.hashsalt": SVG_SALT,
        "svg.fonttype": "path",
        "text.parse_math": False,
        "font.family": "DejaVu Sans",
        "font.size": 9,
        "axes.spines.top": False,
        "axes.spines.right": False,
        "axes.edgecolor": "#444444",
        "axes.labelcolor": "#222222",
        "xtick.color": "#444444",
        "ytick.color": "#444444",
        "legend.frameon": False,
        "legend.fontsize": 8,
        "path.simplify": False,
    }
    values = [v for c in group for v in (_number(c[q]) for q in QTY) if v is not None]
    top = max(values, default=1.0)
    factor, word = _scale(top, unit)
    unit_label = data.units.get(unit, {}).get("label") or unit
    ylabel = "Percent" if unit == "percent" else unit_label[:1].upper() + unit_label[1:] + (f", {word}" if word else "")
    marks = _marks(group, factor)
    shapes = {m.shape for m in marks} | ({"range"} if any(m.low is not None and m.high is not None for m in marks) else set())
    hollow = any(m.claim["stance"] == "forecasts" for m in marks)
    periods = [
        (m.claim["stated_start"], m.claim["stated_end"])
        for m in marks
        if m.claim["stated_start"] is not None and m.claim["stated_end"] is not None and m.claim["stated_start"] != m.claim["stated_end"]
    ]

    with matplotlib.rc_context(rc):
        fig = Figure(figsize=(8.6, 4.4), dpi=72, layout="constrained")
        FigureCanvasAgg(fig)
        ax = fig.add_subplot()
        fig.suptitle(textwrap.fill(title, 60), x=0.01, ha="left", fontsize=11, fontweight="bold")
        ax.grid(axis="y", color="#dddddd", linewidth=0.6)
        ax.set_axisbelow(True)

        # Axes: zero-based quantities; dates padded so that the printed numbers fit beside the marks.
        if marks:
            lo, hi = min(m.x for m in marks), max(m.x for m in marks)
            span = max(hi - lo, 60.0)
            total = span / (1 - 0.14 - 0.24)
            centre = (span - (hi - lo)) / 2
            ax.set_xlim(lo - centre - total * 0.14, hi + centre + total * 0.24)
        x0, x1 = ax.get_xlim()
        months = (x1 - x0) / 30.44
        step = next((k for k in (1, 2, 3, 4, 6, 12) if months / k <= 7), None)
        if step is None:
            ax.xaxis.set_major_locator(mdates.YearLocator(base=max(1, math.ceil(months / 12 / 7))))
            ax.xaxis.set_major_formatter(mdates.DateFormatter("%Y"))
        else:
            ax.xaxis.set_major_locator(mdates.MonthLocator(bymonth=range(1, 13, step)))

            def date_label(value: float, pos: int | None) -> str:
                d = mdates.num2date(value)
                return d.strftime("%b\n%Y") if pos == 0 or d.month == 1 else d.strftime("%b")

            ax.xaxis.set_major_formatter(FuncFormatter(date_label))
        ax.set_xlabel("Date the claim was stated (middle of the stated period)")
        ax.set_ylim(0, 100 if unit == "percent" else (top / factor * 1.18 if top > 0 else 1))
        ax.yaxis.set_major_locator(MaxNLocator(nbins=6, min_n_ticks=3, steps=[1, 2, 2.5, 5, 10], integer=unit != "percent" and top / factor >= 5))
        ax.yaxis.set_major_formatter(FuncFormatter(lambda v, _pos: f"{v:,.10g}"))
        ax.set_ylabel(ylabel)

        # One legend at the right: colour = claimant, then shape = what kind of number.
        order = [cid for cid in colours if any(m.claim["claimant_id"] == cid for m in marks)]
        handles = [
            Line2D([], [], linestyle="none", marker="s", markersize=8, color=colours[cid], label=textwrap.fill(data.actor_name(cid), 34)) for cid in order
        ]
        grey = "#555555"
        kinds = [
            ("best", Line2D([], [], linestyle="none", marker="o", markersize=7, color=grey, label="about (best estimate)")),
            ("low", Line2D([], [], linestyle="none", marker="^", markersize=8, color=grey, label="at least (lower bound)")),
            ("high", Line2D([], [], linestyle="none", marker="v", markersize=8, color=grey, label="up to (upper bound)")),
            ("range", Line2D([], [], color=grey, linewidth=1.8, marker="D", markersize=5, label="range, low to high")),
        ]
        how = [h for k, h in kinds if k in shapes]
        if hollow:
            how.append(Line2D([], [], linestyle="none", marker="o", markersize=7, markerfacecolor="white", markeredgecolor=grey, label="forecast (hollow)"))
        if any((end - start).days >= 10 for start, end in periods):
            how.append(Line2D([], [], color=grey, linewidth=1.2, alpha=0.45, label="period of the statement"))
        blank, heading = Line2D([], [], linestyle="none", label=" "), Line2D([], [], linestyle="none", label="Kind of number")
        legend = fig.legend(handles=[*handles, blank, heading, *how], title="Claimant", loc="outside right upper", alignment="left")
        legend.get_title().set_fontweight("bold")
        legend.get_texts()[len(handles) + 1].set_fontweight("bold")
        legend.get_texts()[len(handles) + 1].set_fontsize(9)
        fig.supxlabel(
            f"Data: {data.name} {data.version}, CC-BY-4.0. One mark per claim, labelled with the number as printed; overlapping marks are shifted sideways.",
            x=0.01, ha="left", fontsize=7, color="#666666",
        )  # fmt: skip

        # Freeze the layout, then work in its final display coordinates.
        fig.draw_without_rendering()
        fig.set_layout_engine("none")
        renderer = fig.canvas.get_renderer()
        pt = fig.dpi / 72
        placed: list = []
        for m in marks:
            px, py = ax.transData.transform((m.x, m.y))
            radius = (MARKERS[m.shape][1] / 2 + 1) * pt
            for k in (0, 1, -1, 2, -2, 3, -3, 4, -4):
                box = Bbox.from_bounds(px + k * 10 * pt - radius, py - radius, 2 * radius, 2 * radius)
                if not any(box.overlaps(b) for b in placed):
                    break
            m.dx = k * 10.0
            placed.append(box)

        def mark_box(m: _Mark, dx: float) -> Bbox:
            px, py = ax.transData.transform((m.x, m.y))
            r = (MARKERS[m.shape][1] / 2 + 1) * pt
            return Bbox.from_bounds(px + dx * pt - r, py - r, 2 * r, 2 * r)

        # Marks stated on the same day are centred on that day, unless that makes them collide.
        for x in sorted({m.x for m in marks}):
            same = [m for m in marks if m.x == x]
            shift = sum(m.dx for m in same) / len(same)
            others = [mark_box(m, m.dx) for m in marks if m.x != x]
            if shift and not any(mark_box(m, m.dx - shift).overlaps(b) for m in same for b in others):
                for m in same:
                    m.dx -= shift
        placed = [mark_box(m, m.dx) for m in marks]

        tooltips: dict[str, str] = {}
        for m in marks:
            c, colour = m.claim, colours[m.claim["claimant_id"]]
            tr = offset_copy(ax.transData, fig=fig, x=m.dx, y=0, units="points")
            if m.low is not None and m.high is not None:
                ax.plot([m.x, m.x], [m.low, m.high], color=colour, linewidth=1.8, alpha=0.75, transform=tr, gid=f"range-{c['claim_id']}")
            start, end = c["stated_start"], c["stated_end"]
            if start is not None and end is not None and start != end:
                span_x = [mdates.date2num(dt.datetime.combine(d, dt.time())) for d in (start, end)]
                ax.plot(span_x, [m.y, m.y], color=colour, linewidth=1.2, alpha=0.45, transform=tr, gid=f"stated-{c['claim_id']}")
            marker, size = MARKERS[m.shape]
            filled = c["stance"] != "forecasts"
            ax.plot(
                [m.x], [m.y], linestyle="none", marker=marker, markersize=size, markerfacecolor=colour if filled else "white",
                markeredgecolor=colour, markeredgewidth=1.6, transform=tr, zorder=3, gid=f"claim-{c['claim_id']}",
            )  # fmt: skip
            tooltips[c["claim_id"]] = f"{c['claim_id']} · {c['claimant_name']}, stated {c['stated']}: {m.text} ({unit_label})"

        # The printed numbers: the first spot (right, left, above, below...) that collides with no
        # other label, no mark and stays inside the axes; else the least bad one.
        area = ax.get_window_extent(renderer)
        candidates = [(9, 0, "left", "center"), (-9, 0, "right", "center"), (6, 8, "left", "bottom"), (6, -8, "left", "top"),
                      (-6, 8, "right", "bottom"), (-6, -8, "right", "top"), (0, 11, "center", "bottom"), (0, -11, "center", "top"),
                      (9, 16, "left", "bottom"), (9, -16, "left", "top")]  # fmt: skip
        labels: list = []
        for m in marks:
            best_choice, best_cost = None, math.inf
            for dx, dy, ha, va in candidates:
                ann = ax.annotate(
                    m.text, xy=(m.x, m.y), xytext=(m.dx + dx, dy), textcoords="offset points", ha=ha, va=va, fontsize=8,
                    color=_darker(colours[m.claim["claimant_id"]]), zorder=4,
                )  # fmt: skip
                box = ann.get_window_extent(renderer).padded(1.5 * pt)
                cost = sum(_overlap(box, b) for b in [*labels, *placed])
                if not (area.x0 <= box.x0 and box.x1 <= area.x1 and area.y0 <= box.y0 and box.y1 <= area.y1):
                    cost += 1e6 + box.width * box.height
                ann.remove()
                if cost < best_cost:
                    best_choice, best_cost = (dx, dy, ha, va), cost
                if cost == 0:
                    break
            dx, dy, ha, va = best_choice
            ann = ax.annotate(
                m.text, xy=(m.x, m.y), xytext=(m.dx + dx, dy), textcoords="offset points", ha=ha, va=va, fontsize=8,
                color=_darker(colours[m.claim["claimant_id"]]), zorder=4,
            )  # fmt: skip
            labels.append(ann.get_window_extent(renderer).padded(1.5 * pt))

        buf = io.StringIO()
        fig.savefig(buf, format="svg", metadata={"Date": None})
    raw = buf.getvalue()
    return _svg_postprocess(raw, chart_id, tooltips, title), raw, [m.claim["claim_id"] for m in marks]


def _overlap(a, b) -> float:
    w = min(a.x1, b.x1) - max(a.x0, b.x0)
    h = min(a.y1, b.y1) - max(a.y0, b.y0)
    return w * h if w > 0 and h > 0 else 0.0


# --------------------------------------------------------------------------------------------
# Pages


def _environment() -> Environment:
    env = Environment(
        loader=FileSystemLoader(str(TEMPLATES)),
        autoescape=True,
        undefined=StrictUndefined,
        keep_trailing_newline=True,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.filters["number"] = fmt_number
    env.filters["breakable"] = lambda v: Markup(str(escape(v or "")).replace("_", "_<wbr>"))
    env.filters["edtf"] = lambda v: Markup("/<wbr>".join(f'<span class="nowrap">{escape(part)}</span>' for part in (v or "").split("/")))
    env.filters["safe_url"] = lambda u: u if isinstance(u, str) and re.match(r"^https?://", u) else ""
    return env


def _csp(script: str | None) -> str:
    scripts = f"'sha256-{base64.b64encode(hashlib.sha256(script.encode('utf-8')).digest()).decode()}'" if script else "'none'"
    return (
        "default-src 'none'; "
        f"script-src {scripts}; "
        "style-src 'self' 'unsafe-inline'; img-src 'self' data:; "
        "connect-src 'none'; font-src 'none'; base-uri 'none'; form-action 'none'"
    )


def _slug(text: str) -> str:
    """A safe file-name part: item classes are enumerated, but the site may be built from invalid data."""
    return re.sub(r"[^a-z0-9_-]+", "-", text.lower()).strip("-") or "none"


def _counts(rows: list[dict], key: str) -> list[tuple[str, int]]:
    tally: dict[str, int] = {}
    for r in rows:
        tally[r[key]] = tally.get(r[key], 0) + 1
    return sorted(tally.items(), key=lambda kv: (-kv[1], kv[0]))


def _item_pages(data: Dataset) -> list[dict]:
    """One page per item class with at least one active quantified claim, its charts grouped by unit and category."""
    pages = []
    classes = sorted({c["item_class"] for c in data.claims if c["quantified"] and c["status"] == "active"})
    for item in classes:
        claims = [c for c in data.claims if c["item_class"] == item and c["quantified"] and c["status"] == "active"]
        claims.sort(key=lambda c: (c["stated_mid"] or dt.datetime.max, c["claim_id"]))
        colours: dict[str, str] = {}
        for c in claims:
            if c["claimant_id"] not in colours:
                colours[c["claimant_id"]] = PALETTE[len(colours) % len(PALETTE)]
        groups: dict[tuple[str, str], list[dict]] = {}
        for c in claims:
            groups.setdefault((c["unit"] or "", c["category"]), []).append(c)
        pages.append(
            {
                "item_class": item,
                "file": f"item-{_slug(item)}.html",
                "noun": ITEM_NOUNS.get(item, item.replace("_", " ").capitalize()),
                "label": data.labels.get("item_class", {}).get(item, ""),
                "claims": claims,
                "colours": colours,
                "groups": sorted(groups.items(), key=lambda kv: (-len(kv[1]), kv[0])),
                "others": [c for c in data.claims if c["item_class"] == item and not (c["quantified"] and c["status"] == "active")],
            }
        )
    return pages


def _report(root: Path, report: dict | None) -> dict:
    """The validator's JSON report, with every documented key present (for the templates)."""
    if report is None:
        from .cli import as_of_date
        from .engine import run
        from .report import as_json

        result = run(root / "datapackage.json", as_of=as_of_date(None))
        report = json.loads(as_json(result.findings, result.summary))
    keys = ("rule", "severity", "file", "line", "key", "column", "value", "message")
    findings = [{k: f.get(k) for k in keys} for f in report.get("findings") or [] if isinstance(f, dict)]
    counts = report.get("counts") or {}
    return {
        "valid": bool(report.get("valid")),
        "package": report.get("package"),
        "version": report.get("version"),
        "as_of": report.get("as_of"),
        "counts": {sev: counts.get(sev, sum(1 for f in findings if f["severity"] == sev)) for sev in ("error", "warning")},
        "rows": report.get("rows") or {},
        "rules": list(report.get("rules") or []),
        "findings": findings,
    }


def build_site(root: Path, out: Path, report: dict | None = None) -> Path:
    """Write the static site for the package at `root` into `out`; returns `out`.

    `report` is the validator's JSON report as a dict; when None the validator is run (as of
    $NOW, else today). Stale `item-*.html`/`.svg` files of an earlier build are removed.
    """
    root, out = Path(root), Path(out)
    data = load(root)
    report = _report(root, report)
    env = _environment()
    out.mkdir(parents=True, exist_ok=True)
    for stale in sorted(out.glob("item-*.html")) + sorted(out.glob("item-*.svg")):
        stale.unlink()

    pages = _item_pages(data)
    active = [c for c in data.claims if c["status"] == "active"]
    citing: dict[str, int] = {}
    for cites in data.citations.values():
        for x in cites:
            citing[x["source_id"]] = citing.get(x["source_id"], 0) + 1
    common = {
        "pkg": {"name": data.name, "version": data.version, "title": data.descriptor.get("title", data.name)},
        "item_pages": [{"file": p["file"], "noun": p["noun"], "n": len(p["claims"])} for p in pages],
        "report_valid": bool(report.get("valid")),
    }

    def write(name: str, template: str, script: str | None = None, **context) -> None:
        html = env.get_template(template).render(page=name, csp=_csp(script), script=Markup(script) if script else None, **common, **context)
        (out / name).write_bytes(html.encode("utf-8"))

    (out / "style.css").write_bytes((TEMPLATES / "style.css").read_bytes())

    licences = [lic.get("name") or lic.get("title") or "" for lic in data.descriptor.get("licenses", []) if isinstance(lic, dict)]
    write(
        "index.html",
        "index.html",
        description=data.descriptor.get("description", ""),
        licences=[x for x in licences if x] or ["CC-BY-4.0"],
        contributors=[c.get("title", "") for c in data.descriptor.get("contributors", []) if isinstance(c, dict) and c.get("title")],
        n_claims=len(data.claims),
        n_active=len(active),
        n_quantified=sum(1 for c in data.claims if c["quantified"]),
        n_vague=sum(1 for c in data.claims if c["qty_text"] and not c["quantified"]),
        n_claimants=len({c["claimant_id"] for c in data.claims}),
        n_sources=len(data.sources),
        n_actors=len(data.actors),
        n_citations=sum(len(v) for v in data.citations.values()),
        by_category=_counts(data.claims, "category"),
        by_stance=_counts(data.claims, "stance"),
        by_item=_counts(data.claims, "item_class"),
        labels=data.labels,
        report=report,
    )

    def values(column: str) -> list[tuple[str, str]]:
        return [(v, v) for v in sorted({c[column] for c in data.claims})]

    claimants = sorted({(c["claimant_id"], c["claimant_name"]) for c in data.claims}, key=lambda t: (t[1].casefold(), t[0]))
    # (data-filter key, label, [(option value, option text)]): one <select> each
    filters = [
        ("category", "Category", values("category")),
        ("item_class", "Item class", values("item_class")),
        ("claimant", "Claimant", claimants),
        ("stance", "Stance", values("stance")),
        ("source", "Source", [(s["source_id"], f"{s['published']} · {s['title']}") for s in data.sources]),
    ]
    write("claims.html", "claims.html", script=FILTER_JS, claims=data.claims, filters=filters)

    for p in pages:
        charts = []
        for (unit, category), group in p["groups"]:
            chart_id = _slug(f"item-{p['item_class']}-{unit or 'none'}-{category}")
            title = chart_title(data, p["item_class"], category, group)
            svg, raw, plotted = render_chart(data, group, p["colours"], title, unit, chart_id)
            (out / f"{chart_id}.svg").write_bytes(raw.encode("utf-8"))
            unit_label = data.units.get(unit, {}).get("label") or unit
            charts.append(
                {
                    "id": chart_id,
                    "file": f"{chart_id}.svg",
                    "title": title,
                    "heading": f"{category.capitalize()} claims, in {unit_label}",
                    "svg": Markup(svg),
                    "claims": group,
                    "unplotted": [c for c in group if c["claim_id"] not in plotted],
                }
            )
        write(p["file"], "item.html", item=p, charts=charts)

    write("sources.html", "sources.html", sources=data.sources, citing=citing)
    write("validation.html", "validation.html", report=report)
    return out


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(prog="python -m validate.site", description="Build the static report site of the dprk-russia-arms package.")
    p.add_argument("--out", metavar="DIR", default=str(ROOT / "site"), help="output folder (default: <repo>/site)")
    p.add_argument("--root", metavar="DIR", default=str(ROOT), help="the package folder (default: this repository)")
    args = p.parse_args(argv)
    out = build_site(Path(args.root), Path(args.out))
    print(f"site written to {(out / 'index.html').resolve()}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
