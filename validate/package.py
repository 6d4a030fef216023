"""Reading a data package safely: descriptor, Table Schemas and CSV files.

The descriptor is untrusted input (researchers validate packages they downloaded; CI runs on
pull requests from strangers): resource and schema paths must stay inside the package folder,
remote paths are refused, and nothing is ever written. Problems with the input are returned
as findings or raised as `UsageError` (exit 2), never as tracebacks.
"""

from __future__ import annotations

import codecs
import csv
import hashlib
import io
import json
import urllib.parse
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath

import polars as pl
import pyarrow as pa
import pyarrow.csv as pacsv

from . import canonical, edtf
from .report import Finding

MAX_DESCRIPTOR_BYTES = 5_000_000
MAX_HEADER_FIELDS = 1_000
# Where a release lists its Parquet files: outside `resources`, with their hash and bytes
# (validate/descriptor.py says why).
PARQUET_FILES = "x-parquet"


class UsageError(Exception):
    """The input cannot be read at all: exit 2 with this message."""


@dataclass
class Table:
    """One resource: its schema, raw bytes, and frames.

    `strings` holds every cell as text exactly as read (null for empty); `frame` holds the
    typed values, the derived EDTF bounds (`<col>_start`, `<col>_end`), `_line` (the CSV
    line of the row) and `_key` (the primary key as text).
    """

    name: str
    file: str
    path: Path
    schema: dict
    raw: bytes | None  # the file's bytes, released once the facts below are taken (memory)
    header: list[str]
    strings: pl.DataFrame | None = None  # None when the rows cannot be read
    frame: pl.DataFrame | None = None
    size: int = 0
    sha256: str = ""  # computed when the descriptor declares a hash or the caller asks for it
    quotes: int = 0  # number of '"' bytes, for the fast canonical check
    exact: bool = False  # the file is what the canonical writer writes for `strings`, in file order
    key_sorted: bool | None = None  # rows are in primary-key order (see canonical.in_key_order)

    def take_facts(self, hashes: bool = False) -> None:
        """Record what later checks need from the bytes, so that the bytes can be released."""
        assert self.raw is not None
        self.size, self.quotes = len(self.raw), self.raw.count(b'"')
        if hashes:
            self.sha256 = hashlib.sha256(self.raw).hexdigest()

    def data(self) -> bytes:
        """The file's bytes: kept, or read again (the slow paths that need them are rare)."""
        return self.raw if self.raw is not None else read_limited(self.path, self.file)

    @property
    def fields(self) -> list[dict]:
        return self.schema.get("fields", [])

    @property
    def field_names(self) -> list[str]:
        return [f["name"] for f in self.fields]

    @property
    def primary_key(self) -> list[str]:
        pk = self.schema.get("primaryKey", [])
        return [pk] if isinstance(pk, str) else list(pk)

    def field(self, name: str) -> dict:
        return next(f for f in self.fields if f["name"] == name)

    def key_expr(self) -> pl.Expr:
        """The row's primary key as text (`/`-joined when composite), for messages."""
        columns = self.strings.columns if self.strings is not None else []
        if self.primary_key and all(k in columns for k in self.primary_key):
            return pl.concat_str([pl.col(k).fill_null("") for k in self.primary_key], separator="/")
        return pl.lit(None, dtype=pl.String)


@dataclass
class Package:
    descriptor_path: Path
    root: Path
    descriptor: dict
    tables: dict[str, Table] = field(default_factory=dict)
    findings: list[Finding] = field(default_factory=list)

    @property
    def descriptor_file(self) -> str:
        return self.descriptor_path.name


@dataclass(frozen=True)
class Remote:
    """An http(s) resource, read only when --allow-remote is given: size and time bounded."""

    url: str
    max_bytes: int = 1 << 30
    timeout: float = 60.0

    @property
    def name(self) -> str:
        return self.url

    @property
    def suffix(self) -> str:
        return PurePosixPath(urllib.parse.urlparse(self.url).path).suffix

    def read_bytes(self) -> bytes:
        try:
            with urllib.request.urlopen(self.url, timeout=self.timeout) as response:  # noqa: S310 - scheme checked in _inside
                data = response.read(self.max_bytes + 1)
        except (OSError, ValueError) as exc:
            raise UsageError(f"{self.url}: cannot download: {exc}") from None
        if len(data) > self.max_bytes:
            raise UsageError(f"{self.url}: larger than {self.max_bytes} bytes")
        return data


