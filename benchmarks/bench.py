"""Benchmark: `python -m validate` versus `frictionless validate` on synthetic packages.

    python benchmarks/bench.py [--sizes 10000,100000,1000000] [--runs 3] [--frictionless-max 100000]

For each size, generates (benchmarks/generate.py, into benchmarks/work/, git-ignored) a clean
package and a 10 %-faulty one, then times the WHOLE process of each tool on the same package,
as a user runs it:

    python -m validate PKG/datapackage.json --as-of 2026-11-22 --format json > /dev/null
    frictionless validate --limit-errors 1000000000 PKG/datapackage.json > /dev/null

Wall time is measured around the subprocess (median of --runs fresh processes); peak memory is
the child's maximum resident set size from `/usr/bin/time -v` (or, without it, from
getrusage(RUSAGE_CHILDREN) in a fresh wrapper process per measurement, so that the maximum is
that one child's). frictionless is given an error limit it never reaches: by default it stops
after 1000 errors, which would skip most of a faulty package's rows.

Above --frictionless-max claims, frictionless is measured once (it takes minutes), or, with
--frictionless-extrapolate, not run and extrapolated linearly in rows from the largest
measured size (clearly labelled as such in the results).

Beside them runs benchmarks/floor.py (the same imports and a polars parse of every file, no
checks): the floor of any validator on this stack.

Also times the validator on the real package (with --snapshots ../shared/snapshots when that
folder exists), the import of validate.engine and a bare interpreter, then writes
benchmarks/results.md with the machine, versions, tables and the performance targets.

With --baseline REV (a git revision), the validator of REV is timed too, on its own packages
and its own real package, run by run beside the current one, and results.md compares the two
(benchmarks/baseline.py):

    python benchmarks/bench.py --sizes 10000,100000,1000000 --runs 5 --baseline 30164ee
"""

from __future__ import annotations

import argparse
import datetime as dt
import hashlib
import json
import os
import platform
import re
import shlex
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

import baseline

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
AS_OF = "2026-11-22"
TIME = "/usr/bin/time"
NO_ERROR_LIMIT = "1000000000"

# The targets the validator is held to.
TARGET_SPEEDUP = 30.0  # x faster than frictionless at 1M claims
TARGET_PEAK_MB = 1500.0  # peak RSS at 1M claims, MB (10^6 bytes)
TARGET_FAULTY_RATIO = 2.0  # 10 %-faulty run / clean run
TARGET_REAL_S = 1.5  # real package, whole process


@dataclass
class Measure:
    """Several runs of one command."""

    label: str
    cmd: list[str]
    walls: list[float] = field(default_factory=list)
    cpus: list[float] = field(default_factory=list)  # user + system seconds of the child
    peaks_kb: list[int] = field(default_factory=list)
    codes: list[int] = field(default_factory=list)
    loads: list[float] = field(default_factory=list)  # 1-minute load average after each run
    extrapolated_from: str | None = None  # set when not run but estimated
    cwd: Path = REPO  # where the command runs (a baseline's worktree for its validator)

    @property
    def wall(self) -> float:
        return statistics.median(self.walls)

    @property
    def cpu(self) -> float:
        return statistics.median(self.cpus) if self.cpus else float("nan")

    @property
    def peak_mb(self) -> float:
        return max(self.peaks_kb) * 1024 / 1e6 if self.peaks_kb else float("nan")

    def as_dict(self) -> dict:
        return {
            "label": self.label,
            "cmd": self.cmd,
            "walls": self.walls,
            "cpus": self.cpus,
            "peaks_kb": self.peaks_kb,
            "codes": self.codes,
            "loads": self.loads,
            "median_wall": self.wall if self.walls else None,
            "extrapolated_from": self.extrapolated_from,
            "cwd": str(self.cwd),
        }


def log(msg: str) -> None:
    print(f"[{time.strftime('%H:%M:%S')}] {msg}", file=sys.stderr, flush=True)


_WRAPPER = (
    "import resource, subprocess, sys\n"
    "r = subprocess.run(sys.argv[2:], stdout=subprocess.DEVNULL)\n"
    "u = resource.getrusage(resource.RUSAGE_CHILDREN)\n"
    "open(sys.argv[1], 'w').write(f'{u.ru_maxrss} {u.ru_utime + u.ru_stime}')\n"
    "sys.exit(r.returncode)\n"
)


