"""Findings and the three ways of printing them.

Every problem is reported as a Finding addressed to what a person edits: the file, the CSV
line (the header is line 1), the row's primary key and the column, with the offending value.
Text is for people, JSON for tools and `github` for workflow annotations.
"""

from __future__ import annotations

import json
from dataclasses import dataclass

SEVERITIES = ("error", "warning")


@dataclass(frozen=True, order=True)
class Finding:
    """One failure of one rule at one place. Fields are None where they do not apply."""

    file: str
    line: int | None
    rule: str
    severity: str
    key: str | None
    column: str | None
    value: str | None
    message: str

    def location(self) -> str:
        where = self.file if self.line is None else f"{self.file}:{self.line}"
        return where if self.key is None else f"{where} {self.key}"

    def text(self) -> str:
        return f"{self.location()} {self.message} [{self.rule}]"


def sort_findings(findings: list[Finding]) -> list[Finding]:
    return sorted(findings, key=lambda f: (f.file, f.line if f.line is not None else -1, f.rule, f.column or "", f.message))


def counts(findings: list[Finding]) -> dict[str, int]:
    return {sev: sum(1 for f in findings if f.severity == sev) for sev in SEVERITIES}


def as_text(findings: list[Finding], summary: dict) -> str:
    lines = [("warning: " if f.severity == "warning" else "") + f.text() for f in findings]
    n = counts(findings)
    verdict = "valid" if n["error"] == 0 else "INVALID"
    lines.append(
        f"{summary['package']}: {verdict}: {n['error']} error(s), {n['warning']} warning(s); "
        f"{sum(v or 0 for v in summary['rows'].values())} rows in {summary['tables']} tables checked against {summary['rules']} rules"
    )
    for hint in summary.get("hints", []):
        lines.append(hint)
    return "\n".join(lines)


def as_json(findings: list[Finding], summary: dict) -> str:
    """The JSON report: one object, documented in the README ("The validation report")."""
    n = counts(findings)
    doc = {
        "valid": n["error"] == 0,
        "package": summary["package"],
        "version": summary.get("version"),
        "as_of": summary.get("as_of"),
        "counts": n,
        "rows": summary["rows"],
        "rules": summary["rule_ids"],
        "findings": [
            {"rule": f.rule, "severity": f.severity, "file": f.file, "line": f.line, "key": f.key, "column": f.column, "value": f.value, "message": f.message}
            for f in findings
        ],
    }
    return json.dumps(doc, ensure_ascii=False)


def _escape_github(value: str, prop: bool = False) -> str:
    out = value.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")
    if prop:
        out = out.replace(":", "%3A").replace(",", "%2C")
    return out


def as_github(findings: list[Finding], summary: dict) -> str:
    """GitHub Actions workflow commands: one ::error or ::warning annotation per finding."""
    lines = []
    for f in findings:
        props = [f"file={_escape_github(f.file, True)}"]
        if f.line is not None:
            props.append(f"line={f.line}")
        props.append(f"title={_escape_github(f.rule, True)}")
        body = f.message if f.key is None else f"{f.key} {f.message}"
        lines.append(f"::{f.severity} {','.join(props)}::{_escape_github(body)}")
    n = counts(findings)
    lines.append(f"{summary['package']}: {n['error']} error(s), {n['warning']} warning(s)")
    return "\n".join(lines)


FORMATTERS = {"text": as_text, "json": as_json, "github": as_github}
