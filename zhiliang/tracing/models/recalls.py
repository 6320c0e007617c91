"""Recalls (T8): the problem, its scope of units, and the notices to every holder."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from zhiliang.registry.models import Enterprise, ProductModel, Region


class RecallStatus(models.TextChoices):
    OPEN = "open", _("Open")
    CLOSED = "closed", _("Closed")


class Recall(models.Model):
    product_model = models.ForeignKey(
        ProductModel, on_delete=models.PROTECT, related_name="recalls", verbose_name=_("model")
    )
    lot_from = models.CharField(_("first lot"), max_length=20, blank=True)
    lot_to = models.CharField(_("last lot"), max_length=20, blank=True)
    reason = models.TextField(_("reason"))
    opened_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    jurisdiction = models.ForeignKey(Region, on_delete=models.PROTECT, related_name="+")
    opened_at = models.DateTimeField(_("opened"), auto_now_add=True)
    status = models.CharField(
        _("status"), max_length=8, choices=RecallStatus.choices, default=RecallStatus.OPEN
    )
    units = models.PositiveIntegerField(_("units"), default=0)
    sold_to_consumers = models.PositiveIntegerField(_("sold to consumers"), default=0)
    notified_at = models.DateTimeField(_("holders notified"), null=True, blank=True)
    ledger_entry = models.BigIntegerField(null=True, blank=True)

    class Meta:
        verbose_name = _("recall")
        verbose_name_plural = _("recalls")
        ordering = ["-opened_at"]

    def __str__(self) -> str:
        return f"{self.product_model} {self.lot_from}–{self.lot_to}"


class RecallNotice(models.Model):
    """The in-app notice to one holder (its outbox message goes out with it)."""

    recall = models.ForeignKey(Recall, on_delete=models.PROTECT, related_name="notices")
    enterprise = models.ForeignKey(
        Enterprise, on_delete=models.PROTECT, related_name="recall_notices"
    )
    units = models.PositiveIntegerField(default=0)
    sold = models.PositiveIntegerField(default=0)
    created_at = models.DateTimeField(auto_now_add=True)
    read_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("recall notice")
        verbose_name_plural = _("recall notices")
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(fields=["recall", "enterprise"], name="one_notice_per_holder")
        ]

    def __str__(self) -> str:
        return f"{self.recall_id} → {self.enterprise_id}"
