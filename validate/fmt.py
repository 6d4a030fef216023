"""`python -m validate.fmt [DATAPACKAGE] [--check]`: rewrite the CSV files in canonical form.

The validator never writes; this is the one command that does, and only to the package's
own CSV files, and only when a file parses cleanly (a ragged or undecodable file is left
alone for a person to fix). Text is kept exactly as typed: only the byte order mark, line
ends, column order, row order and quoting change.
"""

from __future__ import annotations

import argparse
import sys

from .canonical import canonical_bytes
from .cli import DEFAULT
from .package import UsageError, load_descriptor, read_table, resource_schema


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(prog="python -m validate.fmt", description=__doc__.splitlines()[0])
    p.add_argument("datapackage", nargs="?", default=str(DEFAULT))
    p.add_argument("--check", action="store_true", help="only list the files that would change; exit 1 if any")
    args = p.parse_args(argv)
    try:
        pkg = load_descriptor(args.datapackage)
        changed, refused = [], []
        for i, res in enumerate(pkg.descriptor["resources"]):
            name, target, schema = resource_schema(pkg, i, res, allow_remote=False)
            table = read_table(pkg, name, target, schema)
            problems = [f for f in pkg.findings if f.rule != "structure.header"]
            if table is None or table.strings is None or problems or set(table.header) != set(table.field_names):
                refused.extend(f.text() for f in pkg.findings)
                pkg.findings.clear()
                continue
            pkg.findings.clear()
            want = canonical_bytes(table)
            if want != table.data():
                changed.append(table.file)
                if not args.check:
                    target.write_bytes(want)
    except UsageError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    for line in refused:
        print(f"not formatted: {line}", file=sys.stderr)
    verb = "would reformat" if args.check else "reformatted"
    for f in changed:
        print(f"{verb} {f}")
    if not changed and not refused:
        print("all CSV files are canonical")
    return 1 if refused or (args.check and changed) else 0


if __name__ == "__main__":
    sys.exit(main())
