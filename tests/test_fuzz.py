"""Hostile input: mutated descriptors and CSV files never crash the validator.

Properties, for every mutation of the real package: the validator exits 0, 1 or 2, prints no
traceback (internal errors are re-raised here through VALIDATE_DEBUG, so hypothesis shrinks
them), finishes in bounded time, and writes nothing. `make test` runs a small budget;
`make fuzz` sets FUZZ_EXAMPLES for a long run.
"""

from __future__ import annotations

import contextlib
import hashlib
import io
import json
import os
import shutil
import sys
import tempfile
import time
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from validate.cli import main

ROOT = Path(__file__).resolve().parent.parent
EXAMPLES = int(os.environ.get("FUZZ_EXAMPLES", "40"))
TABLES = ["sources", "actors", "systems", "units", "claims", "citations"]
FUZZ = settings(max_examples=EXAMPLES, deadline=None, suppress_health_check=list(HealthCheck), database=None)
TIME_LIMIT = 20.0


def copy_package() -> Path:
    root = Path(tempfile.mkdtemp(prefix="fuzz-"))
    shutil.copy(ROOT / "datapackage.json", root / "datapackage.json")
    shutil.copytree(ROOT / "schema", root / "schema")
    shutil.copytree(ROOT / "data", root / "data")
    return root


def digest(root: Path) -> dict[str, str]:
    return {p.relative_to(root).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest() for p in sorted(root.rglob("*")) if p.is_file()}


def check_properties(root: Path, *args: str) -> int:
    before = digest(root)
    out, err = io.StringIO(), io.StringIO()
    unraisable: list = []  # "Exception ignored in ..." would print a traceback to stderr
    previous_hook = sys.unraisablehook
    sys.unraisablehook = unraisable.append
    os.environ["VALIDATE_DEBUG"] = "1"
    start = time.perf_counter()
    try:
        with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
            code = main([str(root / "datapackage.json"), "--as-of", "2026-11-22", *args])
    finally:
        os.environ.pop("VALIDATE_DEBUG", None)
        sys.unraisablehook = previous_hook
    assert not unraisable, [str(u.exc_value) for u in unraisable]
    elapsed = time.perf_counter() - start
    assert code in (0, 1, 2)
    assert "Traceback" not in out.getvalue() + err.getvalue()
    assert elapsed < TIME_LIMIT, f"took {elapsed:.1f}s"
    assert digest(root) == before, "the validator wrote to the package"
    if code == 1:
        assert out.getvalue().strip(), "exit 1 without a finding"
    if code == 2:
        assert err.getvalue().startswith("error: "), err.getvalue()
    return code


JSON = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=20),
    lambda children: st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=10), children, max_size=4),
    max_leaves=12,
)
PATHS = st.sampled_from(
    [
        "../outside.csv",
        "/etc/passwd",
        "https://example.org/x.csv",
        "data/missing.csv",
        "data",
        "",
        "data/../../x.csv",
        "~/x.csv",
        "C:\\x.csv",
        "file:///etc/passwd",
        "data/claims.csv",
    ]
)


@st.composite
def descriptor_mutation(draw):
    d = json.loads((ROOT / "datapackage.json").read_text(encoding="utf-8"))
    kind = draw(st.sampled_from(["value", "resource", "path", "schema", "field", "drop"]))
    i = draw(st.integers(0, len(d["resources"]) - 1))
    if kind == "value":
        d[draw(st.sampled_from(["name", "version", "resources", "licenses", "$schema"]))] = draw(JSON)
    elif kind == "resource":
        d["resources"][i] = draw(JSON)
    elif kind == "path":
        d["resources"][i]["path"] = draw(PATHS | JSON)
    elif kind == "schema":
        d["resources"][i]["schema"] = draw(PATHS | JSON)
    elif kind == "field":
        d["resources"][i]["schema"] = {"fields": draw(st.lists(JSON, max_size=3)), "primaryKey": draw(JSON)}
    else:
        del d["resources"][i]
    return d


@FUZZ
@given(descriptor_mutation())
def test_mutated_descriptor(descriptor):
    root = copy_package()
    try:
        (root / "datapackage.json").write_text(json.dumps(descriptor), encoding="utf-8")
        check_properties(root)
    finally:
        shutil.rmtree(root)


