"""The release builder: `python -m validate.release [--cut]` (`make release`, `make cut`).

Builds `dist/dprk-russia-arms-<version>/` and its zip from the package as it stands:
the CSV files, typed Parquet files, the release descriptor (with `created` and every
resource's sha256 `hash` and `bytes`), the schemas, CHANGELOG, licences, CITATION.cff, the
codebook, `changes.csv` against the previous release and the validation report.

It refuses to build when validation fails (quotes must be verified, so the snapshots folder is
required), when CHANGELOG.md has no dated section for the version, or when the version bump
does not match what changed since the last manifest in releases/. `--cut` records the new
version's manifest and its claims' values; rebuilding a version that has a manifest must reproduce its zip byte for
byte. Builds are deterministic: `created` comes from the CHANGELOG date (or
SOURCE_DATE_EPOCH), zip entries are sorted with fixed times and modes, Parquet writer
settings are fixed.
"""

from __future__ import annotations

import argparse
import datetime as dt
import hashlib
import json
import os
import re
import shutil
import sys
import zipfile
from dataclasses import dataclass
from pathlib import Path

import polars as pl

from . import descriptor as descriptor_json
from . import parquet, sqlite
from .changes import ValuesError, changes_csv, read_values, values_path
from .engine import SEMVER, latest_manifest, run
from .package import UsageError
from .report import as_json

ROOT = Path(__file__).resolve().parent.parent
LEVELS = ("patch", "minor", "major")
SHIPPED = ["CHANGELOG.md", "LICENSE", "LICENSE-DATA", "CITATION.cff", "README.md", "docs/codebook.md", "docs/coding-manual.md", "docs/reliability.md"]


class ReleaseError(Exception):
    """A reason not to build: printed, exit 1."""


def sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def changelog_date(changelog: str, version: str) -> dt.date:
    """The date of the CHANGELOG section `## [version] - YYYY-MM-DD`."""
    m = re.search(rf"^## \[{re.escape(version)}\] - (\d{{4}}-\d{{2}}-\d{{2}})\s*$", changelog, re.M)
    if not m:
        raise ReleaseError(f"CHANGELOG.md has no section '## [{version}] - YYYY-MM-DD': move the Unreleased entries under it and date it")
    return dt.date.fromisoformat(m.group(1))


def created_timestamp(day: dt.date) -> str:
    epoch = os.environ.get("SOURCE_DATE_EPOCH")
    moment = dt.datetime.fromtimestamp(int(epoch), dt.UTC) if epoch else dt.datetime(day.year, day.month, day.day, tzinfo=dt.UTC)
    return moment.strftime("%Y-%m-%dT%H:%M:%SZ")


def row_hashes(frame: pl.DataFrame, fields: list[str], key: str) -> dict[str, dict]:
    """Per row: the sha256 of its cells and a short hash per field (to name what changed)."""
    out = {}
    for row in frame.select(fields).iter_rows(named=True):
        cells = [row[f] if row[f] is not None else "" for f in fields]
        out[row[key]] = {
            "row": sha256(json.dumps(cells, ensure_ascii=False).encode("utf-8")),
            "fields": {f: sha256(c.encode("utf-8"))[:12] for f, c in zip(fields, cells, strict=True)},
        }
    return dict(sorted(out.items()))


def state_of(result_tables: dict) -> dict:
    """What a manifest records about the package: schemas, resources, claims."""
    schemas, resources = {}, {}
    for name, table in result_tables.items():
        schemas[name] = {"fields": [[f["name"], f.get("type", "string")] for f in table.fields], "primaryKey": table.primary_key}
        resources[name] = {"path": table.file, "hash": f"sha256:{table.sha256}", "bytes": table.size, "rows": table.frame.height}
    claims = result_tables["claims"]
    return {"schemas": schemas, "resources": resources, "claims": row_hashes(claims.strings, claims.field_names, "claim_id")}


@dataclass(frozen=True)
class Change:
    level: str
    what: str


