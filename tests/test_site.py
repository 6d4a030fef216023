"""The static report site (validate/site.py): pages, escaping, determinism, and a headless browser.

The browser tests drive Debian's Chromium (/usr/bin/chromium) with playwright; they are skipped
when it is missing, unless REQUIRE_BROWSER=1, in which case they fail. Screenshots of the
overview and the artillery-shells chart are saved to tests/artifacts/.
"""

from __future__ import annotations

import csv
import json
import os
import re
import shutil
from html import unescape
from pathlib import Path

import pytest

from validate.site import build_site, main

ROOT = Path(__file__).resolve().parent.parent
ARTIFACTS = Path(__file__).resolve().parent / "artifacts"
CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--no-first-run", "--disable-sync"]
PAYLOAD = "<script>window.__pwned=1</script>"
ESCAPED = "&lt;script&gt;window.__pwned=1&lt;/script&gt;"
REPORT = {
    "valid": False,
    "package": "datapackage.json",
    "version": "0.1.0",
    "as_of": "2026-11-22",
    "counts": {"error": 1, "warning": 0},
    "rows": {"claims": 1},
    "rules": ["units.qty_text"],
    "findings": [
        {
            "rule": "units.qty_text",
            "severity": "error",
            "file": "data/claims.csv",
            "line": 2,
            "key": "c0001",
            "column": "qty_text",
            "value": PAYLOAD,
            "message": f"qty_text={PAYLOAD} is not a number",
        }
    ],
}


def rows(root: Path, table: str) -> list[dict]:
    with open(root / "data" / f"{table}.csv", newline="", encoding="utf-8") as f:
        return list(csv.DictReader(f))


def quantified(claim: dict) -> bool:
    return any(claim[q].strip() for q in ("qty_low", "qty_best", "qty_high"))


def estimate(claim: dict) -> bool:
    """An independent estimate, drawn as one mark: an active claim with a number that restates no other."""
    return claim["status"] == "active" and quantified(claim) and not claim["restates"]


def charted(root: Path, item_class: str) -> list[str]:
    """Claim ids the estimates charts of an item class must show."""
    return sorted(c["claim_id"] for c in rows(root, "claims") if c["item_class"] == item_class and estimate(c))


def chart_blocks(html: str) -> list[dict]:
    """Each chart of an item page: its section's data-* attributes, heading, SVG and the claim ids of its marks."""
    out = []
    for part in html.split('<section class="chart-block"')[1:]:
        svg = part[part.index("<svg ") : part.index("</svg>")]
        out.append(
            {
                "attrs": dict(re.findall(r'(data-[a-z-]+)="([^"]*)"', part[: part.index(">")])),
                "heading": unescape(re.search(r"<h[23]>(.*?)</h[23]>", part).group(1)),
                "svg": svg,
                "marks": re.findall(r'<g id="claim-(c[0-9]+)" class="mark"', svg),
                "html": part[: part.index("</section>")],
            }
        )
    return out


def mark(svg: str, cid: str) -> tuple[dict, str]:
    """A mark's attributes and its content (tooltip and marker)."""
    m = re.search(rf'<g id="claim-{cid}" ([^>]*)>(.*?)\n   </g>', svg, re.S)
    assert m, cid
    return dict(re.findall(r'([a-z-]+)="([^"]*)"', m.group(1))), m.group(2)


def certainty_levels(root: Path) -> list[str]:
    schema = json.loads((root / "schema" / "claims.json").read_text(encoding="utf-8"))
    return [c["value"] for f in schema["fields"] if f["name"] == "certainty" for c in f["categories"]]


def write_rows(root: Path, table: str, data: list[dict]) -> None:
    with open(root / "data" / f"{table}.csv", "w", newline="", encoding="utf-8") as f:
        w = csv.DictWriter(f, fieldnames=list(data[0]), lineterminator="\n")
        w.writeheader()
        w.writerows(data)


def copy_package(dest: Path) -> Path:
    shutil.copy(ROOT / "datapackage.json", dest / "datapackage.json")
    for folder in ("schema", "data"):
        shutil.copytree(ROOT / folder, dest / folder)
    return dest


