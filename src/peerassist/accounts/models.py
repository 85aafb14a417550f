"""Organisations, people with accounts, their memberships, and guests without accounts."""

from __future__ import annotations

import secrets
from typing import Any, ClassVar

from django.contrib.auth.base_user import AbstractBaseUser, BaseUserManager
from django.contrib.auth.models import PermissionsMixin
from django.db import models
from django.utils import timezone

from peerassist.core.models import TimeStampedModel
from peerassist.core.sealed import seal, unseal


class Organisation(TimeStampedModel):
    class Kind(models.TextChoices):
        NHS_TRUST = "nhs_trust", "NHS trust"
        COUNCIL = "council", "Council"
        CHARITY = "charity", "Charity"
        PRACTICE = "practice", "GP practice"
        OTHER = "other", "Other"

    name = models.CharField(max_length=200)
    slug = models.SlugField(max_length=80, unique=True)
    kind = models.CharField(max_length=20, choices=Kind.choices, default=Kind.OTHER)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class UserManager(BaseUserManager["User"]):
    use_in_migrations = True

    def create_user(self, email: str, password: str | None = None, **extra: Any) -> User:
        if not email:
            raise ValueError("An e-mail address is required.")
        user = self.model(email=self.normalize_email(email).lower(), **extra)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_superuser(self, email: str, password: str | None = None, **extra: Any) -> User:
        extra.setdefault("is_staff", True)
        extra.setdefault("is_superuser", True)
        return self.create_user(email, password, **extra)


class User(AbstractBaseUser, PermissionsMixin):
    """A person who signs in with their e-mail address."""

    email = models.EmailField(unique=True)
    full_name = models.CharField(max_length=150)
    job_title = models.CharField(max_length=150, blank=True)
    is_active = models.BooleanField(default=True)
    is_staff = models.BooleanField(default=False)
    # Consent to appear in "who has done this before?" for other teams.
    findable = models.BooleanField(default=True)
    date_joined = models.DateTimeField(default=timezone.now)

    objects: ClassVar[UserManager] = UserManager()

    USERNAME_FIELD = "email"
    EMAIL_FIELD = "email"
    REQUIRED_FIELDS: ClassVar[list[str]] = ["full_name"]

    def __str__(self) -> str:
        return self.full_name or self.email

    def get_full_name(self) -> str:
        return self.full_name

    def get_short_name(self) -> str:
        return self.full_name.split(" ")[0] if self.full_name else self.email


class Membership(TimeStampedModel):
    class Role(models.TextChoices):
        MEMBER = "member", "Member"
        KNOWLEDGE_MANAGER = "knowledge_manager", "Knowledge manager"
        ADMIN = "admin", "Administrator"

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="memberships")
    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="memberships"
    )
    role = models.CharField(max_length=20, choices=Role.choices, default=Role.MEMBER)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["user", "organisation"], name="one_membership_per_org")
        ]

    def __str__(self) -> str:
        return f"{self.user} in {self.organisation} ({self.get_role_display()})"


def new_nonce() -> str:
    return secrets.token_urlsafe(16)


class Guest(TimeStampedModel):
    """Somebody admitted to one resource (a peer assist) by a signed link, with no password.

    ``scope_kind``/``scope_id`` name the one resource; the nonce is part of the signed token,
    so rotating it invalidates every link sent before, and ``revoked_at`` shuts the door.
    """

    organisation = models.ForeignKey(
        Organisation,
        on_delete=models.CASCADE,
        related_name="guests",
        help_text="The organisation that invited this guest (owner of the resource).",
    )
    name = models.CharField(max_length=150)
    email = models.EmailField()
    home_organisation = models.CharField(max_length=200, blank=True)
    job_title = models.CharField(max_length=150, blank=True)
    experience = models.TextField(blank=True, max_length=2000)
    scope_kind = models.CharField(max_length=40)
    scope_id = models.PositiveBigIntegerField()
    nonce = models.CharField(max_length=40, default=new_nonce)
    expires_at = models.DateTimeField()
    revoked_at = models.DateTimeField(null=True, blank=True)
    accepted_at = models.DateTimeField(null=True, blank=True)
    consent_given_at = models.DateTimeField(null=True, blank=True)
    findable = models.BooleanField(default=False)
    last_seen_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        indexes = [models.Index(fields=["scope_kind", "scope_id"])]

    def __str__(self) -> str:
        return f"{self.name} (guest)"

    @property
    def is_active(self) -> bool:
        return self.revoked_at is None and self.expires_at > timezone.now()

    # Duck-typing with User where templates and presenters ask.
    is_authenticated = True

    @property
    def full_name(self) -> str:
        return self.name


