"""Grading records: a producer's published declaration of a model's grade (G4, G5)."""

from datetime import date

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from zhiliang.grading.models.catalogue import GradingStandard, RuleSetVersion
from zhiliang.grading.models.evidence import Evidence
from zhiliang.registry.models import Enterprise, ProductModel


class RecordStatus(models.TextChoices):
    """What is stored; "expired" is derived from ``valid_until`` and today (see ``status_on``)."""

    VALID = "valid", _("Valid")
    SUSPENDED = "suspended", _("Suspended")
    REVOKED = "revoked", _("Revoked")
    UNDER_INVESTIGATION = "under_investigation", _("Under investigation")
    RENEWED = "renewed", _("Replaced by a renewal")


EXPIRED = "expired"
PUBLIC_STATUSES = (*RecordStatus.values, EXPIRED)


class Declaration(models.Model):
    """A grading record. ``grade`` is what the producer declared (never above ``earned_grade``,
    the grade the rules computed from the evidence); it holds until ``valid_until``."""

    product_model = models.ForeignKey(
        ProductModel,
        on_delete=models.PROTECT,
        related_name="grading_records",
        verbose_name=_("product model"),
    )
    enterprise = models.ForeignKey(
        Enterprise,
        on_delete=models.PROTECT,
        related_name="grading_records",
        verbose_name=_("enterprise"),
    )
    standard = models.ForeignKey(
        GradingStandard,
        on_delete=models.PROTECT,
        related_name="records",
        verbose_name=_("grading standard"),
    )
    rule_version = models.ForeignKey(
        RuleSetVersion, on_delete=models.PROTECT, related_name="+", verbose_name=_("rule set")
    )
    grade = models.CharField(_("grade"), max_length=5)
    earned_grade = models.CharField(_("computed grade"), max_length=5)
    valid_until = models.DateField(_("valid until"))
    status = models.CharField(
        _("status"), max_length=20, choices=RecordStatus.choices, default=RecordStatus.VALID
    )
    evidence = models.ManyToManyField(Evidence, related_name="records", verbose_name=_("evidence"))
    renews = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="renewals",
        verbose_name=_("renews"),
    )
    declared_at = models.DateTimeField(_("declared"), auto_now_add=True)
    declared_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    label_signature = models.CharField(max_length=100, editable=False)
    ledger_entry_id = models.BigIntegerField(null=True, blank=True, editable=False)
    reminded_at = models.DateTimeField(_("expiry reminder sent"), null=True, blank=True)
    status_reason = models.CharField(_("reason for the status"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("grading record")
        verbose_name_plural = _("grading records")
        ordering = ["-declared_at", "-id"]
        indexes = [
            models.Index(fields=["status", "valid_until"]),
            models.Index(fields=["grade"]),
        ]

    def __str__(self) -> str:
        return f"{self.product_model} {self.grade}"

    def status_on(self, today: date) -> str:
        if self.status == RecordStatus.VALID and self.valid_until < today:
            return EXPIRED
        return str(self.status)

    def record_path(self) -> str:
        return reverse("grading:record", args=[self.pk])


class Notice(models.Model):
    """An in-app message to an enterprise (the expiry reminder, a suspension …)."""

    enterprise = models.ForeignKey(
        Enterprise, on_delete=models.CASCADE, related_name="grading_notices"
    )
    declaration = models.ForeignKey(
        Declaration, on_delete=models.CASCADE, null=True, blank=True, related_name="notices"
    )
    kind = models.CharField(_("kind"), max_length=40)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    read_at = models.DateTimeField(_("read"), null=True, blank=True)

    class Meta:
        verbose_name = _("grading notice")
        verbose_name_plural = _("grading notices")
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"{self.kind} → {self.enterprise_id}"