def changes_between(prev: dict, cur: dict) -> list[Change]:
    """Every difference between the last manifest and the package, with the bump it needs."""
    out: list[Change] = []
    ps, cs = prev.get("schemas", {}), cur["schemas"]
    for t in sorted(set(ps) - set(cs)):
        out.append(Change("major", f"table {t} removed or renamed"))
    for t in sorted(set(cs) - set(ps)):
        out.append(Change("minor", f"table {t} added"))
    for t in sorted(set(ps) & set(cs)):
        pf, cf = dict(map(tuple, ps[t]["fields"])), dict(map(tuple, cs[t]["fields"]))
        for f in sorted(set(pf) - set(cf)):
            out.append(Change("major", f"column {t}.{f} removed or renamed"))
        for f in sorted(set(pf) & set(cf)):
            if pf[f] != cf[f]:
                out.append(Change("major", f"column {t}.{f} changed type {pf[f]} -> {cf[f]}"))
        for f in sorted(set(cf) - set(pf)):
            out.append(Change("minor", f"column {t}.{f} added"))
        if ps[t].get("primaryKey") != cs[t].get("primaryKey"):
            out.append(Change("major", f"primary key of {t} changed"))
    pc, cc = prev.get("claims", {}), cur["claims"]
    added = sorted(set(cc) - set(pc))
    if added:
        out.append(Change("minor", f"{len(added)} claim(s) added ({added[0]}..{added[-1]})"))
    changed = [c for c in sorted(set(cc) & set(pc)) if cc[c]["row"] != pc[c]["row"]]
    if changed:
        out.append(Change("patch", f"{len(changed)} claim(s) corrected"))
    for t in sorted(set(prev.get("resources", {})) & set(cur["resources"])):
        if t != "claims" and prev["resources"][t]["hash"] != cur["resources"][t]["hash"]:
            out.append(Change("patch", f"{t} changed"))
    return out


def required_version(prev_version: str, changes: list[Change]) -> tuple[str, str | None]:
    """The next version these changes require, and the change that decides it."""
    major, minor, patch = (int(x) for x in SEMVER.match(prev_version).groups())  # type: ignore[union-attr]
    if not changes:
        return prev_version, None
    top = max(changes, key=lambda c: LEVELS.index(c.level))
    nxt = {"major": f"{major + 1}.0.0", "minor": f"{major}.{minor + 1}.0", "patch": f"{major}.{minor}.{patch + 1}"}[top.level]
    return nxt, f"{top.what} requires a {top.level.upper()} bump"


def deterministic_zip(folder: Path, target: Path, when: dt.datetime) -> None:
    stamp = (max(when.year, 1980), when.month, when.day, when.hour, when.minute, when.second)
    with zipfile.ZipFile(target, "w") as zf:
        for path in sorted(p for p in folder.rglob("*") if p.is_file()):
            info = zipfile.ZipInfo(f"{folder.name}/{path.relative_to(folder).as_posix()}", date_time=stamp)
            info.external_attr = 0o644 << 16
            info.compress_type = zipfile.ZIP_DEFLATED
            info.create_system = 3
            zf.writestr(info, path.read_bytes(), compress_type=zipfile.ZIP_DEFLATED, compresslevel=9)