@pytest.fixture(scope="module")
def site(tmp_path_factory) -> Path:
    """The real package's site, with the validator run by build_site itself (report=None)."""
    return build_site(ROOT, tmp_path_factory.mktemp("site"))


@pytest.fixture(scope="module")
def evil(tmp_path_factory) -> tuple[Path, str, str]:
    """A copy of the package with a script tag in the name of a shells claimant and in a claim's notes."""
    root = copy_package(tmp_path_factory.mktemp("evil-package"))
    target = charted(ROOT, "artillery_ammunition")[0]
    claims = rows(root, "claims")
    claimant = next(c["claimant_id"] for c in claims if c["claim_id"] == target)
    for c in claims:
        if c["claim_id"] == target:
            c["notes"] = f'{PAYLOAD} "quoted" & <b>bold</b>'
    write_rows(root, "claims", claims)
    actors = rows(root, "actors")
    for a in actors:
        if a["actor_id"] == claimant:
            a["name"] = PAYLOAD
    write_rows(root, "actors", actors)
    return build_site(root, tmp_path_factory.mktemp("evil-site"), report=REPORT), target, claimant


# ------------------------------------------------------------------------------------------
# Pages, from the files


def test_every_page_is_written(site: Path):
    claims = rows(ROOT, "claims")
    classes = {c["item_class"] for c in claims if estimate(c)}
    assert {p.name for p in site.glob("item-*.html")} == {f"item-{k}.html" for k in classes}
    for name in ("index.html", "claims.html", "sources.html", "validation.html", "style.css", "item-artillery_ammunition.html"):
        assert (site / name).is_file(), name


def test_overview_counts_version_and_citation(site: Path):
    html = (site / "index.html").read_text(encoding="utf-8")
    claims, sources, actors = rows(ROOT, "claims"), rows(ROOT, "sources"), rows(ROOT, "actors")
    numbers = re.findall(r'<span class="stat-n">(\d+)</span><span class="stat-l">([^<]+)</span>', html)
    stats = {label: int(n) for n, label in numbers}
    assert stats["claims"] == len(claims)
    assert stats["sources"] == len(sources)
    assert stats["actors"] == len(actors)
    assert stats["claimants"] == len({c["claimant_id"] for c in claims})
    for category in {c["category"] for c in claims}:
        n = sum(1 for c in claims if c["category"] == category)
        assert re.search(rf"#category={category}\">{category}</a></td><td[^>]*>[^<]*</td><td class=\"num\">{n}</td>", html), category
    assert re.search(r"\(dprk-russia-arms\), version 0\.\d+\.\d+ \[data set\]\. Licensed CC-BY-4\.0", html.replace("\n", " "))
    for page in ("claims.html", "sources.html", "validation.html", "item-artillery_ammunition.html"):
        assert f'href="{page}"' in html


def test_claims_table_has_every_claim_with_filter_attributes(site: Path):
    html = (site / "claims.html").read_text(encoding="utf-8")
    cites = rows(ROOT, "citations")
    for c in rows(ROOT, "claims"):
        sources = " ".join(sorted(x["source_id"] for x in cites if x["claim_id"] == c["claim_id"]))
        row = re.search(rf'<tr id="claim-{c["claim_id"]}"([^>]*)>', html)
        assert row, c["claim_id"]
        attrs = dict(re.findall(r'(data-[a-z-]+)="([^"]*)"', row.group(1)))
        assert attrs == {
            "data-category": c["category"],
            "data-item-class": c["item_class"],
            "data-claimant": c["claimant_id"],
            "data-stance": c["stance"],
            "data-measure": c["measure"],
            "data-certainty": c["certainty"],
            "data-source": sources,
            "data-status": c["status"],
        }
    for select in ("category", "measure", "item_class", "claimant", "stance", "certainty", "source"):
        assert f'<select id="filter-{select}" data-filter="{select}">' in html
    assert 'id="filter-text"' in html and 'id="visible-count"' in html