class ApiToken(models.Model):
    """A personal API token for scripts and reporting tools.

    The secret is shown once, when made; only its SHA-256 is kept (the secret is 32 random
    bytes, so a fast hash is enough: there is nothing to guess). ``prefix`` finds the row
    and is safe to show. A token acts as its user, read-only or read-write, until it expires
    or is revoked.
    """

    class Access(models.TextChoices):
        READ = "read", "Read only"
        READ_WRITE = "read_write", "Read and write"

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="api_tokens")
    name = models.CharField(max_length=100)
    prefix = models.CharField(max_length=12, unique=True)
    key_hash = models.CharField(max_length=64)
    access = models.CharField(max_length=12, choices=Access.choices, default=Access.READ)
    created_at = models.DateTimeField(default=timezone.now)
    expires_at = models.DateTimeField()
    revoked_at = models.DateTimeField(null=True, blank=True)
    last_used_at = models.DateTimeField(null=True, blank=True)
    last_used_ip = models.GenericIPAddressField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…)"

    @property
    def is_active(self) -> bool:
        return self.revoked_at is None and self.expires_at > timezone.now()


class OrganisationSso(TimeStampedModel):
    """An organisation's single sign-on through an OpenID Connect provider (``accounts/sso``).

    People whose verified e-mail domain is in ``allowed_domains`` may sign in at ``issuer``
    and become members. The client secret is kept sealed (core/sealed.py: the provider needs
    it back, so it cannot be hashed) and is never shown again in full: pages show its last
    four characters.
    """

    organisation = models.OneToOneField(Organisation, on_delete=models.CASCADE, related_name="sso")
    enabled = models.BooleanField(default=False)
    provider_name = models.CharField(max_length=80, blank=True)
    issuer = models.URLField(max_length=300)
    client_id = models.CharField(max_length=200)
    client_secret_sealed = models.TextField(blank=True)
    allowed_domains = models.JSONField(default=list, blank=True)

    class Meta:
        verbose_name = "single sign-on configuration"

    def __str__(self) -> str:
        return f"Single sign-on for {self.organisation}"

    @property
    def label(self) -> str:
        """What the sign-in page calls the provider."""
        return self.provider_name or f"{self.organisation}'s sign-in service"

    @property
    def client_secret(self) -> str:
        """The secret as the provider gave it ("" if none, or if it can no longer be opened)."""
        return unseal(self.client_secret_sealed)

    @client_secret.setter
    def client_secret(self, plain: str) -> None:
        self.client_secret_sealed = seal(plain)

    @property
    def secret_hint(self) -> str:
        """The end of the secret, enough to tell two apart; nothing if it is short."""
        secret = self.client_secret
        if len(secret) < 12:
            return "set" if secret else ""
        return f"ending in …{secret[-4:]}"


class SsoIdentity(TimeStampedModel):
    """One account at one provider (issuer + subject), linked to a person here.

    Later sign-ins find the person by this link, so a changed e-mail address at the provider
    still reaches the same account.
    """

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="sso_identities")
    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="sso_identities"
    )
    issuer = models.URLField(max_length=300)
    subject = models.CharField(max_length=255)
    last_used_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["issuer", "subject"], name="one_link_per_sso_subject")
        ]

    def __str__(self) -> str:
        return f"{self.user} at {self.issuer}"
