"""The rules, one module per family. Importing this package registers them all.

- structure: what the Table Schemas say (types, required, enums, patterns, ranges, keys);
- dates: date ordering (EDTF bounds);
- units: unit consistency of quantities;
- attribution: every claim cited, quotes verbatim, snapshot hashes;
- integrity: canonical CSV, spreadsheet formula triggers, URL schemes, released ids;
- meaning: measures within their category, certainty and hedge words, restatements.
"""

from . import attribution, dates, integrity, meaning, structure, units  # noqa: F401
