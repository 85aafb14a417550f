"""The ``session`` fixture: a peer assist after analysis (tests/followup/session_fixtures.py)."""

from tests.followup.session_fixtures import session  # noqa: F401
