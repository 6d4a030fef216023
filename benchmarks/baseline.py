"""The validator against a baseline revision, in the same run: `bench.py --baseline REV`.

Speed and memory are compared as ratios against a baseline measured on the same machine in the
same session, never against figures from another day. With --baseline REV, bench.py

- checks REV out as a git worktree under the (git-ignored) work folder (`Worktree`);
- generates REV's packages with REV's own benchmarks/generate.py (the schema may differ between
  the revisions) for the same sizes, seed and faulty fraction;
- times REV's validator, `python -m validate PKG/datapackage.json --as-of ... --format json` run
  from the worktree with the same interpreter, on REV's packages, interleaved run by run with
  the current validator on the current packages, and on REV's real package beside the current
  one (both with --snapshots when available);
- writes the section built by `section` into results.md, with the 10 % target;

and removes the worktree at the end, also when the run fails or is interrupted.
"""

from __future__ import annotations

import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path

# A change that adds rules keeps the bench within this factor of the baseline.
TARGET_RATIO = 1.10


def _log(msg: str) -> None:
    print(f"[{time.strftime('%H:%M:%S')}] {msg}", file=sys.stderr, flush=True)


def _git(repo: Path, *args: str, check: bool = True) -> str:
    proc = subprocess.run(["git", *args], cwd=repo, capture_output=True, text=True)
    if check and proc.returncode != 0:
        raise SystemExit(f"git {' '.join(args)} failed: {proc.stderr.strip()}")
    return proc.stdout.strip()


class Worktree:
    """A detached git worktree of `rev` under `work`, removed on exit (`git worktree remove
    --force`) whether the run succeeded or not. A worktree left behind by a killed run at the
    same place is removed first."""

    def __init__(self, repo: Path, rev: str, work: Path):
        self.repo = repo
        self.rev = rev
        self.sha = _git(repo, "rev-parse", "--verify", "--quiet", f"{rev}^{{commit}}")
        self.short = self.sha[:7]
        self.path = work / f"baseline-{self.short}-worktree"
        self.date = _git(repo, "log", "-1", "--format=%cs", self.sha)

    def _remove(self) -> None:
        if self.path.exists():
            _git(self.repo, "worktree", "remove", "--force", str(self.path), check=False)
        if self.path.exists():  # not a registered worktree (any more): a plain leftover folder
            shutil.rmtree(self.path)
        _git(self.repo, "worktree", "prune", check=False)

    def __enter__(self) -> Worktree:
        self._remove()
        self.path.parent.mkdir(parents=True, exist_ok=True)
        _git(self.repo, "worktree", "add", "--detach", str(self.path), self.sha)
        _log(f"baseline {self.rev} ({self.sha[:12]}) checked out at {self.path}")
        return self

    def __exit__(self, *exc) -> None:
        self._remove()
        _log(f"baseline worktree {self.path} removed")

    def check_imports(self, py: str) -> None:
        """`python -m validate` run from the worktree must load the worktree's validator (and
        not, say, an installed copy of the current one)."""
        code = "import validate.cli, validate.engine; print(validate.__file__)"
        proc = subprocess.run([py, "-c", code], cwd=self.path, capture_output=True, text=True)
        loaded = Path(proc.stdout.strip() or "?").resolve()
        if proc.returncode != 0 or not loaded.is_relative_to(self.path.resolve()):
            raise SystemExit(f"from {self.path}, {py} imports validate from {loaded}, not from the worktree\n{proc.stderr[-2000:]}")

    def package_dir(self, work: Path) -> Path:
        """Where REV's generated packages go (kept, like the current ones, for reuse)."""
        return work / f"baseline-{self.short}"


# ---------------------------------------------------------------------------------------------
# results.md section


def _wall(m) -> str:
    return f"{m.wall:.2f}"


def _spread(m) -> str:
    return f"{min(m.walls):.2f}-{max(m.walls):.2f}" if len(m.walls) > 1 else f"{m.walls[0]:.2f}"


def _r(a: float, b: float) -> str:
    return f"{a / b:.2f}x"


def _paired(b, c) -> str:
    """Median of the per-round ratios: each current run against the baseline run just before
    it, which a passing load spike affects alike (steadier than the ratio of the medians)."""
    return f"{statistics.median(y / x for x, y in zip(b.walls, c.walls, strict=True)):.2f}x"