def build(root: Path = ROOT, out: Path | None = None, snapshots: Path | None = None, cut: bool = False) -> tuple[Path, str]:
    out = out or root / "dist"
    descriptor = json.loads((root / "datapackage.json").read_text(encoding="utf-8"))
    version, name = descriptor.get("version", ""), descriptor.get("name", "")
    if not SEMVER.match(str(version)):
        raise ReleaseError(f"datapackage.json version {version!r} is not SemVer")
    day = changelog_date((root / "CHANGELOG.md").read_text(encoding="utf-8"), version)
    created = created_timestamp(day)
    if snapshots is None or not Path(snapshots).is_dir():
        raise ReleaseError("a release verifies every quote against the archived copies: pass --snapshots DIR (make release uses ../shared/snapshots)")
    result = run(root / "datapackage.json", snapshots=snapshots, as_of=day, hashes=True)
    if not result.valid:
        errors = [f.text() for f in result.findings if f.severity == "error"]
        raise ReleaseError("validation failed; fix these first:\n" + "\n".join(errors[:50]))
    tables = result.tables
    cur = state_of(tables)
    own = root / "releases" / f"{version}.json"
    rebuilding = own.is_file()
    if rebuilding:
        prev = json.loads(own.read_text(encoding="utf-8"))
        diff = changes_between(prev, cur)
        if diff:
            raise ReleaseError(
                f"version {version} is already published ({own.relative_to(root)}) and the package differs from it: "
                + "; ".join(c.what for c in diff)
                + ". Bump the version."
            )
        base, _ = latest_manifest(root, below=version)
    else:
        prev, prev_file = latest_manifest(root)
        base = prev
        if prev is not None:
            need, why = required_version(prev["version"], changes_between(prev, cur))
            if why is None:
                raise ReleaseError(f"nothing changed since {prev['version']} ({prev_file}): no release to make")
            if version != need:
                raise ReleaseError(f"version {version} does not match what changed since {prev['version']}: {why}, so the version must be {need}")
    folder = out / f"{name}-{version}"
    if folder.exists():
        shutil.rmtree(folder)
    (folder / "data").mkdir(parents=True)
    (folder / "schema").mkdir()
    resources, parquet_files = [], []  # Parquet is listed outside `resources`: see validate/descriptor.py
    statuses = dict(tables["claims"].frame.select("claim_id", "status").iter_rows())
    for res in descriptor["resources"]:
        table = tables[res["name"]]
        csv_path = folder / "data" / f"{table.name}.csv"
        data = table.data()
        if sha256(data) != table.sha256:
            raise ReleaseError(f"{table.file} changed while the release was being built")
        csv_path.write_bytes(data)
        shutil.copy(root / "schema" / f"{table.name}.json", folder / "schema" / f"{table.name}.json")
        resources.append(descriptor_json.csv_resource(res, table.sha256, table.size))
        pq_path = folder / "data" / f"{table.name}.parquet"
        parquet.write(table, pq_path, name, version)
        data = pq_path.read_bytes()
        parquet_files.append(descriptor_json.parquet_file(res, table.schema, sha256(data), len(data)))
    sqlite.write(tables, folder / f"{name}.sqlite")
    release_descriptor = descriptor_json.release_descriptor(descriptor, version, created, resources, parquet_files)
    (folder / "datapackage.json").write_text(json.dumps(release_descriptor, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    for rel in SHIPPED:
        src = root / rel
        if src.is_file():
            (folder / rel).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy(src, folder / rel)
    claims = tables["claims"]
    cur_values = {
        row[0]: dict(zip(claims.field_names, ["" if c is None else c for c in row], strict=True))
        for row in claims.strings.select(claims.field_names).iter_rows()
    }
    try:
        prev_values = read_values(values_path(root, base["version"]), base) if base else {}
    except ValuesError as exc:
        raise ReleaseError(str(exc)) from None
    (folder / "changes.csv").write_bytes(changes_csv(prev_values, cur_values, statuses))
    summary = {**result.summary, "package": "datapackage.json"}
    report = as_json(result.findings, summary)
    (folder / "validation.json").write_text(report + "\n", encoding="utf-8")
    from .site import build_site  # matplotlib is only needed when a site is built

    build_site(root, folder / "site", report=json.loads(report))
    zip_path = out / f"{name}-{version}.zip"
    deterministic_zip(folder, zip_path, dt.datetime.strptime(created, "%Y-%m-%dT%H:%M:%SZ"))
    zip_hash = sha256(zip_path.read_bytes())
    files = {p.relative_to(folder).as_posix(): sha256(p.read_bytes()) for p in sorted(folder.rglob("*")) if p.is_file()}
    if rebuilding:
        want = prev.get("zip", {}).get("sha256")
        if want != zip_hash:
            published = prev.get("files", {})
            differ = sorted(f for f in set(files) | set(published) if files.get(f) != published.get(f))
            raise ReleaseError(
                f"rebuilt {zip_path.name} has sha256 {zip_hash}, but {own.relative_to(root)} records {want}; files that differ: "
                f"{', '.join(differ[:10]) or 'none (zip metadata)'}. A published release is immutable: rebuild it from the commit that cut it, "
                "or, to publish these changes, bump the version in datapackage.json and give it a dated CHANGELOG section"
            )
        return zip_path, f"reproduced {zip_path.relative_to(root) if zip_path.is_relative_to(root) else zip_path} byte for byte (sha256 {zip_hash})"
    if cut:
        manifest = {"name": name, "version": version, "created": created, **cur, "files": files, "zip": {"name": zip_path.name, "sha256": zip_hash}}
        own.parent.mkdir(exist_ok=True)
        own.write_text(json.dumps(manifest, ensure_ascii=False, indent=1, sort_keys=False) + "\n", encoding="utf-8")
        values_path(root, version).write_bytes(claims.data())
        return zip_path, f"cut {version}: {own.relative_to(root)} written; zip sha256 {zip_hash}"
    return zip_path, f"built {zip_path} (sha256 {zip_hash}); not cut: run `make cut` to publish {version}"


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(prog="python -m validate.release", description="Build (and with --cut, publish) a release of the package.")
    p.add_argument("--snapshots", default=str(ROOT.parent / "shared" / "snapshots"), help="archived source copies (required)")
    p.add_argument("--out", default=str(ROOT / "dist"))
    p.add_argument("--cut", action="store_true", help="record releases/<version>.json for a new version")
    args = p.parse_args(argv)
    try:
        _, message = build(ROOT, Path(args.out), Path(args.snapshots), cut=args.cut)
    except (ReleaseError, UsageError) as exc:
        print(f"release refused: {exc}", file=sys.stderr)
        return 1
    print(message)
    return 0


if __name__ == "__main__":
    sys.exit(main())
