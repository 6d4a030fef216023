"""`python -m validate.docs [--check]` (`make docs`): regenerate the files derived from the data
and the schemas: the README's data summary, docs/codebook.md and the agreement figures in
docs/reliability.md. With --check, change nothing
and exit 1 when one is stale."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from . import codebook, reliability, summary

ROOT = Path(__file__).resolve().parent.parent


def generated() -> dict[Path, str]:
    readme = ROOT / "README.md"
    return {
        readme: summary.render(readme.read_text(encoding="utf-8")),
        codebook.TARGET: codebook.render(),
        reliability.REPORT: reliability.render_into(reliability.REPORT.read_text(encoding="utf-8")),
    }


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(prog="python -m validate.docs", description=__doc__.splitlines()[0])
    p.add_argument("--check", action="store_true")
    args = p.parse_args(argv)
    stale = []
    for path, text in generated().items():
        current = path.read_text(encoding="utf-8") if path.exists() else ""
        if current == text:
            continue
        stale.append(path.relative_to(ROOT).as_posix())
        if not args.check:
            path.parent.mkdir(exist_ok=True)
            path.write_text(text, encoding="utf-8")
    verb = "stale (run `make docs`)" if args.check else "regenerated"
    for name in stale:
        print(f"{name}: {verb}", file=sys.stderr if args.check else sys.stdout)
    return 1 if args.check and stale else 0


if __name__ == "__main__":
    sys.exit(main())