def run_once(cmd: list[str], cwd: Path) -> tuple[float, float, int, int, str]:
    """(wall seconds, CPU seconds, peak RSS in KB, exit code, stderr tail) of one fresh process."""
    with tempfile.TemporaryDirectory() as tmp:
        stats = Path(tmp) / "stats"
        if os.access(TIME, os.X_OK):
            full = [TIME, "-v", "-o", str(stats), *cmd]
        else:
            full = [sys.executable, "-c", _WRAPPER, str(stats), *cmd]
        t0 = time.perf_counter()
        proc = subprocess.run(full, cwd=cwd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
        wall = time.perf_counter() - t0
        text = stats.read_text() if stats.exists() else ""
    if os.access(TIME, os.X_OK):
        m = re.search(r"Maximum resident set size \(kbytes\): (\d+)", text)
        peak = int(m.group(1)) if m else -1
        cpu = sum(float(x) for x in re.findall(r"(?:User|System) time \(seconds\): ([\d.]+)", text))
    else:
        parts = text.split()
        peak, cpu = (int(parts[0]), float(parts[1])) if len(parts) == 2 else (-1, float("nan"))
    return wall, cpu, peak, proc.returncode, proc.stderr.decode("utf-8", "replace")[-2000:]


def measure(label: str, cmd: list[str], runs: int, ok_codes: tuple[int, ...] = (0, 1)) -> Measure:
    return measure_together([(label, cmd, runs)], ok_codes)[0]


def measure_together(what: list[tuple], ok_codes: tuple[int, ...] = (0, 1)) -> list[Measure]:
    """Interleave the runs of several commands (label, command, runs[, cwd]): a, b, c, a, b, c,
    ... On a shared machine a change of load then affects all of them alike instead of only the
    ones measured last. A command runs in the repository unless a cwd is given."""
    ms = [(Measure(label, cmd, cwd=rest[0] if rest else REPO), runs) for label, cmd, runs, *rest in what]
    for i in range(max(r for _, r in ms)):
        for m, runs in ms:
            if i >= runs:
                continue
            wall, cpu, peak, code, err = run_once(m.cmd, m.cwd)
            if code not in ok_codes:
                raise SystemExit(f"{m.label}: exit {code} (expected {ok_codes}): {' '.join(m.cmd)}\n{err}")
            m.walls.append(wall)
            m.cpus.append(cpu)
            m.peaks_kb.append(peak)
            m.codes.append(code)
            m.loads.append(round(os.getloadavg()[0], 2))
            log(f"  {m.label} run {i + 1}/{runs}: {wall:.2f} s wall, {cpu:.2f} s CPU, {peak / 1024:.0f} MiB, exit {code}, load {m.loads[-1]}")
    return [m for m, _ in ms]


# ---------------------------------------------------------------------------------------------


def code_version(py: str) -> dict:
    """Which validator is measured: the git commit, whether validate/ has uncommitted changes
    (read-only git commands), and a digest of each module `python -m validate` loads, compared
    at start and end so that an edit during the run is noticed (edits to modules the validator
    does not load, such as the release builder, do not matter)."""
    code = "import sys, validate.cli, validate.engine\nprint('\\n'.join(sorted(m.__file__ for n, m in sys.modules.items() if n.split('.')[0] == 'validate')))"
    loaded = subprocess.run([py, "-c", code], cwd=REPO, capture_output=True, text=True).stdout.split()
    files = {Path(f).resolve().relative_to(REPO).as_posix(): hashlib.sha256(Path(f).read_bytes()).hexdigest()[:12] for f in loaded if Path(f).is_file()}

    def git(*a: str) -> str:
        try:
            return subprocess.run(["git", *a], cwd=REPO, capture_output=True, text=True, timeout=30).stdout.strip()
        except (OSError, subprocess.SubprocessError):
            return ""

    digest = hashlib.sha256(json.dumps(files, sort_keys=True).encode()).hexdigest()[:12]
    return {
        "commit": git("rev-parse", "--short", "HEAD") or "unknown",
        "dirty": bool(git("status", "--porcelain", "--", "validate")),
        "digest": digest,
        "files": files,
    }


def generator_digest(root: Path = REPO) -> str:
    return hashlib.sha256((root / "benchmarks" / "generate.py").read_bytes()).hexdigest()[:16]


def ensure_package(py: str, n: int, faulty: float, seed: int, work: Path, regenerate: bool, root: Path = REPO) -> tuple[Path, dict]:
    """Generate the package unless an identical one (same N, faults, seed, generator) exists.
    `root` is the checkout whose generator (and schema, and reference tables) is used: this
    repository, or a baseline's worktree."""
    name = f"n{n}-{'faulty' + str(round(faulty * 100)) if faulty else 'clean'}-s{seed}"
    out = work / name
    stamp = out / "generated.json"
    want = {"n": n, "faulty": faulty, "seed": seed, "generator": generator_digest(root)}
    if not regenerate and stamp.exists():
        info = json.loads(stamp.read_text())
        if info.get("params") == want:
            log(f"reusing {out}")
            return out, info
    if out.exists():
        shutil.rmtree(out)
    log(f"generating {out}")
    cmd = [py, str(root / "benchmarks" / "generate.py"), str(n), str(out), "--seed", str(seed)] + (["--faulty", str(faulty)] if faulty else [])
    t0 = time.perf_counter()
    proc = subprocess.run(cmd, cwd=root, capture_output=True, text=True)
    if proc.returncode != 0:
        raise SystemExit(f"generation failed: {' '.join(cmd)}\n{proc.stderr}")
    info = json.loads(proc.stdout.strip().splitlines()[-1])
    info["process_seconds"] = round(time.perf_counter() - t0, 2)
    info["params"] = want
    stamp.write_text(json.dumps(info, indent=1))
    return out, info


def validate_cmd(py: str, pkg: Path, extra: list[str] | None = None) -> list[str]:
    return [py, "-m", "validate", str(pkg / "datapackage.json") if pkg.is_dir() else str(pkg), "--as-of", AS_OF, "--format", "json", *(extra or [])]


def frictionless_cmd(exe: str, pkg: Path) -> list[str]:
    return [exe, "validate", "--limit-errors", NO_ERROR_LIMIT, str(pkg / "datapackage.json")]


# ---------------------------------------------------------------------------------------------


def machine(py: str) -> dict:
    cpu = "unknown"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    mem = "unknown"
    try:
        m = re.search(r"MemTotal:\s+(\d+) kB", Path("/proc/meminfo").read_text())
        if m:
            mem = f"{int(m.group(1)) / 1024 / 1024:.1f} GiB"
    except OSError:
        pass
    code = (
        "import importlib.metadata as m, json, platform\n"
        "v = {'python': platform.python_version()}\n"
        "for p in ('frictionless', 'pandera', 'polars', 'pyarrow', 'numpy', 'pandas'):\n"
        "    try: v[p] = m.version(p)\n"
        "    except m.PackageNotFoundError: v[p] = 'not installed'\n"
        "print(json.dumps(v))\n"
    )
    versions = json.loads(subprocess.run([py, "-c", code], capture_output=True, text=True, check=True).stdout)
    return {
        "nproc": os.cpu_count(),
        "cpu": cpu,
        "memory": mem,
        "kernel": platform.release(),
        "versions": versions,
        "peak_source": "/usr/bin/time -v" if os.access(TIME, os.X_OK) else "getrusage(RUSAGE_CHILDREN) in a fresh wrapper process",
    }


def fmt_s(m: Measure | None) -> str:
    if m is None:
        return "not measured"
    if m.extrapolated_from:
        return f"~{m.wall:.1f} (EXTRAPOLATED)"
    return f"{m.wall:.2f}"


def spread(m: Measure | None) -> str:
    if m is None or m.extrapolated_from or len(m.walls) < 2:
        return "" if m is None or m.extrapolated_from else f"{m.walls[0]:.2f}"
    return f"{min(m.walls):.2f}-{max(m.walls):.2f}"


def mb(m: Measure | None) -> str:
    return "" if m is None or m.extrapolated_from else f"{m.peak_mb:.0f}"


def cpu(m: Measure | None) -> str:
    return "" if m is None or m.extrapolated_from or not m.cpus else f"{m.cpu:.2f}"


def loads(m: Measure | None) -> str:
    return "" if m is None or not m.loads else f"{min(m.loads):.1f}-{max(m.loads):.1f}"


def ratio(a: Measure | None, b: Measure | None, by_cpu: bool = False) -> str:
    if a is None or b is None:
        return "n/a"
    if by_cpu and (a.extrapolated_from or b.extrapolated_from):
        return "n/a"
    r = a.cpu / b.cpu if by_cpu else a.wall / b.wall
    return f"{r:.1f}x" + (" (EXTRAPOLATED)" if a.extrapolated_from or b.extrapolated_from else "")


def write_results(
    path: Path,
    args,
    mach: dict,
    gens: dict,
    sizes: dict,
    extra: dict,
    started: str,
    load: tuple,
    seconds: float,
    code: tuple[dict, dict],
    wt: baseline.Worktree | None = None,
) -> list[tuple]:
    v = mach["versions"]
    c0, c1 = code
    dirty = " with uncommitted changes in validate/" if c0["dirty"] else ""
    measured = f"- validator measured: commit {c0['commit']}{dirty} (digest {c0['digest']} of the {len(c0['files'])} modules `python -m validate` loads)"
    if c1["digest"] != c0["digest"]:
        changed = sorted(f for f in set(c0["files"]) | set(c1["files"]) if c0["files"].get(f) != c1["files"].get(f))
        measured += f"; WARNING: {', '.join(changed)} changed during the run: rerun for consistent figures"
    lines = [
        "# Benchmark: `python -m validate` vs `frictionless validate`",
        "",
        "Generated by `python benchmarks/bench.py "
        + f"--sizes {args.sizes} --runs {args.runs} --frictionless-max {args.frictionless_max}"
        + (" --frictionless-extrapolate" if args.frictionless_extrapolate else "")
        + (f" --baseline {args.baseline}" if args.baseline else "")
        + f"` on {started} ({seconds / 60:.1f} min). Do not edit by hand: rerun `make bench`.",
        "",
        "## Machine",
        "",
        f"- CPU: {mach['cpu']}, nproc {mach['nproc']}; memory {mach['memory']}; Linux {mach['kernel']}",
        f"- load average (1, 5, 15 min) at start {load[0]}, at end {load[1]}; the `load` columns give the 1-minute load after each run. Other jobs "
        "share this machine, so wall times carry their noise: clean and faulty runs are interleaved (and frictionless and validate alternate "
        "within a size) so that both sides of a ratio see the same load, and CPU time (user + system, summed over threads) is given as a "
        "steadier second measure",
        measured,
        f"- Python {v['python']}; frictionless {v['frictionless']}, pandera {v['pandera']}, polars {v['polars']}, pyarrow {v['pyarrow']}, "
        f"numpy {v['numpy']}, pandas {v['pandas']}",
        f"- peak memory: maximum resident set size of the child process, from {mach['peak_source']}; MB = 10^6 bytes; CPU time from the same source",
        "",
        "## What is timed",
        "",
        f"- validate: `python -m validate PKG/datapackage.json --as-of {AS_OF} --format json > /dev/null` (whole process: interpreter start, imports, "
        "descriptor check with frictionless, reading, every rule, the JSON report)",
        f"- frictionless: `frictionless validate --limit-errors {NO_ERROR_LIMIT} PKG/datapackage.json > /dev/null` (types, required, patterns, "
        "primary and foreign keys; the error limit is lifted so that, like the validator, it reads every row of a faulty package: by default it "
        "stops a resource after 1000 errors)",
        f"- wall time: median of {args.runs} fresh processes (min-max shown); frictionless above {args.frictionless_max:,} claims: "
        + ("extrapolated, not run" if args.frictionless_extrapolate else "1 run"),
        "- packages: `benchmarks/generate.py N OUTDIR [--faulty 0.10] --seed 1` (synthetic, in the real proportions; the clean package passes every "
        "rule, the faulty one has one fault in 10 % of claim rows)",
        "",
        "## Packages",
        "",
        "| claims | package | citations | sources | actors | faulty claim rows | CSV MB | generated in (s) |",
        "|---:|---|---:|---:|---:|---:|---:|---:|",
    ]
    for (n, kind), info in gens.items():
        lines.append(
            f"| {n:,} | {kind} | {info['citations']:,} | {info['sources']:,} | {info['actors']:,} | {info['faulty_rows']:,} | "
            f"{info['bytes'] / 1e6:.1f} | {info['seconds']} |"
        )
    for n, res in sizes.items():
        vc, vf, fc, ff = res["validate_clean"], res["validate_faulty"], res.get("frictionless_clean"), res.get("frictionless_faulty")
        lines += [
            "",
            f"## {n:,} claims",
            "",
            "| package | tool | runs | median wall (s) | min-max (s) | median CPU (s) | peak RSS (MB) | exit codes | load |",
            "|---|---|---:|---:|---:|---:|---:|---|---|",
        ]
        rows = (("clean", "validate", vc), ("clean", "frictionless", fc), ("10 % faulty", "validate", vf), ("10 % faulty", "frictionless", ff))
        if res.get("floor") is not None:
            rows += (("clean", "floor: imports + polars parse, no checks", res["floor"]),)
        for kind, tool, m in rows:
            runs = "" if m is None else ("0 (extrapolated from " + m.extrapolated_from + ")" if m.extrapolated_from else str(len(m.walls)))
            codes = "" if m is None or m.extrapolated_from else ",".join(str(c) for c in m.codes)
            lines.append(f"| {kind} | {tool} | {runs} | {fmt_s(m)} | {spread(m)} | {cpu(m)} | {mb(m)} | {codes} | {loads(m)} |")
        lines += [
            "",
            f"- frictionless / validate (wall): clean **{ratio(fc, vc)}**, faulty **{ratio(ff, vf)}**; by CPU time: clean {ratio(fc, vc, True)}, "
            f"faulty {ratio(ff, vf, True)}",
            f"- validate faulty / clean (wall): **{ratio(vf, vc)}** (CPU {ratio(vf, vc, True)}); throughput (clean) {n / vc.wall:,.0f} claims/s",
        ]
        if res.get("floor") is not None:
            fl = res["floor"]
            lines.append(
                f"- floor (`benchmarks/floor.py`: the validator's imports and a polars parse of every file, no checks): {fl.wall:.2f} s, "
                f"{fl.wall / vc.wall:.0%} of the validator's time; frictionless / floor: {ratio(fc, fl)}, the most this stack allows"
            )
        if vc.codes and set(vc.codes) != {0}:
            lines.append(f"- WARNING: the validator did not accept the clean package (exit {vc.codes}); the timing is not of a valid run")
        if vf.codes and set(vf.codes) != {1}:
            lines.append(f"- WARNING: the validator did not reject the faulty package (exit {vf.codes})")
    real, startup, bare = extra["real"], extra["startup"], extra["bare"]
    lines += [
        "",
        "## Real package and start-up",
        "",
        "| what | command | runs | median wall (s) | min-max (s) | median CPU (s) | peak RSS (MB) | exit codes | load |",
        "|---|---|---:|---:|---:|---:|---:|---|---|",
    ]
    for what, m in (("real package", real), ("import validate.engine", startup), ("bare interpreter", bare)):
        cmd = shlex.join([Path(m.cmd[0]).name, *m.cmd[1:]]).replace(str(REPO) + "/", "")
        lines.append(
            f"| {what} | `{cmd}` | {len(m.walls)} | {m.wall:.2f} | {spread(m)} | {cpu(m)} | {mb(m)} | {','.join(str(c) for c in m.codes)} | {loads(m)} |"
        )

    # targets
    big = max(sizes) if sizes else None
    targets: list[tuple] = []
    if big is not None and big >= 1_000_000:
        r = sizes[big]
        fc, vc, vf = r.get("frictionless_clean"), r["validate_clean"], r["validate_faulty"]
        if fc is not None:
            sp = fc.wall / vc.wall
            note = " (frictionless EXTRAPOLATED)" if fc.extrapolated_from else ""
            if r.get("floor") is not None:
                floor = r["floor"].wall
                note += f"; the floor (imports + parsing, no checks) takes {floor:.2f} s, so this stack allows at most {fc.wall / floor:.0f}x"
            targets.append(
                (
                    f">= {TARGET_SPEEDUP:.0f}x faster than frictionless at {big:,} claims (clean)",
                    f"{sp:.1f}x ({fc.wall:.1f} s vs {vc.wall:.2f} s){note}",
                    sp >= TARGET_SPEEDUP,
                )
            )
        else:
            targets.append((f">= {TARGET_SPEEDUP:.0f}x faster than frictionless at {big:,} claims", "frictionless not measured", None))
        peak = max(vc.peak_mb, vf.peak_mb)
        targets.append(
            (
                f"peak memory < {TARGET_PEAK_MB / 1000:.1f} GB at {big:,} claims",
                f"{peak:,.0f} MB (clean {vc.peak_mb:,.0f}, faulty {vf.peak_mb:,.0f})",
                peak < TARGET_PEAK_MB,
            )
        )
        fr = vf.wall / vc.wall
        targets.append(
            (
                f"10 %-faulty run <= {TARGET_FAULTY_RATIO:.0f}x clean run at {big:,} claims",
                f"{fr:.2f}x ({vf.wall:.2f} s vs {vc.wall:.2f} s)",
                fr <= TARGET_FAULTY_RATIO,
            )
        )
    else:
        targets.append(("targets at 1,000,000 claims", "1M claims not in --sizes", None))
    targets.append((f"real package < {TARGET_REAL_S} s", f"{real.wall:.2f} s", real.wall < TARGET_REAL_S))
    if wt is not None:
        pairs = {n: {"clean": (r["baseline_clean"], r["validate_clean"]), "faulty": (r["baseline_faulty"], r["validate_faulty"])} for n, r in sizes.items()}
        more, base_targets = baseline.section(wt, pairs, (extra["baseline_real"], real), args.runs)
        lines += more
        targets += base_targets
    lines += ["", "## Targets", "", "| target | measured | verdict |", "|---|---|---|"]
    for what, got, ok in targets:
        lines.append(f"| {what} | {got} | {'not measured' if ok is None else 'met' if ok else '**not met**'} |")
    lines.append("")
    path.write_text("\n".join(lines), encoding="utf-8")
    return targets


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--sizes", default="10000,100000,1000000", help="claims per package, comma-separated")
    p.add_argument("--runs", type=int, default=3, help="runs per measurement (median reported)")
    p.add_argument("--frictionless-max", type=int, default=100_000, help="above this many claims frictionless runs once (or is extrapolated)")
    p.add_argument("--frictionless-extrapolate", action="store_true", help="above --frictionless-max, extrapolate frictionless instead of running it")
    p.add_argument("--faulty", type=float, default=0.10, help="fraction of faulty claim rows in the faulty package")
    p.add_argument("--seed", type=int, default=1)
    p.add_argument("--work", type=Path, default=HERE / "work", help="where packages are generated (git-ignored)")
    p.add_argument("--out", type=Path, default=HERE / "results.md")
    p.add_argument("--python", default=sys.executable, help="interpreter that runs the validator (default: this one)")
    p.add_argument("--frictionless", default=None, help="frictionless executable (default: next to --python)")
    p.add_argument("--snapshots", type=Path, default=REPO.parent / "shared" / "snapshots", help="snapshots for the real-package run, if the folder exists")
    p.add_argument("--regenerate", action="store_true", help="regenerate packages even if an identical one exists")
    p.add_argument("--baseline", metavar="REV", default=None, help="also time the validator of git revision REV, run by run beside this one (baseline.py)")
    args = p.parse_args(argv)
    args.work = args.work.resolve()
    args.work.mkdir(parents=True, exist_ok=True)
    if args.baseline is None:
        return run(args, None)
    # SIGTERM (kill, a timeout) unwinds like an error, so the worktree is removed either way
    signal.signal(signal.SIGTERM, lambda signum, frame: sys.exit(128 + signum))
    with baseline.Worktree(REPO, args.baseline, args.work) as wt:
        return run(args, wt)


def run(args, wt: baseline.Worktree | None) -> int:
    """The whole bench; with a baseline worktree `wt`, its validator is measured beside."""
    sizes = sorted({int(s.replace("_", "")) for s in args.sizes.split(",") if s.strip()})
    py = args.python
    fr = args.frictionless or str(Path(py).parent / "frictionless")
    if not Path(fr).exists():
        fr = shutil.which("frictionless") or fr
    started = dt.datetime.now().strftime("%Y-%m-%d %H:%M")
    t_start = time.perf_counter()
    load_start = tuple(round(x, 2) for x in os.getloadavg())
    mach = machine(py)
    code_start = code_version(py)
    log(f"machine: {mach}; validator {code_start}")
    if wt is not None:
        wt.check_imports(py)

    # real package and start-up first (small, and a warm-up of the .pyc caches)
    real_extra = ["--snapshots", str(args.snapshots)] if args.snapshots.is_dir() and any(args.snapshots.iterdir()) else []
    real_runs = [("real package", validate_cmd(py, REPO / "datapackage.json", real_extra), max(args.runs, 5))]
    if wt is not None:
        real_runs.insert(0, (f"baseline {wt.short} real package", validate_cmd(py, wt.path / "datapackage.json", real_extra), max(args.runs, 5), wt.path))
    for _, cmd, _, *cwd in real_runs:
        run_once(cmd, cwd[0] if cwd else REPO)
    real = measure_together(real_runs)
    extra = {
        "real": real[-1],
        **({"baseline_real": real[0]} if wt is not None else {}),
        "startup": measure("import validate.engine", [py, "-c", "import validate.engine"], max(args.runs, 5), (0,)),
        "bare": measure("bare interpreter", [py, "-c", "pass"], max(args.runs, 5), (0,)),
    }

    gens: dict = {}
    results: dict = {}
    for n in sizes:
        clean, gi = ensure_package(py, n, 0.0, args.seed, args.work, args.regenerate)
        faulty, gf = ensure_package(py, n, args.faulty, args.seed, args.work, args.regenerate)
        gens[(n, "clean")], gens[(n, f"{round(args.faulty * 100)} % faulty")] = gi, gf
        res: dict = {}
        big = n > args.frictionless_max
        todo = []
        if wt is not None:  # each baseline run just before the current run of the same kind
            base_work = wt.package_dir(args.work)
            b_clean, bi = ensure_package(py, n, 0.0, args.seed, base_work, args.regenerate, root=wt.path)
            b_faulty, bf = ensure_package(py, n, args.faulty, args.seed, base_work, args.regenerate, root=wt.path)
            gens[(n, f"clean (baseline {wt.short})")], gens[(n, f"{round(args.faulty * 100)} % faulty (baseline {wt.short})")] = bi, bf
            todo.append(("baseline_clean", f"baseline {wt.short} clean {n}", validate_cmd(py, b_clean), args.runs, wt.path))
        todo.append(("validate_clean", f"validate clean {n}", validate_cmd(py, clean), args.runs))
        if wt is not None:
            todo.append(("baseline_faulty", f"baseline {wt.short} faulty {n}", validate_cmd(py, b_faulty), args.runs, wt.path))
        todo.append(("validate_faulty", f"validate faulty {n}", validate_cmd(py, faulty), args.runs))
        todo.append(("floor", f"floor {n}", [py, str(HERE / "floor.py"), str(clean / "datapackage.json")], args.runs))
        if not (big and args.frictionless_extrapolate):
            fr_runs = 1 if big else args.runs
            todo.append(("frictionless_clean", f"frictionless clean {n}", frictionless_cmd(fr, clean), fr_runs))
            todo.append(("frictionless_faulty", f"frictionless faulty {n}", frictionless_cmd(fr, faulty), fr_runs))
        log(f"{n:,} claims: " + ", ".join(f"{t[1]} x{t[3]}" for t in todo))
        for (key, *_), m in zip(todo, measure_together([t[1:] for t in todo]), strict=True):
            res[key] = m
        if big and args.frictionless_extrapolate:
            base = max((m for m in results if "frictionless_clean" in results[m] and not results[m]["frictionless_clean"].extrapolated_from), default=None)
            if base is not None:
                for key, info in (("frictionless_clean", gi), ("frictionless_faulty", gf)):
                    src = results[base][key]
                    rows_base = gens[(base, "clean")]["claims"] + gens[(base, "clean")]["citations"]
                    rows_here = info["claims"] + info["citations"]
                    est = Measure(key, src.cmd, walls=[src.wall * rows_here / rows_base], extrapolated_from=f"{base:,} claims, linear in rows")
                    res[key] = est
        results[n] = res
        # write as we go, so an interrupted run still leaves its numbers
        write_results(
            args.out,
            args,
            mach,
            gens,
            results,
            extra,
            started,
            (load_start, tuple(round(x, 2) for x in os.getloadavg())),
            time.perf_counter() - t_start,
            (code_start, code_version(py)),
            wt,
        )

    load_end = tuple(round(x, 2) for x in os.getloadavg())
    targets = write_results(
        args.out, args, mach, gens, results, extra, started, (load_start, load_end), time.perf_counter() - t_start, (code_start, code_version(py)), wt
    )
    raw = {
        "machine": mach,
        "baseline": None if wt is None else {"rev": args.baseline, "commit": wt.sha},
        "generated": {f"{n}-{k}": v for (n, k), v in gens.items()},
        "sizes": {str(n): {k: m.as_dict() for k, m in r.items()} for n, r in results.items()},
        "extra": {k: m.as_dict() for k, m in extra.items()},
    }
    (args.work / "results.json").write_text(json.dumps(raw, indent=1))
    log(f"wrote {args.out}")
    for what, got, ok in targets:
        print(f"{'MET    ' if ok else 'NOT MET' if ok is False else 'N/A    '} {what}: {got}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