def _inside(root: Path, relative: str, what: str, allow_remote: bool = False) -> Path | Remote:
    """Resolve a path from the descriptor, refusing anything outside the package folder."""
    if not isinstance(relative, str) or not relative:
        raise UsageError(f"{what}: path must be a non-empty string, got {relative!r}")
    if relative.startswith(("http://", "https://")):
        if allow_remote:
            return Remote(relative)
        raise UsageError(f"{what}: remote path {relative!r} refused: a package is validated from local files (pass --allow-remote to download it)")
    if "://" in relative or relative.startswith("file:"):
        raise UsageError(f"{what}: path {relative!r} refused: only relative paths (and http(s) with --allow-remote) are allowed")
    pure = PurePosixPath(relative.replace("\\", "/"))
    if pure.is_absolute() or relative.startswith("~") or (len(relative) > 1 and relative[1] == ":"):
        raise UsageError(f"{what}: absolute path {relative!r} refused: resource paths must be relative to the package folder")
    if ".." in pure.parts:
        raise UsageError(f"{what}: path {relative!r} refused: it climbs out of the package folder")
    try:
        target = (root / pure).resolve()
    except (OSError, ValueError) as exc:  # a NUL byte, a link loop, a name too long
        raise UsageError(f"{what}: path {relative!r} cannot be used: {exc}") from None
    if not target.is_relative_to(root.resolve()):
        raise UsageError(f"{what}: path {relative!r} refused: it leads outside the package folder (through a symbolic link)")
    return target


def read_limited(target: Path | Remote, what: str, limit: int | None = None) -> bytes:
    """The bytes of a local file or a remote resource, refusing more than `limit`."""
    if isinstance(target, Remote):
        return target.read_bytes()
    try:
        if limit is not None and target.stat().st_size > limit:
            raise UsageError(f"{what}: {target.name} is {target.stat().st_size} bytes, more than the {limit} allowed")
        return target.read_bytes()
    except FileNotFoundError:
        raise UsageError(f"{what}: {target.name}: file not found") from None
    except IsADirectoryError:
        raise UsageError(f"{what}: {target.name} is a folder, not a file") from None
    except OSError as exc:
        raise UsageError(f"{what}: cannot read {target.name}: {exc.strerror or exc}") from None


def label(pkg: Package, target: Path | Remote) -> str:
    """How findings name a file: its path inside the package (or its URL)."""
    root = pkg.root.resolve()
    if isinstance(target, Path) and target.is_relative_to(root):
        return target.relative_to(root).as_posix()
    return target.name


def _read_json(path: Path | Remote, what: str) -> object:
    data = read_limited(path, what, MAX_DESCRIPTOR_BYTES)
    try:
        return json.loads(data.decode("utf-8-sig"))
    except UnicodeDecodeError as exc:
        raise UsageError(f"{what}: {path.name} is not UTF-8 (byte {exc.start})") from None
    except json.JSONDecodeError as exc:
        raise UsageError(f"{what}: {path.name}:{exc.lineno}:{exc.colno} is not valid JSON: {exc.msg}") from None
    except (RecursionError, ValueError) as exc:
        raise UsageError(f"{what}: cannot read {path.name}: {exc}") from None


def load_descriptor(path: str | Path) -> Package:
    """Read datapackage.json and every Table Schema it points to (paths checked)."""
    descriptor_path = Path(path)
    if descriptor_path.is_dir():
        descriptor_path = descriptor_path / "datapackage.json"
    if not descriptor_path.is_file():
        raise UsageError(f"{descriptor_path}: no such descriptor file")
    descriptor = _read_json(descriptor_path, str(descriptor_path))
    if not isinstance(descriptor, dict):
        raise UsageError(f"{descriptor_path.name}: the descriptor must be a JSON object")
    resources = descriptor.get("resources")
    if not isinstance(resources, list) or not resources:
        raise UsageError(f"{descriptor_path.name}: 'resources' must be a non-empty list")
    return Package(descriptor_path, descriptor_path.parent, descriptor)


