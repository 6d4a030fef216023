"""What changed in the claims since the last release, field by field (a release's changes.csv).

A manifest (releases/<version>.json) records a hash per claim row and per field, so the next
release can tell *which* fields changed; the values themselves are kept beside it in
releases/<version>.claims.csv (the published claims table, byte for byte), so changes.csv can
say old -> new. The values file is trusted only when every row hashes to what the manifest
recorded.
"""

from __future__ import annotations

import csv
import hashlib
import io
import json
from pathlib import Path

HEADER = ["claim_id", "change", "field", "old", "new"]


class ValuesError(Exception):
    """The recorded values of a release are missing or do not match its manifest."""


def values_path(root: Path, version: str) -> Path:
    return root / "releases" / f"{version}.claims.csv"


def row_hash(cells: list[str]) -> str:
    return hashlib.sha256(json.dumps(cells, ensure_ascii=False).encode("utf-8")).hexdigest()


def read_values(path: Path, manifest: dict) -> dict[str, dict[str, str]]:
    """claim_id -> {field: value} from a release's values file, checked against its manifest."""
    if not path.is_file():
        raise ValuesError(f"{path.name} is missing: the values of release {manifest.get('version')} are needed to list old -> new")
    try:
        with path.open(newline="", encoding="utf-8") as f:
            rows = list(csv.reader(f))
    except (OSError, UnicodeDecodeError, csv.Error) as exc:
        raise ValuesError(f"{path.name}: cannot read: {exc}") from None
    if not rows:
        raise ValuesError(f"{path.name} is empty")
    header, body = rows[0], rows[1:]
    recorded = manifest.get("claims") or {}
    out = {}
    for line, cells in enumerate(body, start=2):
        if len(cells) != len(header) or not cells:
            raise ValuesError(f"{path.name}:{line}: {len(cells)} fields, the header has {len(header)}")
        cid = cells[0]
        want = (recorded.get(cid) or {}).get("row")
        if want != row_hash(cells):
            raise ValuesError(f"{path.name}:{line} {cid}: the row does not hash to what {manifest.get('version')}'s manifest records")
        out[cid] = dict(zip(header, cells, strict=True))
    missing = sorted(set(recorded) - set(out))
    if missing:
        raise ValuesError(f"{path.name} lacks {len(missing)} published claim(s), e.g. {missing[0]}")
    return out


def changes_csv(prev: dict[str, dict[str, str]], cur: dict[str, dict[str, str]], statuses: dict[str, str]) -> bytes:
    """One row per added claim and per changed field of a kept claim: claim_id, change (added,
    changed, retracted, superseded), field, old, new. A column new in this release counts as
    changed from empty."""
    rows = []
    for cid in sorted(cur):
        now = cur[cid]
        if cid not in prev:
            rows.append([cid, "added", "", "", ""])
            continue
        old = prev[cid]
        diff = [f for f in now if now[f] != old.get(f, "")]
        if not diff:
            continue
        kind = statuses.get(cid) if "status" in diff and statuses.get(cid) in ("retracted", "superseded") else "changed"
        rows += [[cid, kind, f, old.get(f, ""), now[f]] for f in diff]
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\n")
    w.writerow(HEADER)
    w.writerows(rows)
    return buf.getvalue().encode("utf-8")
