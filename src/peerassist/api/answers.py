"""Which error answers each API route can give, and when: the one place the document reads.

Two sources, merged per route by ``route_errors``:

- **The route's shape.** What ninja and the error handlers do to every route alike follows
  from its signature: a route with a login answers 401; one with path ids answers 404 for an
  id that is missing or outside the caller's reach (``access_*``); one that reads a path id,
  query, body or form answers 400 for input that fails validation; a write with the session cookie
  answers 403 without the CSRF token (and to a read-only API token); a body can be too
  large (413); any route can meet a fault (500) or a database that is away (503).
- **The route's own rules**, declared beside it with ``@answers(...)``: the role it needs
  (403), the state it can conflict with (409), the rules its service checks on input the
  schema cannot (400), ids sent in the body (404). Each ``Answer`` names the domain error
  type the service raises (``core.errors``), so its status comes from that type, and says
  when, in words a client developer acts on. Shared reasons are named once below.

``DocumentedAPI`` (api/openapi.py) writes the result into each operation with the shared
error schema; tests/documented_answers.py fails any test whose API answer has a status its
route does not document, and the fuzzer holds every generated answer to the document.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, TypeVar

from peerassist.assists.planning.services import TooLarge
from peerassist.core.errors import Conflict, DomainError, Forbidden, Invalid, NotFound

ATTRIBUTE = "__peerassist_answers__"
UNSAFE_METHODS = {"POST", "PUT", "PATCH", "DELETE"}
INPUT_SOURCES = {"path", "query", "body", "form", "file"}
BODY_SOURCES = {"body", "form", "file"}

View = TypeVar("View", bound=Callable[..., Any])


@dataclass(frozen=True)
class Answer:
    """One error answer a route can give: the domain error it comes from, and when."""

    error: type[DomainError]
    when: str

    @property
    def status(self) -> int:
        return self.error.status


def answers(*declared: Answer) -> Callable[[View], View]:
    """Declare the error answers a route gives beyond those its shape implies."""

    def mark(view: View) -> View:
        setattr(view, ATTRIBUTE, (*getattr(view, ATTRIBUTE, ()), *declared))
        return view

    return mark


# --- Shared reasons (named once, used by many routes) -------------------------------------

# 403: the caller can see the thing, but their role may not do this (now).
GUEST_NOT_ALLOWED = Answer(
    Forbidden, "A guest asks for what needs an account (`guest_not_allowed`)."
)
HOST_TEAM_ONLY = Answer(
    Forbidden,
    "Only the project's host team (or a knowledge manager of its organisation) may change "
    "this (`not_host_team`).",
)
PLANNERS_ONLY = Answer(
    Forbidden, "Only the people who plan this peer assist (host team, facilitator) may do this."
)
FACILITATOR_ONLY = Answer(Forbidden, "Only the peer assist's facilitator may do this.")
PARTICIPANTS_ONLY = Answer(
    Forbidden,
    "The caller sees the peer assist but is not a participant with a role that may do this "
    "now (for example a visitor while the host team analyses, an observer, or a closed board).",
)
ANALYSTS_ONLY = Answer(
    Forbidden, "Only the host team and the facilitator analyse and code the notes."
)
KNOWLEDGE_MANAGERS_ONLY = Answer(
    Forbidden, "Only a knowledge manager (or an administrator) of the organisation may do this."
)
AUTHOR_OR_EDITORS_ONLY = Answer(
    Forbidden, "Only the author, the host team or a knowledge manager may change this."
)

# 409: the request is fine, but the thing is not in a state that allows it.
PHASE_CONFLICT = Answer(
    Conflict,
    "The peer assist is not in a phase that allows this, or moved on since the caller "
    "looked (`expected_from`).",
)
STATUS_CONFLICT = Answer(
    Conflict, "The thing's status does not allow this step now (for example already closed)."
)
ALREADY_DONE = Answer(Conflict, "It was already done, or it clashes with an existing record.")
POSSIBLE_PATIENT_DATA = Answer(
    Conflict,
    "The text looks as if it holds patient-identifiable data (`possible_pid`): edit it out, "
    "or send it again with `confirm_sensitive` to hold it for the facilitator.",
)
CLIENT_ID_TAKEN = Answer(
    Conflict, "The `client_id` is already used on this board by another note (`client_id_taken`)."
)
VOTING_CONFLICT = Answer(
    Conflict,
    "Voting is open (close it first), is not open, has no theme to vote on yet, or the dots "
    "would go over the budget.",
)
SUGGESTION_OVERTAKEN = Answer(
    Conflict,
    "The suggestion was overtaken: its theme was deleted (`theme_deleted`), or notes it lists "
    "(the `note_ids` sent, or all of them) were placed elsewhere or deleted since "
    "(`notes_taken`); nothing moved and it stays pending.",
)

# 400: the service's own rules on input the schema lets through.
RULES = Answer(Invalid, "A value breaks one of the service's rules; `detail` says which.")

JOIN_CLOSED = Answer(
    Invalid, "The peer assist is past the phases where people join by code (`join_closed`)."
)

# 413: the service measures the upload itself.
UPLOAD_TOO_LARGE = Answer(TooLarge, "The file is over the upload limit; `detail` says the limit.")

# 404: ids sent in the body or query rather than the path.
IDS_IN_INPUT = Answer(
    NotFound, "An id in the input names nothing the caller can reach (`detail` says which)."
)


# --- From the route's shape ----------------------------------------------------------------


def shape_errors(
    *, methods: list[str], sources: set[str], path_names: list[str], signed_in: bool, users: bool
) -> dict[int, list[str]]:
    """The error answers every route of this shape gives, with when."""
    found: dict[int, list[str]] = {}
    if signed_in:
        found[401] = [
            "Not signed in (no session, guest link or API token), or the API token is unknown, "
            "expired or revoked."
            + (" Guests get this too: this route needs an account." if users else "")
        ]
    if sources & INPUT_SOURCES:
        found[400] = [
            "The input fails validation (a path id that is not a whole number, a missing or "
            "mistyped field), or breaks a rule the service checks; `detail` says which."
        ]
    if signed_in and set(methods) & UNSAFE_METHODS:
        found[403] = [
            "A write without the CSRF token (session cookie callers), or with a read-only API "
            "token (`token_read_only`)."
        ]
    if path_names:
        names = ", ".join(f"`{name}`" for name in path_names)
        found[404] = [
            f"No such {names}, or outside the caller's organisation or invitation (the two "
            "look alike, so ids do not leak)."
        ]
    if sources & BODY_SOURCES:
        found[413] = ["The request body is over the upload limit."]
    found[500] = ["A fault on the server; nothing was saved."]
    found[503] = ["The database is not answering; try again shortly (see `Retry-After`)."]
    return found


def route_errors(operation: Any, view: Callable[..., Any]) -> dict[int, list[str]]:
    """Every error status this ninja operation can answer, each with its reasons."""
    sources = {model.__ninja_param_source__ for model in operation.models}
    path_names = [
        name
        for model in operation.models
        if model.__ninja_param_source__ == "path"
        for name in model.model_fields
    ]
    auth = [type(callback).__name__ for callback in operation.auth_callbacks]
    found = shape_errors(
        methods=list(operation.methods),
        sources=sources,
        path_names=path_names,
        signed_in=bool(auth),
        users="UserSessionAuth" in auth,
    )
    for answer in getattr(view, ATTRIBUTE, ()):
        reasons = found.setdefault(answer.status, [])
        if answer.when not in reasons:
            reasons.append(answer.when)
    return dict(sorted(found.items()))
