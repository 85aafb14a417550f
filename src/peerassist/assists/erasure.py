"""When a person is erased (accounts/erasure.py), their places on participant lists keep
the role and organisation and lose the name, job title and experience."""

from __future__ import annotations

from peerassist.accounts.erasure import former_label
from peerassist.accounts.models import Guest, User
from peerassist.assists.models import Participant


def participants_anonymise(*, user: User | None, guest: Guest | None) -> None:
    rows = (
        Participant.objects.filter(user=user) if user else Participant.objects.filter(guest=guest)
    )
    for participant in rows:
        participant.display_name = former_label(
            participant.get_role_display(), participant.organisation_name
        )
        participant.job_title = ""
        participant.experience = ""
        participant.save(update_fields=["display_name", "job_title", "experience", "updated_at"])
