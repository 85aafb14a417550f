"""Agenda templates and the writes that edit a peer assist's agenda.

Templates follow Collison & Parcell's four-part peer assist (tell, ask, analyse, feedback),
the five-stage variant in which the visitors prepare their feedback in a block of their own,
the full day (the Learning Handbook: half a day to a day) and its 90-minute short form.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db import transaction
from django.db.models import Max

from peerassist.assists.models import AgendaItem, PeerAssist, Phase
from peerassist.core.errors import Invalid, NotFound

Lead = AgendaItem.Lead
MAX_ITEM_MINUTES = 480
MAX_ITEMS = 40


@dataclass(frozen=True)
class TemplateItem:
    title: str
    phase: str
    lead: str
    minutes: int
    guidance: str = ""


@dataclass(frozen=True)
class AgendaTemplate:
    key: str
    label: str
    description: str
    items: tuple[TemplateItem, ...]

    @property
    def total_minutes(self) -> int:
        return sum(item.minutes for item in self.items)


FOUR_PART = AgendaTemplate(
    "four_part",
    "Four-part peer assist (half a day)",
    "Welcome, tell, ask, analyse, feedback and actions, close.",
    (
        TemplateItem(
            "Welcome, aims and introductions",
            Phase.WELCOME,
            Lead.FACILITATOR,
            15,
            "The facilitator sets out the purpose, the open decisions and the ground rules.",
        ),
        TemplateItem(
            "Tell: the host team's context and learning needs",
            Phase.TELL,
            Lead.HOST,
            30,
            "Keep it short: what the project is, what has been decided, what is still open.",
        ),
        TemplateItem(
            "Ask: discussion, with learning captured on sticky notes",
            Phase.ASK,
            Lead.ALL,
            90,
            "Visitors ask questions first, then share what they did and what they learned.",
        ),
        TemplateItem(
            "Analyse: the host team makes sense of the notes",
            Phase.ANALYSE,
            Lead.HOST,
            40,
            "The visitors take a back seat while the host team groups and ranks the notes.",
        ),
        TemplateItem(
            "Feedback and agreed actions",
            Phase.ACTIONS,
            Lead.HOST,
            30,
            "The host team says what it will do differently, with owners and dates.",
        ),
        TemplateItem(
            "Close: thanks and take-aways",
            Phase.CLOSE,
            Lead.FACILITATOR,
            15,
            "Visitors share what they take away; the host says when the action list follows.",
        ),
    ),
)

FIVE_STAGE = AgendaTemplate(
    "five_stage",
    "Five-stage peer assist with visitors' feedback block",
    "As the four-part form, with a block for the visitors to prepare their feedback.",
    (
        TemplateItem("Welcome, aims and introductions", Phase.WELCOME, Lead.FACILITATOR, 15),
        TemplateItem("Tell: the host team's context", Phase.TELL, Lead.HOST, 30),
        TemplateItem("Ask: questions and discussion", Phase.ASK, Lead.ALL, 75),
        TemplateItem(
            "Visitors prepare their feedback",
            Phase.ANALYSE,
            Lead.VISITORS,
            30,
            "The visiting team works alone on what it heard: options, risks, what it would do.",
        ),
        TemplateItem("Visitors present their feedback", Phase.ACTIONS, Lead.VISITORS, 30),
        TemplateItem("Host team responds and agrees actions", Phase.ACTIONS, Lead.HOST, 20),
        TemplateItem("Close: thanks and take-aways", Phase.CLOSE, Lead.FACILITATOR, 10),
    ),
)

SHORT_90 = AgendaTemplate(
    "short_90",
    "90-minute short form",
    "For a focused question and a small visiting team.",
    (
        TemplateItem("Welcome and aims", Phase.WELCOME, Lead.FACILITATOR, 5),
        TemplateItem("Tell: the host team's context", Phase.TELL, Lead.HOST, 15),
        TemplateItem("Ask: discussion and notes", Phase.ASK, Lead.ALL, 40),
        TemplateItem("Analyse: the host team's first view", Phase.ANALYSE, Lead.HOST, 15),
        TemplateItem("Feedback and actions", Phase.ACTIONS, Lead.HOST, 10),
        TemplateItem("Close and take-aways", Phase.CLOSE, Lead.FACILITATOR, 5),
    ),
)

FULL_DAY = AgendaTemplate(
    "full_day",
    "Full-day peer assist (seven hours with breaks and lunch)",
    "For a large or risky decision: longer discussion in two blocks, a working lunch, the "
    "visitors' own feedback and time to agree actions.",
    (
        TemplateItem(
            "Welcome, aims, introductions and ground rules",
            Phase.WELCOME,
            Lead.FACILITATOR,
            30,
            "The purpose, the open decisions and the ground rules; each person says what "
            "experience they bring.",
        ),
        TemplateItem(
            "Tell: the host team's context, BAR and learning needs",
            Phase.TELL,
            Lead.HOST,
            45,
            "What the project is, what has been decided, what is still open.",
        ),
        TemplateItem(
            "Ask: the visitors' questions",
            Phase.ASK,
            Lead.ALL,
            60,
            "Visitors ask questions until they understand the context, before advising.",
        ),
        TemplateItem("Break", Phase.ASK, Lead.ALL, 15),
        TemplateItem(
            "Ask: what the visitors did and learned, captured on sticky notes",
            Phase.ASK,
            Lead.ALL,
            75,
            "Stories and evidence from the visitors' own work, a note for each lesson.",
        ),
        TemplateItem(
            "Lunch",
            Phase.ASK,
            Lead.ALL,
            45,
            "Informal talk often brings the best tips: the note taker stays ready.",
        ),
        TemplateItem(
            "Analyse: the host team groups and ranks the notes",
            Phase.ANALYSE,
            Lead.HOST,
            60,
            "The visitors take a back seat, or prepare their feedback in another room.",
        ),
        TemplateItem("Break", Phase.ANALYSE, Lead.ALL, 15),
        TemplateItem(
            "Feedback: the visitors' options and recommendations",
            Phase.ACTIONS,
            Lead.VISITORS,
            30,
        ),
        TemplateItem(
            "The host team responds and agrees actions",
            Phase.ACTIONS,
            Lead.HOST,
            30,
            "What it will do differently, with owners and dates.",
        ),
        TemplateItem(
            "Close: thanks and take-aways",
            Phase.CLOSE,
            Lead.FACILITATOR,
            15,
            "Visitors share what they take away; the host says when the action list follows.",
        ),
    ),
)

TEMPLATES: dict[str, AgendaTemplate] = {
    t.key: t for t in (FOUR_PART, FULL_DAY, FIVE_STAGE, SHORT_90)
}


def agenda_host_presentation_minutes(items: list[AgendaItem]) -> int:
    """Minutes in which the host team presents: the host-led parts of "tell"."""
    return sum(i.minutes for i in items if i.phase == Phase.TELL and i.lead == Lead.HOST)


def _clean_item(*, title: str, phase: str, lead: str, minutes: int) -> tuple[str, str, str, int]:
    title = (title or "").strip()
    if not title:
        raise Invalid("Give the agenda item a title.", code="title_required")
    if len(title) > 200:
        raise Invalid("Keep the agenda item's title to 200 characters or fewer.")
    if phase not in Phase.values:
        raise Invalid("Choose the phase this item belongs to.", code="bad_phase")
    if lead not in Lead.values:
        raise Invalid("Choose who leads this item.", code="bad_lead")
    if not isinstance(minutes, int) or not 1 <= minutes <= MAX_ITEM_MINUTES:
        raise Invalid(
            f"Give the item's length in minutes, from 1 to {MAX_ITEM_MINUTES}.",
            code="bad_minutes",
        )
    return title, phase, lead, minutes


def _item(assist: PeerAssist, item_id: int) -> AgendaItem:
    item = AgendaItem.objects.filter(assist=assist, pk=item_id).first()
    if item is None:
        raise NotFound("No such agenda item in this peer assist.")
    return item


def _renumber(assist: PeerAssist, ordered: list[AgendaItem]) -> None:
    for position, item in enumerate(ordered):
        if item.order != position:
            item.order = position
            item.save(update_fields=["order", "updated_at"])


@transaction.atomic
def agenda_apply_template(*, assist: PeerAssist, template_key: str) -> list[AgendaItem]:
    """Replace the agenda with a template's items (the planner edits them afterwards)."""
    template = TEMPLATES.get(template_key)
    if template is None:
        raise Invalid("Choose one of the agenda templates.", code="bad_template")
    assist.agenda_items.all().delete()
    return AgendaItem.objects.bulk_create(
        AgendaItem(
            assist=assist,
            order=order,
            title=item.title,
            phase=item.phase,
            lead=item.lead,
            minutes=item.minutes,
            guidance=item.guidance,
        )
        for order, item in enumerate(template.items)
    )


