"""The estimates charts of the report site: SVG drawn at build time by matplotlib.

One chart shows one group of comparable claims, one mark per claim, placed at the middle of the
period in which it was stated. matplotlib's SVG writer escapes text and mathtext is off, so a
`$` in a claimant's name stays a dollar sign; the hash salt is fixed so two builds give the same
bytes. The SVG is then rewritten to sit inline in a page beside other charts.
"""

from __future__ import annotations

import datetime as dt
import io
import math
import re
import textwrap
from dataclasses import dataclass

from markupsafe import escape

from .sitedata import QTY, Dataset, fmt_number, number

SVG_SALT = "dprk-russia-arms-site"

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
        low, best, high = (number(c[q]) for q in QTY)
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
    values = [v for c in group for v in (number(c[q]) for q in QTY) if v is not None]
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
