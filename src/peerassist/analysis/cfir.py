"""The CFIR 2.0 reference list shipped with the package (domains, constructs, subconstructs)."""

from __future__ import annotations

import csv
from dataclasses import dataclass
from pathlib import Path

CFIR_CSV = Path(__file__).resolve().parent / "data" / "cfir2.csv"


@dataclass(frozen=True)
class CfirRow:
    code: str
    domain: str
    name: str
    parent: str
    definition: str


def cfir_rows() -> list[CfirRow]:
    with CFIR_CSV.open(encoding="utf-8") as handle:
        return [
            CfirRow(r["code"], r["domain"], r["name"], r["parent"], r["gist"])
            for r in csv.DictReader(handle)
        ]
