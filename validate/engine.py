"""One validation run: read the package, run every rule, collect every finding.

The order is: descriptor (frictionless), files (encoding, header, rows, types), row rules
(pandera, lazily, all tables), file rules (canonical form, released ids). Nothing is written.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import re
from dataclasses import dataclass
from pathlib import Path

import polars as pl

from . import canonical, rules  # noqa: F401  (importing the rules registers them)
from .context import Context
from .package import (
    PARQUET_FILES,
    Package,
    Remote,
    UsageError,
    dialect_problem,
    label,
    load_descriptor,
    parquet_files,
    read_limited,
    read_table,
    resource_schema,
    type_frame,
)
from .registry import RULES, RowCheck
from .report import Finding, sort_findings
from .tableschema import TABLES, load_table_schema, polars_dtype

SEMVER = re.compile(r"^(0|[1-9]\d*)\.(0|[1-9]\d*)\.(0|[1-9]\d*)(?:-[0-9A-Za-z.-]+)?(?:\+[0-9A-Za-z.-]+)?$")
MAX_SNAPSHOT_BYTES = 50_000_000


@dataclass
class Result:
    findings: list[Finding]
    summary: dict
    tables: dict

    @property
    def valid(self) -> bool:
        return not any(f.severity == "error" for f in self.findings)


def check_descriptor(pkg: Package, schemas: dict[str, dict]) -> list[Finding]:
    """Data Package v2 descriptor checks: frictionless's own, plus what this dataset promises."""
    from frictionless import Package as FPackage

    file = pkg.descriptor_file
    out: list[Finding] = []

    def add(msg: str, column: str | None = None, value: object = None) -> None:
        out.append(Finding(file, None, "structure.descriptor", "error", None, column, None if value is None else str(value), msg))

    inline = json.loads(json.dumps(pkg.descriptor))
    for res in inline.get("resources", []):
        if isinstance(res, dict) and res.get("name") in schemas:
            res["schema"] = schemas[res["name"]]
    try:
        report = FPackage.validate_descriptor(inline)
        for err in report.flatten(["message"]):
            add(str(err[0]))
    except Exception as exc:  # frictionless raises many types on odd descriptors: report, never crash
        add(f"frictionless could not read the descriptor: {exc}")
    d = pkg.descriptor
    if d.get("name") != "dprk-russia-arms":
        add(f"name={d.get('name')!r}: expected 'dprk-russia-arms'", "name", d.get("name"))
    if not isinstance(d.get("version"), str) or not SEMVER.match(d["version"]):
        add(f"version={d.get('version')!r} is not a SemVer version (MAJOR.MINOR.PATCH)", "version", d.get("version"))
    if not d.get("licenses"):
        add("licenses is missing: the data licence (CC-BY-4.0) must be declared", "licenses")
    if "datapackage.org/profiles/2" not in str(d.get("$schema", "")):
        add(f"$schema={d.get('$schema')!r}: expected the Data Package v2 profile", "$schema", d.get("$schema"))
    names = [r.get("name") for r in d.get("resources", []) if isinstance(r, dict)]
    for name in TABLES:
        if name not in names:
            add(f"resource {name!r} is missing", "resources", name)
    for name in {n for n in names if names.count(n) > 1}:
        add(f"resource {name!r} is declared more than once", "resources", name)
    return out


def load_snapshots(folder: str | Path) -> dict[str, str]:
    """sha256 -> text of every regular file in the folder (not recursive, links not followed)."""
    path = Path(folder)
    if not path.is_dir():
        raise UsageError(f"--snapshots {folder}: not a folder")
    out = {}
    for f in sorted(path.iterdir()):
        if f.is_symlink() or not f.is_file() or f.name.startswith(".") or f.name.lower() == "readme.md":
            continue
        if f.stat().st_size > MAX_SNAPSHOT_BYTES:
            continue
        data = f.read_bytes()
        out[hashlib.sha256(data).hexdigest()] = data.decode("utf-8", errors="replace")
    return out


def latest_manifest(root: Path, below: str | None = None) -> tuple[dict | None, str | None]:
    """The manifest of the latest published version in releases/ (older than `below`, when
    given), if any."""
    limit = tuple(int(x) for x in SEMVER.match(below).groups()[:3]) if below and SEMVER.match(below) else None
    folder = root / "releases"
    best, best_key, best_file = None, None, None
    if not folder.is_dir():
        return None, None
    for f in folder.glob("*.json"):
        m = SEMVER.match(f.stem)
        if not m:
            continue
        key = tuple(int(x) for x in m.groups())
        if limit is not None and key >= limit:
            continue
        if best_key is None or key > best_key:
            best_key, best_file = key, f
    if best_file is not None:
        try:
            best = json.loads(best_file.read_text(encoding="utf-8"))
        except (OSError, ValueError) as exc:
            raise UsageError(f"{best_file}: cannot read release manifest: {exc}") from None
    return best, (best_file.relative_to(root).as_posix() if best_file else None)


