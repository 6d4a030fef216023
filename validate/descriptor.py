"""The release's datapackage.json: one descriptor that every reader accepts as it is.

`resources` holds the CSV tables, each a Tabular Data Resource that the Frictionless tools
read correctly: `type: table` (Data Package v2), `profile: tabular-data-resource` (the
frictionless R package 1.x reads no resource without it), the explicit canonical dialect
(frictionless-ts sniffs one otherwise, and guesses "'" on claims.csv and systems.csv), and the
file's sha256 `hash` and `bytes`, which `frictionless validate` checks for CSV.

The Parquet files are listed outside `resources`, under `x-parquet`, each with its path,
Table Schema, sha256 `hash` and `bytes`. As resources they made `frictionless validate` (5.21,
the pinned version) fail the release, and not through a fault of the files: it reads Parquet
through pandas, so it has no byte count to compare (`byte-count`: actual "None"), never
checks the hash (a wrong one passes), and reads a null number as NaN, which breaks
`minimum: 0`. Describing them so that it passes would mean declaring less than the files
hold (no bytes, no bounds). The frictionless R package reads no Parquet either. So the typed
copies are listed where Frictionless tools do not look, and `python -m validate` verifies
each listed file's hash and bytes (integrity.checksums, validate/engine.py), as the release
manifest in releases/ records them too.
"""

from __future__ import annotations

from .canonical import DIALECT
from .package import PARQUET_FILES

TABULAR_PROFILE = "tabular-data-resource"
PARQUET_MEDIATYPE = "application/vnd.apache.parquet"


def csv_resource(resource: dict, sha256: str, size: int) -> dict:
    """The release's entry for one CSV table: the repository's, marked tabular, with its
    dialect and checksums (keys the repository's entry already has keep their place)."""
    return {**resource, "type": "table", "profile": TABULAR_PROFILE, "dialect": dict(DIALECT), "hash": f"sha256:{sha256}", "bytes": size}


def parquet_file(resource: dict, table_schema: dict, sha256: str, size: int) -> dict:
    """The `x-parquet` entry for the typed copy of one CSV table."""
    from .parquet import parquet_table_schema  # pyarrow is only needed when a release is built

    name = resource["name"]
    return {
        "name": f"{name}-parquet",
        "table": name,
        "path": f"data/{name}.parquet",
        "format": "parquet",
        "mediatype": PARQUET_MEDIATYPE,
        "title": f"{resource.get('title', name)} (Parquet)",
        "description": f"{resource.get('description', '')} Typed Parquet copy of data/{name}.csv with derived EDTF date bounds.",
        "schema": parquet_table_schema(table_schema),
        "hash": f"sha256:{sha256}",
        "bytes": size,
    }


def release_descriptor(descriptor: dict, version: str, created: str, resources: list[dict], parquet: list[dict]) -> dict:
    """The repository's descriptor with the release's version, creation time, CSV resources and
    the Parquet files beside them."""
    return {**descriptor, "version": version, "created": created, "resources": resources, PARQUET_FILES: parquet}
