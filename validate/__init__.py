"""Validator, rules and release tooling for the dprk-russia-arms data package.

`python -m validate [DATAPACKAGE]` checks a package; `validate.schemas` exposes the derived
pandera schemas so that downstream tools can check their own frames with the same rules.
"""

__all__ = ["__version__"]
__version__ = "0.1.0"
