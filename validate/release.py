"""The release builder: `python -m validate.release [--cut]` (`make release`, `make cut`).

Builds `dist/dprk-russia-arms-<version>/` and its zip from the package as it stands: the CSV
files, typed Parquet files, the release descriptor (with `created` and every resource's sha256
`hash` and `bytes`), the schemas, CHANGELOG, licences, CITATION.cff, the codebook, the coding
manual and reliability report, `changes.csv` against the previous release (every changed field,
old -> new) and the validation report.

What a commit builds is decided by `validate.releaseflow`: the published version reproduced
byte for byte (only from the commit that cut it), a new release whose version matches what
changed since the last manifest, or otherwise a `<version>-candidate` that says what to do to
publish it. It refuses only when validation fails (quotes must be verified, so the snapshots
folder is required) or when `--cut` is asked of a candidate; a refused build leaves nothing in
dist/. `--cut` records the new version's manifest and its claims' values. Builds are
deterministic: `created` comes from the CHANGELOG date (a candidate's from SOURCE_DATE_EPOCH or
the last commit), zip entries are sorted with fixed times and modes, Parquet writer settings
are fixed.
"""

from __future__ import annotations

import argparse
import datetime as dt
import hashlib
import json
import os
import shutil
import sys
import zipfile
from pathlib import Path

import polars as pl

from . import descriptor as descriptor_json
from . import parquet, releaseflow, sqlite
from .changes import ValuesError, changes_csv, read_values, values_path
from .engine import SEMVER, latest_manifest, run
from .package import UsageError
from .releaseflow import SHIPPED
from .report import as_json

ROOT = Path(__file__).resolve().parent.parent


class ReleaseError(Exception):
    """A reason not to build: printed, exit 1."""


def sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


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


def deterministic_zip(folder: Path, target: Path, when: dt.datetime) -> None:
    stamp = (max(when.year, 1980), when.month, when.day, when.hour, when.minute, when.second)
    with zipfile.ZipFile(target, "w") as zf:
        for path in sorted(p for p in folder.rglob("*") if p.is_file()):
            info = zipfile.ZipInfo(f"{folder.name}/{path.relative_to(folder).as_posix()}", date_time=stamp)
            info.external_attr = 0o644 << 16
            info.compress_type = zipfile.ZIP_DEFLATED
            info.create_system = 3
            zf.writestr(info, path.read_bytes(), compress_type=zipfile.ZIP_DEFLATED, compresslevel=9)


def _read_manifest(path: Path) -> dict:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise ReleaseError(f"{path.name}: cannot read release manifest: {exc}") from None
    if not isinstance(data, dict) or not isinstance(data.get("version"), str):
        raise ReleaseError(f"{path.name}: not a release manifest (no version)")
    return data


def _validate(root: Path, snapshots: Path, day: dt.date):
    result = run(root / "datapackage.json", snapshots=snapshots, as_of=day, hashes=True)
    if not result.valid:
        errors = [f.text() for f in result.findings if f.severity == "error"]
        raise ReleaseError("validation failed; fix these first:\n" + "\n".join(errors[:50]))
    return result