def resource_schema(pkg: Package, index: int, resource: object, allow_remote: bool) -> tuple[str, Path | Remote, dict]:
    """Name, data path and Table Schema of one resource, or UsageError."""
    where = f"{pkg.descriptor_file}: resources[{index}]"
    if not isinstance(resource, dict):
        raise UsageError(f"{where} must be an object")
    name = resource.get("name")
    if not isinstance(name, str) or not name:
        raise UsageError(f"{where}: 'name' must be a non-empty string")
    where = f"{pkg.descriptor_file}: resource {name!r}"
    data_path = resource.get("path")
    if isinstance(data_path, list):
        raise UsageError(f"{where}: multipart 'path' lists are not supported; one CSV file per resource")
    target = _inside(pkg.root, data_path, f"{where} path", allow_remote)
    schema = resource.get("schema")
    if isinstance(schema, str):
        schema = _read_json(_inside(pkg.root, schema, f"{where} schema", allow_remote), f"{where} schema")
    if not isinstance(schema, dict) or not isinstance(schema.get("fields"), list):
        raise UsageError(f"{where}: 'schema' must be a Table Schema object (or a path to one) with a 'fields' list")
    check_schema_shape(schema, f"{where} schema")
    return name, target, schema


def dialect_problem(resource: dict) -> str | None:
    """Why the validator cannot honour a resource's declared CSV `dialect`, or None.

    Every file is read as canonical CSV (canonical.DIALECT). A dialect that declares exactly
    those values is accepted (both descriptors declare it, for readers that would otherwise
    sniff); any other is refused, not ignored: a ';'-separated file read as ',' would be
    misreported row by row, and a reader that honours the dialect would see other data than
    the validator checked."""
    if "dialect" not in resource:
        return None
    dialect = resource["dialect"]
    expected = ", ".join(f"{k}={json.dumps(v)}" for k, v in canonical.DIALECT.items())
    if not isinstance(dialect, dict):
        return f"dialect={json.dumps(dialect)[:80]}: only an inline dialect object is supported, declaring at most {expected}"
    wrong = []
    for key, value in dialect.items():
        if key not in canonical.DIALECT:
            wrong.append(f"{key} is not supported")
        elif type(value) is not type(canonical.DIALECT[key]) or value != canonical.DIALECT[key]:
            wrong.append(f"{key}={json.dumps(value)[:40]} is not {json.dumps(canonical.DIALECT[key])}")
    if not wrong:
        return None
    return f"dialect {'; '.join(wrong)}: the files are read as canonical CSV only; a dialect may declare {expected} and nothing else"


def parquet_files(pkg: Package, allow_remote: bool) -> list[tuple[dict, Path | Remote]]:
    """The Parquet files a release lists under `x-parquet`, each located inside the package."""
    entries = pkg.descriptor.get(PARQUET_FILES, [])
    where = f"{pkg.descriptor_file}: {PARQUET_FILES}"
    if not isinstance(entries, list):
        raise UsageError(f"{where} must be a list of objects with a 'path'")
    out = []
    for i, entry in enumerate(entries):
        if not isinstance(entry, dict):
            raise UsageError(f"{where}[{i}] must be an object with a 'path'")
        out.append((entry, _inside(pkg.root, entry.get("path"), f"{where}[{i}] path", allow_remote)))
    return out


def _names(value: object) -> bool:
    return isinstance(value, str) or (isinstance(value, list) and all(isinstance(v, str) for v in value))