def test_shells_chart_has_one_mark_per_quantified_claim(site: Path):
    html = (site / "item-artillery_ammunition.html").read_text(encoding="utf-8")
    expected = charted(ROOT, "artillery_ammunition")
    assert expected, "the data has quantified artillery_ammunition claims"
    ids = re.findall(r'\bid="([^"]*)"', html)
    for cid in expected:
        assert [i for i in ids if cid in i] == [f"claim-{cid}"], cid
    assert sorted(i for i in ids if i.startswith("claim-")) == [f"claim-{cid}" for cid in expected]
    # One chart per measure, unit dimension and canonical unit, titled with the measure's label.
    units = {u["unit_id"]: u for u in rows(ROOT, "units")}
    labels = {m["measure_id"]: m["label"] for m in rows(ROOT, "measures")}
    claims = [c for c in rows(ROOT, "claims") if c["claim_id"] in expected]
    assert html.count("<svg ") == len({(c["measure"], units[c["unit"]]["dimension"], units[c["unit"]]["canonical_unit_id"]) for c in claims})
    titles = [unescape(t) for t in re.findall(r'<svg [^>]*aria-label="([^"]*)"', html)]
    for measure in {c["measure"] for c in claims}:
        assert any(t.startswith("Artillery shells") and f": {labels[measure]}" in t for t in titles), measure


def test_no_network_and_one_hashed_inline_script(site: Path):
    for page in site.glob("*.html"):
        html = page.read_text(encoding="utf-8")
        csp = re.search(r'<meta http-equiv="Content-Security-Policy" content="([^"]+)">', html)
        assert csp and "connect-src 'none'" in unescape(csp.group(1)) and "default-src 'none'" in unescape(csp.group(1)), page.name
        assert not re.search(r"<(?:script|img|iframe|link)[^>]+(?:src|href)=\"(?:https?:)?//", html), page.name
        assert not re.search(r"<script[^>]*\bsrc=", html), page.name
        assert not re.search(r"\son[a-z]+=\"", html), page.name  # no inline event handlers (CSP forbids them)
        assert html.count("<script>") == (1 if page.name == "claims.html" else 0), page.name
        assert "fetch(" not in html and "XMLHttpRequest" not in html, page.name


def test_sources_and_validation_pages(site: Path):
    html = (site / "sources.html").read_text(encoding="utf-8")
    for s in rows(ROOT, "sources"):
        assert f'id="source-{s["source_id"]}"' in html
        assert s["snapshot_sha256"] in html
    report = (site / "validation.html").read_text(encoding="utf-8")
    assert re.search(r"(Valid|Invalid):\s+\d+ errors?,\s+\d+ warnings?", report)


def test_data_is_escaped_everywhere(evil):
    site, target, _claimant = evil
    for page in site.glob("*.html"):
        html = page.read_text(encoding="utf-8")
        assert PAYLOAD not in html, page.name
        assert "window.__pwned=1</script>" not in html, page.name
    claims = (site / "claims.html").read_text(encoding="utf-8")
    assert claims.count(ESCAPED) >= 3  # claimant option, claimant cell, notes
    assert "&#34;quoted&#34; &amp; &lt;b&gt;bold&lt;/b&gt;" in claims
    chart = (site / "item-artillery_ammunition.html").read_text(encoding="utf-8")
    assert ESCAPED in chart  # the table, the legend's text and the mark's tooltip
    assert re.search(rf'<g id="claim-{target}" class="mark" data-claim="{target}" [^>]*>\s*<title>{re.escape(target)} · {re.escape(ESCAPED)}', chart)
    validation = (site / "validation.html").read_text(encoding="utf-8")
    assert validation.count(ESCAPED) == 2 and "Invalid" in validation


def test_build_is_deterministic(site: Path, tmp_path: Path):
    again = build_site(ROOT, tmp_path / "again", report=None)
    first = {p.name: p.read_bytes() for p in sorted(site.iterdir())}
    second = {p.name: p.read_bytes() for p in sorted(again.iterdir())}
    assert first.keys() == second.keys()
    for name in first:
        assert first[name] == second[name], name


