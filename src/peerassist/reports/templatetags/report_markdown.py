"""Filters for the Markdown report (templates/reports/report.md): user text made literal."""

from __future__ import annotations

from django import template

from peerassist.reports.exports import md, mdi

register = template.Library()
register.filter("md", md)
register.filter("mdi", mdi)
