"""Writes for organisations, users, memberships and guests."""

from __future__ import annotations

from datetime import timedelta

from django.conf import settings
from django.core import signing
from django.db import transaction
from django.utils import timezone
from django.utils.text import slugify

from peerassist.accounts.models import Guest, Membership, Organisation, User, new_nonce
from peerassist.core.disconnect import disconnect_person_on_commit
from peerassist.core.errors import Invalid, NotFound

GUEST_TOKEN_SALT = "peerassist.guest-invitation"


@transaction.atomic
def organisation_create(*, name: str, kind: str = Organisation.Kind.OTHER) -> Organisation:
    name = name.strip()
    if not name:
        raise Invalid("Give the organisation a name.")
    base = slugify(name)[:70] or "organisation"
    slug, n = base, 1
    while Organisation.objects.filter(slug=slug).exists():
        n += 1
        slug = f"{base}-{n}"
    return Organisation.objects.create(name=name, slug=slug, kind=kind)


@transaction.atomic
def user_create(
    *,
    email: str,
    full_name: str,
    password: str | None,
    organisation: Organisation | None = None,
    role: str = Membership.Role.MEMBER,
    job_title: str = "",
) -> User:
    email = email.strip().lower()
    if User.objects.filter(email=email).exists():
        raise Invalid("Somebody already has an account with that e-mail address.", code="exists")
    user = User.objects.create_user(email, password, full_name=full_name, job_title=job_title)
    if organisation is not None:
        Membership.objects.create(user=user, organisation=organisation, role=role)
    return user


@transaction.atomic
def guest_invite(
    *,
    organisation: Organisation,
    name: str,
    email: str,
    scope_kind: str,
    scope_id: int,
    home_organisation: str = "",
    job_title: str = "",
    experience: str = "",
    valid_for: timedelta | None = None,
) -> Guest:
    """Create a guest admitted to one resource; send them ``guest_token(guest)`` in a link."""
    if not name.strip():
        raise Invalid("Give the guest's name.")
    if not email.strip():
        raise Invalid("Give the guest's e-mail address.")
    valid_for = valid_for or timedelta(days=settings.GUEST_INVITATION_MAX_AGE_DAYS)
    return Guest.objects.create(
        organisation=organisation,
        name=name.strip(),
        email=email.strip().lower(),
        home_organisation=home_organisation.strip(),
        job_title=job_title.strip(),
        experience=experience.strip(),
        scope_kind=scope_kind,
        scope_id=scope_id,
        expires_at=timezone.now() + valid_for,
    )


def guest_token(guest: Guest) -> str:
    """A signed token naming the guest and the current nonce; it carries no secret of its own."""
    return signing.dumps({"g": guest.pk, "n": guest.nonce}, salt=GUEST_TOKEN_SALT, compress=True)


def guest_from_token(token: str) -> Guest:
    """The guest a token admits, or NotFound with the reason a person can act on."""
    try:
        payload = signing.loads(token, salt=GUEST_TOKEN_SALT)
    except signing.BadSignature:
        raise NotFound(
            "This invitation link is not valid. Check you copied the whole link, "
            "or ask the person who invited you to send it again.",
            code="invitation_invalid",
        ) from None
    guest = Guest.objects.filter(pk=payload.get("g")).first()
    if guest is None or guest.nonce != payload.get("n"):
        raise NotFound(
            "This invitation link has been replaced or withdrawn. "
            "Ask the person who invited you for a new one.",
            code="invitation_revoked",
        )
    if guest.revoked_at is not None:
        raise NotFound(
            "This invitation has been withdrawn. Ask the person who invited you if this is a "
            "mistake.",
            code="invitation_revoked",
        )
    if guest.expires_at <= timezone.now():
        raise NotFound(
            "This invitation link has expired. Ask the person who invited you to send a new one.",
            code="invitation_expired",
        )
    return guest


@transaction.atomic
def guest_accept(*, guest: Guest, consent: bool) -> Guest:
    if not consent:
        raise Invalid(
            "Tick the box to agree that your notes are recorded, or close this page if you "
            "do not want to take part.",
            code="consent_required",
        )
    now = timezone.now()
    guest.accepted_at = guest.accepted_at or now
    guest.consent_given_at = guest.consent_given_at or now
    guest.save(update_fields=["accepted_at", "consent_given_at", "updated_at"])
    return guest


@transaction.atomic
def guest_revoke(*, guest: Guest) -> Guest:
    guest.revoked_at = timezone.now()
    guest.save(update_fields=["revoked_at", "updated_at"])
    disconnect_person_on_commit(guest_id=guest.pk)
    return guest


@transaction.atomic
def membership_end(*, membership: Membership) -> None:
    """Take a person out of an organisation; their open sockets close and reconnect
    only where they still have access."""
    user_id = membership.user_id
    membership.delete()
    disconnect_person_on_commit(user_id=user_id)


@transaction.atomic
def user_deactivate(*, user: User) -> User:
    """Stop an account signing in; every page, API call and socket refuses it from now."""
    user.is_active = False
    user.save(update_fields=["is_active"])
    disconnect_person_on_commit(user_id=user.pk)
    return user


@transaction.atomic
def guest_renew(*, guest: Guest, valid_for: timedelta | None = None) -> Guest:
    """Issue a fresh link: a new nonce voids every earlier one, and revocation is lifted."""
    valid_for = valid_for or timedelta(days=settings.GUEST_INVITATION_MAX_AGE_DAYS)
    guest.nonce = new_nonce()
    guest.revoked_at = None
    guest.expires_at = timezone.now() + valid_for
    guest.save(update_fields=["nonce", "revoked_at", "expires_at", "updated_at"])
    return guest


def guest_in_session(guest_id: int | None) -> Guest:
    """The guest stored in a browser session, if still admitted."""
    guest = Guest.objects.filter(pk=guest_id).first() if guest_id else None
    if guest is None or not guest.is_active:
        raise NotFound("Your invitation has ended.", code="invitation_ended")
    return guest


@transaction.atomic
def guest_admit_in_person(
    *,
    organisation: Organisation,
    name: str,
    home_organisation: str,
    scope_kind: str,
    scope_id: int,
    valid_for: timedelta | None = None,
    email: str = "",
) -> Guest:
    """A guest who joined in the room with the join code, consent given.

    They were not sent a link; their browser's session is their way in
    (``GUEST_SESSION_KEY``), as for a guest who came by link. The e-mail address, if they
    gave one, is only for the share-back (action list and report) after the session.
    """
    name = " ".join(name.split())
    if not name:
        raise Invalid("Give your name.", code="name_required")
    valid_for = valid_for or timedelta(days=settings.GUEST_INVITATION_MAX_AGE_DAYS)
    now = timezone.now()
    return Guest.objects.create(
        organisation=organisation,
        name=name,
        email=email.strip().lower(),
        home_organisation=home_organisation.strip(),
        scope_kind=scope_kind,
        scope_id=scope_id,
        expires_at=now + valid_for,
        accepted_at=now,
        consent_given_at=now,
    )
