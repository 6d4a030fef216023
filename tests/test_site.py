"""The static report site (validate/site.py): pages, escaping, determinism, and a headless browser.

The browser tests drive Debian's Chromium (/usr/bin/chromium) with playwright; they are skipped
when it is missing, unless REQUIRE_BROWSER=1, in which case they fail. Screenshots of the
overview and the artillery-shells chart are saved to tests/artifacts/.
"""

from __future__ import annotations

import csv
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


def charted(root: Path, item_class: str) -> list[str]:
    """Claim ids the estimates chart of an item class must show: active claims with a number."""
    return sorted(c["claim_id"] for c in rows(root, "claims") if c["item_class"] == item_class and c["status"] == "active" and quantified(c))


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
    classes = {c["item_class"] for c in claims if c["status"] == "active" and quantified(c)}
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
            "data-source": sources,
            "data-status": c["status"],
        }
    for select in ("category", "item_class", "claimant", "stance", "source"):
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
    assert "Artillery shells delivered to Russia: competing estimates" in html
    assert html.count("<svg ") == len({(c["unit"], c["category"]) for c in rows(ROOT, "claims") if c["claim_id"] in expected})


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
    assert re.search(rf'<g id="claim-{target}" class="mark" data-claim="{target}">\s*<title>{re.escape(target)} · {re.escape(ESCAPED)}', chart)
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