def section(wt: Worktree, sizes: dict[int, dict], real: tuple, runs: int) -> tuple[list[str], list[tuple]]:
    """Lines of the "Against the baseline" section and its target rows (what, measured, verdict).

    `sizes` maps claims to {"clean": (baseline, current), "faulty": (baseline, current)} and
    `real` is (baseline, current): Measures of the same number of interleaved runs."""
    lines = [
        "",
        f"## Against the baseline {wt.short}",
        "",
        f"Baseline: `--baseline {wt.rev}`, commit {wt.sha[:12]} of {wt.date}, checked out as a git worktree; its "
        "packages are generated by its own `benchmarks/generate.py` (its schema) with the same sizes, seed and faulty fraction, and its "
        "validator runs from the worktree with the same interpreter and arguments. Baseline and current runs alternate run by run "
        f"(median of {runs}; min-max shown), so both see the same machine state. Ratio = current / baseline: above 1 the current "
        "validator is slower or larger; the target is judged on the ratio of the medians, and the median of the per-round ratios (each "
        "current run against the baseline run just before it) is given as a steadier second measure.",
        "",
        "| claims | package | baseline wall (s) | min-max (s) | current wall (s) | min-max (s) | current / baseline (wall) | "
        "per-round ratio (median) | current / baseline (CPU) | baseline peak RSS (MB) | current peak RSS (MB) | current / baseline (peak) | "
        "exit codes baseline; current |",
        "|---:|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|",
    ]
    rows = [(f"{n:,}", kind, *pair) for n, pair_by_kind in sizes.items() for kind, pair in pair_by_kind.items()]
    rows.append(("", "real package", *real))
    for claims, kind, b, c in rows:
        codes = f"{','.join(map(str, b.codes))}; {','.join(map(str, c.codes))}"
        lines.append(
            f"| {claims} | {kind} | {_wall(b)} | {_spread(b)} | {_wall(c)} | {_spread(c)} | **{_r(c.wall, b.wall)}** | {_paired(b, c)} | {_r(c.cpu, b.cpu)} | "
            f"{b.peak_mb:,.0f} | {c.peak_mb:,.0f} | {_r(c.peak_mb, b.peak_mb)} | {codes} |"
        )
    for claims, kind, b, c in rows:
        want = 0 if kind in ("clean", "real package") else 1
        for who, m in (("baseline", b), ("current", c)):
            if set(m.codes) != {want}:
                lines.append(f"- WARNING: the {who} validator exited {m.codes} on the {kind} package {claims} (expected {want})")

    targets: list[tuple] = []
    limit = f"{(TARGET_RATIO - 1) * 100:.0f} %"
    if sizes:
        big = max(sizes)
        checked = [(f"{big:,} clean", *sizes[big]["clean"]), (f"{big:,} faulty", *sizes[big]["faulty"]), ("real package", *real)]
        got = ", ".join(f"{what} {c.wall / b.wall:.2f}x ({c.wall:.2f} s vs {b.wall:.2f} s)" for what, b, c in checked)
        cpu = ", ".join(f"{c.cpu / b.cpu:.2f}x" for _, b, c in checked)
        paired = ", ".join(_paired(b, c) for _, b, c in checked)
        ok = all(c.wall <= TARGET_RATIO * b.wall for _, b, c in checked)
        what = f"within {limit} of the baseline {wt.short} (wall, {big:,} claims clean and faulty, real package)"
        targets.append((what, f"{got}; per-round ratios {paired}; by CPU {cpu}", ok))
        peak = ", ".join(f"{what} {c.peak_mb / b.peak_mb:.2f}x ({c.peak_mb:,.0f} MB vs {b.peak_mb:,.0f} MB)" for what, b, c in checked[:2])
        ok = all(c.peak_mb <= TARGET_RATIO * b.peak_mb for _, b, c in checked[:2])
        targets.append((f"peak memory within {limit} of the baseline {wt.short} at {big:,} claims", peak, ok))
    lines.append("")
    for what, got, ok in targets:
        lines.append(f"- target: {what}: **{'met' if ok else 'not met'}**; {got}")
    return lines, targets
