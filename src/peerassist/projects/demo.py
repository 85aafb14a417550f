"""The two case studies this product was conceived from, retold as demo projects."""

from __future__ import annotations

from datetime import date, timedelta

from django.utils import timezone

from peerassist.accounts.demo import COUNCIL, TRUST, demo_org, demo_user
from peerassist.projects.models import (
    BeforeActionReview,
    Enabler,
    LearningNeed,
    Project,
    ProjectMember,
)

HAT_TITLE = "Bringing the Healthy Addiction Treatment (HAT) recovery model into daily nursing"
STIGMA_TITLE = "Anti-stigma training co-delivered by women who use substances"

HAT_LEARNING_NEEDS = [
    (
        "How did you protect nurses' time for HAT sessions without leaving other work undone?",
        LearningNeed.Priority.HIGH,
    ),
    (
        "What worked when other professions worried that nurses were working outside their "
        "scope of practice?",
        LearningNeed.Priority.HIGH,
    ),
    (
        "Which trauma-informed training made the biggest difference, and how long did it take?",
        LearningNeed.Priority.MEDIUM,
    ),
    (
        "How did you keep the whole team bought in once the pilot ended?",
        LearningNeed.Priority.MEDIUM,
    ),
]

HAT_ENABLERS = [
    (
        Enabler.Category.STAFF_CAPACITY,
        "Non-addiction tasks reallocated to other team members",
        Enabler.Status.PLANNED,
    ),
    (
        Enabler.Category.STAFF_CAPACITY,
        "Time for HAT sessions blocked out in nurses' diaries",
        Enabler.Status.IN_PLACE,
    ),
    (
        Enabler.Category.STAFF_CAPACITY,
        "Client sessions free from interruptions (phones, corridor queries)",
        Enabler.Status.MISSING,
    ),
    (
        Enabler.Category.SUPPORT_TRAINING,
        "Training in a trauma-informed approach for every nurse",
        Enabler.Status.PLANNED,
    ),
    (
        Enabler.Category.SUPPORT_TRAINING,
        "Training in the team's logic model for HAT",
        Enabler.Status.MISSING,
    ),
    (
        Enabler.Category.STAKEHOLDER_BUY_IN,
        "Whole-team buy-in, including the consultant and pharmacy",
        Enabler.Status.PLANNED,
    ),
    (
        Enabler.Category.STAKEHOLDER_BUY_IN,
        "Agreement from other professions on the nurses' scope of practice",
        Enabler.Status.MISSING,
    ),
]

STIGMA_ENABLERS = [
    (Enabler.Category.RESOURCES, "External funding secured for two years", Enabler.Status.IN_PLACE),
    (
        Enabler.Category.STAFF_CAPACITY,
        "Protected time in staff diaries to attend the training",
        Enabler.Status.IN_PLACE,
    ),
    (
        Enabler.Category.SUPPORT_TRAINING,
        "Counselling support for the women and staff facing sensitive topics",
        Enabler.Status.IN_PLACE,
    ),
    (
        Enabler.Category.SUPPORT_TRAINING,
        "Facilitation training for the women co-delivering the sessions",
        Enabler.Status.IN_PLACE,
    ),
    (
        Enabler.Category.STAKEHOLDER_BUY_IN,
        "Buy-in from every stakeholder, including the "
        "external evaluators and the staff who took the pilot",
        Enabler.Status.IN_PLACE,
    ),
]


def load() -> None:
    trust, council = demo_org(TRUST[0]), demo_org(COUNCIL[0])
    today = timezone.localdate()

    hat, created = Project.objects.get_or_create(
        organisation=trust,
        title=HAT_TITLE,
        defaults={
            "aim": "Make the HAT recovery model part of every community addiction nurse's "
            "week, so that people in recovery get structured, trauma-informed support from "
            "the nurse they already know.",
            "care_setting": "Community addiction services",
            "service": "Nurse-led addiction recovery clinic",
            "stage": Project.Stage.PLANNING,
            "start_date": today + timedelta(days=60),
            "key_decision_date": today + timedelta(days=30),
            "created_by": demo_user("host.lead@northmoor.example"),
        },
    )
    if created:
        ProjectMember.objects.create(
            project=hat, user=demo_user("host.lead@northmoor.example"), role="lead"
        )
        ProjectMember.objects.create(
            project=hat, user=demo_user("host.member@northmoor.example"), role="member"
        )
        ProjectMember.objects.create(
            project=hat, user=demo_user("note.taker@northmoor.example"), role="member"
        )
        bar = BeforeActionReview.objects.create(
            project=hat,
            status=BeforeActionReview.Status.COMPLETE,
            intended_results="Every community addiction nurse runs HAT sessions weekly within "
            "six months; measured by sessions delivered per nurse and by clients' recovery "
            "capital scores at 3 and 6 months.",
            anticipated_challenges="Finding protected time; other professions may see HAT as "
            "outside nursing scope; keeping momentum after the training.",
            previous_learning="A neighbouring trust's pilot found that time blocked in diaries "
            "was lost within weeks unless other tasks were reallocated.",
            success_factors="Protected, uninterrupted time; trauma-informed training; a shared "
            "logic model; early, open conversations with other professions.",
            updated_by=demo_user("host.lead@northmoor.example"),
        )
        for order, (question, priority) in enumerate(HAT_LEARNING_NEEDS):
            LearningNeed.objects.create(
                bar=bar, project=hat, question=question, priority=priority, order=order
            )
        for order, (category, description, status) in enumerate(HAT_ENABLERS):
            Enabler.objects.create(
                project=hat,
                category=category,
                description=description,
                status=status,
                order=order,
                owner=demo_user("host.lead@northmoor.example"),
            )

    stigma, created = Project.objects.get_or_create(
        organisation=council,
        title=STIGMA_TITLE,
        defaults={
            "aim": "Reduce stigma towards women who use substances among health and social "
            "services staff, through training co-created with and delivered by the women "
            "themselves.",
            "care_setting": "Health and social services",
            "service": "Workforce development",
            "stage": Project.Stage.COMPLETED,
            "start_date": date(2019, 9, 1),
            "key_decision_date": date(2019, 6, 1),
            "created_by": demo_user("lead@eastbridge.example"),
        },
    )
    if created:
        ProjectMember.objects.create(
            project=stigma, user=demo_user("lead@eastbridge.example"), role="lead"
        )
        for order, (category, description, status) in enumerate(STIGMA_ENABLERS):
            Enabler.objects.create(
                project=stigma,
                category=category,
                description=description,
                status=status,
                order=order,
                owner=demo_user("lead@eastbridge.example"),
            )
