"""The CFIR reference data the suggestion engine learns from is complete and well formed.

The engine (issue #15) trusts these files: a construct missing from them is a construct it can
never suggest, a held-out split missing for a construct is a construct ``make bench`` never
measures, and a theme set outside the 2–8 notes a group rule would teach the wrong sizes.
"""

from __future__ import annotations

import collections
import fnmatch
import json
import re
import tomllib
from pathlib import Path
from typing import Any

import pytest

from peerassist.analysis.cfir import cfir_rows

DATA = Path(__file__).resolve().parents[2] / "src" / "peerassist" / "analysis" / "data"
PACKAGE = DATA.parents[1]
PYPROJECT = PACKAGE.parents[1] / "pyproject.toml"
VALENCES = {"barrier", "enabler", "mixed"}
SPLITS = {"train", "heldout"}


def _normal(text: str) -> str:
    return " ".join(re.findall(r"[a-z0-9]+", text.lower()))


@pytest.fixture(scope="module")
def rows() -> dict[str, Any]:
    return {row.code: row for row in cfir_rows()}


@pytest.fixture(scope="module")
def descriptions() -> dict[str, Any]:
    data = json.loads((DATA / "cfir_descriptions.json").read_text(encoding="utf-8"))
    constructs: dict[str, Any] = data["constructs"]
    return constructs


@pytest.fixture(scope="module")
def labelled() -> list[dict[str, Any]]:
    lines = (DATA / "cfir_labelled.jsonl").read_text(encoding="utf-8").splitlines()
    return [json.loads(line) for line in lines if line.strip()]


@pytest.fixture(scope="module")
def theme_sets() -> list[dict[str, Any]]:
    lines = (DATA / "theme_sets.jsonl").read_text(encoding="utf-8").splitlines()
    return [json.loads(line) for line in lines if line.strip()]


def test_the_reference_list_has_67_constructs_and_subconstructs(rows: dict[str, Any]) -> None:
    assert len(rows) == 67
    assert {row.domain for row in rows.values()} == {
        "Innovation",
        "Outer Setting",
        "Inner Setting",
        "Individuals",
        "Implementation Process",
    }


def test_descriptions_cover_every_construct_with_its_domain(
    rows: dict[str, Any], descriptions: dict[str, Any]
) -> None:
    assert list(descriptions) == list(rows)
    for code, item in descriptions.items():
        assert item["domain"] == rows[code].domain, code
        assert item["short_name"] == rows[code].name, code
        assert item["parent"] == rows[code].parent, code
        assert len(item["definition"]) >= 40, code
        assert 4 <= len(item["barriers"]) <= 6, code
        assert 4 <= len(item["enablers"]) <= 6, code


def test_subconstruct_names_carry_their_parent_and_are_all_distinct(
    rows: dict[str, Any], descriptions: dict[str, Any]
) -> None:
    names = [item["name"] for item in descriptions.values()]
    assert len(set(names)) == len(names)
    for code, item in descriptions.items():
        parent = rows[code].parent
        if parent:
            assert item["name"] == f"{rows[parent].name} — {rows[code].name}", code
        else:
            assert item["name"] == rows[code].name, code
    recipients = [
        item["name"]
        for item in descriptions.values()
        if item["short_name"] == "Innovation Recipients"
    ]
    assert sorted(recipients) == [
        "Assessing Needs — Innovation Recipients",
        "Engaging — Innovation Recipients",
        "Innovation Recipients",
    ]


def test_labelled_statements_are_well_formed(
    rows: dict[str, Any], labelled: list[dict[str, Any]]
) -> None:
    assert len(labelled) >= 670
    for item in labelled:
        assert set(item) == {"text", "construct", "domain", "valence", "split", "setting"}, item
        assert item["construct"] in rows, item
        assert item["domain"] == rows[item["construct"]].domain, item
        assert item["valence"] in VALENCES, item
        assert item["split"] in SPLITS, item
        assert item["text"].strip() == item["text"] and len(item["text"]) >= 10, item
        assert item["setting"], item
    assert len({item["setting"] for item in labelled}) >= 8
    assert {item["valence"] for item in labelled} == VALENCES


def test_every_construct_has_enough_training_statements_and_a_held_out_part(
    rows: dict[str, Any], labelled: list[dict[str, Any]]
) -> None:
    splits: dict[str, collections.Counter[str]] = collections.defaultdict(collections.Counter)
    for item in labelled:
        splits[item["construct"]][item["split"]] += 1
    for code in rows:
        counts = splits[code]
        assert counts["train"] >= 8, (code, counts)
        assert counts["heldout"] >= 1, (code, counts)
        share = counts["heldout"] / (counts["train"] + counts["heldout"])
        assert 0.15 <= share <= 0.35, (code, counts)
        settings = {i["setting"] for i in labelled if i["construct"] == code}
        assert len(settings) >= 5, (code, settings)


def test_no_statement_is_written_twice(
    descriptions: dict[str, Any], labelled: list[dict[str, Any]]
) -> None:
    written = [item["text"] for item in labelled]
    for item in descriptions.values():
        written += item["barriers"] + item["enablers"]
    seen: dict[str, str] = {}
    for text in written:
        key = _normal(text)
        assert key not in seen, (text, seen.get(key))
        seen[key] = text


def test_theme_sets_follow_the_grouping_rules(theme_sets: list[dict[str, Any]]) -> None:
    assert len(theme_sets) >= 6
    assert len({s["name"] for s in theme_sets}) == len(theme_sets)
    # Some boards are only ever measured, never used to choose the grouping rules; the "train"
    # boards only teach the theme metric (semantic/data, ADR 0019).
    assert {s["split"] for s in theme_sets} == {"train", "tune", "heldout"}
    for board in theme_sets:
        name, notes, themes = board["name"], board["notes"], board["themes"]
        assert set(board) == {"name", "split", "notes", "themes", "duplicates"}, name
        assert 20 <= len(notes) <= 40, name
        assert 3 <= len(themes) <= 7, name
        sizes = collections.Counter(note["theme"] for note in notes)
        assert set(sizes) == set(themes), name
        assert all(2 <= size <= 8 for size in sizes.values()), (name, sizes)
        for title in themes.values():
            # A phrase a facilitator would write, not a keyword list.
            assert 2 <= len(title.split()) <= 9 and "," not in title, (name, title)
        texts = [_normal(note["text"]) for note in notes]
        assert len(set(texts)) == len(texts), name
        assert board["duplicates"], name
        for pair in board["duplicates"]:
            i, j = pair
            assert 0 <= i < j < len(notes), (name, pair)
            assert notes[i]["theme"] == notes[j]["theme"], (name, pair)


def test_the_data_files_are_shipped_in_the_package() -> None:
    config = tomllib.loads(PYPROJECT.read_text(encoding="utf-8"))
    patterns = config["tool"]["setuptools"]["package-data"]["peerassist"]
    for name in ("cfir2.csv", "cfir_descriptions.json", "cfir_labelled.jsonl", "theme_sets.jsonl"):
        relative = (DATA / name).relative_to(PACKAGE).as_posix()
        assert any(fnmatch.fnmatch(relative, pattern) for pattern in patterns), relative