def check_schema_shape(schema: dict, where: str) -> None:
    """Refuse a Table Schema whose parts have the wrong JSON types (the rules rely on them);
    frictionless reports finer problems as structure.descriptor findings."""
    names = []
    for i, fld in enumerate(schema["fields"]):
        if not isinstance(fld, dict) or not isinstance(fld.get("name"), str) or not fld["name"]:
            raise UsageError(f"{where}: field {i} must be an object with a non-empty string 'name'")
        if not isinstance(fld.get("type", "string"), str):
            raise UsageError(f"{where}: field {fld['name']!r}: 'type' must be a string")
        cons = fld.get("constraints", {})
        if not isinstance(cons, dict):
            raise UsageError(f"{where}: field {fld['name']!r}: 'constraints' must be an object")
        if "pattern" in cons:
            if not isinstance(cons["pattern"], str):
                raise UsageError(f"{where}: field {fld['name']!r}: 'pattern' must be a string")
            try:
                pl.Series([""], dtype=pl.String).str.contains(cons["pattern"])
            except Exception:
                raise UsageError(f"{where}: field {fld['name']!r}: 'pattern' {cons['pattern']!r} is not a valid regular expression") from None
        for key in ("minimum", "maximum", "exclusiveMinimum", "exclusiveMaximum", "minLength", "maxLength"):
            if key in cons and (isinstance(cons[key], bool) or not isinstance(cons[key], int | float)):
                raise UsageError(f"{where}: field {fld['name']!r}: {key!r} must be a number")
        if "enum" in cons and not isinstance(cons["enum"], list):
            raise UsageError(f"{where}: field {fld['name']!r}: 'enum' must be a list")
        cats = fld.get("categories")
        if cats is not None and not (isinstance(cats, list) and all(isinstance(c, str | int) or (isinstance(c, dict) and "value" in c) for c in cats)):
            raise UsageError(f"{where}: field {fld['name']!r}: 'categories' must be a list of values or {{value, label}} objects")
        names.append(fld["name"])
    if len(set(names)) != len(names):
        raise UsageError(f"{where}: field names must be unique")
    if "primaryKey" in schema and not _names(schema["primaryKey"]):
        raise UsageError(f"{where}: 'primaryKey' must be a field name or a list of field names")
    for key in ("uniqueKeys", "foreignKeys"):
        if key in schema and not isinstance(schema[key], list):
            raise UsageError(f"{where}: {key!r} must be a list")
    for key in schema.get("uniqueKeys", []):
        if not _names(key):
            raise UsageError(f"{where}: each of 'uniqueKeys' must be a list of field names")
    for fk in schema.get("foreignKeys", []):
        ref = fk.get("reference") if isinstance(fk, dict) else None
        if not (isinstance(ref, dict) and _names(fk.get("fields")) and _names(ref.get("fields")) and isinstance(ref.get("resource", ""), str)):
            raise UsageError(f"{where}: each foreign key needs 'fields' and a 'reference' with 'fields' (and optionally 'resource')")


def _line_of_offset(raw: bytes, offset: int) -> int:
    return raw.count(b"\n", 0, offset) + 1


def read_table(pkg: Package, name: str, path: Path | Remote, schema: dict, hashes: bool = False) -> Table | None:
    """Read one CSV file as text. Returns None (with findings) when it cannot be read.
    With `hashes`, the file's sha256 is recorded too."""
    file = label(pkg, path)
    add = pkg.findings.append
    raw = read_limited(path, f"{file}: resource {name!r}")
    start = 3 if raw.startswith(b"\xef\xbb\xbf") else 0
    nul = raw.find(b"\x00")
    if nul >= 0:
        add(Finding(file, _line_of_offset(raw, nul), "structure.encoding", "error", None, None, None, "contains a NUL byte: this is not a text file"))
        return None
    end = raw.find(b"\n", start)
    first = raw[start : end if end >= 0 else len(raw)]
    try:
        first_line = first.decode("utf-8").rstrip("\r")
    except UnicodeDecodeError as exc:
        add(Finding(file, 1, "structure.encoding", "error", None, None, None, f"is not valid UTF-8 (byte {start + exc.start}); save the file as UTF-8"))
        return None
    if not first_line.strip():
        add(Finding(file, 1, "structure.header", "error", None, None, None, "the file is empty or has no header line"))
        return None
    try:
        header = next(csv.reader([first_line]))
    except csv.Error as exc:
        add(Finding(file, 1, "structure.header", "error", None, None, None, f"the header cannot be parsed: {exc}"))
        return None
    table = Table(name, file, path, schema, raw, header)
    del raw  # the table holds the bytes, and may release them once parsed
    table.take_facts(hashes)
    expected = table.field_names
    if len(header) > MAX_HEADER_FIELDS:
        add(Finding(file, 1, "structure.header", "error", None, None, None, f"the header has {len(header)} columns; the schema has {len(expected)}"))
        return None
    if header != expected:
        missing = [c for c in expected if c not in header]
        extra = [c for c in header if c not in expected]
        dupes = sorted({c for c in header if header.count(c) > 1})
        parts = []
        if missing:
            parts.append("missing " + ", ".join(missing))
        if extra:
            parts.append("unexpected " + ", ".join(repr(c) for c in extra))
        if dupes:
            parts.append("duplicated " + ", ".join(dupes))
        if not parts:
            parts.append("columns out of schema order")
        add(
            Finding(
                file,
                1,
                "structure.header",
                "error",
                None,
                None,
                None,
                f"header does not match schema/{name}: {'; '.join(parts)}; expected: {','.join(expected)}",
            )
        )
        if missing or dupes:
            return None
    strings = _parse_rows(table, start, pkg.findings)
    if strings is not None and header != expected:  # undeclared columns are reported, not checked
        strings = strings.select([c for c in expected if c in strings.columns] + ["_line"])
    table.strings = strings
    return table


