"""Benchmark and fault-test setup, run inside a server stack's environment.

``ServerStack.manage("shell", "-c", seed_command(...))`` runs :func:`main` with Django set up
on the stack's database: it makes live peer assists on the demo HAT project, admits
participants (half signed-in users, half guests), opens a browser session for each and prints
one JSON line describing them, so that load clients can act as those people over HTTP and
WebSocket without going through the sign-in form.

Nothing here is part of the app: it writes test fixtures straight through the ORM.
"""

from __future__ import annotations

import json
import secrets
from datetime import timedelta
from typing import Any

MARK = "SEED-JSON:"


def seed_command(sizes: list[int], *, guests: bool = True, notes: int = 0) -> str:
    """The ``shell -c`` code that seeds one session per size and prints the JSON line."""
    return (
        f"from benchmarks.seed import main; main(sizes={sizes!r}, guests={guests}, notes={notes})"
    )


def parse_seed_output(stdout: str) -> dict[str, Any]:
    for line in stdout.splitlines():
        if line.startswith(MARK):
            return dict(json.loads(line[len(MARK) :]))
    raise RuntimeError(f"seed printed no JSON line:\n{stdout[-2000:]}")


def _session_for(*, user: Any = None, guest: Any = None) -> str:
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
    from django.contrib.sessions.backends.db import SessionStore

    from peerassist.accounts.middleware import GUEST_SESSION_KEY

    store = SessionStore()
    if user is not None:
        store[SESSION_KEY] = str(user.pk)
        store[BACKEND_SESSION_KEY] = "django.contrib.auth.backends.ModelBackend"
        store[HASH_SESSION_KEY] = user.get_session_auth_hash()
    else:
        store[GUEST_SESSION_KEY] = guest.pk
    store.create()
    return str(store.session_key)


def main(*, sizes: list[int], guests: bool = True, notes: int = 0) -> None:
    """One live peer assist per entry of ``sizes``, with that many participants each."""
    from django.db import transaction
    from django.utils import timezone

    from peerassist.accounts.models import Guest, Membership, User
    from peerassist.assists.access import GUEST_SCOPE
    from peerassist.assists.models import Note, Participant, PeerAssist, Phase, Status

    org, project, bar, facilitator = _home()
    run = secrets.token_hex(4)
    out: dict[str, Any] = {"sessions": []}
    with transaction.atomic():
        for s, per_session in enumerate(sizes):
            assist = PeerAssist.objects.create(
                organisation=org,
                project=project,
                bar=bar,
                title=f"Benchmark session {run}-{s}",
                status=Status.LIVE,
                phase=Phase.ASK,
                created_by=facilitator,
            )
            Participant.objects.create(
                assist=assist,
                user=facilitator,
                role=Participant.Role.FACILITATOR,
                display_name=facilitator.full_name,
            )
            people = []
            for i in range(per_session):
                name = f"Bench Person {s}-{i}"
                if guests and i % 2 == 1:
                    guest = Guest.objects.create(
                        organisation=org,
                        name=name,
                        email=f"guest-{run}-{s}-{i}@bench.example",
                        scope_kind=GUEST_SCOPE,
                        scope_id=assist.pk,
                        expires_at=timezone.now() + timedelta(days=1),
                        accepted_at=timezone.now(),
                        consent_given_at=timezone.now(),
                    )
                    participant = Participant.objects.create(
                        assist=assist,
                        guest=guest,
                        role=Participant.Role.VISITOR,
                        display_name=name,
                        rsvp=Participant.Rsvp.ACCEPTED,
                    )
                    key = _session_for(guest=guest)
                    kind = "guest"
                else:
                    user = User.objects.create_user(
                        f"user-{run}-{s}-{i}@bench.example", None, full_name=name
                    )
                    Membership.objects.create(
                        user=user, organisation=org, role=Membership.Role.MEMBER
                    )
                    participant = Participant.objects.create(
                        assist=assist,
                        user=user,
                        role=Participant.Role.VISITOR,
                        display_name=name,
                        rsvp=Participant.Rsvp.ACCEPTED,
                    )
                    key = _session_for(user=user)
                    kind = "user"
                people.append({"session": key, "kind": kind, "participant_id": participant.pk})
            facilitator_key = _session_for(user=facilitator)
            if notes:
                _bulk_notes(assist, notes, Note, Participant)
            out["sessions"].append(
                {
                    "assist_id": assist.pk,
                    "participants": people,
                    "facilitator_session": facilitator_key,
                }
            )
    print(MARK + json.dumps(out), flush=True)


def _home() -> tuple[Any, Any, Any, Any]:
    """The organisation, project, BAR (with four learning needs) and facilitator every seeded
    peer assist belongs to: the demo ones when the demo is loaded, else made once here."""
    from peerassist.accounts.models import Membership, Organisation, User
    from peerassist.projects.models import BeforeActionReview, LearningNeed, Project

    org = Organisation.objects.filter(slug="northmoor-community-health").first()
    if org is None:
        org, _ = Organisation.objects.get_or_create(
            slug="bench-trust", defaults={"name": "Benchmark Community Health NHS Trust"}
        )
    facilitator = User.objects.filter(email="facilitator@northmoor.example").first()
    if facilitator is None:
        facilitator = User.objects.filter(email="facilitator@bench.example").first()
        if facilitator is None:
            facilitator = User.objects.create_user(
                "facilitator@bench.example", None, full_name="Farah Bench"
            )
        Membership.objects.get_or_create(user=facilitator, organisation=org)
    project = Project.objects.filter(organisation=org).order_by("id").first()
    if project is None:
        project = Project.objects.create(
            organisation=org, title="Protected time for recovery sessions"
        )
    bar = BeforeActionReview.objects.filter(project=project).order_by("id").first()
    if bar is None:
        bar = BeforeActionReview.objects.create(project=project)
        for n, question in enumerate(
            [
                "How did you protect nurses' time for sessions?",
                "What worked when other professions worried about scope of practice?",
                "Which training made the biggest difference?",
                "How did you keep the team bought in after the pilot?",
            ]
        ):
            LearningNeed.objects.create(bar=bar, project=project, question=question, order=n)
    return org, project, bar, facilitator


def _bulk_notes(assist: Any, count: int, note_model: Any, participant_model: Any) -> None:
    """``count`` notes spread over the assist's participants and learning needs."""
    import uuid

    authors = list(participant_model.objects.filter(assist=assist))
    needs = list(assist.bar.learning_needs.all()) if assist.bar_id else []
    kinds = [k.value for k in note_model.Kind]
    version = assist.version
    rows = []
    for n in range(count):
        version += 1
        rows.append(
            note_model(
                assist=assist,
                client_id=uuid.uuid4(),
                text=f"Benchmark note {n}: what worked was protecting time <b>& trust</b>.",
                kind=kinds[n % len(kinds)],
                learning_need=needs[n % len(needs)] if needs else None,
                author=authors[n % len(authors)],
                version=version,
            )
        )
    note_model.objects.bulk_create(rows, batch_size=500)
    type(assist).objects.filter(pk=assist.pk).update(version=version)
