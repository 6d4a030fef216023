"""The researcher-facing static report site: `python -m validate.site [--out DIR]`.

Reads the tables in `data/` (validate/sitedata.py) and writes a static site that works from
file:// with no server and no network: an overview, a filterable table of every claim (with its
measure and certainty), one page of estimates charts per item class that has independent
quantified claims, one chart per measure and unit (validate/estimates.py, drawn by
validate/charts.py), the sources, and the validation report.

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
import json
import re
import sys
from pathlib import Path

from jinja2 import Environment, FileSystemLoader, StrictUndefined
from markupsafe import Markup, escape

from .charts import PALETTE, render_chart
from .estimates import chart_title, charted, noun
from .estimates import groups as estimate_groups
from .sitedata import Dataset, fmt_number, load

ROOT = Path(__file__).resolve().parent.parent
TEMPLATES = Path(__file__).resolve().parent / "templates"
# The inline script of claims.html: filters rows by their data-* attributes and free text.
FILTER_JS = (TEMPLATES / "claims.js").read_text(encoding="utf-8")


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
        tally[r[key] or ""] = tally.get(r[key] or "", 0) + 1
    return sorted(tally.items(), key=lambda kv: (-kv[1], kv[0]))


def _in_order(counts: list[tuple[str, int]], order: list[str]) -> list[tuple[str, int]]:
    """Counts in the schema's order of the values, any value it does not list last."""
    tally = dict(counts)
    return [(v, tally.pop(v)) for v in order if v in tally] + sorted(tally.items())


def _item_pages(data: Dataset) -> list[dict]:
    """One page per item class with at least one independent estimate (an active claim with a
    number that restates no other), its charts one per measure and unit (validate/estimates.py)."""
    pages = []
    for item in sorted({c["item_class"] for c in data.claims if charted(c) and not c["restates"]}):
        groups, leftover = estimate_groups(data, item)
        claims = sorted((c for g in groups for c in g.claims), key=lambda c: (c["stated_mid"] or dt.datetime.max, c["claim_id"]))
        colours: dict[str, str] = {}
        for c in claims:
            if c["claimant_id"] not in colours:
                colours[c["claimant_id"]] = PALETTE[len(colours) % len(PALETTE)]
        pages.append(
            {
                "item_class": item,
                "file": f"item-{_slug(item)}.html",
                "noun": noun(item),
                "label": data.labels.get("item_class", {}).get(item, ""),
                "claims": claims,
                "restatements": [c for g in groups for c in g.restatements] + leftover,
                "unplaced": leftover,
                "colours": colours,
                "groups": groups,
                "others": [c for c in data.claims if c["item_class"] == item and not charted(c)],
            }
        )
    return pages


def _charts(data: Dataset, page: dict, out: Path) -> list[dict]:
    """Draw a page's charts (each also written as a standalone SVG file), in sections by category."""
    sections: dict[str, dict] = {}
    for g in page["groups"]:
        chart_id = _slug(f"item-{g.item_class}-{g.measure or 'none'}-{g.unit}")
        title = chart_title(data, g)
        svg, raw, plotted = render_chart(data, g, page["colours"], title, chart_id)
        (out / f"{chart_id}.svg").write_bytes(raw.encode("utf-8"))
        label = data.measure_label(g.measure)
        category = data.measure_category(g.measure, g.claims[0])
        section = sections.setdefault(category, {"category": category, "charts": []})
        section["charts"].append(
            {
                "id": chart_id,
                "file": f"{chart_id}.svg",
                "title": title,
                "heading": f"{label[:1].upper()}{label[1:]}, in {data.units.get(g.unit, {}).get('label') or g.unit}",
                "measure": g.measure or "",
                "measure_label": label,
                "dimension": g.dimension,
                "unit": g.unit,
                "svg": Markup(svg),
                "claims": g.claims,
                "restatements": g.restatements,
                "unplotted": [c for c in g.claims if c["claim_id"] not in plotted],
            }
        )
    return list(sections.values())


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

    by_certainty = _in_order(_counts(data.claims, "certainty"), data.certainty_levels)
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
        by_certainty=by_certainty,
        by_item=_counts(data.claims, "item_class"),
        labels=data.labels,
        report=report,
    )

    def values(column: str) -> list[tuple[str, str]]:
        return [(v, v) for v in sorted({c[column] for c in data.claims if c[column]})]

    claimants = sorted({(c["claimant_id"], c["claimant_name"]) for c in data.claims}, key=lambda t: (t[1].casefold(), t[0]))
    measures = sorted({(c["measure"], c["measure_label"]) for c in data.claims if c["measure"]}, key=lambda t: (t[1].casefold(), t[0]))
    # (data-filter key, label, [(option value, option text)]): one <select> each
    filters = [
        ("category", "Category", values("category")),
        ("measure", "Measure", measures),
        ("item_class", "Item class", values("item_class")),
        ("claimant", "Claimant", claimants),
        ("stance", "Stance", values("stance")),
        ("certainty", "Certainty", [(v, v) for v, _ in by_certainty if v]),
        ("source", "Source", [(s["source_id"], f"{s['published']} · {s['title']}") for s in data.sources]),
    ]
    write("claims.html", "claims.html", script=FILTER_JS, claims=data.claims, filters=filters)

    for p in pages:
        write(p["file"], "item.html", item=p, sections=_charts(data, p, out))

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
