"""The demo data gains a HAT peer assist in analysis; loading it twice changes nothing."""

from __future__ import annotations

import pytest

from peerassist.analysis.demo import NOTES, TITLE
from peerassist.analysis.models import Action, Determinant, NotePlacement, Theme
from peerassist.assists.models import Note, PeerAssist, Status
from peerassist.demo.loader import demo_load


@pytest.mark.django_db
def test_demo_has_a_peer_assist_in_analysis_and_is_idempotent() -> None:
    demo_load()
    demo_load()
    assist = PeerAssist.objects.get(title=TITLE)
    assert assist.status == Status.ANALYSIS
    assert Note.objects.filter(assist=assist).count() == len(NOTES) >= 25
    assert Theme.objects.filter(assist=assist).count() == 2
    assert NotePlacement.objects.filter(theme__assist=assist).count() == 7
    codes = {
        code
        for determinant in Determinant.objects.filter(assist=assist)
        for code in determinant.constructs.values_list("code", flat=True)
    }
    assert Determinant.objects.filter(assist=assist).count() == 2
    assert {"III.A3", "III.C"} <= codes  # staff capacity and communication barriers
    assert Action.objects.filter(assist=assist).count() == 1
