"""Demo lessons: the two case studies' enablers and barriers, approved and shared, CFIR-coded.

Retold in our own words; idempotent (get_or_create by organisation and title).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from django.utils import timezone

from peerassist.accounts.demo import COUNCIL, TRUST, demo_org, demo_user
from peerassist.analysis.models import CfirConstruct
from peerassist.lessons.models import Lesson, LessonReview
from peerassist.projects.demo import HAT_TITLE, STIGMA_TITLE
from peerassist.projects.models import Project

E, B, M = Lesson.Valence.ENABLER, Lesson.Valence.BARRIER, Lesson.Valence.MIXED


@dataclass(frozen=True)
class DemoLesson:
    title: str
    valence: str
    codes: tuple[str, ...]
    context: str
    what_happened: str
    lesson: str
    recommendation: str
    population: str = ""
    months_ago: int = 1


STIGMA_LESSONS = [
    DemoLesson(
        "Two years of external funding let the women co-design the training properly",
        E,
        ("II.F", "III.J1"),
        "A council-led programme to reduce stigma towards women who use substances, through "
        "training for health and social services staff.",
        "A charitable grant covered two years. That paid the women who co-delivered the "
        "sessions, an independent evaluation and time for several rounds of co-design.",
        "Secure funding for the whole cycle of co-design, delivery and evaluation before you "
        "start. Paying people with lived experience for their time is part of the cost.",
        "Budget for lived-experience trainers as paid staff, and for evaluation, from day one.",
        "Women who use substances; health and social care staff",
        months_ago=26,
    ),
    DemoLesson(
        "The COVID-19 pandemic halted face-to-face sessions mid-programme",
        B,
        ("II.A", "V.I"),
        "Anti-stigma training was designed as small, in-person groups with time to talk.",
        "Lockdown stopped the sessions for months. Moving online lost much of the personal "
        "contact that made the sessions work, and some of the women could not join online.",
        "A programme built on personal contact needs a plan for when people cannot meet. "
        "Online sessions need their own design, not a copy of the room.",
        "Agree a fallback with the co-trainers early: smaller online groups, devices and "
        "data for trainers who need them, and extra support after each session.",
        "Health and social care staff",
        months_ago=20,
    ),
    DemoLesson(
        "Protected time in diaries got staff into the room",
        E,
        ("III.A3", "III.G"),
        "Front-line staff were invited to a half-day anti-stigma session.",
        "Managers blocked the time in staff diaries and arranged cover. Attendance stayed "
        "high; where time was not protected, people were pulled back to their services.",
        "Attendance follows protected time, not goodwill. Ask managers to block the time and "
        "arrange cover before you send invitations.",
        "Agree protected time and cover with service managers before booking sessions.",
        months_ago=18,
    ),
    DemoLesson(
        "Counselling support made sensitive sessions safe for trainers and staff",
        E,
        ("III.J", "III.D3"),
        "Sessions asked the women to speak about their own lives and asked staff to examine "
        "their attitudes.",
        "A counsellor was available before and after every session, for the co-trainers and "
        "for staff. Several people used it, and the women said it let them keep going.",
        "When training relies on people telling their own stories, support for them is part "
        "of the design, not an extra.",
        "Arrange counselling or debrief support for co-trainers and participants and tell "
        "everyone how to reach it.",
        "Women with lived experience of substance use",
        months_ago=16,
    ),
    DemoLesson(
        "Facilitation training gave the co-trainers confidence",
        E,
        ("III.K", "IV.K"),
        "The women co-delivering the sessions had not led training before.",
        "A short facilitation course, and rehearsals with the professional trainers, helped "
        "the women lead discussions and handle difficult questions.",
        "People with lived experience can lead training well when they get the same "
        "preparation as any new trainer.",
        "Offer facilitation training and paired rehearsals before the first session.",
        months_ago=14,
    ),
    DemoLesson(
        "Early buy-in from every stakeholder kept the programme on track",
        E,
        ("V.F", "III.B", "IV.B"),
        "The programme involved the council, health services, a charity and external evaluators.",
        "Everyone, including the evaluators and the managers of the staff taking part, was "
        "involved from the planning stage and met regularly. Problems were raised early.",
        "Bring every stakeholder in at the planning stage, including the evaluators; it is "
        "much harder to win support later.",
        "Hold a joint planning meeting with all partners and keep a regular check-in.",
        months_ago=12,
    ),
]

HAT_LESSONS = [
    DemoLesson(
        "Blocked diary time for HAT sessions disappears unless other tasks move",
        B,
        ("III.A3", "IV.L"),
        "Community addiction nurses were asked to run structured recovery sessions (HAT) "
        "each week alongside their caseloads.",
        "Time blocked in diaries was used for urgent non-addiction work within weeks. Only "
        "when other tasks were reallocated did the sessions happen reliably.",
        "Protected time needs the work it replaces to go somewhere else. Agree which tasks "
        "move before the pilot starts.",
        "Reallocate named non-addiction tasks to other team members and review it monthly.",
        "People in recovery from addiction",
        months_ago=5,
    ),
    DemoLesson(
        "Concerns about nurses' scope of practice slowed the start",
        B,
        ("III.C", "III.B", "II.E"),
        "Nurses took on a structured recovery role that other professions had seen as theirs.",
        "Some colleagues worried the nurses were working outside their scope of practice. "
        "Referrals were slow until the team explained the role and agreed boundaries.",
        "Talk to other professions about a new role before it starts, with the professional "
        "guidance in hand, and agree who does what.",
        "Hold an early meeting with each profession; write down the agreed boundaries.",
        "People in recovery from addiction",
        months_ago=4,
    ),
    DemoLesson(
        "Trauma-informed training changed how nurses ran sessions",
        E,
        ("III.K", "IV.K"),
        "Nurses delivering HAT sessions had mixed experience of trauma-informed care.",
        "After training, nurses reported more confidence with difficult disclosures, and "
        "clients stayed for more sessions.",
        "Train every nurse in a trauma-informed approach before they run recovery sessions, "
        "not after.",
        "Schedule the training before go-live and include the team's HAT logic model in it.",
        months_ago=3,
    ),
    DemoLesson(
        "Interruptions undermined client sessions",
        B,
        ("III.A1", "III.F"),
        "Sessions took place in shared clinic rooms during busy shifts.",
        "Phone calls and corridor queries interrupted sessions; clients found it hard to "
        "talk about sensitive subjects.",
        "Recovery sessions need an uninterrupted room and time; plan the space as carefully "
        "as the content.",
        "Book a quiet room, divert phones and put a sign on the door during sessions.",
        months_ago=2,
    ),
    DemoLesson(
        "Whole-team buy-in, including the consultant and pharmacy, sustained the change",
        M,
        ("V.F1", "IV.A", "III.B"),
        "HAT touched prescribing, pharmacy and medical review as well as nursing.",
        "Where the consultant and pharmacy took part in planning, sessions ran smoothly; "
        "elsewhere, changes to prescribing plans were not picked up.",
        "Involve every profession that touches the pathway in planning, not only the team "
        "delivering the change.",
        "Invite the consultant and pharmacy to the peer assist and the monthly review.",
        months_ago=1,
    ),
]


def _code_map() -> dict[str, CfirConstruct]:
    return {c.code: c for c in CfirConstruct.objects.filter(organisation__isnull=True)}


def _load_project(
    project: Project | None, author_email: str, reviewer_email: str, lessons: list[DemoLesson]
) -> None:
    if project is None:
        return
    codes = _code_map()
    author = demo_user(author_email)
    reviewer = demo_user(reviewer_email)
    now = timezone.now()
    for item in lessons:
        published: datetime = now - timedelta(days=30 * item.months_ago)
        lesson, created = Lesson.objects.get_or_create(
            organisation=project.organisation,
            title=item.title,
            defaults={
                "project": project,
                "context": item.context,
                "what_happened": item.what_happened,
                "lesson": item.lesson,
                "recommendation": item.recommendation,
                "care_setting": project.care_setting,
                "service": project.service,
                "population": item.population,
                "valence": item.valence,
                "author": author,
                "status": Lesson.Status.APPROVED,
                "visibility": Lesson.Visibility.SHARED,
                "reviewed_by": reviewer,
                "reviewed_at": published,
                "published_at": published,
            },
        )
        if created:
            lesson.constructs.set([codes[c] for c in item.codes if c in codes])
            LessonReview.objects.create(
                lesson=lesson, decision=LessonReview.Decision.SUBMITTED, actor=author
            )
            LessonReview.objects.create(
                lesson=lesson, decision=LessonReview.Decision.APPROVED, actor=reviewer
            )


def load() -> None:
    trust, council = demo_org(TRUST[0]), demo_org(COUNCIL[0])
    stigma = Project.objects.filter(organisation=council, title=STIGMA_TITLE).first()
    hat = Project.objects.filter(organisation=trust, title=HAT_TITLE).first()
    # Eastbridge's lead is also its knowledge manager in the demo.
    _load_project(stigma, "lead@eastbridge.example", "lead@eastbridge.example", STIGMA_LESSONS)
    _load_project(hat, "host.lead@northmoor.example", "knowledge@northmoor.example", HAT_LESSONS)
