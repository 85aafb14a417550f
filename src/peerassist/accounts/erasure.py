"""Erasure: a person (user or guest) is anonymised, irreversibly; what they wrote stays.

Name, e-mail and free-text profile go. The person is shown from then on as "Former
participant (role, organisation)", on every page, report and lesson that names them, since
those read the name when shown. Apps that copy a person's name into their own rows (a peer
assist's participant list) register an anonymiser here (``register_erasure``), so this app
need not import them. The erasure is one transaction and one audit entry; the audit log
keeps ids only (ADR 0013).
"""

from __future__ import annotations

from collections.abc import Callable

from django.db import transaction
from django.utils import timezone

from peerassist.accounts.models import Guest, Membership, User
from peerassist.audit.record import audit_record
from peerassist.core.disconnect import disconnect_person_on_commit
from peerassist.core.errors import Invalid

FORMER = "Former participant"
Anonymiser = Callable[..., None]  # (*, user: User | None, guest: Guest | None) -> None
_anonymisers: list[Anonymiser] = []


def register_erasure(anonymiser: Anonymiser) -> None:
    if anonymiser not in _anonymisers:
        _anonymisers.append(anonymiser)


def former_label(role: str, organisation: str) -> str:
    """ "Former participant (Visitor, Eastbridge Council)"; parts that are empty drop out."""
    inside = ", ".join(part for part in (role, organisation) if part)
    return f"{FORMER} ({inside})" if inside else FORMER


def _confirm(typed: str, name: str) -> None:
    if " ".join(typed.split()).casefold() != " ".join(name.split()).casefold():
        raise Invalid(
            "Type the person's full name exactly as shown to confirm. Erasure cannot be undone.",
            code="confirm_name",
        )


@transaction.atomic
def user_erase(*, user: User, organisation_id: int, confirm_name: str) -> User:
    """Anonymise an account: no name, e-mail, job title or password; it cannot sign in."""
    _confirm(confirm_name, user.full_name)
    membership = Membership.objects.filter(user=user, organisation_id=organisation_id).first()
    label = former_label(
        membership.get_role_display() if membership else "",
        membership.organisation.name if membership else "",
    )
    for anonymise in _anonymisers:
        anonymise(user=user, guest=None)
    user.full_name = label
    user.email = f"erased-user-{user.pk}@erased.invalid"
    user.job_title = ""
    user.findable = False
    user.is_active = False
    user.set_unusable_password()
    user.save()
    user.api_tokens.filter(revoked_at__isnull=True).update(revoked_at=timezone.now())
    # The provider's subject id is personal too; once gone, signing in through single
    # sign-on again starts a new account instead of reaching the erased one.
    user.sso_identities.all().delete()
    audit_record(
        kind="erasure",
        object_type="accounts.user",
        object_id=user.pk,
        object_label=label,
        organisation_id=organisation_id,
        subject_user_id=user.pk,
    )
    disconnect_person_on_commit(user_id=user.pk)
    return user


@transaction.atomic
def guest_erase(*, guest: Guest, confirm_name: str) -> Guest:
    """Anonymise a guest: no name, e-mail, organisation, job title or experience; link voided."""
    _confirm(confirm_name, guest.name)
    label = former_label("Visitor", guest.home_organisation)
    for anonymise in _anonymisers:
        anonymise(user=None, guest=guest)
    guest.name = label
    guest.email = f"erased-guest-{guest.pk}@erased.invalid"
    guest.home_organisation = ""
    guest.job_title = ""
    guest.experience = ""
    guest.findable = False
    guest.nonce = "erased"
    if guest.revoked_at is None:
        guest.revoked_at = timezone.now()
    guest.save()
    audit_record(
        kind="erasure",
        object_type="accounts.guest",
        object_id=guest.pk,
        object_label=label,
        organisation_id=guest.organisation_id,
        subject_guest_id=guest.pk,
    )
    disconnect_person_on_commit(guest_id=guest.pk)
    return guest
