"""Test reports and certification results, signed by the body that issued them (G4, G6)."""

from decimal import Decimal

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from zhiliang.core.grading.declaration import EvidenceFacts
from zhiliang.registry.models import ProductModel, TestingBody


class EvidenceKind(models.TextChoices):
    TEST_REPORT = "test_report", _("Test report")
    CERTIFICATE = "certificate", _("Certificate")


class Evidence(models.Model):
    """One signed report or certificate; ``payload`` and ``signature`` are kept exactly as the
    body sent them, so anyone can check the signature again against the body's public key."""

    kind = models.CharField(_("kind"), max_length=12, choices=EvidenceKind.choices)
    body = models.ForeignKey(
        TestingBody,
        on_delete=models.PROTECT,
        related_name="grading_evidence",
        verbose_name=_("testing or certification body"),
    )
    number = models.CharField(_("report or certificate number"), max_length=80)
    product_model = models.ForeignKey(
        ProductModel,
        on_delete=models.PROTECT,
        related_name="grading_evidence",
        verbose_name=_("product model"),
    )
    standard_number = models.CharField(_("grading standard"), max_length=80)
    sample_date = models.DateField(_("sample date"), null=True, blank=True)
    issued_on = models.DateField(_("report or issue date"))
    valid_until = models.DateField(_("valid until"), null=True, blank=True)
    measurements = models.JSONField(_("measured values"), default=dict)
    conforms_product_standard = models.BooleanField(_("conforms to product standard"), null=True)
    conforms_mandatory = models.BooleanField(
        _("conforms to mandatory national standards"), null=True
    )
    certified_grade = models.CharField(_("certified grade"), max_length=5, blank=True)
    scope = models.CharField(_("certified scope"), max_length=300, blank=True)
    payload = models.JSONField(_("signed payload"))
    signature = models.CharField(_("signature (base64)"), max_length=100)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    created_at = models.DateTimeField(_("received"), auto_now_add=True)
    revoked_at = models.DateTimeField(_("revoked"), null=True, blank=True)
    revocation_reason = models.CharField(_("reason for revocation"), max_length=300, blank=True)
    ledger_entry_id = models.BigIntegerField(null=True, blank=True, editable=False)
    revocation_entry_id = models.BigIntegerField(null=True, blank=True, editable=False)

    class Meta:
        verbose_name = _("test report or certificate")
        verbose_name_plural = _("test reports and certificates")
        ordering = ["-issued_on", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["body", "kind", "number"], name="evidence_number_unique_per_body"
            ),
        ]
        indexes = [models.Index(fields=["product_model", "issued_on"])]

    def __str__(self) -> str:
        return f"{self.body.name} {self.number}"

    @property
    def revoked(self) -> bool:
        return self.revoked_at is not None

    def measured(self) -> dict[str, Decimal]:
        """Measured values as decimals; pass/fail as 1/0, as the engine reads them."""
        values = {}
        for key, text in self.measurements.items():
            values[key] = (
                Decimal(1) if text == "pass" else Decimal(0) if text == "fail" else Decimal(text)
            )
        return values

    def facts(self, *, signature_valid: bool, body_in_scope: bool) -> EvidenceFacts:
        return EvidenceFacts(
            id=self.pk,
            kind=self.kind,
            product_model_id=self.product_model_id,
            standard=self.standard_number,
            issued_on=self.issued_on,
            signature_valid=signature_valid,
            revoked=self.revoked,
            body_in_scope=body_in_scope,
            body_accredited_until=self.body.accredited_until,
            conforms_product_standard=self.conforms_product_standard,
            conforms_mandatory=self.conforms_mandatory,
            measurements=self.measured(),
            certified_grade=self.certified_grade or None,
            valid_until=self.valid_until,
        )
