"""Patient-identifiable data guard: warn before a note that looks as if it names a patient.

Checks run here, on the server, and nothing is sent anywhere else. The board's JavaScript
(frontend/src/board.js, ``pidFindings``) mirrors the same patterns so the warning appears
as the person types; the server check is the one that counts.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

from django.utils import timezone


@dataclass(frozen=True)
class Finding:
    kind: str
    label: str
    text: str


LABELS = {
    "nhs_number": "an NHS number",
    "date_of_birth": "a date of birth",
    "postcode": "a postcode",
    "email": "an e-mail address",
    "phone": "a phone number",
}

_NHS = re.compile(r"(?<![\d])(\d{3})[ -]?(\d{3})[ -]?(\d{4})(?![\d])")
_EMAIL = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+")
_POSTCODE = re.compile(r"\b([A-Z]{1,2}\d[A-Z\d]?) ?(\d[A-Z]{2})\b", re.IGNORECASE)
_PHONE = re.compile(r"(?<![\w+])(?:\+44\s?\(?0?\)?\s?|0)\d(?:[\s-]?\d){8,9}(?![\d])")
_MONTHS = (
    "jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?|"
    "sep(?:t(?:ember)?)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?"
)
_DATE_NUMERIC = re.compile(r"\b(\d{1,2})[/.-](\d{1,2})[/.-](\d{4}|\d{2})\b")
_DATE_WORDS = re.compile(rf"\b(\d{{1,2}})(?:st|nd|rd|th)?\s+({_MONTHS})\s+(\d{{4}})\b", re.I)
_DOB_WORDS = re.compile(r"\b(?:d\.?o\.?b\.?|date of birth|born(?: on)?)\b", re.IGNORECASE)
# A full date this many years back or more reads like somebody's birthday.
DOB_MIN_AGE_YEARS = 10


def nhs_number_valid(digits: str) -> bool:
    """True for ten digits whose last is the modulus-11 check digit of the first nine."""
    if len(digits) != 10 or not digits.isdigit():
        return False
    total = sum(int(d) * w for d, w in zip(digits[:9], range(10, 1, -1), strict=True))
    check = 11 - total % 11
    if check == 11:
        check = 0
    return check != 10 and check == int(digits[9])


def _year(raw: str) -> int:
    year = int(raw)
    if len(raw) == 2:
        year += 1900 if year > timezone.localdate().year % 100 else 2000
    return year


def pid_findings(text: str, *, today: date | None = None) -> list[Finding]:
    """Everything in ``text`` that looks patient-identifiable, in the order found."""
    today = today or timezone.localdate()
    findings: list[Finding] = []
    taken: list[tuple[int, int]] = []

    def add(kind: str, start: int, end: int) -> None:
        if any(start < e and s < end for s, e in taken):
            return
        taken.append((start, end))
        findings.append(Finding(kind, LABELS[kind], text[start:end]))

    for match in _NHS.finditer(text):
        if nhs_number_valid("".join(match.groups())):
            add("nhs_number", match.start(), match.end())
    for match in _EMAIL.finditer(text):
        add("email", match.start(), match.end())
    dob_hint = _DOB_WORDS.search(text) is not None
    for match in [*_DATE_NUMERIC.finditer(text), *_DATE_WORDS.finditer(text)]:
        year = _year(match.group(3))
        if dob_hint or (1900 <= year <= today.year - DOB_MIN_AGE_YEARS):
            add("date_of_birth", match.start(), match.end())
    for match in _PHONE.finditer(text):
        add("phone", match.start(), match.end())
    for match in _POSTCODE.finditer(text):
        add("postcode", match.start(), match.end())
    return findings


def pid_summary(findings: list[Finding]) -> str:
    """'an NHS number and a postcode' — the kinds found, once each, in words."""
    labels = list(dict.fromkeys(f.label for f in findings))
    if len(labels) <= 1:
        return "".join(labels)
    return ", ".join(labels[:-1]) + " and " + labels[-1]