def build(root: Path = ROOT, out: Path | None = None, snapshots: Path | None = None, cut: bool = False) -> tuple[Path, str]:
    """Build what this commit builds (releaseflow.plan): a published version reproduced byte
    for byte, a new release, or a candidate. Everything is written to a staging folder first and
    moved into `out` only when complete, so a refused build leaves nothing behind."""
    out = out or root / "dist"
    descriptor = json.loads((root / "datapackage.json").read_text(encoding="utf-8"))
    version, name = descriptor.get("version", ""), descriptor.get("name", "")
    if not isinstance(version, str) or not SEMVER.match(version):
        raise ReleaseError(f"datapackage.json version {version!r} is not SemVer")
    if snapshots is None or not Path(snapshots).is_dir():
        raise ReleaseError("a release verifies every quote against the archived copies: pass --snapshots DIR (make release uses ../shared/snapshots)")
    changelog = (root / "CHANGELOG.md").read_text(encoding="utf-8")
    own_file = root / "releases" / f"{version}.json"
    own = _read_manifest(own_file) if own_file.is_file() else None
    try:
        prev, _ = latest_manifest(root, below=version)
    except UsageError as exc:
        raise ReleaseError(str(exc)) from None
    day = releaseflow.changelog_day(changelog, version) or releaseflow.candidate_day(root)
    result = _validate(root, Path(snapshots), day)
    cur = state_of(result.tables)
    the_plan = releaseflow.plan(root, version, cur, own, prev, changelog)
    if cut and the_plan.kind != "release":
        raise ReleaseError(f"nothing to cut: {the_plan.reason}. Set the version to publish in datapackage.json and give it a dated CHANGELOG section")
    staging = out / ".staging"
    try:
        base = own if the_plan.kind == "candidate" and own is not None else prev
        zip_path, zip_hash, files = _assemble(root, staging, descriptor, result, the_plan, base)
        if the_plan.kind == "rebuild" and zip_hash != (own or {}).get("zip", {}).get("sha256"):
            published = (own or {}).get("files", {})
            differ = sorted((f for f in set(files) | set(published) if files.get(f) != published.get(f)), key=lambda f: (f.count("/"), f))
            shutil.rmtree(staging, ignore_errors=True)
            the_plan = releaseflow.Plan(
                "candidate",
                f"{releaseflow.bump_patch(version)}-candidate",
                releaseflow.candidate_day(root),
                f"{version} is published, but this commit builds it differently (files: {', '.join(differ[:8]) or 'zip metadata'}): "
                "only the commit that cut it reproduces it",
            )
            if the_plan.day != day:
                result = _validate(root, Path(snapshots), the_plan.day)
            zip_path, zip_hash, files = _assemble(root, staging, descriptor, result, the_plan, own)
        final = out / zip_path.stem
        for stale in (final, out / zip_path.name):
            if stale.is_dir():
                shutil.rmtree(stale)
            elif stale.exists():
                stale.unlink()
        (staging / zip_path.stem).rename(final)
        zip_path.rename(out / zip_path.name)
        zip_path = out / zip_path.name
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    shown = zip_path.relative_to(root) if zip_path.is_relative_to(root) else zip_path
    if the_plan.kind == "rebuild":
        return zip_path, f"reproduced {shown} byte for byte (sha256 {zip_hash})"
    if the_plan.kind == "candidate":
        return zip_path, (
            f"built candidate {shown} (sha256 {zip_hash}): {the_plan.reason}. It is not a published version; "
            f"to publish it, see 'Publishing a version' in README.md"
        )
    if cut:
        manifest = {
            "name": name,
            "version": version,
            "created": created_timestamp(the_plan.day),
            **cur,
            "files": files,
            "zip": {"name": zip_path.name, "sha256": zip_hash},
        }
        own_file.parent.mkdir(exist_ok=True)
        own_file.write_text(json.dumps(manifest, ensure_ascii=False, indent=1, sort_keys=False) + "\n", encoding="utf-8")
        values_path(root, version).write_bytes(result.tables["claims"].data())
        return zip_path, f"cut {version}: {own_file.relative_to(root)} and {values_path(root, version).relative_to(root)} written; zip sha256 {zip_hash}"
    return zip_path, f"built {shown} (sha256 {zip_hash}); {the_plan.reason}; not cut: run `make cut` to publish {version}"


def _assemble(root: Path, staging: Path, descriptor: dict, result, the_plan: releaseflow.Plan, base: dict | None) -> tuple[Path, str, dict]:
    """Write the release folder and zip under `staging` (changes.csv against the manifest
    `base`); return the zip, its hash and the hashes of every file."""
    name, version = descriptor["name"], the_plan.version
    created = created_timestamp(the_plan.day)
    tables = result.tables
    if staging.exists():
        shutil.rmtree(staging)
    folder = staging / f"{name}-{version}"
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
    zip_path = staging / f"{name}-{version}.zip"
    deterministic_zip(folder, zip_path, dt.datetime.strptime(created, "%Y-%m-%dT%H:%M:%SZ"))
    zip_hash = sha256(zip_path.read_bytes())
    files = {p.relative_to(folder).as_posix(): sha256(p.read_bytes()) for p in sorted(folder.rglob("*")) if p.is_file()}
    return zip_path, zip_hash, files


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
