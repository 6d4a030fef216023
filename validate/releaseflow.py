"""Which release a commit builds: the flow that never dead-ends (DESIGN.md, Releases).

- The version in datapackage.json is published (releases/<version>.json exists): the build
  must reproduce the published zip byte for byte. Only the commit that cut it can; at any later
  commit whose data, documentation or tooling differ, the build becomes a *candidate* of the
  next version those changes require.
- The version is not published: when it is exactly the version the changes since the last
  manifest require and CHANGELOG.md has a dated section for it, it is a *release* (and
  `make cut` may publish it); otherwise a candidate of the required version.

A candidate is named `<version>-candidate` (a SemVer pre-release) in its folder, zip and
descriptor, so it can never be mistaken for the published version, and `make cut` refuses it.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import os
import re
import subprocess
from dataclasses import dataclass
from pathlib import Path

LEVELS = ("patch", "minor", "major")
# Documentation shipped in every release; a change to one of them alone is a PATCH.
SHIPPED = ["CHANGELOG.md", "LICENSE", "LICENSE-DATA", "CITATION.cff", "README.md", "docs/codebook.md", "docs/coding-manual.md", "docs/reliability.md"]


@dataclass(frozen=True)
class Change:
    level: str
    what: str


@dataclass(frozen=True)
class Plan:
    kind: str  # "release", "rebuild" or "candidate"
    version: str  # the version label written into the build
    day: dt.date  # the date of `created` and the as-of date of validation
    reason: str  # why this kind (shown to the maintainer)


def changelog_day(changelog: str, version: str) -> dt.date | None:
    """The date of the CHANGELOG section `## [version] - YYYY-MM-DD`, if there is one."""
    m = re.search(rf"^## \[{re.escape(version)}\] - (\d{{4}}-\d{{2}}-\d{{2}})\s*$", changelog, re.M)
    return dt.date.fromisoformat(m.group(1)) if m else None


def candidate_day(root: Path) -> dt.date:
    """A candidate's date, the same for every build of one commit: SOURCE_DATE_EPOCH, else the
    date of the last commit, else (outside a git checkout) today."""
    epoch = os.environ.get("SOURCE_DATE_EPOCH")
    if epoch and epoch.isdigit():
        return dt.datetime.fromtimestamp(int(epoch), dt.UTC).date()
    try:
        out = subprocess.run(["git", "-C", str(root), "log", "-1", "--format=%cs"], capture_output=True, text=True, timeout=20, check=False)
        if out.returncode == 0 and re.fullmatch(r"\d{4}-\d{2}-\d{2}", out.stdout.strip()):
            return dt.date.fromisoformat(out.stdout.strip())
    except (OSError, subprocess.SubprocessError):
        pass
    return dt.datetime.now(dt.UTC).date()


def shipped_changes(root: Path, prev: dict) -> list[Change]:
    """Shipped documents that differ from the ones a manifest recorded: a PATCH each."""
    recorded = prev.get("files") or {}
    out = []
    for rel in SHIPPED:
        path = root / rel
        if not path.is_file():
            continue
        digest = hashlib.sha256(path.read_bytes()).hexdigest()
        if recorded.get(rel) != digest:
            out.append(Change("patch", f"{rel} {'changed' if rel in recorded else 'added'}"))
    return out


def data_changes(prev: dict, cur: dict) -> list[Change]:
    """Every difference in schemas, claims and tables between a manifest and the package."""
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
    m = re.match(r"^(\d+)\.(\d+)\.(\d+)", prev_version)
    major, minor, patch = (int(x) for x in m.groups()) if m else (0, 0, 0)
    if not changes:
        return prev_version, None
    top = max(changes, key=lambda c: LEVELS.index(c.level))
    nxt = {"major": f"{major + 1}.0.0", "minor": f"{major}.{minor + 1}.0", "patch": f"{major}.{minor}.{patch + 1}"}[top.level]
    return nxt, f"{top.what} requires a {top.level.upper()} bump"


def bump_patch(version: str) -> str:
    return required_version(version, [Change("patch", "")])[0]


def _undated(version: str) -> str:
    return f"CHANGELOG.md has no dated section '## [{version}] - YYYY-MM-DD'"


def plan(root: Path, version: str, cur: dict, own: dict | None, prev: dict | None, changelog: str) -> Plan:
    """What this commit builds. `own` is the manifest of `version` if published, `prev` the
    latest manifest below it."""
    day = changelog_day(changelog, version)
    if own is not None:
        diff = data_changes(own, cur) + shipped_changes(root, own)
        if not diff and day is not None:
            return Plan("rebuild", version, day, f"{version} is published: the build must reproduce it byte for byte")
        need, why = required_version(version, diff) if diff else (bump_patch(version), f"its CHANGELOG section is missing, a PATCH to {version}")
        more = f" (all changes: {'; '.join(c.what for c in diff[:8])})" if len(diff) > 1 else ""
        return Plan("candidate", f"{need}-candidate", candidate_day(root), f"{version} is published and this commit differs from it: {why}{more}")
    if prev is None:
        if day is None:
            return Plan("candidate", f"{version}-candidate", candidate_day(root), _undated(version))
        return Plan("release", version, day, "first release")
    need, why = required_version(prev["version"], data_changes(prev, cur) + shipped_changes(root, prev))
    if why is None:
        return Plan("candidate", f"{bump_patch(prev['version'])}-candidate", candidate_day(root), f"nothing changed since {prev['version']}")
    if version != need:
        why = f"version {version} does not match what changed since {prev['version']}: {why}, so the version must be {need}"
        return Plan("candidate", f"{need}-candidate", candidate_day(root), why)
    if day is None:
        return Plan("candidate", f"{need}-candidate", candidate_day(root), _undated(version))
    return Plan("release", version, day, f"{why} since {prev['version']}")
