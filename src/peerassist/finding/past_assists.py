"""Past peer assists and notes that share words with a learning need, for the BAR panel.

The keyword half of "has this been solved before?" (``projects/related.py`` holds the
registry; ``finding/related.py`` registers this finder first, then the lesson finder). Lives
in finding because it reads peer assists, which the projects app may not import.
"""

from __future__ import annotations

from django.db.models import Q
from django.urls import reverse

from peerassist.accounts.actors import Actor, actor_organisation_ids
from peerassist.assists.models import Note, PeerAssist
from peerassist.projects.models import LearningNeed
from peerassist.projects.related import RelatedItem, search_terms


def _reason(text: str, terms: list[str]) -> tuple[str, tuple[str, ...]]:
    lower = text.lower()
    hits = tuple(t for t in terms if t in lower)
    return "Mentions " + ", ".join(f"“{t}”" for t in hits), hits


def _excerpt(text: str, limit: int = 200) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def find_in_peer_assists(actor: Actor, need: LearningNeed) -> list[RelatedItem]:
    """Past peer assists and notes of the actor's organisations sharing words with the need."""
    terms = search_terms(need.question + " " + need.detail)
    org_ids = actor_organisation_ids(actor)
    if not terms or not org_ids:
        return []
    assist_match = Q()
    note_match = Q()
    for term in terms:
        assist_match |= Q(title__icontains=term) | Q(purpose__icontains=term)
        note_match |= Q(text__icontains=term)
    items: list[RelatedItem] = []
    assists = (
        PeerAssist.objects.filter(organisation_id__in=org_ids)
        .exclude(project_id=need.project_id)
        .filter(assist_match)
        .only("id", "title", "purpose")[:20]
    )
    for assist in assists:
        reason, hits = _reason(f"{assist.title} {assist.purpose}", terms)
        items.append(
            RelatedItem(
                kind="Peer assist",
                title=assist.title,
                url=reverse("assists:detail", args=[assist.pk]),
                excerpt=_excerpt(assist.purpose),
                reason=reason,
                score=len(hits) + 0.5,
                id=assist.pk,
                matched_terms=hits,
            )
        )
    notes = (
        Note.objects.filter(
            assist__organisation_id__in=org_ids, deleted_at__isnull=True, hidden=False
        )
        .exclude(assist__project_id=need.project_id)
        .filter(note_match)
        .select_related("assist")
        .only("id", "text", "assist__id", "assist__title")[:20]
    )
    for note in notes:
        reason, hits = _reason(note.text, terms)
        items.append(
            RelatedItem(
                kind="Note from a peer assist",
                title=note.assist.title,
                url=reverse("assists:detail", args=[note.assist_id]),
                excerpt=_excerpt(note.text),
                reason=reason,
                score=len(hits),
                id=note.pk,
                matched_terms=hits,
            )
        )
    return items