def _parse_rows(table: Table, start: int, findings: list[Finding]) -> pl.DataFrame | None:
    """Cells as text (empty -> null) with `_line`, the CSV line each record starts on.

    A file in canonical form (the common case) is parsed by polars and proved exact by byte
    accounting (see `_parse_canonical`). Any other file is parsed by pyarrow, which refuses
    ragged rows; when a record is ragged or spans lines (or the bytes are not UTF-8), the
    standard csv module re-reads the file to locate every problem exactly.
    """
    raw = table.raw
    assert raw is not None
    n_lines = raw.count(b"\n", start) + (0 if raw.endswith(b"\n") else 1)
    frame = _parse_canonical(table, start, n_lines)
    if frame is not None:
        table.exact = True
        table.raw = None  # every fact is taken: release the bytes before the frame is compacted
        return _with_lines(frame)
    bad = _utf8_error(raw, start)  # pyarrow could glue a split character back across a quote
    if bad is not None:
        message = f"is not valid UTF-8 (byte {bad}); save the file as UTF-8"
        findings.append(Finding(table.file, _line_of_offset(raw, bad), "structure.encoding", "error", None, None, None, message))
        return None
    # A CR alone ends a line for pyarrow but not for the line count: leave it to the csv module.
    if b"\r" not in raw or raw.count(b"\r") == raw.count(b"\r\n"):
        frame = _parse_arrow(table, start, n_lines)
        if frame is not None:
            return frame
    return _parse_rows_slowly(table, raw[start:].decode("utf-8"), findings)


def _utf8_error(raw: bytes, start: int, block: int = 1 << 24) -> int | None:
    """Offset of the first byte that is not valid UTF-8, or None; decodes block by block so
    that a large file is never held twice."""
    decoder = codecs.getincrementaldecoder("utf-8")()
    view = memoryview(raw)
    for at in range(start, len(raw), block):
        pending = len(decoder.getstate()[0])  # bytes of a character cut at the last block end
        try:
            decoder.decode(view[at : at + block], final=at + block >= len(raw))
        except UnicodeDecodeError as exc:  # exc.start counts from the pending bytes
            return at - pending + exc.start
    return None


def _parse_arrow(table: Table, start: int, n_lines: int) -> pl.DataFrame | None:
    """pyarrow's parse, when every record is whole and on one line; None otherwise."""
    raw = table.raw
    assert raw is not None
    names = table.header
    try:
        arrow = pacsv.read_csv(
            pa.BufferReader(pa.py_buffer(raw)[start:]),
            read_options=pacsv.ReadOptions(column_names=names, skip_rows=1, use_threads=True, block_size=16 << 20),
            # No invalid-row handler: pyarrow decodes a bad row's text before calling one and
            # prints the error when that text is not UTF-8. A ragged row raises instead, and
            # the csv module then reports it with its line.
            parse_options=pacsv.ParseOptions(newlines_in_values=False, ignore_empty_lines=True),
            convert_options=pacsv.ConvertOptions(
                column_types={c: pa.string() for c in names},
                strings_can_be_null=True,
                quoted_strings_can_be_null=True,
                null_values=[""],
            ),
        )
    except (pa.ArrowInvalid, pa.ArrowException):
        return None
    frame = pl.from_arrow(arrow, rechunk=False)
    assert isinstance(frame, pl.DataFrame)
    return _with_lines(frame) if frame.height == n_lines - 1 else None


def _with_lines(frame: pl.DataFrame) -> pl.DataFrame:
    """`_line` for a file with one line per record after the header. The columns are made one
    contiguous chunk each, once: polars would otherwise align the chunks of the whole frame
    (copying every column) in each later select that mixes them with new columns."""
    return frame.rechunk().with_columns(pl.int_range(2, frame.height + 2, dtype=pl.Int64, eager=True).alias("_line"))