def test_cli_writes_the_site(tmp_path: Path, capsys):
    out = tmp_path / "cli-site"
    assert main(["--out", str(out)]) == 0
    assert (out / "index.html").is_file() and (out / "style.css").is_file()
    assert str(out / "index.html") in capsys.readouterr().out


# ------------------------------------------------------------------------------------------
# Measures, certainty and restatements (schema 0.2)


@pytest.fixture(scope="module")
def recoded(tmp_path_factory) -> tuple[Path, dict]:
    """A copy of the package re-coded to exercise 0.2 whatever the current coding says: the
    quantified casualties claims spread over every casualties measure, one shells estimate
    hedged with the least sure certainty, and another restating a third."""
    root = copy_package(tmp_path_factory.mktemp("recoded-package"))
    claims = rows(root, "claims")
    measures = [m["measure_id"] for m in rows(root, "measures") if m["category"] == "casualties"]
    casualties = [c for c in claims if c["category"] == "casualties" and c["status"] == "active" and quantified(c)]
    assert len(casualties) >= 2 and len(measures) >= 2
    for i, c in enumerate(casualties):
        c["measure"], c["restates"] = measures[i % len(measures)], ""
    shells = sorted((c for c in claims if c["item_class"] == "artillery_ammunition" and estimate(c)), key=lambda c: c["claim_id"])
    assert len(shells) >= 3
    restated, restating, hedged = shells[0], shells[1], shells[2]
    restating["restates"], restating["measure"], restating["unit"] = restated["claim_id"], restated["measure"], restated["unit"]
    hedged["certainty"], hedged["hedge_text"] = certainty_levels(root)[-1], "less clear if"
    write_rows(root, "claims", claims)
    site = build_site(root, tmp_path_factory.mktemp("recoded-site"), report={"valid": True})
    facts = {
        "claims": {c["claim_id"]: c for c in claims},
        "casualties": {c["claim_id"]: c["measure"] for c in casualties},
        "restated": restated["claim_id"],
        "restating": restating["claim_id"],
        "hedged": hedged["claim_id"],
    }
    return site, facts


def test_casualties_chart_never_puts_two_measures_together(recoded):
    """Killed, wounded, wounded or missing and unspecified casualties are separate charts, each labelled with its measure."""
    site, facts = recoded
    labels = {m["measure_id"]: m["label"] for m in rows(ROOT, "measures")}
    seen: dict[str, set[str]] = {}
    for chart in chart_blocks((site / "item-personnel.html").read_text(encoding="utf-8")):
        measures = {facts["casualties"][cid] for cid in chart["marks"] if cid in facts["casualties"]}
        if not measures:
            continue
        assert len(measures) == 1, (chart["attrs"], measures)
        (measure,) = measures
        assert all(facts["claims"][cid]["measure"] == measure for cid in chart["marks"]), chart["attrs"]
        assert chart["attrs"]["data-measure"] == measure
        assert chart["heading"].casefold().startswith(labels[measure].casefold()), chart["heading"]
        assert f": {labels[measure]}" in unescape(re.search(r'aria-label="([^"]*)"', chart["svg"]).group(1))
        seen[measure] = set(chart["marks"])
    assert seen.keys() == set(facts["casualties"].values())
    for measure, marks in seen.items():
        assert marks == {cid for cid, m in facts["casualties"].items() if m == measure}


def test_every_chart_holds_one_measure_item_class_and_dimension(site: Path, recoded):
    for root, folder in ((ROOT, site), (None, recoded[0])):
        claims = {c["claim_id"]: c for c in rows(root, "claims")} if root else recoded[1]["claims"]
        units = {u["unit_id"]: u for u in rows(ROOT, "units")}
        for page in sorted(folder.glob("item-*.html")):
            for chart in chart_blocks(page.read_text(encoding="utf-8")):
                kinds = {(claims[c]["measure"], claims[c]["item_class"], units[claims[c]["unit"]]["dimension"]) for c in chart["marks"]}
                assert len(kinds) == 1, (page.name, chart["attrs"], kinds)