def released_ids(ctx: Context, manifest_file: str | None) -> list[Finding]:
    if not ctx.manifest or not ctx.has("claims"):
        return []
    published = set((ctx.manifest.get("claims") or {}).keys())
    present = set(ctx.frame("claims")["claim_id"].drop_nulls().to_list())
    file = ctx.tables["claims"].file
    version = ctx.manifest.get("version", "?")
    return [
        Finding(
            file,
            None,
            "integrity.released_ids",
            "error",
            cid,
            "claim_id",
            cid,
            f"claim {cid} was published in release {version} ({manifest_file}) and is missing: retract or supersede it instead of deleting it",
        )
        for cid in sorted(published - present)
    ]


def row_findings(ctx: Context) -> list[Finding]:
    """Run every row rule through the derived pandera schemas and address each failure."""
    import pandera.polars as pa

    from .schemas import package_schemas

    schemas, table_rules = package_schemas(ctx, failure_cases=1)  # rows are addressed from the verdicts
    out: list[Finding] = []
    for table_name, schema in schemas.items():
        table = ctx.tables[table_name]
        frame = table.frame
        assert frame is not None
        try:
            schema.validate(frame, lazy=True)
            continue
        except pa.errors.SchemaErrors as exc:
            cases = exc.failure_cases
        except pa.errors.SchemaError as exc:
            cases = exc.failure_cases if isinstance(exc.failure_cases, pl.DataFrame) else None
        if cases is None or cases.height == 0:
            continue
        cases = cases.filter(pl.col("index").is_not_null())
        rules_of_table = table_rules.get(table_name)
        for name, group in cases.group_by("check", maintain_order=True):
            if rules_of_table is not None and name[0] == rules_of_table.name:
                verdicts = rules_of_table.verdicts
                assert verdicts is not None
                for i, check in enumerate(rules_of_table.checks):  # each rule's own verdict column
                    failing = verdicts.select(pl.arg_where(~pl.col(f"_{i}")))[:, 0]
                    if failing.len():
                        out.extend(_address(table, frame, check, failing))
                continue
            # a pandera built-in (dtype): should not happen for typed frames
            for col, value, idx in group.select("column", "failure_case", "index").iter_rows():
                line, key = frame.select("_line", table.key_expr()).row(idx)
                out.append(Finding(table.file, line, "structure.type", "error", key, col, value, f"{col}={value!r}: {name[0]}"))
    return out


def _address(table, frame: pl.DataFrame, check: RowCheck, index: pl.Series) -> list[Finding]:
    value = check.value if check.value is not None else pl.col(check.column).cast(pl.String)
    columns = (pl.col("_line"), table.key_expr().alias("_key"), value.alias("_value"), check.message.alias("_message"))
    if check.window:  # the message looks at other rows (the first line of a duplicate)
        rows = frame.select(columns)[index]
    else:  # only the failing rows, and only the columns the message reads
        needed = {n for e in columns for n in e.meta.root_names()}
        rows = frame.select([c for c in frame.columns if c in needed])[index].select(columns)
    severity = RULES[check.rule].severity
    return [Finding(table.file, line, check.rule, severity, key, check.column, v, msg) for line, key, v, msg in rows.iter_rows()]


def run(path: str | Path, snapshots: str | Path | None = None, as_of: dt.date | None = None, allow_remote: bool = False, hashes: bool = False) -> Result:
    """Validate the package at `path`. With `hashes`, every CSV file's sha256 is recorded on its
    table (otherwise only where the descriptor declares one, as that is all the rules need)."""
    pkg = load_descriptor(path)
    located = [resource_schema(pkg, i, res, allow_remote=allow_remote) for i, res in enumerate(pkg.descriptor["resources"])]
    listed = parquet_files(pkg, allow_remote)
    pkg.findings.extend(check_descriptor(pkg, {name: schema for name, _, schema in located}))
    for entry, target in listed:
        pkg.findings.extend(check_parquet(pkg, entry, target, listed=True))
    for res, (name, target, schema) in zip(pkg.descriptor["resources"], located, strict=True):
        if is_parquet(res, target):
            pkg.findings.extend(check_parquet(pkg, res, target))
            continue
        problem = dialect_problem(res)
        if problem:  # the file is not read: what the validator would check is not what the dialect says
            value = json.dumps(res["dialect"], ensure_ascii=False)[:200]
            pkg.findings.append(Finding(pkg.descriptor_file, None, "structure.descriptor", "error", None, "dialect", value, f"resource {name!r} {problem}"))
            continue
        table = read_table(pkg, name, target, schema, hashes=hashes or "hash" in res)
        if table is None:
            continue
        pkg.findings.extend(check_checksums(pkg.descriptor_file, res, table.file, table.size, table.sha256))
        table.raw = None
        if table.strings is not None:
            type_frame(table, pkg.findings)
        pkg.tables[name] = table
    conform_findings, complete = conform(pkg)
    pkg.findings.extend(conform_findings)
    manifest, manifest_file = latest_manifest(pkg.root)
    ctx = Context(
        tables={n: t for n, t in pkg.tables.items() if n in TABLES},
        as_of=as_of or dt.date.today(),
        snapshots=load_snapshots(snapshots) if snapshots else None,
        manifest=manifest,
        complete=complete,
    )
    findings = list(pkg.findings)
    findings.extend(row_findings(ctx))
    broken = {f.file for f in findings if f.rule in ("structure.row", "structure.header", "structure.encoding")}
    for table in ctx.tables.values():
        if table.strings is not None and table.file not in broken:
            problem = canonical.problems(table)
            if problem:
                line, what = problem
                findings.append(
                    Finding(
                        table.file,
                        line,
                        "integrity.canonical",
                        "error",
                        None,
                        None,
                        None,
                        f"is not in canonical form: {what}; run `make fmt` (python -m validate.fmt) to fix it",
                    )
                )
    findings.extend(released_ids(ctx, manifest_file))
    summary = {
        "package": str(pkg.descriptor_path),
        "version": pkg.descriptor.get("version"),
        "as_of": ctx.as_of.isoformat(),
        "tables": len(ctx.tables),
        "rows": {n: (t.frame.height if t.frame is not None else None) for n, t in ctx.tables.items()},
        "rule_ids": sorted(RULES),
        "rules": len(RULES),
    }
    return Result(sort_findings(findings), summary, ctx.tables)


