"""Command line: python -m validate [DATAPACKAGE] [--format text|json|github] [--snapshots DIR] [--as-of DATE].

Exit codes: 0 valid (warnings allowed), 1 invalid data, 2 usage error or unreadable input.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import sys
from pathlib import Path

from .package import UsageError
from .report import FORMATTERS

DEFAULT = Path(__file__).resolve().parent.parent / "datapackage.json"


class _Parser(argparse.ArgumentParser):
    def error(self, message: str):  # argparse exits 2 too; keep its message short
        self.print_usage(sys.stderr)
        print(f"{self.prog}: error: {message}", file=sys.stderr)
        raise SystemExit(2)


def parser() -> argparse.ArgumentParser:
    p = _Parser(prog="python -m validate", description="Validate the dprk-russia-arms data package.")
    p.add_argument("datapackage", nargs="?", default=str(DEFAULT), help="path to datapackage.json (or its folder); default: the repository's")
    p.add_argument("--format", choices=sorted(FORMATTERS), default="text", help="text for people, json for tools, github for workflow annotations")
    p.add_argument("--snapshots", metavar="DIR", help="folder of archived source copies: check snapshot hashes and that every quote is verbatim")
    p.add_argument("--allow-remote", action="store_true", help="download http(s) resource and schema paths instead of refusing them")
    p.add_argument("--as-of", metavar="DATE", help="no date may lie after this ISO date (default: $NOW, else today)")
    return p


def as_of_date(value: str | None) -> dt.date:
    text = value or os.environ.get("NOW") or ""
    if not text:
        return dt.date.today()
    try:
        return dt.date.fromisoformat(text[:10])
    except ValueError:
        raise UsageError(f"as-of date {text!r} is not an ISO date (YYYY-MM-DD)") from None


def main(argv: list[str] | None = None) -> int:
    args = parser().parse_args(argv)
    try:
        from .engine import run

        result = run(args.datapackage, snapshots=args.snapshots, as_of=as_of_date(args.as_of), allow_remote=args.allow_remote)
    except UsageError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    except RecursionError:
        print("error: the input is nested too deeply to read", file=sys.stderr)
        return 2
    except MemoryError:
        print("error: the input is too large to validate in memory", file=sys.stderr)
        return 2
    except Exception as exc:  # a bug, not bad data: say so in one line instead of a traceback
        print(f"internal error (a bug in the validator; please report it with the input): {type(exc).__name__}: {exc}", file=sys.stderr)
        if os.environ.get("VALIDATE_DEBUG"):
            raise
        return 2
    out = FORMATTERS[args.format](result.findings, result.summary)
    sys.stdout.write(out + "\n")
    return 0 if result.valid else 1
