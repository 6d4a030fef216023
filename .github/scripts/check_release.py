"""Check a tagged release before it is published on GitHub (and archived by Zenodo).

    python .github/scripts/check_release.py --tag v0.1.0 --preflight
    python .github/scripts/check_release.py --tag v0.1.0 --sums dist/SHA256SUMS --notes dist/NOTES.md

Run by .github/workflows/release.yml. A tag publishes a version only if that version was cut:
`--preflight` (before the build) checks that the tag is `v` + the version in datapackage.json and
CITATION.cff, and that `make cut` recorded releases/<version>.json with the zip's name and
sha256. Without it (after `make release`) it also checks that the zip built in dist/ has exactly
the sha256 the manifest records, so what gets attached to the release is the version that was cut,
byte for byte; then it writes SHA256SUMS (sha256sum format, so `sha256sum -c SHA256SUMS` works
beside the zip) and, with --notes, the version's CHANGELOG section for the release notes.

Any failure prints the reason and exits 1. Standard library only: it runs before the project's
environment exists; it reads datapackage.json, CITATION.cff, CHANGELOG.md, releases/ and dist/.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import re
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
HEX64 = re.compile(r"^[0-9a-f]{64}$")


class CheckError(Exception):
    """Why this tag must not be published."""


def file_sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def cff_version(text: str) -> str | None:
    """The top-level `version:` of CITATION.cff (read without a YAML library)."""
    m = re.search(r"""^version:\s*["']?([^"'\s#]+)["']?\s*(?:#.*)?$""", text, re.M)
    return m.group(1) if m else None


def preflight(root: Path, tag: str) -> dict:
    """The cut manifest of the version the tag names; CheckError if the tag does not name a cut version."""
    tag = tag.removeprefix("refs/tags/")
    descriptor = json.loads((root / "datapackage.json").read_text(encoding="utf-8"))
    version, name = str(descriptor.get("version", "")), descriptor.get("name", "")
    if tag != f"v{version}":
        raise CheckError(f"tag {tag} does not name the package version: datapackage.json has version {version!r}, so the tag must be v{version}")
    citation = root / "CITATION.cff"
    cited = cff_version(citation.read_text(encoding="utf-8")) if citation.is_file() else version
    if cited != version:
        raise CheckError(f"CITATION.cff has version {cited!r}, not {version!r}: update it before tagging")
    manifest_path = root / "releases" / f"{version}.json"
    if not manifest_path.is_file():
        raise CheckError(f"releases/{version}.json does not exist: version {version} was never cut. Run `make cut`, commit the manifest, then tag that commit")
    manifest = json.loads(manifest_path.read_text(encoding="utf-8"))
    if str(manifest.get("version")) != version or manifest.get("name") != name:
        raise CheckError(f"releases/{version}.json is for {manifest.get('name')} {manifest.get('version')}, not {name} {version}")
    zip_entry = manifest.get("zip") or {}
    if not zip_entry.get("name") or not HEX64.match(str(zip_entry.get("sha256", ""))):
        raise CheckError(f"releases/{version}.json records no zip name and sha256; re-cut it with `make cut`")
    if Path(zip_entry["name"]).name != zip_entry["name"]:
        raise CheckError(f"releases/{version}.json names the zip {zip_entry['name']!r}: a file name was expected")
    return manifest


def verify(root: Path, tag: str, dist: Path) -> tuple[Path, str]:
    """The built zip and its sha256, if it is byte for byte the zip the manifest records."""
    manifest = preflight(root, tag)
    want = manifest["zip"]["sha256"]
    zip_path = dist / manifest["zip"]["name"]
    if not zip_path.is_file():
        built = sorted(p.name for p in dist.glob("*.zip")) if dist.is_dir() else []
        if built:
            raise CheckError(
                f"{zip_path.name} was not built; {dist.name}/ holds {', '.join(built)} instead: "
                f"this commit does not rebuild the cut {manifest['version']}. Tag the commit that cut it"
            )
        raise CheckError(f"{zip_path} was not built: run `make release` first")
    got = file_sha256(zip_path)
    if got != want:
        raise CheckError(
            f"{zip_path.name} has sha256 {got}, but releases/{manifest['version']}.json records {want}: "
            "this commit does not reproduce the cut release. Tag the commit that cut it"
        )
    return zip_path, got


def sums_line(sha: str, name: str) -> str:
    """One line of `sha256sum` output (text mode: two spaces)."""
    return f"{sha}  {name}\n"


def changelog_section(changelog: str, version: str) -> str:
    """The body of `## [version] - date` in CHANGELOG.md, up to the next version heading."""
    m = re.search(rf"^## \[{re.escape(version)}\][^\n]*\n(.*?)(?=^## \[|\Z)", changelog, re.M | re.S)
    return m.group(1).strip() + "\n" if m else ""


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description="Check that a version tag publishes the release that was cut.")
    p.add_argument("--tag", default=os.environ.get("GITHUB_REF_NAME"), help="the pushed tag, e.g. v0.1.0 (default: $GITHUB_REF_NAME)")
    p.add_argument("--root", type=Path, default=ROOT, help="the repository (default: this checkout)")
    p.add_argument("--dist", type=Path, help="where `make release` put the zip (default: ROOT/dist)")
    p.add_argument("--preflight", action="store_true", help="check tag, versions and manifest only (before building)")
    p.add_argument("--sums", type=Path, help="write SHA256SUMS for the zip here (default: beside the zip)")
    p.add_argument("--notes", type=Path, help="write the version's CHANGELOG section here (release notes)")
    args = p.parse_args(argv)
    if not args.tag:
        p.error("--tag is required (or set GITHUB_REF_NAME)")
    root = args.root.resolve()
    try:
        if args.preflight:
            manifest = preflight(root, args.tag)
            print(f"tag {args.tag} names version {manifest['version']}, cut with {manifest['zip']['name']} sha256 {manifest['zip']['sha256']}")
            return 0
        zip_path, sha = verify(root, args.tag, (args.dist or root / "dist").resolve())
    except CheckError as exc:
        prefix = "::error title=release check::" if os.environ.get("GITHUB_ACTIONS") == "true" else "release check failed: "
        print(prefix + str(exc), file=sys.stderr)
        return 1
    sums = args.sums or zip_path.parent / "SHA256SUMS"
    sums.write_text(sums_line(sha, zip_path.name), encoding="utf-8")
    outputs = {"zip": str(zip_path), "sums": str(sums.resolve())}
    if args.notes:
        version = args.tag.removeprefix("refs/tags/").removeprefix("v")
        args.notes.write_text(changelog_section((root / "CHANGELOG.md").read_text(encoding="utf-8"), version), encoding="utf-8")
        outputs["notes"] = str(args.notes.resolve())
    if os.environ.get("GITHUB_OUTPUT"):
        with open(os.environ["GITHUB_OUTPUT"], "a", encoding="utf-8") as f:
            f.writelines(f"{k}={v}\n" for k, v in outputs.items())
    print(f"{zip_path.name} reproduces the cut manifest (sha256 {sha}); wrote {sums}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
