"""The briefing pack as a PDF, printed by WeasyPrint from the same HTML as the page."""

from __future__ import annotations

from django.conf import settings
from django.template.loader import render_to_string

from peerassist.assists.planning.selectors import PlanPresenter


def briefing_pdf(presenter: PlanPresenter) -> bytes:
    """The briefing pack as PDF bytes; nothing is fetched from outside (no remote URLs)."""
    from weasyprint import HTML

    html = render_to_string("assists/briefing_pdf.html", {"plan": presenter})
    return bytes(
        HTML(string=html, base_url=str(settings.BASE_DIR), url_fetcher=_no_fetch).write_pdf()
    )


def _no_fetch(url: str, *args: object, **kwargs: object) -> dict[str, object]:
    """Refuse every fetch: the pack is self-contained and sensitive data never leaves."""
    raise ValueError(f"External resources are not fetched for the briefing pack: {url[:80]}")