def conform(pkg: Package) -> tuple[list[Finding], frozenset[str]]:
    """Hold each table to this dataset's own Table Schema, which the rules are written for: a
    column the descriptor gives another type is reported and left out of the row rules, and
    only tables with every column of the dataset's schema take part in cross-table rules."""
    out, complete = [], set()
    for name, table in pkg.tables.items():
        if name not in TABLES or table.frame is None:
            continue
        expected = {f["name"]: polars_dtype(f) for f in load_table_schema(name)["fields"]}
        wrong = [c for c, dtype in table.frame.schema.items() if c in expected and dtype != expected[c]]
        for c in wrong:
            dtype = table.frame.schema[c]
            message = f"resource {name!r} field {c!r} has type {dtype}, but this dataset's schema says {expected[c]}"
            out.append(Finding(pkg.descriptor_file, None, "structure.descriptor", "error", None, c, str(dtype), message))
        if wrong:
            table.frame = table.frame.drop(wrong)
        if all(c in table.frame.columns for c in expected):
            complete.add(name)
    return out, frozenset(complete)


def is_parquet(resource: dict, target: Path | Remote) -> bool:
    return resource.get("format") == "parquet" or target.suffix == ".parquet"


def check_checksums(descriptor_file: str, resource: dict, file: str, size: int, actual: str) -> list[Finding]:
    """A resource's declared `hash` (sha256) and `bytes` match the file (frictionless does not
    check them for Parquet, so the validator does it for every format, and for the Parquet
    files a release lists under `x-parquet`)."""
    out = []

    def fail(column: str, value: object, message: str) -> None:
        out.append(Finding(file, None, "integrity.checksums", "error", None, column, str(value), message))

    declared = resource.get("hash")
    if declared is not None:
        algo, _, digest = str(declared).rpartition(":")
        if algo not in ("", "sha256"):
            fail("hash", declared, f"hash={declared}: only sha256 hashes are supported")
        elif actual != digest.lower():
            fail("hash", declared, f"sha256 is {actual}, but {descriptor_file} declares {declared}: the file was changed or damaged")
    if "bytes" in resource and resource["bytes"] != size:
        fail("bytes", resource["bytes"], f"is {size} bytes, but {descriptor_file} declares {resource['bytes']}")
    return out


def check_parquet(pkg: Package, resource: dict, target: Path | Remote, listed: bool = False) -> list[Finding]:
    """A Parquet resource, or (`listed`) a Parquet file listed under `x-parquet`, which must
    declare its hash and bytes: no other tool checks them (see validate/descriptor.py)."""
    import pyarrow
    import pyarrow.parquet as pq

    file = label(pkg, target)
    data = read_limited(target, file)
    out = check_checksums(pkg.descriptor_file, resource, file, len(data), hashlib.sha256(data).hexdigest())
    for key in ("hash", "bytes") if listed else ():
        if key not in resource:
            message = f"is listed in {PARQUET_FILES} of {pkg.descriptor_file} without its {key}: every listed Parquet file declares its sha256 hash and bytes"
            out.append(Finding(file, None, "integrity.checksums", "error", None, key, None, message))
    try:
        pq.read_metadata(pyarrow.BufferReader(data))
    except Exception as exc:  # any damage to the file: report it, located
        out.append(Finding(file, None, "integrity.checksums", "error", None, None, None, f"is not a readable Parquet file: {exc}"))
    return out
