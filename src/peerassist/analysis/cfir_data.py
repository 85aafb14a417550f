"""The CFIR reference data the suggestion engine learns from (formats: docs/cfir-data.md).

Three files shipped in ``analysis/data/``: several descriptions per construct
(``cfir_descriptions.json``), labelled statements with a train/held-out split
(``cfir_labelled.jsonl``) and labelled peer-assist boards for the theme suggestions
(``theme_sets.jsonl``). Read once per process; nothing here touches the database.
"""

from __future__ import annotations

import functools
import hashlib
import json
from dataclasses import dataclass
from pathlib import Path

DATA = Path(__file__).resolve().parent / "data"
DESCRIPTIONS = DATA / "cfir_descriptions.json"
LABELLED = DATA / "cfir_labelled.jsonl"
THEME_SETS = DATA / "theme_sets.jsonl"

VALENCES = ("barrier", "enabler", "mixed")


@dataclass(frozen=True)
class ConstructText:
    """One standard construct and the texts that describe it."""

    code: str
    domain: str
    name: str  # a subconstruct's name carries its parent's ("Parent — Child")
    parent: str
    definition: str
    barriers: tuple[str, ...]
    enablers: tuple[str, ...]

    @property
    def heading(self) -> str:
        """The name and definition as one text: what the naive ranker compares with."""
        return f"{self.name}: {self.definition}"


@dataclass(frozen=True)
class Statement:
    text: str
    construct: str
    domain: str
    valence: str
    split: str


@dataclass(frozen=True)
class ThemeSet:
    """One labelled board: notes with the facilitator's theme for each, and duplicate pairs."""

    name: str
    # "train" (the theme metric learns from these), "tune" (grouping rules chosen on these)
    # or "heldout" (only measured)
    split: str
    texts: tuple[str, ...]
    labels: tuple[str, ...]
    titles: dict[str, str]
    duplicates: tuple[tuple[int, int], ...]


@functools.cache
def construct_texts() -> tuple[ConstructText, ...]:
    with DESCRIPTIONS.open(encoding="utf-8") as handle:
        constructs = json.load(handle)["constructs"]
    return tuple(
        ConstructText(
            code=code,
            domain=row["domain"],
            name=row["name"],
            parent=row.get("parent") or "",
            definition=row["definition"],
            barriers=tuple(row.get("barriers", ())),
            enablers=tuple(row.get("enablers", ())),
        )
        for code, row in constructs.items()
    )


@functools.cache
def statements() -> tuple[Statement, ...]:
    with LABELLED.open(encoding="utf-8") as handle:
        rows = [json.loads(line) for line in handle if line.strip()]
    return tuple(
        Statement(r["text"], r["construct"], r["domain"], r["valence"], r["split"]) for r in rows
    )


def statements_in(split: str) -> list[Statement]:
    return [s for s in statements() if s.split == split]


@functools.cache
def theme_sets() -> tuple[ThemeSet, ...]:
    """The labelled boards, or none while the file is not there yet."""
    if not THEME_SETS.exists():
        return ()
    sets = []
    with THEME_SETS.open(encoding="utf-8") as handle:
        for line in handle:
            if not line.strip():
                continue
            row = json.loads(line)
            sets.append(
                ThemeSet(
                    name=row["name"],
                    split=row.get("split", "tune"),
                    texts=tuple(n["text"] for n in row["notes"]),
                    labels=tuple(n["theme"] for n in row["notes"]),
                    titles=dict(row.get("themes", {})),
                    duplicates=tuple(tuple(pair) for pair in row.get("duplicates", ())),
                )
            )
    return tuple(sets)


def data_fingerprint() -> str:
    """A hash of the descriptions and the labelled statements: what a trained engine depends on."""
    digest = hashlib.sha256()
    for path in (DESCRIPTIONS, LABELLED):
        digest.update(path.read_bytes())
    return digest.hexdigest()[:16]
