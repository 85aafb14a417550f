"""Project services: the rules a page or API client meets when writing."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from django.utils import timezone

from peerassist.accounts.models import User
from peerassist.core.errors import Invalid, NotFound
from peerassist.projects import services
from peerassist.projects.models import BeforeActionReview, Enabler, LearningNeed, Project
from peerassist.projects.suggestions import suggested_enablers
from tests.factories import OrganisationFactory, UserFactory


def test_creating_a_project_makes_the_creator_its_host_lead(member: User) -> None:
    """A team of one is a team: the creator leads the new project."""
    project = services.project_create(actor=member, title="  Peer support  ", aim="Aim")
    assert project.title == "Peer support"
    assert [(m.user, m.role) for m in project.members.all()] == [(member, "lead")]


@pytest.mark.parametrize(
    ("title", "code"), [("", "required"), ("   ", "required"), ("x" * 10_000, "too_long")]
)
def test_bad_titles_are_refused_and_nothing_is_saved(member: User, title: str, code: str) -> None:
    """An empty or 10,000-character title is refused with a reason; no project appears."""
    with pytest.raises(Invalid) as error:
        services.project_create(actor=member, title=title)
    assert error.value.code == code
    assert not Project.objects.exists()


def test_past_key_decision_dates_are_allowed_but_nonsense_dates_are_not(member: User) -> None:
    """A project may be under way (past dates); a date in 1900 or 2999 is a typing slip."""
    past = timezone.localdate() - timedelta(days=10)
    project = services.project_create(actor=member, title="Late", key_decision_date=past)
    assert project.key_decision_date == past
    with pytest.raises(Invalid, match="Start date must be between"):
        services.project_update(actor=member, project=project, start_date=date(1900, 1, 1))


def test_a_person_in_two_organisations_must_choose_one(member: User) -> None:
    """With two memberships the organisation must be named; an unknown one is not found."""
    second = OrganisationFactory()
    member.memberships.create(organisation=second, role="member")
    member._membership_cache = None  # type: ignore[attr-defined]  # forget the cached memberships
    with pytest.raises(Invalid, match="Choose the organisation"):
        services.project_create(actor=member, title="Two homes")
    with pytest.raises(NotFound):
        services.project_create(actor=member, title="Elsewhere", organisation_id=999_999)
    project = services.project_create(actor=member, title="Here", organisation_id=second.pk)
    assert project.organisation == second


def test_host_team_members_come_from_the_organisation(
    project: Project, host: User, member: User, outsider: User
) -> None:
    """Colleagues join; outsiders and unknown ids are refused; adding twice changes the role."""
    added = services.project_member_add(actor=host, project=project, user_id=member.pk)
    assert added.role == "member"
    again = services.project_member_add(actor=host, project=project, user_id=member.pk, role="lead")
    assert again.pk == added.pk and again.role == "lead"
    for bad in (outsider.pk, 999_999, "abc", -1):
        with pytest.raises(Invalid, match="Choose a person from your organisation"):
            services.project_member_add(actor=host, project=project, user_id=bad)
    assert project.members.count() == 2


def test_the_host_team_keeps_one_person_and_one_lead(
    project: Project, host: User, member: User
) -> None:
    """The last person and the last lead cannot be removed; others can."""
    only = project.members.get()
    with pytest.raises(Invalid, match="at least one person"):
        services.project_member_remove(actor=host, project=project, member_id=only.pk)
    colleague = services.project_member_add(actor=host, project=project, user_id=member.pk)
    with pytest.raises(Invalid, match="needs a lead"):
        services.project_member_remove(actor=host, project=project, member_id=only.pk)
    services.project_member_remove(actor=host, project=project, member_id=colleague.pk)
    assert list(project.members.values_list("user", flat=True)) == [host.pk]
    with pytest.raises(NotFound):
        services.project_member_remove(actor=host, project=project, member_id=colleague.pk)


def test_bar_update_saves_only_the_fields_sent(bar: BeforeActionReview, host: User) -> None:
    """A draft save of one answer leaves the other answers as they were."""
    services.bar_update(actor=host, bar=bar, success_factors="Protected time")
    bar.refresh_from_db()
    assert bar.success_factors == "Protected time"
    assert bar.intended_results == "Weekly sessions for every nurse."


def test_a_too_long_answer_changes_nothing(bar: BeforeActionReview, host: User) -> None:
    """One answer over 10,000 characters rejects the whole save."""
    with pytest.raises(Invalid, match="10,000 characters or fewer"):
        services.bar_update(
            actor=host, bar=bar, success_factors="ok", previous_learning="y" * 10_001
        )
    bar.refresh_from_db()
    assert bar.success_factors == ""


def test_learning_needs_are_added_at_the_end_once(bar: BeforeActionReview, host: User) -> None:
    """Needs keep their order; the same question twice is one need."""
    first = services.learning_need_create(actor=host, bar=bar, question="Why?")
    second = services.learning_need_create(actor=host, bar=bar, question="How?", priority="high")
    again = services.learning_need_create(actor=host, bar=bar, question="Why?")
    assert again.pk == first.pk
    assert [n.question for n in bar.learning_needs.all()] == ["Why?", "How?"]
    assert second.priority == "high"
    with pytest.raises(Invalid, match="Priority must be one of"):
        services.learning_need_create(actor=host, bar=bar, question="Q", priority="urgent")


def test_moving_learning_needs_up_and_down(
    bar: BeforeActionReview, needs: list[LearningNeed], host: User
) -> None:
    """Up and down swap neighbours; at either end nothing changes."""
    third = services.learning_need_create(actor=host, bar=bar, question="Third?")

    def order() -> list[int]:
        return list(bar.learning_needs.values_list("pk", flat=True))

    services.learning_need_move(actor=host, need=third, direction="up")
    assert order() == [needs[0].pk, third.pk, needs[1].pk]
    services.learning_need_move(actor=host, need=needs[0], direction="up")
    assert order() == [needs[0].pk, third.pk, needs[1].pk]
    services.learning_need_move(actor=host, need=needs[1], direction="down")
    services.learning_need_move(actor=host, need=needs[0], direction="down")
    assert order() == [third.pk, needs[0].pk, needs[1].pk]
    with pytest.raises(Invalid):
        services.learning_need_move(actor=host, need=third, direction="sideways")


def test_missing_enabler_feeds_challenges_once(
    bar: BeforeActionReview, enabler: Enabler, host: User
) -> None:
    """Adding an enabler to the challenges appends one line, however often it is clicked."""
    services.bar_update(actor=host, bar=bar, anticipated_challenges="Phones ring.")
    services.bar_challenge_add_enabler(actor=host, bar=bar, enabler=enabler)
    services.bar_challenge_add_enabler(actor=host, bar=bar, enabler=enabler)
    bar.refresh_from_db()
    assert bar.anticipated_challenges == (
        "Phones ring.\nMissing enabler (staff capacity): Sessions free from interruptions"
    )


def test_enabler_becomes_a_learning_need_starting_a_bar_if_needed(
    enabler: Enabler, host: User
) -> None:
    """With no BAR yet one is started; the question is high priority and added once."""
    need = services.learning_need_from_enabler(actor=host, enabler=enabler)
    again = services.learning_need_from_enabler(actor=host, enabler=enabler)
    assert need.pk == again.pk
    assert need.priority == "high"
    assert "Sessions free from interruptions" in need.question
    assert enabler.project.bars.count() == 1


def test_suggested_enablers_come_from_both_case_studies(project: Project, host: User) -> None:
    """Suggestions cover the HAT and anti-stigma case studies and arrive as missing."""
    sources = {s.source for s in suggested_enablers()}
    assert sources == {"HAT recovery model case study", "anti-stigma training case study"}
    suggestion = suggested_enablers()[0]
    enabler = services.enabler_add_suggested(actor=host, project=project, key=suggestion.key)
    assert enabler.status == "missing"
    assert enabler.description == suggestion.description
    with pytest.raises(Invalid, match="not on the list"):
        services.enabler_add_suggested(actor=host, project=project, key="no-such-thing")


def test_enabler_owner_must_be_in_the_organisation(
    project: Project, host: User, outsider: User
) -> None:
    """An owner from another organisation or an unknown id is refused; none is fine."""
    for bad in (outsider.pk, 424242, "x"):
        with pytest.raises(Invalid, match="Choose an owner"):
            services.enabler_create(
                actor=host,
                project=project,
                category="resources",
                description="Money",
                owner_id=bad,
            )
    enabler = services.enabler_create(
        actor=host, project=project, category="resources", description="Money"
    )
    assert enabler.owner is None
    updated = services.enabler_update(
        actor=host, enabler=enabler, owner_id=host.pk, status="planned"
    )
    assert (updated.owner, updated.status) == (host, "planned")


def test_nul_characters_are_dropped_not_a_server_error(member: User) -> None:
    """Text with NUL characters (PostgreSQL refuses them) is stored without them."""
    project = services.project_create(actor=member, title="A\x00B")
    assert project.title == "AB"


@pytest.mark.parametrize("value", [123, ["a"], {"a": 1}])
def test_text_fields_must_be_text(member: User, value: object) -> None:
    with pytest.raises(Invalid, match="must be text"):
        services.project_create(actor=member, title=value)  # type: ignore[arg-type]


def test_inactive_colleagues_cannot_join(project: Project, host: User) -> None:
    gone = UserFactory(organisation=project.organisation, is_active=False)
    with pytest.raises(Invalid):
        services.project_member_add(actor=host, project=project, user_id=gone.pk)
