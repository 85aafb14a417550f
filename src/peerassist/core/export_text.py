"""Text made fit for files people download: spreadsheets, CSV, calendars, Markdown, PDF.

Text in the database can hold control characters (ESC, NUL, form feeds, the C1 range), from
older rows, imports or the SQLite engine, which keeps NUL. XLSX (XML 1.0) cannot hold most
of them at all, and in CSV, calendars and Markdown they only confuse the program that opens
the file. Every export passes its text through ``export_text``: tab, line feed and carriage
return stay; every other control character goes.
"""

from __future__ import annotations

import re
from typing import Any

CONTROL_CHARACTERS = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")


def export_text(value: Any) -> Any:
    """Strings without control characters (other than tab and line breaks); other values as-is."""
    if isinstance(value, str):
        return CONTROL_CHARACTERS.sub("", value)
    return value
