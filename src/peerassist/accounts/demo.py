"""Demo organisations and people: one for every role."""

from __future__ import annotations

from dataclasses import dataclass

from peerassist.accounts.models import Membership, Organisation, OrganisationSso, User

DEMO_PASSWORD = "peer-assist-demo"  # printed by `make run`; demo accounts only

# The trust signs in through the local test provider (`make sso-provider`, docs/deployment.md;
# its clients and people are in tests/oidc_provider/demo.json). While that provider is not
# running, the "Sign in with your organisation" page says it could not be reached.
DEMO_SSO = {
    "enabled": True,
    "provider_name": "Local test provider",
    "issuer": "http://127.0.0.1:8090/o",
    "client_id": "peerassist-demo",
    "client_secret": "demo-secret-for-the-local-test-provider-only",
    "allowed_domains": ["northmoor.example"],
}


@dataclass(frozen=True)
class DemoUser:
    email: str
    full_name: str
    job_title: str
    org_slug: str
    role: str
    what: str


TRUST = (
    "northmoor-community-health",
    "Northmoor Community Health NHS Trust",
    Organisation.Kind.NHS_TRUST,
)
COUNCIL = ("eastbridge-city-council", "Eastbridge City Council", Organisation.Kind.COUNCIL)

DEMO_USERS = [
    DemoUser(
        "facilitator@northmoor.example",
        "Farah Quinn",
        "Knowledge mobilisation facilitator",
        TRUST[0],
        Membership.Role.MEMBER,
        "facilitator of the HAT peer assist",
    ),
    DemoUser(
        "host.lead@northmoor.example",
        "Hannah Lowe",
        "Addiction nurse team lead",
        TRUST[0],
        Membership.Role.MEMBER,
        "host lead, HAT recovery model project",
    ),
    DemoUser(
        "host.member@northmoor.example",
        "Marcus Osei",
        "Community addiction nurse",
        TRUST[0],
        Membership.Role.MEMBER,
        "host team member",
    ),
    DemoUser(
        "note.taker@northmoor.example",
        "Nia Thomas",
        "Team administrator",
        TRUST[0],
        Membership.Role.MEMBER,
        "note taker",
    ),
    DemoUser(
        "knowledge@northmoor.example",
        "Kim Wright",
        "Knowledge and library lead",
        TRUST[0],
        Membership.Role.KNOWLEDGE_MANAGER,
        "knowledge manager (reviews lessons)",
    ),
    DemoUser(
        "admin@northmoor.example",
        "Ade Bello",
        "Digital services manager",
        TRUST[0],
        Membership.Role.ADMIN,
        "organisation administrator",
    ),
    DemoUser(
        "lead@eastbridge.example",
        "Carys Evans",
        "Workforce development lead",
        COUNCIL[0],
        Membership.Role.KNOWLEDGE_MANAGER,
        "council lead, anti-stigma training project (another organisation)",
    ),
]


def load() -> None:
    orgs = {}
    for slug, name, kind in (TRUST, COUNCIL):
        orgs[slug], _ = Organisation.objects.get_or_create(
            slug=slug, defaults={"name": name, "kind": kind}
        )

    for demo in DEMO_USERS:
        user = User.objects.filter(email=demo.email).first()
        if user is None:
            user = User.objects.create_user(
                demo.email, DEMO_PASSWORD, full_name=demo.full_name, job_title=demo.job_title
            )
        Membership.objects.get_or_create(
            user=user, organisation=orgs[demo.org_slug], defaults={"role": demo.role}
        )
    OrganisationSso.objects.get_or_create(organisation=orgs[TRUST[0]], defaults=DEMO_SSO)


def demo_user(email: str) -> User:
    return User.objects.get(email=email)


def demo_org(slug: str) -> Organisation:
    return Organisation.objects.get(slug=slug)
