"""The learning tools catalogue: which tool fits which moment of a project.

The ratings follow the scale of the NHS IQ Learning Handbook (1 = light, 5 = demanding, or for
interactivity 5 = most interactive). The peer assist's ratings are the Handbook's; the others
are our indicative reading of the same scale and say so on the page.

Other apps say where "start this tool on a project" leads with ``register_tool_start``.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from django.urls import NoReverseMatch, reverse

from peerassist.projects.models import Project


@dataclass(frozen=True)
class Rating:
    name: str
    score: int
    meaning: str


@dataclass(frozen=True)
class LearningTool:
    slug: str
    name: str
    stage: str
    summary: str
    when_to_use: tuple[str, ...]
    who_takes_part: tuple[str, ...]
    how_it_runs: tuple[str, ...]
    what_you_need: tuple[str, ...]
    time: int
    resources: int
    physicality: int
    interactivity: int
    ratings_from_handbook: bool

    @property
    def ratings(self) -> list[Rating]:
        return [
            Rating("Time", self.time, "how much time it takes to prepare and run"),
            Rating("Resources", self.resources, "people, rooms and materials it needs"),
            Rating("Physicality", self.physicality, "how much people move around and meet"),
            Rating("Interactivity", self.interactivity, "how much people work together"),
        ]


TOOLS: tuple[LearningTool, ...] = (
    LearningTool(
        slug="before-action-review",
        name="Before Action Review",
        stage="Before you start",
        summary="A short team conversation that sets out what you want to achieve and what "
        "you need to learn before you begin.",
        when_to_use=(
            "At the very start of a project or a new phase of one.",
            "Before a peer assist, to work out the questions to bring to it.",
        ),
        who_takes_part=(
            "The people who will do the work. One person on their own can do it too.",
            "Optionally a facilitator who keeps the conversation honest.",
        ),
        how_it_runs=(
            "Agree the results you intend and how you will know you got there.",
            "List the challenges you can already see coming.",
            "Gather what you and others have learned from similar work.",
            "Decide what will make you successful this time.",
            "Write down what you still need to learn: these become your learning needs.",
        ),
        what_you_need=(
            "Thirty to sixty minutes.",
            "A quiet space or a video call, and somewhere to write the answers.",
        ),
        time=2,
        resources=1,
        physicality=2,
        interactivity=3,
        ratings_from_handbook=False,
    ),
    LearningTool(
        slug="peer-assist",
        name="Peer assist",
        stage="Before you start",
        summary="A meeting where a team about to begin something invites people who have "
        "done it before, and learns from their experience before deciding how to proceed.",
        when_to_use=(
            "Early, while decisions are still open: it is for learning, not for approving a "
            "plan already made.",
            "When someone elsewhere has recently faced a similar problem.",
        ),
        who_takes_part=(
            "The host team: the people doing the project, from one person upwards.",
            "Four to eight visitors with recent, practical experience, from other teams, "
            "organisations or sectors.",
            "A facilitator, ideally from outside the host team, and a note taker.",
        ),
        how_it_runs=(
            "Welcome and aims: what the host team wants to learn and why.",
            "Tell: the host team sets out its context and learning needs, briefly.",
            "Ask: open discussion; everyone captures what they hear on notes.",
            "Analyse: the host team makes sense of the notes while visitors listen.",
            "Feedback and actions: the host team says what it will do differently.",
            "Close: thanks, and what the visitors take away themselves.",
        ),
        what_you_need=(
            "Half a day to a full day (a 90-minute short form works for narrow questions).",
            "A facilitator and a note taker.",
            "An open room to move around in, sticky notes, flipcharts and pens, or a shared "
            "online board for online and hybrid sessions.",
            "A briefing pack sent to visitors beforehand.",
        ),
        time=4,
        resources=4,
        physicality=4,
        interactivity=5,
        ratings_from_handbook=True,
    ),
    LearningTool(
        slug="after-action-review",
        name="After Action Review",
        stage="While you work",
        summary="A quick, blame-free check after an event or a piece of work, to learn from "
        "it while it is fresh and adjust straight away.",
        when_to_use=(
            "Straight after a meeting, a shift, an incident or a milestone.",
            "Often and briefly, rather than rarely and at length.",
        ),
        who_takes_part=(
            "Everyone who took part in the event, as equals.",
            "Someone to lead the conversation and note the points.",
        ),
        how_it_runs=(
            "What did we expect to happen?",
            "What actually happened?",
            "Why was there a difference?",
            "What will we keep doing, and what will we change next time?",
        ),
        what_you_need=(
            "Ten to thirty minutes, as soon as possible after the event.",
            "Somewhere to record the learning so it is not lost.",
        ),
        time=1,
        resources=1,
        physicality=2,
        interactivity=4,
        ratings_from_handbook=False,
    ),
    LearningTool(
        slug="retrospect",
        name="Retrospect",
        stage="When you finish",
        summary="A facilitated look back at the end of a project or a major phase, to capture "
        "lessons that the next team can use.",
        when_to_use=(
            "At the end of a project or a major phase, before the team disperses.",
            "When the organisation wants lessons it can reuse elsewhere.",
        ),
        who_takes_part=(
            "The project team, and ideally its sponsor or customer.",
            "A facilitator who was not part of the project.",
        ),
        how_it_runs=(
            "Restate the original aims and what was delivered.",
            "Ask what went well, and why, so it can be repeated.",
            "Ask what could have gone better, and why, so it can be avoided.",
            "Turn each point into a lesson with a recommendation for the next team.",
        ),
        what_you_need=(
            "Two hours to half a day.",
            "A facilitator, a note taker, and a room or call where people can speak freely.",
        ),
        time=3,
        resources=2,
        physicality=3,
        interactivity=4,
        ratings_from_handbook=False,
    ),
    LearningTool(
        slug="lessons-learned-log",
        name="Lessons learned log",
        stage="Throughout",
        summary="A running, searchable record of what has been learned, so lessons are found "
        "and used by the next team rather than forgotten in a report.",
        when_to_use=(
            "Throughout a project, whenever a lesson emerges.",
            "Before starting new work, to search what others have already learned.",
        ),
        who_takes_part=(
            "Anyone on the project can add a lesson.",
            "A knowledge manager keeps the log tidy and findable.",
        ),
        how_it_runs=(
            "Record the context, what happened, the lesson and a recommendation.",
            "Say where the lesson applies and how strong the evidence for it is.",
            "Review the log at the start of new work and at each Before Action Review.",
        ),
        what_you_need=(
            "A few minutes per lesson.",
            "A shared place to keep the log that everyone can search.",
        ),
        time=1,
        resources=1,
        physicality=1,
        interactivity=1,
        ratings_from_handbook=False,
    ),
)


def tool_by_slug(slug: str) -> LearningTool | None:
    return next((t for t in TOOLS if t.slug == slug), None)


# --- where "start this tool on a project" leads --------------------------------------------

ToolStart = Callable[[Project], str]
_starts: dict[str, ToolStart] = {}


def register_tool_start(slug: str, start: ToolStart) -> None:
    """Say which page starts ``slug`` on a project (the peer assist planner calls this)."""
    _starts[slug] = start


# Pages of other apps that start a tool on a project, used when installed. An After Action
# Review belongs to a peer assist or event, so it starts from the project page.
START_URL_NAMES = {
    "before-action-review": "projects:bar_start",
    "peer-assist": "assists:plan_create",
    "retrospect": "lessons:retrospect_create",
    "lessons-learned-log": "lessons:log",
}


def tool_start_url(tool: LearningTool, project: Project) -> str:
    """The page that starts the tool on the project; the project page if there is none."""
    start = _starts.get(tool.slug)
    if start is not None:
        return start(project)
    name = START_URL_NAMES.get(tool.slug)
    if name is not None:
        try:
            return reverse(name, args=[project.pk])
        except NoReverseMatch:
            pass
    return reverse("projects:detail", args=[project.pk]) + "#learning-events"