@st.composite
def csv_mutation(draw):
    table = draw(st.sampled_from(TABLES))
    data = (ROOT / "data" / f"{table}.csv").read_bytes()
    op = draw(
        st.sampled_from(
            [
                "insert",
                "delete",
                "replace",
                "truncate",
                "quote",
                "bom",
                "crlf",
                "dup_line",
                "garbage",
                "empty",
                "wide_header",
                "big_cell",
                "swap_columns",
                "nul",
            ]
        )
    )
    pos = draw(st.integers(0, max(len(data) - 1, 0)))
    if op == "insert":
        data = data[:pos] + draw(st.binary(min_size=1, max_size=20)) + data[pos:]
    elif op == "delete":
        data = data[:pos] + data[pos + draw(st.integers(1, 200)) :]
    elif op == "replace":
        data = data[:pos] + draw(st.sampled_from([b",", b'"', b"\n", b"\r", b"=", b"\xff", b"\t", b"-", b"9", b"/", b"~"])) + data[pos + 1 :]
    elif op == "truncate":
        data = data[:pos]
    elif op == "quote":
        data = data[:pos] + b'"' + data[pos:]
    elif op == "bom":
        data = b"\xef\xbb\xbf" + data
    elif op == "crlf":
        data = data.replace(b"\n", b"\r\n")
    elif op == "dup_line":
        lines = data.split(b"\n")
        k = draw(st.integers(0, len(lines) - 1))
        data = b"\n".join(lines[: k + 1] + [lines[k]] + lines[k + 1 :])
    elif op == "garbage":
        data = draw(st.binary(max_size=500))
    elif op == "empty":
        data = b""
    elif op == "wide_header":
        data = b",".join(b"c%d" % k for k in range(draw(st.integers(1000, 200_000)))) + b"\n"
    elif op == "big_cell":
        data = data[:pos] + b"x" * draw(st.integers(1_000_000, 10_000_000)) + data[pos:]
    elif op == "swap_columns":
        first, _, rest = data.partition(b"\n")
        cols = first.split(b",")
        a, b = draw(st.integers(0, len(cols) - 1)), draw(st.integers(0, len(cols) - 1))
        cols[a], cols[b] = cols[b], cols[a]
        data = b",".join(cols) + b"\n" + rest
    else:
        data = data[:pos] + b"\x00" + data[pos:]
    return table, data


@FUZZ
@given(st.lists(csv_mutation(), min_size=1, max_size=3))
def test_mutated_csv(mutations):
    root = copy_package()
    try:
        for table, data in mutations:
            (root / "data" / f"{table}.csv").write_bytes(data)
        check_properties(root)
    finally:
        shutil.rmtree(root)


def test_paths_outside_the_package_are_refused(tmp_path):
    root = copy_package()
    try:
        outside = tmp_path / "secret.csv"
        outside.write_text("unit_id,label\nx,y\n", encoding="utf-8")
        d = json.loads((root / "datapackage.json").read_text(encoding="utf-8"))
        for bad in ["../secret.csv", str(outside), "https://example.org/units.csv", "data/../../secret.csv", "file:///etc/passwd"]:
            d["resources"][3]["path"] = bad
            (root / "datapackage.json").write_text(json.dumps(d), encoding="utf-8")
            err = io.StringIO()
            with contextlib.redirect_stderr(err), contextlib.redirect_stdout(io.StringIO()):
                assert main([str(root / "datapackage.json")]) == 2
            assert "refused" in err.getvalue(), err.getvalue()
        (root / "data" / "link.csv").symlink_to(outside)
        d["resources"][3]["path"] = "data/link.csv"
        (root / "datapackage.json").write_text(json.dumps(d), encoding="utf-8")
        err = io.StringIO()
        with contextlib.redirect_stderr(err), contextlib.redirect_stdout(io.StringIO()):
            assert main([str(root / "datapackage.json")]) == 2
        assert "symbolic link" in err.getvalue()
    finally:
        shutil.rmtree(root)


def test_remote_resources_need_allow_remote():
    """http(s) paths are refused unless --allow-remote; with it they are downloaded (here from a
    server on the loopback address, started and stopped by the test)."""
    import functools
    import http.server
    import threading

    root = copy_package()
    served = Path(tempfile.mkdtemp(prefix="served-"))
    shutil.copy(root / "data" / "units.csv", served / "units.csv")
    handler = functools.partial(http.server.SimpleHTTPRequestHandler, directory=str(served))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        d = json.loads((root / "datapackage.json").read_text(encoding="utf-8"))
        d["resources"][3]["path"] = f"http://127.0.0.1:{server.server_port}/units.csv"
        (root / "datapackage.json").write_text(json.dumps(d), encoding="utf-8")
        err = io.StringIO()
        with contextlib.redirect_stderr(err), contextlib.redirect_stdout(io.StringIO()):
            assert main([str(root / "datapackage.json")]) == 2
        assert "--allow-remote" in err.getvalue()
        out = io.StringIO()
        with contextlib.redirect_stdout(out):
            code = main([str(root / "datapackage.json"), "--allow-remote", "--as-of", "2026-11-22"])
        assert code == 0, out.getvalue()
    finally:
        server.shutdown()
        server.server_close()
        shutil.rmtree(root)
        shutil.rmtree(served)


def _with_descriptor(mutate) -> int:
    root = copy_package()
    try:
        d = json.loads((root / "datapackage.json").read_text(encoding="utf-8"))
        mutate(d)
        (root / "datapackage.json").write_text(json.dumps(d), encoding="utf-8")
        return check_properties(root)
    finally:
        shutil.rmtree(root)


def test_regressions_found_by_fuzzing():
    """Inputs that once crashed the validator (found by `make fuzz`)."""

    def empty_schema(d):
        d["resources"][3]["schema"] = {"fields": [], "primaryKey": []}

    def retyped(d):
        schema = json.loads((ROOT / "schema" / "claims.json").read_text(encoding="utf-8"))
        next(f for f in schema["fields"] if f["name"] == "qty_text")["type"] = "number"
        d["resources"][4]["schema"] = schema

    def nul_path(d):
        d["resources"][0]["path"] = "data/sources\x00.csv"

    assert _with_descriptor(empty_schema) == 1
    assert _with_descriptor(retyped) == 1
    assert _with_descriptor(nul_path) == 2