def test_restating_row_is_not_drawn(site: Path, recoded):
    folder, facts = recoded
    restating, restated = facts["restating"], facts["restated"]
    html = (folder / "item-artillery_ammunition.html").read_text(encoding="utf-8")
    assert f'id="claim-{restated}"' in html
    assert f'claim-{restating}"' not in html.replace(f'href="claims.html#claim-{restating}"', "")
    assert sum(len(c["marks"]) for c in chart_blocks(html)) == len(charted(ROOT, "artillery_ammunition")) - 1
    listed = re.search(rf'<p class="restatements">.*?#claim-{restating}">{restating}</a>[^<]*restates <a href="claims\.html#claim-{restated}">', html, re.S)
    assert listed, "the restating row is listed under the chart of the row it restates"
    # In the real data too: no restating row is ever a mark.
    for c in rows(ROOT, "claims"):
        if c["restates"]:
            for page in site.glob("item-*.html"):
                assert f'<g id="claim-{c["claim_id"]}"' not in page.read_text(encoding="utf-8"), (c["claim_id"], page.name)


def test_every_mark_shows_its_certainty(site: Path, recoded):
    """Each mark carries its certainty (attribute and tooltip, with the hedge words) and is fainter the less sure it is."""
    levels = certainty_levels(ROOT)
    for root, folder in ((ROOT, site), (None, recoded[0])):
        claims = {c["claim_id"]: c for c in rows(root, "claims")} if root else recoded[1]["claims"]
        n = 0
        for page in sorted(folder.glob("item-*.html")):
            for chart in chart_blocks(page.read_text(encoding="utf-8")):
                for cid in chart["marks"]:
                    c = claims[cid]
                    attrs, body = mark(chart["svg"], cid)
                    title = unescape(re.search(r"<title>(.*?)</title>", body, re.S).group(1))
                    assert attrs["data-certainty"] == c["certainty"], cid
                    assert f"certainty: {c['certainty']}" in title, (cid, title)
                    assert not c["hedge_text"] or f"“{c['hedge_text']}”" in title, (cid, title)
                    opacity = [float(v) for v in re.findall(r"fill-opacity: ([0-9.]+)", body)]
                    if c["certainty"] == levels[0]:
                        assert opacity == [], cid
                    else:
                        assert opacity and max(opacity) < 1, cid
                    n += 1
        assert n > 0
    hedged = recoded[1]["hedged"]
    html = (recoded[0] / "item-artillery_ammunition.html").read_text(encoding="utf-8")
    (chart,) = [c for c in chart_blocks(html) if hedged in c["marks"]]
    assert f'<tr data-claim="{hedged}" data-certainty="{levels[-1]}">' in chart["html"]
    assert "hedge: “less clear if”" in chart["html"]


def test_claims_page_has_measure_and_certainty_filters_and_columns(site: Path):
    html = (site / "claims.html").read_text(encoding="utf-8")
    claims = rows(ROOT, "claims")
    labels = {m["measure_id"]: m["label"] for m in rows(ROOT, "measures")}

    def options(key: str) -> dict[str, str]:
        select = re.search(rf'<select id="filter-{key}" data-filter="{key}">(.*?)</select>', html, re.S)
        assert select, key
        return {v: unescape(t) for v, t in re.findall(r'<option value="([^"]*)">([^<]*)</option>', select.group(1)) if v}

    assert options("measure") == {c["measure"]: labels[c["measure"]] for c in claims}
    assert set(options("certainty")) == {c["certainty"] for c in claims}
    assert list(options("certainty")) == [v for v in certainty_levels(ROOT) if v in options("certainty")]
    head = html[html.index("<thead>") : html.index("</thead>")]
    assert ">Category,<br>measure</th>" in head and '<th scope="col">Certainty</th>' in head
    body = html[html.index("<tbody>") :]
    rowsplit = {m.group(1): m.group(0) for m in re.finditer(r'<tr id="claim-(c[0-9]+)".*?</tr>', body, re.S)}
    for c in claims:
        row = unescape(rowsplit[c["claim_id"]])
        assert f'<span class="certainty certainty-{c["certainty"]}">{c["certainty"]}</span>' in row, c["claim_id"]
        assert f'<div class="measure">{labels[c["measure"]]}</div>' in row, c["claim_id"]
        assert not c["hedge_text"] or f"hedge: “{c['hedge_text']}”" in row, c["claim_id"]
        assert not c["restates"] or f'restates</span> <a href="#claim-{c["restates"]}">' in row, c["claim_id"]