def _parse_canonical(table: Table, start: int, n_lines: int) -> pl.DataFrame | None:
    """polars' parse of a file in canonical form, or None when the file is not provably one.

    polars is the fastest reader here, but it fills a short row with nulls without a word. So
    its result is only taken when the file has exactly the bytes and quote characters that
    the canonical writer produces for the parsed values (no BOM or CR, one line per record): a
    short row would leave the file a comma short of that count, and the quote count rules
    out the quoting that could make up for it. (polars reads a blank line as a row of nulls,
    which the canonical writer would give its commas.)
    """
    raw = table.raw
    assert raw is not None
    names = table.header
    if start or not raw.endswith(b"\n") or b"\r" in raw:
        return None
    if len(names) == 1 and b"\n\n" in raw:  # a blank line; with more columns the count shows it
        return None
    try:
        frame = pl.read_csv(raw, has_header=True, schema=dict.fromkeys(names, pl.String), null_values=[""], quote_char='"', raise_if_empty=False)
    except Exception:  # any parse problem: the exact readers below locate it
        return None
    if frame.height != n_lines - 1 or frame.columns != names:
        return None
    size, quotes = canonical.counts(frame, names)
    if size != table.size or quotes != table.quotes:
        return None
    return frame


def _parse_rows_slowly(table: Table, body: str, findings: list[Finding]) -> pl.DataFrame:
    names = table.header
    width = len(names)
    reader = csv.reader(io.StringIO(body, newline=""), strict=False)
    columns: list[list[str | None]] = [[] for _ in names]
    lines: list[int] = []
    start = 1
    try:
        next(reader)
        start = reader.line_num + 1
        for record in reader:
            if not record:
                start = reader.line_num + 1
                continue
            if len(record) != width:
                findings.append(
                    Finding(
                        table.file,
                        start,
                        "structure.row",
                        "error",
                        None,
                        None,
                        None,
                        f"has {len(record)} fields, the header has {width}" + (" (a quote is not closed?)" if reader.line_num > start else ""),
                    )
                )
            else:
                for col, cell in zip(columns, record, strict=True):
                    col.append(cell if cell != "" else None)
                lines.append(start)
            start = reader.line_num + 1
    except csv.Error as exc:
        findings.append(Finding(table.file, start, "structure.row", "error", None, None, None, f"cannot be parsed as CSV: {exc}"))
    data = {n: pl.Series(n, c, dtype=pl.String) for n, c in zip(names, columns, strict=True)}
    return pl.DataFrame(data).with_columns(pl.Series("_line", lines, dtype=pl.Int64))


_CASTS = {
    "number": lambda c: c.str.strip_chars().cast(pl.Float64, strict=False),
    "integer": lambda c: c.str.strip_chars().cast(pl.Int64, strict=False),
    "date": lambda c: c.str.to_date("%Y-%m-%d", strict=False),
    "boolean": lambda c: c.str.to_lowercase().replace_strict({"true": True, "false": False}, default=None, return_dtype=pl.Boolean),
}
_TYPE_WORDS = {"number": "a number", "integer": "a whole number", "date": "an ISO date (YYYY-MM-DD)", "boolean": "true or false"}


def type_frame(table: Table, findings: list[Finding]) -> None:
    """Cast each column to its Table Schema type and derive EDTF bounds; report cells that do
    not parse (structure.type). EDTF values that do not parse get null bounds and are
    reported by the dates.parse rule."""
    s = table.strings
    assert s is not None
    casts, bad = [], []
    edtf_cols = []
    for fld in table.fields:
        name, ftype = fld["name"], fld.get("type", "string")
        if name not in s.columns:
            continue
        if ftype in _CASTS:
            casts.append(_CASTS[ftype](pl.col(name)).alias(name))
            bad.append((name, ftype))
        if fld.get("x-edtf"):
            edtf_cols.append(name)
    frame = s.with_columns(*casts)
    for name in edtf_cols:
        # Dates repeat: parse each distinct value once, then join the bounds back on this one
        # column (a join of the whole table would copy every column).
        distinct = s.select(pl.col(name).unique().drop_nulls()).with_columns(edtf.bounds(name))
        derived = s.select(name).join(distinct, on=name, how="left", maintain_order="left", nulls_equal=False)
        frame = frame.with_columns(
            derived[f"{name}_start"],
            derived[f"{name}_end"],
            (s[name].is_null() | derived[f"{name}__edtf_ok"].fill_null(True)).alias(f"{name}__edtf_ok"),
        )
    for name, ftype in bad:
        mask = frame[name].is_null() & s[name].is_not_null()
        if mask.any():
            rows = s.select("_line", table.key_expr().alias("_key"), pl.col(name).alias("v")).filter(mask)
            for line, k, v in rows.iter_rows():
                findings.append(Finding(table.file, line, "structure.type", "error", k, name, v, f"{name}={v!r} is not {_TYPE_WORDS[ftype]}"))
    table.frame = frame
