"""matplotlib's SVG made fit to sit inline in a page beside other charts."""

from __future__ import annotations

import re

from markupsafe import escape


def inline(svg: str, chart_id: str, marks: dict[str, dict[str, str]], label: str) -> str:
    """Rewrite one chart's SVG for a page.

    Drops the XML prolog and metadata, makes the size responsive, prefixes every id with the
    chart's id (so several charts on one page do not clash), and turns the artists' gids into
    what the page and its tests use: `<g id="claim-cNNNN" class="mark" data-claim data-certainty>`
    with a tooltip for each claim's mark (`marks[claim_id]` holds `title` and `certainty`), and
    class/data-claim (no id) for the range and date-interval lines.
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
        info = marks.get(cid, {})
        return (
            f'<g id="claim-{cid}" class="mark" data-claim="{cid}" data-certainty="{escape(info.get("certainty", ""))}">\n'
            f"   <title>{escape(info.get('title', cid))}</title>"
        )

    svg = re.sub(r'<g id="claim-(c[0-9]+)">', mark, svg)
    return svg.rstrip() + "\n"
