"""Publishing a version on GitHub and Zenodo: the tag check run by the release workflow, the
workflow itself, and the citation metadata (.zenodo.json, CITATION.cff) agreeing with the package."""

from __future__ import annotations

import hashlib
import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parent.parent
SCRIPT = ROOT / ".github" / "scripts" / "check_release.py"
WORKFLOW = ROOT / ".github" / "workflows" / "release.yml"
PACKAGE = json.loads((ROOT / "datapackage.json").read_text(encoding="utf-8"))
CFF = yaml.safe_load((ROOT / "CITATION.cff").read_text(encoding="utf-8"))
ZIP_BYTES = b"PK\x05\x06" + bytes(18)  # an empty zip archive: any fixed bytes would do


def make_repo(root: Path, version: str = "1.2.3", cff_version: str | None = None, recorded: bytes = ZIP_BYTES, built: bytes | None = ZIP_BYTES) -> Path:
    """A repository with a cut version: datapackage.json, CITATION.cff, CHANGELOG.md, the
    manifest releases/<version>.json and (unless built is None) the zip `make release` built."""
    name = "dprk-russia-arms"
    (root / "datapackage.json").write_text(json.dumps({"name": name, "version": version}), encoding="utf-8")
    (root / "CITATION.cff").write_text(f"cff-version: 1.2.0\ntitle: t\nversion: {cff_version or version}\n", encoding="utf-8")
    (root / "CHANGELOG.md").write_text(
        f"# Changelog\n\n## [Unreleased]\n\n## [{version}] - 2026-12-01\n\n### Added\n- Things.\n\n## [0.1.0] - 2026-11-22\n\nFirst.\n", encoding="utf-8"
    )
    (root / "releases").mkdir()
    zip_name = f"{name}-{version}.zip"
    manifest = {"name": name, "version": version, "zip": {"name": zip_name, "sha256": hashlib.sha256(recorded).hexdigest()}}
    (root / "releases" / f"{version}.json").write_text(json.dumps(manifest), encoding="utf-8")
    if built is not None:
        (root / "dist").mkdir()
        (root / "dist" / zip_name).write_bytes(built)
    return root


def check(root: Path, *args: str, env: dict | None = None) -> subprocess.CompletedProcess:
    environ = {k: v for k, v in os.environ.items() if k not in ("GITHUB_ACTIONS", "GITHUB_OUTPUT", "GITHUB_REF_NAME")}
    return subprocess.run([sys.executable, str(SCRIPT), "--root", str(root), *args], capture_output=True, text=True, env={**environ, **(env or {})}, timeout=60)


def test_check_passes_and_writes_sha256sums(tmp_path):
    root = make_repo(tmp_path)
    outputs = tmp_path / "github_output"
    result = check(root, "--tag", "v1.2.3", "--notes", str(tmp_path / "notes.md"), env={"GITHUB_OUTPUT": str(outputs)})
    assert result.returncode == 0, result.stderr
    sha = hashlib.sha256(ZIP_BYTES).hexdigest()
    sums = root / "dist" / "SHA256SUMS"
    assert sums.read_text(encoding="utf-8") == f"{sha}  dprk-russia-arms-1.2.3.zip\n"
    assert (tmp_path / "notes.md").read_text(encoding="utf-8") == "### Added\n- Things.\n"
    assert dict(line.split("=", 1) for line in outputs.read_text(encoding="utf-8").splitlines()) == {
        "zip": str(root / "dist" / "dprk-russia-arms-1.2.3.zip"),
        "sums": str(sums),
        "notes": str(tmp_path / "notes.md"),
    }


def test_sha256sums_is_read_by_sha256sum(tmp_path):
    root = make_repo(tmp_path)
    assert check(root, "--tag", "v1.2.3").returncode == 0
    try:
        verdict = subprocess.run(["sha256sum", "-c", "SHA256SUMS"], cwd=root / "dist", capture_output=True, text=True, timeout=60)
    except FileNotFoundError:
        pytest.skip("no sha256sum on this machine")
    assert verdict.returncode == 0 and "dprk-russia-arms-1.2.3.zip: OK" in verdict.stdout


def test_preflight_passes_before_the_build(tmp_path):
    root = make_repo(tmp_path, built=None)
    result = check(root, "--tag", "refs/tags/v1.2.3", "--preflight")
    assert result.returncode == 0, result.stderr
    assert not (root / "dist").exists()


@pytest.mark.parametrize(
    ("setup", "tag", "args", "reason"),
    [
        ({"built": b"PK other bytes"}, "v1.2.3", [], "this commit does not reproduce the cut release"),
        ({}, "v1.2.4", ["--preflight"], "tag v1.2.4 does not name the package version"),
        ({}, "1.2.3", ["--preflight"], "the tag must be v1.2.3"),
        ({"cff_version": "1.2.2"}, "v1.2.3", ["--preflight"], "CITATION.cff has version '1.2.2'"),
        ({"built": None}, "v1.2.3", [], "was not built: run `make release` first"),
    ],
)
def test_check_refuses(tmp_path, setup, tag, args, reason):
    root = make_repo(tmp_path, **setup)
    result = check(root, "--tag", tag, *args)
    assert result.returncode == 1 and reason in result.stderr, result.stderr
    assert not (root / "dist" / "SHA256SUMS").exists()


