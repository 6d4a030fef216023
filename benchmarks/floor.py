"""The floor under any validator built on this stack: import what `python -m validate` imports
(polars, pyarrow, frictionless, pandera with pandas) and parse every CSV file of the package
as text with polars, checking nothing.

    python benchmarks/floor.py PKG/datapackage.json

`benchmarks/bench.py` times it beside the validator, so that the results say how much of the
validator's time is start-up and parsing, and which speed-up over frictionless the stack allows
at best.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

import frictionless  # noqa: F401  (imported, as the validator does, for the descriptor check)
import pandera.polars  # noqa: F401  (imported, as the validator does, for the rules)
import polars as pl
import pyarrow  # noqa: F401  (imported by the validator's reader)


def main(path: str) -> int:
    descriptor = Path(path)
    rows = 0
    for res in json.loads(descriptor.read_text(encoding="utf-8"))["resources"]:
        data = (descriptor.parent / res["path"]).read_bytes()
        header = data[: data.find(b"\n")].decode("utf-8").split(",")
        rows += pl.read_csv(data, schema=dict.fromkeys(header, pl.String), null_values=[""]).height
    print(rows)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1]))
