"""Supervision of grading labels (G6): inspections, findings with photos, cases, exposures."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from zhiliang.grading.models.records import Declaration
from zhiliang.registry.models import Enterprise, Region


class PlaceKind(models.TextChoices):
    SHOP = "shop", _("Shop")
    ONLINE = "online", _("Online listing")


class LabelCheckResult(models.TextChoices):
    """What the platform found when the inspector scanned the label's QR code."""

    NOT_SCANNED = "not_scanned", _("Not scanned")
    SIGNATURE_VALID = "signature_valid", _("Signature valid")
    SIGNATURE_INVALID = "signature_invalid", _("Signature does not verify")
    MALFORMED = "malformed", _("Not a grading label URL")
    NO_RECORD = "no_record", _("No such grading record")


class ViolationKind(models.TextChoices):
    FALSE_REPORT = "false_report", _("False test or certification report")
    GRADE_ABOVE_EARNED = "grade_above_earned", _("Higher grade shown than earned (低级高标)")
    FORGED_LABEL = "forged_label", _("Forged label")
    MISUSED_LABEL = "misused_label", _("Misused label")


class Inspection(models.Model):
    """A regulator's check of label use in a shop or an online listing."""

    region = models.ForeignKey(
        Region, on_delete=models.PROTECT, related_name="+", verbose_name=_("jurisdiction")
    )
    declaration = models.ForeignKey(
        Declaration,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="inspections",
        verbose_name=_("grading record"),
    )
    seller = models.ForeignKey(
        Enterprise,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("seller"),
    )
    place_kind = models.CharField(_("place"), max_length=10, choices=PlaceKind.choices)
    place = models.CharField(_("shop address or listing URL"), max_length=500)
    shown_grade = models.CharField(_("grade shown"), max_length=5, blank=True)
    scanned_url = models.CharField(_("scanned QR URL"), max_length=600, blank=True)
    label_check = models.CharField(
        _("label check"),
        max_length=20,
        choices=LabelCheckResult.choices,
        default=LabelCheckResult.NOT_SCANNED,
    )
    opened_at = models.DateTimeField(_("opened"), auto_now_add=True)
    opened_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )

    class Meta:
        verbose_name = _("label inspection")
        verbose_name_plural = _("label inspections")
        ordering = ["-opened_at", "-id"]

    def __str__(self) -> str:
        return f"{self.get_place_kind_display()} {self.place[:40]}"


class Finding(models.Model):
    inspection = models.ForeignKey(Inspection, on_delete=models.PROTECT, related_name="findings")
    note = models.TextField(_("finding"))
    recorded_at = models.DateTimeField(_("recorded"), auto_now_add=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    ledger_entry_id = models.BigIntegerField(null=True, blank=True, editable=False)

    class Meta:
        verbose_name = _("finding")
        verbose_name_plural = _("findings")
        ordering = ["recorded_at", "id"]

    def __str__(self) -> str:
        return self.note[:40]


class Photo(models.Model):
    """A photo of a finding, stored under its SHA-256 (the hash goes into the ledger, so the
    picture shown later is provably the one taken)."""

    finding = models.ForeignKey(Finding, on_delete=models.PROTECT, related_name="photos")
    sha256 = models.CharField(max_length=64)
    content_type = models.CharField(max_length=40)
    size = models.PositiveIntegerField()
    file = models.FileField(upload_to="grading/photos/")

    class Meta:
        verbose_name = _("photo")
        verbose_name_plural = _("photos")
        ordering = ["id"]

    def __str__(self) -> str:
        return self.sha256


class CaseStatus(models.TextChoices):
    OPEN = "open", _("Under investigation")
    CONFIRMED = "confirmed", _("Violation confirmed")
    DISMISSED = "dismissed", _("Dismissed")


class CaseSource(models.TextChoices):
    INSPECTION = "inspection", _("Label inspection")
    SPOT_CHECK = "spot_check", _("Spot check")


class Case(models.Model):
    """A suspected violation under investigation; confirmed, it ends the grading (G6)."""

    kind = models.CharField(_("violation"), max_length=20, choices=ViolationKind.choices)
    status = models.CharField(
        _("status"), max_length=10, choices=CaseStatus.choices, default=CaseStatus.OPEN
    )
    source = models.CharField(_("source"), max_length=12, choices=CaseSource.choices)
    region = models.ForeignKey(
        Region, on_delete=models.PROTECT, related_name="+", verbose_name=_("jurisdiction")
    )
    declaration = models.ForeignKey(
        Declaration,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="cases",
        verbose_name=_("grading record"),
    )
    inspection = models.ForeignKey(
        Inspection, on_delete=models.PROTECT, null=True, blank=True, related_name="cases"
    )
    enterprise = models.ForeignKey(
        Enterprise,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="grading_cases",
        verbose_name=_("enterprise"),
    )
    detail = models.JSONField(_("detail"), default=dict, blank=True)
    opened_at = models.DateTimeField(_("opened"), auto_now_add=True)
    opened_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    decided_at = models.DateTimeField(_("decided"), null=True, blank=True)
    decision_note = models.TextField(_("decision"), blank=True)

    class Meta:
        verbose_name = _("grading case")
        verbose_name_plural = _("grading cases")
        ordering = ["-opened_at", "-id"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} ({self.get_status_display()})"


class Exposure(models.Model):
    """A confirmed violation on the public exposure list (曝光)."""

    case = models.OneToOneField(Case, on_delete=models.PROTECT, related_name="exposure")
    enterprise = models.ForeignKey(
        Enterprise,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="grading_exposures",
    )
    kind = models.CharField(_("violation"), max_length=20, choices=ViolationKind.choices)
    published_at = models.DateTimeField(_("published"), auto_now_add=True)
    summary = models.CharField(_("summary"), max_length=300)
    ledger_entry_id = models.BigIntegerField(null=True, blank=True, editable=False)

    class Meta:
        verbose_name = _("exposure")
        verbose_name_plural = _("exposure list")
        ordering = ["-published_at", "-id"]

    def __str__(self) -> str:
        return self.summary
