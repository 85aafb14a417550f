"""Demo data: a planned peer assist for the HAT case, with invitations sent.

``load_planned_hat_assist()`` is idempotent (natural key: the project and the title) and
returns the peer assist, so other loaders (the live board's) can build on it.
"""

from __future__ import annotations

from datetime import time, timedelta

from django.core.files.base import ContentFile
from django.utils import timezone

from peerassist.accounts.demo import TRUST, demo_org, demo_user
from peerassist.accounts.services import guest_invite
from peerassist.assists.access import GUEST_SCOPE
from peerassist.assists.models import Attachment, Participant, PeerAssist, Status, StatusChange
from peerassist.assists.planning.agenda import FOUR_PART, agenda_apply_template
from peerassist.assists.planning.logistics import logistics_set
from peerassist.projects.demo import HAT_TITLE
from peerassist.projects.models import Project

PLANNED_TITLE = "Peer assist: protecting time and scope for HAT nursing"

# Fictional visitors with recent, practical experience (every name and place is invented).
HAT_VISITORS = [
    (
        "Dr Rhiannon Pryce",
        "rhiannon.pryce@valleyhealth.example",
        "Valley Community Health",
        "Nurse consultant, addictions",
        "Led a nurse-led recovery clinic through its first two years.",
        Participant.Rsvp.ACCEPTED,
    ),
    (
        "Tomasz Nowak",
        "tomasz.nowak@harbourtrust.example",
        "Harbour Care NHS Trust",
        "Clinical pharmacist",
        "Negotiated prescribing and scope agreements between nurses and pharmacy.",
        Participant.Rsvp.ACCEPTED,
    ),
    (
        "Grace Adeyemi",
        "grace.adeyemi@riverside-recovery.example",
        "Riverside Recovery Charity",
        "Peer support lead",
        "Lived experience of recovery; runs peer support alongside clinical teams.",
        Participant.Rsvp.TENTATIVE,
    ),
    (
        "Owen Mackay",
        "owen.mackay@northfield-council.example",
        "Northfield City Council",
        "Public health commissioner",
        "Commissioned and evaluated a trauma-informed training programme.",
        Participant.Rsvp.PENDING,
    ),
    (
        "Sunita Rao",
        "sunita.rao@westvale.example",
        "Westvale Mental Health Trust",
        "Practice development nurse",
        "Protected clinic time for nurses by reallocating non-clinical tasks.",
        Participant.Rsvp.PENDING,
    ),
]

BRIEFING_NOTE = (
    "HAT peer assist - background for visitors\n\n"
    "The community addiction nursing team at Northmoor plans to bring the Healthy Addiction "
    "Treatment (HAT) recovery model into every nurse's week. We want to learn from teams "
    "who have protected nurses' time, agreed scope of practice with other professions and "
    "kept the team bought in after a pilot.\n"
)


def load() -> None:
    load_planned_hat_assist()


def load_planned_hat_assist() -> PeerAssist | None:
    """The HAT project's planned peer assist, invitations sent; made once, found after."""
    trust = demo_org(TRUST[0])
    project = Project.objects.filter(organisation=trust, title=HAT_TITLE).first()
    if project is None:
        return None
    existing = PeerAssist.objects.filter(project=project, title=PLANNED_TITLE).first()
    if existing is not None:
        return existing
    lead = demo_user("host.lead@northmoor.example")
    today = timezone.localdate()
    assist = PeerAssist.objects.create(
        organisation=trust,
        project=project,
        bar=project.bars.order_by("-created_at").first(),
        title=PLANNED_TITLE,
        purpose="Learn how other teams protected nurses' time for structured recovery work, "
        "agreed scope of practice with other professions and kept momentum after a pilot, "
        "before we decide how to roll HAT out.",
        open_decisions="Which tasks to move away from nurses to free HAT time\n"
        "Whether to start with one team or all three at once\n"
        "Which trauma-informed training to buy",
        deliverables="A ranked list of risks and options for the roll-out, with actions and "
        "owners.",
        mode=PeerAssist.Mode.HYBRID,
        venue="Learning Centre, Room 2, Northmoor Community Hospital",
        video_link="https://meet.northmoor.example/hat-peer-assist",
        date=today + timedelta(days=21),
        starts_at=time(9, 30),
        ends_at=time(13, 30),
        created_by=lead,
        status=Status.DRAFT,
    )
    agenda_apply_template(assist=assist, template_key=FOUR_PART.key)
    now = timezone.now()
    colleagues = [
        ("facilitator@northmoor.example", Participant.Role.FACILITATOR),
        ("host.lead@northmoor.example", Participant.Role.HOST_LEAD),
        ("host.member@northmoor.example", Participant.Role.HOST_MEMBER),
        ("note.taker@northmoor.example", Participant.Role.NOTE_TAKER),
    ]
    for email, role in colleagues:
        user = demo_user(email)
        Participant.objects.create(
            assist=assist,
            user=user,
            role=role,
            display_name=user.full_name,
            organisation_name=trust.name,
            job_title=user.job_title,
            rsvp=Participant.Rsvp.ACCEPTED,
            invited_at=now,
            invitation_sent_at=now,
        )
    for name, email, org_name, job, experience, rsvp in HAT_VISITORS:
        guest = guest_invite(
            organisation=trust,
            name=name,
            email=email,
            scope_kind=GUEST_SCOPE,
            scope_id=assist.pk,
            home_organisation=org_name,
            job_title=job,
            experience=experience,
        )
        if rsvp in {Participant.Rsvp.ACCEPTED, Participant.Rsvp.TENTATIVE}:
            guest.accepted_at = guest.consent_given_at = now
            guest.save(update_fields=["accepted_at", "consent_given_at"])
        Participant.objects.create(
            assist=assist,
            guest=guest,
            role=Participant.Role.VISITOR,
            display_name=name,
            organisation_name=org_name,
            job_title=job,
            experience=experience,
            rsvp=rsvp,
            invited_at=now,
            invitation_sent_at=now,
        )
    logistics_set(
        assist=assist,
        ticks={"facilitator": True, "space": True, "note_taker": True, "briefing_sent": True},
    )
    Attachment.objects.create(
        assist=assist,
        file=ContentFile(BRIEFING_NOTE.encode(), name="hat-background.txt"),
        original_name="HAT background for visitors.txt",
        content_type="text/plain",
        size=len(BRIEFING_NOTE.encode()),
        uploaded_by=lead,
    )
    for from_status, to_status in (
        (Status.DRAFT, Status.PLANNING),
        (Status.PLANNING, Status.INVITED),
    ):
        StatusChange.objects.create(
            assist=assist,
            from_status=from_status,
            to_status=to_status,
            by_user=lead,
            reason="Invitations sent" if to_status == Status.INVITED else "",
        )
    assist.status = Status.INVITED
    assist.save(update_fields=["status", "updated_at"])
    return assist
