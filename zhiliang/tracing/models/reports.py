"""Scans of codes (with time and approximate region) and producers' production reports."""

from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from zhiliang.registry.models import Enterprise, ProductModel, Region
from zhiliang.tracing.models.codes import TraceCode


class ScanVerdict(models.TextChoices):
    OK = "ok", _("Genuine record")
    UNKNOWN = "unknown", _("Unknown code")
    SOLD = "sold", _("Already sold to a consumer")
    POSSIBLE_CLONE = "possible_clone", _("Possible clone")
    RECALLED = "recalled", _("Under recall")


class Scan(models.Model):
    """One look-up of a known code: when, roughly where (city level), by whom."""

    id = models.BigAutoField(primary_key=True)
    code = models.ForeignKey(TraceCode, on_delete=models.PROTECT, related_name="scans")
    at = models.DateTimeField(default=timezone.now)
    region = models.ForeignKey(
        Region, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    lat = models.DecimalField(max_digits=6, decimal_places=2, null=True, blank=True)
    lng = models.DecimalField(max_digits=6, decimal_places=2, null=True, blank=True)
    by_consumer = models.BooleanField(default=True)
    enterprise = models.ForeignKey(
        Enterprise, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    verdict = models.CharField(max_length=16, choices=ScanVerdict.choices)

    class Meta:
        indexes = [
            models.Index(fields=["code", "at"], name="scan_code_time"),
            # the clone check reads a code's recent scans with a position, and only those
            models.Index(
                fields=["code", "at"], name="scan_positioned", condition=Q(lat__isnull=False)
            ),
        ]

    def __str__(self) -> str:
        return f"{self.code_id} {self.at:%Y-%m-%d %H:%M} {self.verdict}"


class ProductionReport(models.Model):
    """Units a producer made of one model in one month (T4): what compliance compares codes and
    flows with."""

    enterprise = models.ForeignKey(
        Enterprise, on_delete=models.PROTECT, related_name="production_reports"
    )
    product_model = models.ForeignKey(
        ProductModel, on_delete=models.PROTECT, related_name="production_reports"
    )
    month = models.DateField(_("month"))  # the first day of the month
    units_made = models.PositiveIntegerField(_("units made"))
    reported_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("production report")
        verbose_name_plural = _("production reports")
        ordering = ["-month"]
        constraints = [
            models.UniqueConstraint(fields=["product_model", "month"], name="one_report_per_month")
        ]

    def __str__(self) -> str:
        return f"{self.product_model_id} {self.month:%Y-%m}: {self.units_made}"
