"""The JSON API at /api/v1/. Browser, integrations and tests share this one write path."""

from __future__ import annotations

from peerassist.api.auth import actor_auth
from peerassist.api.errors import install_error_handlers
from peerassist.api.openapi import DocumentedAPI

api = DocumentedAPI(
    title="Peer Assist API",
    version="1",
    urls_namespace="api",
    auth=actor_auth,
    description=(
        "JSON API for the browser session and for scripts. Scripts send a personal API "
        "token (`Authorization: Bearer pa_...`, made on the API tokens page; read-only tokens "
        "may only GET) and need no CSRF token. With the session cookie, unsafe methods need "
        "the CSRF token in the `X-CSRFToken` header. Errors always have the shape "
        '`{"detail": "...", "code": "..."}`.'
    ),
)
install_error_handlers(api)

# One router per app; each module defines `router`.
from peerassist.api import accounts as _accounts  # noqa: E402
from peerassist.api import projects as _projects  # noqa: E402

api.add_router("/", _accounts.router)
api.add_router("/projects", _projects.router)
from peerassist.api import assists_planning as _assists_planning  # noqa: E402

api.add_router("/assists", _assists_planning.router)
from peerassist.api import assists_live as _assists_live  # noqa: E402

# Before the live router: its /{id}/notes/{note_id} would otherwise take /{id}/notes/bulk.
api.add_router("/assists", "peerassist.api.assists_capture.router")
api.add_router("/assists", _assists_live.router)
api.add_router("/assists", "peerassist.api.assists_room.router")
api.add_router("/analysis", "peerassist.api.analysis.router")
api.add_router("/", "peerassist.api.lessons.router")
api.add_router("/reports", "peerassist.api.reports.router")
api.add_router("/search", "peerassist.api.lessons_search.router")
