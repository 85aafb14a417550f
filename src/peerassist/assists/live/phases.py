"""The phase machine of the live session: welcome → tell → ask → analyse → actions → close.

Only the facilitator moves the phase, one step forward or back or straight to any phase
(``phase_set`` in services.py records every move in PhaseChange). This module holds the
order and the plain-English guidance each role sees: what to do now, what happens next.
"""

from __future__ import annotations

from peerassist.assists.models import PHASE_ORDER, Participant, Phase, Status
from peerassist.core.errors import Invalid

Role = Participant.Role

# The lifecycle steps towards the status a phase means, in order (lifecycle.py allows only
# one step at a time). Entering Close means the actions have been agreed, so a session sent
# straight from Ask to Close passes through Analysis; a step the lifecycle refuses is skipped.
STATUS_ON_ENTER: dict[str, tuple[str, ...]] = {
    # Back from Close to Tell or Ask: actions agreed → analysis → live, the board open again.
    Phase.TELL: (Status.ANALYSIS, Status.LIVE),
    Phase.ASK: (Status.ANALYSIS, Status.LIVE),
    Phase.ANALYSE: (Status.LIVE, Status.ANALYSIS),
    Phase.CLOSE: (Status.LIVE, Status.ANALYSIS, Status.ACTIONS_AGREED),
}


def status_steps(phase: str, status: str) -> list[str]:
    """The statuses to move through, from ``status``, when the session enters ``phase``:
    only the steps after the current one (never back along the same path)."""
    steps = STATUS_ON_ENTER.get(phase, ())
    if status in steps:
        return list(steps[steps.index(status) + 1 :])
    return list(steps)


def phase_validate(phase: object) -> str:
    if not isinstance(phase, str) or phase not in PHASE_ORDER:
        raise Invalid(
            "Choose a phase: " + ", ".join(PHASE_ORDER) + ".",
            code="invalid_phase",
        )
    return phase


def phase_next(phase: str) -> str | None:
    index = PHASE_ORDER.index(phase)
    return PHASE_ORDER[index + 1] if index + 1 < len(PHASE_ORDER) else None


def phase_previous(phase: str) -> str | None:
    index = PHASE_ORDER.index(phase)
    return PHASE_ORDER[index - 1] if index > 0 else None


def role_group(role: str | None) -> str:
    """The guidance audience of a role: facilitator, host, note_taker or visitor."""
    if role == Role.FACILITATOR:
        return "facilitator"
    if role in {Role.HOST_LEAD, Role.HOST_MEMBER}:
        return "host"
    if role == Role.NOTE_TAKER:
        return "note_taker"
    return "visitor"


# (what to do now, what happens next) per phase and audience.
GUIDANCE: dict[str, dict[str, tuple[str, str]]] = {
    Phase.WELCOME: {
        "facilitator": (
            "Welcome everyone, agree the aims and the ground rules, and check who is here.",
            "When everyone is ready, move to Tell: the host team presents its context.",
        ),
        "host": (
            "Introduce yourselves and say what you hope to take away today.",
            "Next you present your project and your learning needs.",
        ),
        "note_taker": (
            "Check that you can see every participant in the speaker list.",
            "Next, capture what is said as notes, naming the speaker.",
        ),
        "visitor": (
            "Introduce yourself and the experience you bring.",
            "Next the host team tells you about their project and what they want to learn.",
        ),
    },
    Phase.TELL: {
        "facilitator": (
            "Keep time while the host team presents. Questions wait until Ask.",
            "Then move to Ask: everyone discusses and adds notes.",
        ),
        "host": (
            "Present your context and your learning needs, shown as the board's columns.",
            "Next the visitors ask questions and share what worked for them.",
        ),
        "note_taker": (
            "Note anything the host team says that visitors should respond to.",
            "Next, capture the discussion as notes on behalf of each speaker.",
        ),
        "visitor": (
            "Listen to the host team's context. You can jot notes for later.",
            "Next you ask questions and add notes under each learning need.",
        ),
    },
    Phase.ASK: {
        "facilitator": (
            "Run the discussion, keep it on the learning needs, and watch the timer.",
            "Then move to Analyse: the host team works on the notes while visitors watch.",
        ),
        "host": (
            "Ask the visitors about their experience and add notes as you learn.",
            "Next your team makes sense of the notes while the visitors take a back seat.",
        ),
        "note_taker": (
            "Capture what each person says as a note, choosing them as the speaker.",
            "Next the host team analyses the notes; you can still add and tidy notes.",
        ),
        "visitor": (
            "Share what worked, what to avoid and what to read: add a note for each point.",
            "Next the host team analyses the notes; you will be able to read but not write.",
        ),
    },
    Phase.ANALYSE: {
        "facilitator": (
            "Help the host team group and weigh the notes. Visitors are read-only now.",
            "Then move to Feedback and actions.",
        ),
        "host": (
            "Read the notes, group them and decide what matters most for your project.",
            "Next you share the actions you will take.",
        ),
        "note_taker": (
            "Record the host team's conclusions as notes.",
            "Next the host team shares its actions.",
        ),
        "visitor": (
            "Take a back seat: the host team is working on your notes. You can read the board.",
            "Next the host team tells you what they will do, and you can respond.",
        ),
    },
    Phase.ACTIONS: {
        "facilitator": (
            "Ask the host team to state its actions, with owners and dates.",
            "Then move to Close for take-aways and thanks.",
        ),
        "host": (
            "Say what you will do differently, who will do it and by when.",
            "Next, thank the visitors and promise a date for the action list.",
        ),
        "note_taker": (
            "Record each agreed action as a note.",
            "Next, the session closes with take-aways.",
        ),
        "visitor": (
            "Listen to the host team's actions; the board shows what was agreed.",
            "Next you say what you will take away yourself.",
        ),
    },
    Phase.CLOSE: {
        "facilitator": (
            "Ask each visitor for their take-away and invite the host lead to give thanks.",
            "The session is over once everyone has had their say.",
        ),
        "host": (
            "Thank the visitors and say when they will get the action list.",
            "After the session, share the action list by the date you promised.",
        ),
        "note_taker": (
            "Check the notes for anything unclear while people are still here.",
            "Speakers can confirm or correct notes taken on their behalf.",
        ),
        "visitor": (
            "Write what you will take away for your own work, then press “I'm done”.",
            "The host team will send you the action list by the date they give.",
        ),
    },
}


def guidance_for(role: str | None) -> dict[str, dict[str, str]]:
    """Guidance for every phase, for one role: ``{phase: {"now": ..., "next": ...}}``."""
    group = role_group(role)
    return {
        phase: {"now": GUIDANCE[phase][group][0], "next": GUIDANCE[phase][group][1]}
        for phase in PHASE_ORDER
    }
