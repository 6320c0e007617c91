"""Users bound to what they act for, and hashed, scoped, expiring API tokens."""

import hashlib
import secrets
from datetime import datetime

from django.contrib.auth.models import AbstractUser
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from zhiliang.accounts.roles import Role

TOKEN_PREFIX = "zl_"  # noqa: S105 (a prefix, not a secret)


class User(AbstractUser):
    """One person or system, with exactly one role and the object that role is bound to.

    The check constraints make an unbound enterprise member or a regulator without a
    jurisdiction impossible, so a selector never has to guess what such a user may see.
    """

    role = models.CharField(_("role"), max_length=32, choices=Role.choices, default=Role.PUBLIC)
    display_name = models.CharField(_("display name"), max_length=100, blank=True)
    enterprise = models.ForeignKey(
        "registry.Enterprise",
        verbose_name=_("enterprise"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="members",
    )
    lab = models.ForeignKey(
        "registry.TestingBody",
        verbose_name=_("testing body"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="staff",
    )
    jurisdiction = models.ForeignKey(
        "registry.Region",
        verbose_name=_("jurisdiction"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")
        constraints = [
            models.CheckConstraint(
                name="user_role_binding",
                condition=(
                    Q(
                        role__in=[Role.ENTERPRISE_MEMBER, Role.PLATFORM_OPERATOR],
                        enterprise__isnull=False,
                        lab__isnull=True,
                        jurisdiction__isnull=True,
                    )
                    | Q(
                        role=Role.LAB_STAFF,
                        lab__isnull=False,
                        enterprise__isnull=True,
                        jurisdiction__isnull=True,
                    )
                    | Q(
                        role__in=[Role.REGULATOR, Role.DEPARTMENT_READER],
                        jurisdiction__isnull=False,
                        enterprise__isnull=True,
                        lab__isnull=True,
                    )
                    | Q(role=Role.CONNECTED_SYSTEM)
                    | Q(
                        role__in=[Role.ADMIN, Role.PUBLIC],
                        enterprise__isnull=True,
                        lab__isnull=True,
                        jurisdiction__isnull=True,
                    )
                ),
            ),
        ]

    def __str__(self) -> str:
        return self.display_name or self.username


def hash_token(raw: str) -> str:
    """Tokens are 256-bit random strings, so a plain SHA-256 is a safe, fast lookup key."""
    return hashlib.sha256(raw.encode("utf-8")).hexdigest()


def new_token_secret() -> str:
    return TOKEN_PREFIX + secrets.token_urlsafe(32)


class ApiToken(models.Model):
    """A bearer token: only its hash is stored; the text is shown once, when it is made."""

    user = models.ForeignKey(
        User, on_delete=models.CASCADE, related_name="api_tokens", verbose_name=_("user")
    )
    name = models.CharField(_("name"), max_length=100)
    key_hash = models.CharField(max_length=64, unique=True, editable=False)
    hint = models.CharField(_("first characters"), max_length=12, editable=False)
    scopes = models.JSONField(_("scopes"), default=list)
    created_at = models.DateTimeField(_("created"), default=timezone.now, editable=False)
    expires_at = models.DateTimeField(_("expires"))
    revoked_at = models.DateTimeField(_("revoked"), null=True, blank=True)
    last_used_at = models.DateTimeField(_("last used"), null=True, blank=True, editable=False)

    class Meta:
        verbose_name = _("API token")
        verbose_name_plural = _("API tokens")

    def __str__(self) -> str:
        return f"{self.name} ({self.hint}…)"

    def is_usable(self, now: datetime) -> bool:
        return self.revoked_at is None and self.expires_at > now