@transaction.atomic
def agenda_item_add(
    *, assist: PeerAssist, title: str, phase: str, lead: str, minutes: int, guidance: str = ""
) -> AgendaItem:
    """Add an item at the end of the agenda."""
    title, phase, lead, minutes = _clean_item(title=title, phase=phase, lead=lead, minutes=minutes)
    PeerAssist.objects.select_for_update().filter(pk=assist.pk).first()
    if assist.agenda_items.count() >= MAX_ITEMS:
        raise Invalid(f"An agenda can have at most {MAX_ITEMS} items.", code="too_many_items")
    last = assist.agenda_items.aggregate(m=Max("order"))["m"]
    return AgendaItem.objects.create(
        assist=assist,
        order=0 if last is None else last + 1,
        title=title,
        phase=phase,
        lead=lead,
        minutes=minutes,
        guidance=(guidance or "").strip()[:2000],
    )


@transaction.atomic
def agenda_item_update(
    *,
    assist: PeerAssist,
    item_id: int,
    title: str,
    phase: str,
    lead: str,
    minutes: int,
    guidance: str | None = None,
) -> AgendaItem:
    item = _item(assist, item_id)
    item.title, item.phase, item.lead, item.minutes = _clean_item(
        title=title, phase=phase, lead=lead, minutes=minutes
    )
    if guidance is not None:
        item.guidance = guidance.strip()[:2000]
    item.save()
    return item


@transaction.atomic
def agenda_item_delete(*, assist: PeerAssist, item_id: int) -> None:
    _item(assist, item_id).delete()
    _renumber(assist, list(assist.agenda_items.all()))


@transaction.atomic
def agenda_item_move(*, assist: PeerAssist, item_id: int, direction: str) -> list[AgendaItem]:
    """Move an item one place up or down; at either end nothing changes."""
    if direction not in {"up", "down"}:
        raise Invalid("Move an item up or down.", code="bad_direction")
    PeerAssist.objects.select_for_update().filter(pk=assist.pk).first()
    items = list(assist.agenda_items.all())
    index = next((i for i, item in enumerate(items) if item.pk == item_id), None)
    if index is None:
        raise NotFound("No such agenda item in this peer assist.")
    other = index - 1 if direction == "up" else index + 1
    if 0 <= other < len(items):
        items[index], items[other] = items[other], items[index]
        _renumber(assist, items)
    return items
