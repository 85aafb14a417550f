"""factory_boy factories for the domain, shared by every test module."""

from __future__ import annotations

import uuid
from datetime import timedelta

import factory
from django.utils import timezone

from peerassist.accounts.models import Guest, Membership, Organisation, User
from peerassist.assists.models import Note, Participant, PeerAssist
from peerassist.projects.models import BeforeActionReview, LearningNeed, Project, ProjectMember

PASSWORD = "correct-horse-battery"


class OrganisationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Organisation

    name = factory.Sequence(lambda n: f"Organisation {n}")
    slug = factory.Sequence(lambda n: f"organisation-{n}")


class UserFactory(factory.django.DjangoModelFactory):
    """A user; pass ``organisation=`` (and ``role=``) to make them a member."""

    class Meta:
        model = User
        skip_postgeneration_save = True

    email = factory.Sequence(lambda n: f"person{n}@example.org")
    full_name = factory.Sequence(lambda n: f"Person {n}")
    password = factory.PostGenerationMethodCall("set_password", PASSWORD)

    @factory.post_generation
    def organisation(self, create, extracted, **kwargs):  # type: ignore[no-untyped-def]
        if create and extracted is not None:
            Membership.objects.create(
                user=self, organisation=extracted, role=kwargs.get("role", "member")
            )
        if create:
            self.save()


class ProjectFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Project

    organisation = factory.SubFactory(OrganisationFactory)
    title = factory.Sequence(lambda n: f"Project {n}")
    aim = "Improve care."


class ProjectMemberFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ProjectMember

    project = factory.SubFactory(ProjectFactory)
    user = factory.SubFactory(UserFactory)
    role = ProjectMember.Role.LEAD


class BarFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = BeforeActionReview

    project = factory.SubFactory(ProjectFactory)


class LearningNeedFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = LearningNeed

    bar = factory.SubFactory(BarFactory)
    project = factory.SelfAttribute("bar.project")
    question = factory.Sequence(lambda n: f"How did you solve problem {n}?")
    order = factory.Sequence(lambda n: n)


class PeerAssistFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = PeerAssist

    project = factory.SubFactory(ProjectFactory)
    organisation = factory.SelfAttribute("project.organisation")
    title = factory.Sequence(lambda n: f"Peer assist {n}")
    purpose = "Learn from a team that has done it."
    date = factory.LazyFunction(lambda: timezone.localdate() + timedelta(days=14))


class GuestFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Guest

    organisation = factory.SubFactory(OrganisationFactory)
    name = factory.Sequence(lambda n: f"Visitor {n}")
    email = factory.Sequence(lambda n: f"visitor{n}@elsewhere.example")
    scope_kind = "peer_assist"
    scope_id = 0
    expires_at = factory.LazyFunction(lambda: timezone.now() + timedelta(days=7))


class ParticipantFactory(factory.django.DjangoModelFactory):
    """A participant; give ``user=`` or ``guest=`` (a visitor guest is made by default)."""

    class Meta:
        model = Participant

    assist = factory.SubFactory(PeerAssistFactory)
    role = Participant.Role.VISITOR
    display_name = factory.Sequence(lambda n: f"Participant {n}")
    guest = factory.LazyAttribute(
        lambda o: (
            None
            if o.user is not None
            else GuestFactory(organisation=o.assist.organisation, scope_id=o.assist.pk)
        )
    )
    user = None


class NoteFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Note

    assist = factory.SubFactory(PeerAssistFactory)
    client_id = factory.LazyFunction(uuid.uuid4)
    text = factory.Sequence(lambda n: f"Note number {n}")
    author = factory.SubFactory(ParticipantFactory, assist=factory.SelfAttribute("..assist"))


class LessonFactory(factory.django.DjangoModelFactory):
    """An approved, organisation-wide lesson of a project unless told otherwise."""

    class Meta:
        model = "lessons.Lesson"

    project = factory.SubFactory(ProjectFactory)
    organisation = factory.SelfAttribute("project.organisation")
    title = factory.Sequence(lambda n: f"Lesson {n}")
    lesson = "Book protected time before the pilot starts."
    status = "approved"
    visibility = "organisation"
    published_at = factory.LazyFunction(timezone.now)
