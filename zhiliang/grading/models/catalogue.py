"""The versioned grading catalogue (G1), grading standards with their rule sets (G2), policies."""

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from zhiliang.core.grading import RuleSet, parse
from zhiliang.core.grading.precedence import StandardSpan
from zhiliang.registry.models import Product


class CatalogueEntry(models.Model):
    """A product's stay in the grading catalogue: from ``effective_from`` to ``until`` (inclusive;
    open while it stays). A product that leaves and re-enters has two entries."""

    product = models.ForeignKey(
        Product,
        on_delete=models.PROTECT,
        related_name="grading_catalogue_entries",
        verbose_name=_("product"),
    )
    batch = models.CharField(_("batch"), max_length=60)
    effective_from = models.DateField(_("in the catalogue from"))
    until = models.DateField(_("in the catalogue until"), null=True, blank=True)
    source = models.CharField(_("source"), max_length=300, blank=True)
    illustrative = models.BooleanField(_("illustrative"), default=False)
    ledger_entry_id = models.BigIntegerField(null=True, blank=True, editable=False)

    class Meta:
        verbose_name = _("grading catalogue entry")
        verbose_name_plural = _("grading catalogue entries")
        ordering = ["effective_from", "product__code"]
        constraints = [
            models.CheckConstraint(
                name="catalogue_entry_ends_after_start",
                condition=Q(until__isnull=True) | Q(until__gte=F("effective_from")),
            ),
            models.UniqueConstraint(
                fields=["product", "effective_from"], name="catalogue_entry_unique_start"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.product} {self.batch}"


class StandardLevel(models.TextChoices):
    """Precedence of grading standards: national > industry > group (G2)."""

    NATIONAL = "national", _("National standard")
    INDUSTRY = "industry", _("Industry standard")
    GROUP = "group", _("Group standard")


class GradingStandard(models.Model):
    """A product grading standard: its public metadata; its rules live in ``RuleSetVersion``."""

    product = models.ForeignKey(
        Product,
        on_delete=models.PROTECT,
        related_name="grading_standards",
        verbose_name=_("product"),
    )
    number = models.CharField(_("standard number"), max_length=80, unique=True)
    title = models.CharField(_("title"), max_length=200)
    level = models.CharField(_("level"), max_length=10, choices=StandardLevel.choices)
    issuer = models.CharField(_("issuer"), max_length=200)
    published_on = models.DateField(_("published"))
    effective_from = models.DateField(_("effective from"))
    until = models.DateField(_("in force until"), null=True, blank=True)
    text_url = models.URLField(_("public text"), max_length=500, blank=True)
    illustrative = models.BooleanField(_("illustrative"), default=False)
    note = models.TextField(_("note"), blank=True)
    ledger_entry_id = models.BigIntegerField(null=True, blank=True, editable=False)

    class Meta:
        verbose_name = _("grading standard")
        verbose_name_plural = _("grading standards")
        ordering = ["product__code", "effective_from"]
        constraints = [
            models.CheckConstraint(
                name="standard_ends_after_start",
                condition=Q(until__isnull=True) | Q(until__gte=F("effective_from")),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.number} {self.title}"

    def span(self) -> StandardSpan:
        return StandardSpan(
            self.pk or 0,
            str(self.product_id),
            self.number,
            self.level,
            self.effective_from,
            self.until,
        )


class RuleSetVersion(models.Model):
    """One version of a standard's rule set document; versions are never edited, only added."""

    standard = models.ForeignKey(
        GradingStandard,
        on_delete=models.PROTECT,
        related_name="rule_versions",
        verbose_name=_("grading standard"),
    )
    version = models.PositiveIntegerField(_("version"))
    document = models.JSONField(_("rule set"))
    sha256 = models.CharField(max_length=64, editable=False)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("created by"),
    )
    ledger_entry_id = models.BigIntegerField(null=True, blank=True, editable=False)

    class Meta:
        verbose_name = _("rule set version")
        verbose_name_plural = _("rule set versions")
        ordering = ["standard_id", "-version"]
        constraints = [
            models.UniqueConstraint(fields=["standard", "version"], name="rule_set_version_once")
        ]

    def __str__(self) -> str:
        return f"{self.standard.number} v{self.version}"

    def rules(self) -> RuleSet:
        return parse(self.document)


class Policy(models.Model):
    """A policy document on the public policies page (G3)."""

    key = models.SlugField(max_length=80, unique=True)
    title = models.CharField(_("title"), max_length=300)
    issuer = models.CharField(_("issuer"), max_length=200)
    published_on = models.DateField(_("published"))
    url = models.URLField(_("link"), max_length=500, blank=True)
    summary = models.TextField(_("summary"), blank=True)
    source = models.CharField(_("source"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("grading policy")
        verbose_name_plural = _("grading policies")
        ordering = ["-published_on"]

    def __str__(self) -> str:
        return self.title