# ------------------------------------------------------------------------------------------
# In a headless browser, from file://


@pytest.fixture(scope="module")
def browser():
    required = os.environ.get("REQUIRE_BROWSER") == "1"
    if not CHROMIUM.exists():
        if required:
            pytest.fail(f"REQUIRE_BROWSER=1 but {CHROMIUM} is missing (apt-get install chromium)")
        pytest.skip(f"{CHROMIUM} is missing")
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        if required:
            pytest.fail("REQUIRE_BROWSER=1 but the playwright package is not installed")
        pytest.skip("the playwright package is not installed")
    with sync_playwright() as p:
        chromium = p.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


class Tab:
    """One browser tab, offline; `visit` opens a file:// URL and records console errors, page errors and requests."""

    def __init__(self, browser):
        self.context = browser.new_context(viewport={"width": 1280, "height": 900}, offline=True)
        self.page = self.context.new_page()
        self.errors: list[str] = []
        self.failed: list[str] = []
        self.requests: list[str] = []
        self.page.on("console", lambda m: self.errors.append(f"console.{m.type}: {m.text}") if m.type == "error" else None)
        self.page.on("pageerror", lambda e: self.errors.append(f"pageerror: {e}"))
        self.page.on("requestfailed", lambda r: self.failed.append(f"{r.url} {r.failure}"))
        self.page.on("request", lambda r: self.requests.append(r.url))

    def visit(self, url: str) -> Tab:
        self.errors.clear()
        self.failed.clear()
        self.requests.clear()
        self.page.goto(url, wait_until="load")
        return self


@pytest.fixture
def tab(browser):
    t = Tab(browser)
    yield t
    t.context.close()


def test_every_page_loads_clean_from_file_urls(site: Path, tab: Tab):
    pages = sorted(site.glob("*.html"))
    assert len(pages) >= 5
    for path in pages:
        p = tab.visit(path.as_uri())
        assert p.errors == [], path.name
        assert p.failed == [], path.name
        assert all(u.startswith(("file://", "data:")) for u in p.requests), (path.name, p.requests)
        assert p.page.evaluate("getComputedStyle(document.body).margin") == "0px", f"{path.name}: style.css not applied"


def test_shells_chart_renders_one_visible_mark_per_claim(site: Path, tab: Tab):
    expected = charted(ROOT, "artillery_ammunition")
    p = tab.visit((site / "item-artillery_ammunition.html").as_uri())
    for cid in expected:
        marks = p.page.locator(f'[id*="{cid}"]')
        assert marks.count() == 1, cid
        box = marks.first.bounding_box()
        assert box and box["width"] > 0 and box["height"] > 0, cid
        assert marks.first.evaluate("e => e.closest('svg') !== null"), cid
    assert p.page.locator("svg g.mark").count() == len(expected)
    assert p.page.locator('svg [id^="claim-"]').count() == len(expected)
    ARTIFACTS.mkdir(exist_ok=True)
    p.page.screenshot(path=str(ARTIFACTS / "item-artillery_ammunition.png"), full_page=True)
    assert p.errors == []
    tab.visit((site / "index.html").as_uri()).page.screenshot(path=str(ARTIFACTS / "index.png"), full_page=True)
    assert tab.errors == []