def test_check_refuses_a_version_that_was_never_cut(tmp_path):
    root = make_repo(tmp_path)
    (root / "releases" / "1.2.3.json").unlink()
    result = check(root, "--tag", "v1.2.3", "--preflight")
    assert result.returncode == 1 and "releases/1.2.3.json does not exist" in result.stderr


def test_check_names_a_candidate_built_instead(tmp_path):
    """On a later commit `make release` builds a candidate, not the cut zip: the tag is refused."""
    root = make_repo(tmp_path, built=None)
    (root / "dist").mkdir()
    (root / "dist" / "dprk-russia-arms-1.2.4-candidate.zip").write_bytes(ZIP_BYTES)
    result = check(root, "--tag", "v1.2.3")
    assert result.returncode == 1 and "holds dprk-russia-arms-1.2.4-candidate.zip instead" in result.stderr


def test_check_annotates_on_github(tmp_path):
    root = make_repo(tmp_path, built=b"different")
    result = check(root, "--tag", "v1.2.3", env={"GITHUB_ACTIONS": "true"})
    assert result.returncode == 1 and result.stderr.startswith("::error title=release check::")


def test_release_workflow_builds_checks_and_attaches():
    workflow = yaml.safe_load(WORKFLOW.read_text(encoding="utf-8"))
    trigger = workflow.get("on", workflow.get(True))  # YAML 1.1 reads a bare `on` as true
    assert trigger == {"push": {"tags": ["v*.*.*"]}}
    job = workflow["jobs"]["release"]
    assert job["permissions"] == {"contents": "write"}
    # Built where releases are cut (Debian bookworm, CPython 3.11), or the zip's bytes differ.
    assert job["container"]["image"] == "python:3.11-bookworm" and job["defaults"]["run"]["shell"] == "bash"
    steps = job["steps"]
    uses = [s["uses"] for s in steps if "uses" in s]
    assert all(re.fullmatch(r"[\w.-]+/[\w.-]+@[0-9a-f]{40}", u) for u in uses), "actions are pinned to a commit"
    checkout = next(s for s in steps if s.get("uses", "").startswith("actions/checkout@"))
    assert checkout["with"]["fetch-depth"] == 0
    runs = [s.get("run", "") for s in steps]
    order = [
        next(i for i, r in enumerate(runs) if "check_release.py" in r and "--preflight" in r),
        next(i for i, r in enumerate(runs) if "SNAPSHOTS_URL" in r and "../shared/snapshots" in str(steps[i].get("name"))),
        next(i for i, r in enumerate(runs) if r.strip() == "make release"),
        next(i for i, r in enumerate(runs) if "check_release.py" in r and "--sums dist/SHA256SUMS" in r),
        next(i for i, r in enumerate(runs) if "gh release create" in r and "gh release upload" in r),
    ]
    assert order == sorted(order), "preflight, snapshots, build, hash check, upload: in this order"
    assert "::error" in runs[order[1]] and "exit 1" in runs[order[1]], "missing snapshots fail with a message"


def test_zenodo_metadata_agrees_with_the_package():
    zenodo = json.loads((ROOT / ".zenodo.json").read_text(encoding="utf-8"))
    assert zenodo["upload_type"] == "dataset" and zenodo["access_right"] == "open"
    assert zenodo["title"] == CFF["title"]
    assert zenodo["description"] == PACKAGE["description"] == CFF["abstract"]
    assert zenodo["license"] == PACKAGE["licenses"][0]["name"] == CFF["license"] == "CC-BY-4.0"
    assert zenodo["keywords"] == PACKAGE["keywords"]
    assert set(CFF["keywords"]) <= set(zenodo["keywords"])
    assert [c["name"] for c in zenodo["creators"]] == [a.get("name") or f"{a['family-names']}, {a['given-names']}" for a in CFF["authors"]]
    # Zenodo takes each version from the release tag; a version here would go stale.
    assert "version" not in zenodo and "doi" not in zenodo


def test_citation_cff_says_how_to_cite_a_version():
    message = " ".join(CFF["message"].split())
    assert "version" in message and "own DOI" in message and "concept DOI" in message
    assert "doi" not in CFF, "no DOI is invented before Zenodo has minted one"


@pytest.mark.parametrize("manifest", sorted((ROOT / "releases").glob("*.json")), ids=lambda p: p.name)
def test_every_cut_manifest_is_one_the_tag_check_reads(tmp_path, manifest):
    """The check reads the manifests `make cut` writes: zip name and sha256 where it expects them."""
    recorded = json.loads(manifest.read_text(encoding="utf-8"))
    root = make_repo(tmp_path, version=recorded["version"], built=None)
    (root / "datapackage.json").write_text(json.dumps({"name": recorded["name"], "version": recorded["version"]}), encoding="utf-8")
    (root / "releases" / manifest.name).write_bytes(manifest.read_bytes())
    result = check(root, "--tag", f"v{recorded['version']}", "--preflight")
    assert result.returncode == 0, result.stderr
    assert recorded["zip"]["sha256"] in result.stdout
