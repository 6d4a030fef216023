"""The estimates charts of the report site: SVG drawn at build time by matplotlib.

One chart shows one group of comparable claims (validate/estimates.py), one mark per claim,
placed at the middle of the period in which it was stated. Colour says who claims it, shape what
kind of number it is (best, lower or upper bound, range), a hollow mark a forecast, and opacity
how sure the claimant says it is (certainty), which the label and tooltip also spell out.
matplotlib's SVG writer escapes text and mathtext is off, so a `$` in a claimant's name stays a
dollar sign; the hash salt is fixed so two builds give the same bytes.
"""

from __future__ import annotations

import datetime as dt
import io
import math
import textwrap
from dataclasses import dataclass

from .estimates import Group
from .sitedata import QTY, Dataset, fmt_number, number
from .svginline import inline

SVG_SALT = "dprk-russia-arms-site"
GREY = "#555555"
# Colour-blind-safe qualitative palette (Okabe & Ito), then Tableau 10 for larger groups.
PALETTE = (
    "#0072B2", "#D55E00", "#009E73", "#CC79A7", "#E69F00", "#56B4E9", "#000000", "#8C564B",
    "#1F77B4", "#FF7F0E", "#2CA02C", "#D62728", "#9467BD", "#E377C2", "#7F7F7F", "#BCBD22", "#17BECF",
)  # fmt: skip
MARKERS = {"best": ("o", 7.5), "range": ("D", 6.0), "low": ("^", 9.0), "high": ("v", 9.0)}
RC = {
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


def certainty_alpha(level: str | None, levels: list[str]) -> float:
    """Opacity of a mark: 1 for the surest level the schema lists, fading to 0.25 for the least sure.

    A value the schema does not list (the site may be built from invalid data) is drawn as the
    least sure.
    """
    if len(levels) < 2:
        return 1.0
    rank = levels.index(level) if level in levels else len(levels) - 1
    return round(1 - 0.75 * rank / (len(levels) - 1), 3)


def certainty_words(claim: dict) -> str:
    """The certainty as a tooltip or table says it: `possible, in the words “could”`."""
    words = f"certainty: {claim['certainty'] or 'not coded'}"
    return f"{words}, in the words “{claim['hedge_text']}”" if claim["hedge_text"] else words


def _scale(top: float, unit: str) -> tuple[float, str]:
    if unit == "percent":
        return 1.0, ""
    for factor, word in ((1e9, "billions"), (1e6, "millions")):
        if top >= factor:
            return factor, word
    return 1.0, ""


def _darker(colour: str, amount: float = 0.3) -> str:
    r, g, b = (int(colour[i : i + 2], 16) for i in (1, 3, 5))
    return "#{:02x}{:02x}{:02x}".format(*(round(v * (1 - amount)) for v in (r, g, b)))


def _overlap(a, b) -> float:
    w = min(a.x1, b.x1) - max(a.x0, b.x0)
    h = min(a.y1, b.y1) - max(a.y0, b.y0)
    return w * h if w > 0 and h > 0 else 0.0


@dataclass
class _Mark:
    claim: dict
    x: float
    y: float
    shape: str
    low: float | None
    best: float | None
    high: float | None
    printed: str  # the number as printed
    text: str  # the label beside the mark: the number as printed, and the certainty unless it is the surest
    alpha: float
    dx: float = 0.0


def _marks(group: Group, factor: float, levels: list[str]) -> list[_Mark]:
    import matplotlib.dates as mdates

    out = []
    for c in group.claims:
        if c["stated_mid"] is None:
            continue
        to_axis = group.scale.get(c["claim_id"], 1.0) / factor
        low, best, high = (None if v is None else v * to_axis for v in (number(c[q]) for q in QTY))
        if best is not None:
            y, shape = best, "best"
        elif low is not None and high is not None:
            y, shape = (low + high) / 2, "range"
        elif low is not None:
            y, shape = low, "low"
        else:
            y, shape = high, "high"
        printed = c["qty_text"] or fmt_number(c[{"low": "qty_low", "high": "qty_high"}.get(shape, "qty_best")])
        text = printed if levels and c["certainty"] == levels[0] else f"{printed} ({c['certainty'] or 'certainty not coded'})"
        alpha = certainty_alpha(c["certainty"], levels)
        out.append(_Mark(c, mdates.date2num(c["stated_mid"]), y, shape, low, best, high, printed, text, alpha))
    out.sort(key=lambda m: (m.x, m.y, m.claim["claim_id"]))
    return out


def _axes(ax, marks: list[_Mark], unit: str, top: float, ylabel: str) -> None:
    """Zero-based quantities; dates padded so that the printed numbers fit beside the marks."""
    import matplotlib.dates as mdates
    from matplotlib.ticker import FuncFormatter, MaxNLocator

    ax.grid(axis="y", color="#dddddd", linewidth=0.6)
    ax.set_axisbelow(True)
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
    ax.set_ylim(0, 100 if unit == "percent" else (top * 1.18 if top > 0 else 1))
    ax.yaxis.set_major_locator(MaxNLocator(nbins=6, min_n_ticks=3, steps=[1, 2, 2.5, 5, 10], integer=unit != "percent" and top >= 5))
    ax.yaxis.set_major_formatter(FuncFormatter(lambda v, _pos: f"{v:,.10g}"))
    ax.set_ylabel(ylabel)


def _legend_entries(data: Dataset, marks: list[_Mark], colours: dict[str, str]) -> list[tuple[str, object]]:
    """The legend at the right, as (section, handle): colour = claimant, shape = kind of number, opacity = certainty."""
    from matplotlib.lines import Line2D

    def point(marker: str, size: float, label: str, **style) -> Line2D:
        return Line2D([], [], linestyle="none", marker=marker, markersize=size, label=label, **{"color": GREY, **style})

    entries: list[tuple[str, object]] = []
    for cid in colours:
        if any(m.claim["claimant_id"] == cid for m in marks):
            entries.append(("Claimant", point("s", 8, textwrap.fill(data.actor_name(cid), 34), color=colours[cid])))
    shapes = {m.shape for m in marks} | ({"range"} if any(m.low is not None and m.high is not None for m in marks) else set())
    kinds = [
        ("best", point("o", 7, "about (best estimate)")),
        ("low", point("^", 8, "at least (lower bound)")),
        ("high", point("v", 8, "up to (upper bound)")),
        ("range", Line2D([], [], color=GREY, linewidth=1.8, marker="D", markersize=5, label="range, low to high")),
    ]
    entries += [("Kind of number", h) for k, h in kinds if k in shapes]
    if any(m.claim["stance"] == "forecasts" for m in marks):
        entries.append(("Kind of number", point("o", 7, "forecast (hollow)", markerfacecolor="white", markeredgecolor=GREY)))
    periods = [(m.claim["stated_start"], m.claim["stated_end"]) for m in marks]
    if any(s is not None and e is not None and (e - s).days >= 10 for s, e in periods):
        entries.append(("Kind of number", Line2D([], [], color=GREY, linewidth=1.2, alpha=0.45, label="period of the statement")))
    levels = data.certainty_levels
    present = {m.claim["certainty"] for m in marks}
    for level in [v for v in levels if v in present] + sorted(present - set(levels), key=lambda v: v or ""):
        entries.append(("Certainty", point("o", 7, level or "not coded", alpha=certainty_alpha(level, levels))))
    return entries


def _legend(fig, entries: list[tuple[str, object]]) -> None:
    """Draw the legend at the right, one bold heading per section."""
    from matplotlib.lines import Line2D

    handles: list = []
    headings: list[int] = []
    sections = list(dict.fromkeys(section for section, _ in entries))
    for i, section in enumerate(sections):
        if i:
            handles.append(Line2D([], [], linestyle="none", label=" "))
            headings.append(len(handles))
            handles.append(Line2D([], [], linestyle="none", label=section))
        handles += [h for s, h in entries if s == section]
    legend = fig.legend(handles=handles, title=sections[0] if sections else None, loc="outside right upper", alignment="left")
    legend.get_title().set_fontweight("bold")
    for i in headings:
        legend.get_texts()[i].set_fontweight("bold")
        legend.get_texts()[i].set_fontsize(9)


def _dodge(ax, marks: list[_Mark], pt: float) -> list:
    """Shift marks sideways (in points) so none overlaps another; returns their final boxes."""
    from matplotlib.transforms import Bbox

    def box(m: _Mark, dx: float) -> Bbox:
        px, py = ax.transData.transform((m.x, m.y))
        r = (MARKERS[m.shape][1] / 2 + 1) * pt
        return Bbox.from_bounds(px + dx * pt - r, py - r, 2 * r, 2 * r)

    placed: list = []
    for m in marks:
        for k in (0, 1, -1, 2, -2, 3, -3, 4, -4):
            b = box(m, k * 10.0)
            if not any(b.overlaps(p) for p in placed):
                break
        m.dx = k * 10.0
        placed.append(b)
    # Marks stated on the same day are centred on that day, unless that makes them collide.
    for x in sorted({m.x for m in marks}):
        same = [m for m in marks if m.x == x]
        shift = sum(m.dx for m in same) / len(same)
        others = [box(m, m.dx) for m in marks if m.x != x]
        if shift and not any(box(m, m.dx - shift).overlaps(b) for m in same for b in others):
            for m in same:
                m.dx -= shift
    return [box(m, m.dx) for m in marks]


def _draw(ax, fig, marks: list[_Mark], colours: dict[str, str]) -> None:
    import matplotlib.dates as mdates
    from matplotlib.transforms import offset_copy

    for m in marks:
        c, colour = m.claim, colours[m.claim["claimant_id"]]
        tr = offset_copy(ax.transData, fig=fig, x=m.dx, y=0, units="points")
        if m.low is not None and m.high is not None:
            ax.plot([m.x, m.x], [m.low, m.high], color=colour, linewidth=1.8, alpha=0.75 * m.alpha, transform=tr, gid=f"range-{c['claim_id']}")
        start, end = c["stated_start"], c["stated_end"]
        if start is not None and end is not None and start != end:
            span_x = [mdates.date2num(dt.datetime.combine(d, dt.time())) for d in (start, end)]
            ax.plot(span_x, [m.y, m.y], color=colour, linewidth=1.2, alpha=0.45 * m.alpha, transform=tr, gid=f"stated-{c['claim_id']}")
        marker, size = MARKERS[m.shape]
        filled = c["stance"] != "forecasts"
        ax.plot(
            [m.x], [m.y], linestyle="none", marker=marker, markersize=size, markerfacecolor=colour if filled else "white",
            markeredgecolor=colour, markeredgewidth=1.6, alpha=m.alpha, transform=tr, zorder=3, gid=f"claim-{c['claim_id']}",
        )  # fmt: skip


def _label(ax, fig, marks: list[_Mark], colours: dict[str, str], placed: list, pt: float) -> None:
    """The printed numbers: the first spot (right, left, above, below...) that collides with no
    other label, no mark and stays inside the axes; else the least bad one."""
    renderer = fig.canvas.get_renderer()
    area = ax.get_window_extent(renderer)
    candidates = [(9, 0, "left", "center"), (-9, 0, "right", "center"), (6, 8, "left", "bottom"), (6, -8, "left", "top"),
                  (-6, 8, "right", "bottom"), (-6, -8, "right", "top"), (0, 11, "center", "bottom"), (0, -11, "center", "top"),
                  (9, 16, "left", "bottom"), (9, -16, "left", "top")]  # fmt: skip
    labels: list = []

    def annotate(m: _Mark, dx: float, dy: float, ha: str, va: str):
        return ax.annotate(
            m.text, xy=(m.x, m.y), xytext=(m.dx + dx, dy), textcoords="offset points", ha=ha, va=va, fontsize=8,
            color=_darker(colours[m.claim["claimant_id"]]), zorder=4,
        )  # fmt: skip

    for m in marks:
        best_choice, best_cost = candidates[0], math.inf
        for spot in candidates:
            ann = annotate(m, *spot)
            box = ann.get_window_extent(renderer).padded(1.5 * pt)
            cost = sum(_overlap(box, b) for b in [*labels, *placed])
            if not (area.x0 <= box.x0 and box.x1 <= area.x1 and area.y0 <= box.y0 and box.y1 <= area.y1):
                cost += 1e6 + box.width * box.height
            ann.remove()
            if cost < best_cost:
                best_choice, best_cost = spot, cost
            if cost == 0:
                break
        labels.append(annotate(m, *best_choice).get_window_extent(renderer).padded(1.5 * pt))


def tooltip(data: Dataset, claim: dict, text: str, unit: str) -> str:
    unit_label = data.units.get(unit, {}).get("label") or unit
    said = f"{claim['claim_id']} · {claim['claimant_name']}, stated {claim['stated']}: {text} ({unit_label})"
    return f"{said}; {claim['measure_label']}; {certainty_words(claim)}"


def render_chart(data: Dataset, group: Group, colours: dict[str, str], title: str, chart_id: str) -> tuple[str, str, list[str]]:
    """One estimates chart as SVG: (inline SVG, standalone SVG file, claim ids plotted).

    The axes, legend and titles are laid out first (constrained layout), then frozen, so that
    marks which would overlap can be dodged sideways and the printed numbers placed where they
    collide with nothing, both measured in the final geometry.
    """
    import matplotlib

    matplotlib.use("Agg")
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    unit = group.unit
    values = [v * group.scale.get(c["claim_id"], 1.0) for c in group.claims for v in (number(c[q]) for q in QTY) if v is not None]
    top = max(values, default=1.0)
    factor, word = _scale(top, unit)
    unit_label = data.units.get(unit, {}).get("label") or unit
    ylabel = "Percent" if unit == "percent" else unit_label[:1].upper() + unit_label[1:] + (f", {word}" if word else "")
    marks = _marks(group, factor, data.certainty_levels)
    entries = _legend_entries(data, marks, colours)

    with matplotlib.rc_context(RC):
        # Tall enough for the legend: about 12 points a line at 8 points.
        lines = 2 + sum(h.get_label().count("\n") + 1 for _, h in entries) + 2 * len({s for s, _ in entries})
        fig = Figure(figsize=(8.6, max(4.4, 1.1 + lines * 12 / 72)), dpi=72, layout="constrained")
        FigureCanvasAgg(fig)
        ax = fig.add_subplot()
        fig.suptitle(textwrap.fill(title, 60), x=0.01, ha="left", fontsize=11, fontweight="bold")
        _axes(ax, marks, unit, top / factor, ylabel)
        _legend(fig, entries)
        fig.supxlabel(
            f"Data: {data.name} {data.version}, CC-BY-4.0. One mark per claim, labelled with the number as printed (and the claimant's\n"
            "certainty when it is hedged); overlapping marks are shifted sideways; a claim that restates another is not drawn again.",
            x=0.01, ha="left", fontsize=7, color="#666666",
        )  # fmt: skip

        # Freeze the layout, then work in its final display coordinates.
        fig.draw_without_rendering()
        fig.set_layout_engine("none")
        pt = fig.dpi / 72
        placed = _dodge(ax, marks, pt)
        _draw(ax, fig, marks, colours)
        _label(ax, fig, marks, colours, placed, pt)
        buf = io.StringIO()
        fig.savefig(buf, format="svg", metadata={"Date": None})
    raw = buf.getvalue()
    info = {m.claim["claim_id"]: {"title": tooltip(data, m.claim, m.printed, unit), "certainty": m.claim["certainty"] or ""} for m in marks}
    return inline(raw, chart_id, info, title), raw, [m.claim["claim_id"] for m in marks]