def test_filtering_claims_by_claimant_narrows_the_table(site: Path, tab: Tab):
    claims = rows(ROOT, "claims")
    tally: dict[str, int] = {}
    for c in claims:
        tally[c["claimant_id"]] = tally.get(c["claimant_id"], 0) + 1
    claimant = max(sorted(tally), key=lambda k: tally[k])
    assert tally[claimant] < len(claims)
    p = tab.visit((site / "claims.html").as_uri())
    count = p.page.locator("#visible-count")
    assert int(count.inner_text()) == len(claims)
    p.page.select_option("#filter-claimant", claimant)
    assert int(count.inner_text()) == tally[claimant]
    visible = p.page.locator("#claims-table tbody tr:visible")
    assert visible.count() == tally[claimant]
    assert set(visible.evaluate_all("rows => rows.map(r => r.dataset.claimant)")) == {claimant}
    # Free text narrows further and the reset button restores every row.
    p.page.fill("#filter-text", "zzz-no-such-words")
    assert int(count.inner_text()) == 0
    p.page.click("#filter-reset")
    assert int(count.inner_text()) == len(claims)
    assert p.errors == []


def test_filters_can_be_linked(site: Path, tab: Tab):
    claims = rows(ROOT, "claims")
    n = sum(1 for c in claims if c["item_class"] == "artillery_ammunition")
    p = tab.visit((site / "claims.html").as_uri() + "#item_class=artillery_ammunition")
    assert int(p.page.locator("#visible-count").inner_text()) == n
    assert p.page.locator("#filter-item_class").input_value() == "artillery_ammunition"


def test_filtering_by_measure_and_certainty(site: Path, tab: Tab):
    claims = rows(ROOT, "claims")
    measure = max(sorted({c["measure"] for c in claims}), key=lambda m: sum(c["measure"] == m for c in claims))
    certainty = sorted({c["certainty"] for c in claims if c["measure"] == measure})[0]
    p = tab.visit((site / "claims.html").as_uri() + f"#measure={measure}")
    count = p.page.locator("#visible-count")
    assert int(count.inner_text()) == sum(c["measure"] == measure for c in claims) < len(claims)
    p.page.select_option("#filter-certainty", certainty)
    both = sum(c["measure"] == measure and c["certainty"] == certainty for c in claims)
    assert int(count.inner_text()) == both > 0
    visible = p.page.locator("#claims-table tbody tr:visible")
    assert set(visible.evaluate_all("rows => rows.map(r => r.dataset.measure + ' ' + r.dataset.certainty)")) == {f"{measure} {certainty}"}
    assert p.errors == []


def test_malicious_values_show_as_text_and_never_run(evil, tab: Tab):
    site, target, claimant = evil
    for name in ("index.html", "validation.html", "item-artillery_ammunition.html", "claims.html"):
        p = tab.visit((site / name).as_uri())
        assert p.page.evaluate("typeof window.__pwned") == "undefined", name
        assert p.errors == [], name
    # tab is on claims.html: the payload is the text of the claimant's cell and of the notes
    row = tab.page.locator(f"#claim-{target}")
    assert PAYLOAD in row.inner_text()
    tab.page.select_option("#filter-claimant", claimant)
    assert tab.page.locator("#claims-table tbody tr:visible").count() >= 1
    assert tab.page.evaluate("typeof window.__pwned") == "undefined"
    chart = tab.visit((site / "item-artillery_ammunition.html").as_uri())
    assert PAYLOAD in chart.page.locator(f"#claim-{target} > title").text_content()
    assert chart.page.evaluate("typeof window.__pwned") == "undefined"


def test_pages_fit_a_phone_screen(site: Path, browser):
    """At 390 px nothing widens the page: wide tables scroll inside their own box."""
    context = browser.new_context(viewport={"width": 390, "height": 800}, offline=True)
    try:
        page = context.new_page()
        for path in sorted(site.glob("*.html")):
            page.goto(path.as_uri(), wait_until="load")
            assert page.evaluate("document.documentElement.scrollWidth") <= 390, path.name
            stuck = page.evaluate(
                "[...document.querySelectorAll('table')]"
                ".filter(t => t.getBoundingClientRect().width > innerWidth && getComputedStyle(t.parentElement).overflowX !== 'auto').length"
            )
            assert stuck == 0, f"{path.name}: a table wider than the screen does not scroll"
        ARTIFACTS.mkdir(exist_ok=True)
        page.goto((site / "claims.html").as_uri(), wait_until="load")
        page.screenshot(path=str(ARTIFACTS / "claims-390px.png"), full_page=False)
    finally:
        context.close()
