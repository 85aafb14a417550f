"""The patient-identifiable data guard: what it catches and what it leaves alone."""

from __future__ import annotations

from datetime import date

import pytest

from peerassist.assists.live.pid_guard import nhs_number_valid, pid_findings, pid_summary

TODAY = date(2026, 11, 22)


@pytest.mark.parametrize(
    ("digits", "valid"),
    [
        ("9434765919", True),
        ("9434765918", False),  # wrong check digit
        ("4010232137", True),
        ("1234567890", False),  # check digit would be 10: never valid
        ("943476591", False),
        ("94347659190", False),
        ("abcdefghij", False),
    ],
)
def test_nhs_number_modulus_11(digits: str, valid: bool) -> None:
    """Ten digits whose last is the modulus-11 check of the first nine."""
    assert nhs_number_valid(digits) is valid


CATCHES: list[tuple[str, list[str]]] = [
    ("Patient 943 476 5919 was seen", ["nhs_number"]),
    ("Patient 943-476-5919", ["nhs_number"]),
    ("NHS no 9434765919", ["nhs_number"]),
    ("Born 12/03/1985 in Leeds", ["date_of_birth"]),
    ("DOB 3 March 2019", ["date_of_birth"]),
    ("He was 4th July 1962", ["date_of_birth"]),
    ("Lives at LS1 4AP", ["postcode"]),
    ("Lives at sw1a1aa", ["postcode"]),
    ("Write to jo.bloggs@example.nhs.uk", ["email"]),
    ("Ring 07700 900123", ["phone"]),
    ("Ring +44 7700 900123", ["phone"]),
    ("Ring 0113 496 0000", ["phone"]),
    ("Jo (DOB 01/02/1950), LS1 4AP, 07700 900123", ["date_of_birth", "phone", "postcode"]),
]

PASSES = [
    "We protected two half-days a week for HAT sessions.",
    "Ten digits that fail the check: 1234567890",
    "The pilot ran from 01/09/2024 to 31/03/2025",  # recent dates are plans, not birthdays
    "Version 2.0 of the HAT logic model, 2019",
    "About 45% of 120 clients",
    "Ward 7B and the H1N1 plan",
]


@pytest.mark.parametrize(("text", "kinds"), CATCHES)
def test_catches_what_looks_like_patient_data(text: str, kinds: list[str]) -> None:
    """NHS numbers, dates of birth, postcodes, e-mail addresses and phone numbers."""
    assert sorted(f.kind for f in pid_findings(text, today=TODAY)) == sorted(kinds)


@pytest.mark.parametrize("text", PASSES)
def test_leaves_ordinary_notes_alone(text: str) -> None:
    """Ordinary notes, numbers and recent dates pass without a warning."""
    assert pid_findings(text, today=TODAY) == []


def test_summary_names_each_kind_once() -> None:
    """'an NHS number and a postcode', for the message a person reads."""
    findings = pid_findings("943 476 5919 and 943 476 5919 at LS1 4AP", today=TODAY)
    assert pid_summary(findings) == "an NHS number and a postcode"
