"""Tables shared by every app: domain audit events, idempotency records and the outbox.

Row-level before/after history comes from django-auditlog (registered in each app's ready());
``AuditEvent`` adds what a row diff cannot show: who tried what, and why it was refused.
"""

import uuid

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class AuditEvent(models.Model):
    """One action by one actor: accepted or refused, with its problems."""

    at = models.DateTimeField(_("at"), default=timezone.now, db_index=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("user"),
    )
    role = models.CharField(_("role"), max_length=32)
    token_id = models.BigIntegerField(_("API token"), null=True, blank=True)
    action = models.CharField(_("action"), max_length=80, db_index=True)
    outcome = models.CharField(_("outcome"), max_length=10)  # "accepted" | "refused"
    object_type = models.CharField(_("object type"), max_length=60, blank=True)
    object_id = models.CharField(_("object id"), max_length=60, blank=True)
    detail = models.JSONField(_("detail"), default=dict, blank=True)

    class Meta:
        verbose_name = _("audit event")
        verbose_name_plural = _("audit events")
        ordering = ["-at", "-id"]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.action} {self.outcome}"


class IdempotencyRecord(models.Model):
    """The first answer to a request carrying an Idempotency-Key, so a retry gets the same one.

    Keys are per user: two clients may happen to choose the same key. The fingerprint of the
    request is kept so that the same key with a different body is refused (409), not replayed.
    """

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    key = models.CharField(max_length=200)
    action = models.CharField(max_length=80)
    fingerprint = models.CharField(max_length=64)
    object_type = models.CharField(max_length=60)
    object_id = models.CharField(max_length=60)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["user", "key"], name="idempotency_key_per_user"),
        ]

    def __str__(self) -> str:
        return f"{self.action} {self.key}"


class OutboxEndpoint(models.Model):
    """A receiving system: the national credit publicity system, a platform's webhook …"""

    name = models.SlugField(_("name"), max_length=60, unique=True)
    url = models.URLField(_("URL"), max_length=500)
    secret = models.CharField(_("HMAC secret"), max_length=200)
    active = models.BooleanField(_("active"), default=True)
    description = models.CharField(_("description"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("outbox endpoint")
        verbose_name_plural = _("outbox endpoints")

    def __str__(self) -> str:
        return self.name


class OutboxStatus(models.TextChoices):
    PENDING = "pending", _("Pending")
    DELIVERED = "delivered", _("Delivered")
    DEAD = "dead", _("Dead letter")


class OutboxMessage(models.Model):
    """A message written in the same transaction as the fact that caused it.

    The worker claims due messages (SKIP LOCKED on PostgreSQL), takes a lease by moving
    ``next_attempt_at`` forward, and sends outside any transaction. A worker that dies mid-send
    leaves the lease to expire and the message is sent again with the same Idempotency-Key, so
    the receiver sees it once in effect.
    """

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    endpoint = models.ForeignKey(
        OutboxEndpoint,
        on_delete=models.PROTECT,
        related_name="messages",
        verbose_name=_("endpoint"),
    )
    topic = models.CharField(_("topic"), max_length=80)
    payload = models.JSONField(_("payload"))
    status = models.CharField(
        _("status"), max_length=10, choices=OutboxStatus.choices, default=OutboxStatus.PENDING
    )
    attempts = models.PositiveIntegerField(_("attempts"), default=0)
    created_at = models.DateTimeField(_("created"), default=timezone.now)
    next_attempt_at = models.DateTimeField(_("next attempt"), default=timezone.now)
    delivered_at = models.DateTimeField(_("delivered"), null=True, blank=True)
    last_error = models.TextField(_("last error"), blank=True)

    class Meta:
        verbose_name = _("outbox message")
        verbose_name_plural = _("outbox messages")
        ordering = ["created_at"]
        indexes = [models.Index(fields=["status", "next_attempt_at"])]

    def __str__(self) -> str:
        return f"{self.topic} → {self.endpoint_id} ({self.status})"
