"""The shared nouns every part of the platform hangs its facts on.

Regions (GB/T 2260), enterprises (GB 32100 credit codes) with their licences and certificates,
the product catalogue with its regulatory flags, enterprises' product models, and the testing
and certification bodies. Validation of the codes lives in ``zhiliang.core.identifiers``;
services call it before anything is written.
"""

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class RegionLevel(models.TextChoices):
    NATION = "nation", _("Nation")
    PROVINCE = "province", _("Province")
    CITY = "city", _("City")
    COUNTY = "county", _("County")
    TOWN = "town", _("Town or street")


class Region(models.Model):
    """A GB/T 2260 division; towns carry both the MCA code (``code``) and the NBS code.

    ``path`` lists the codes from the nation down, each followed by "/", so that a jurisdiction's
    subtree is one indexed prefix match and "33/3304/" can never match "33/33041/".
    """

    code = models.CharField(_("code"), max_length=12, unique=True)
    name = models.CharField(_("name"), max_length=50)
    level = models.CharField(_("level"), max_length=10, choices=RegionLevel.choices)
    parent = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="children",
        verbose_name=_("parent"),
    )
    path = models.CharField(max_length=80, unique=True, editable=False)
    kind = models.CharField(_("type"), max_length=10, blank=True)  # 街道, 镇, 县级市 …
    nbs_code = models.CharField(_("NBS statistical code"), max_length=12, blank=True)
    status = models.CharField(_("status"), max_length=40, default="current")
    lng = models.DecimalField(max_digits=9, decimal_places=6, null=True, blank=True)
    lat = models.DecimalField(max_digits=9, decimal_places=6, null=True, blank=True)
    note = models.TextField(_("note"), blank=True)

    class Meta:
        verbose_name = _("region")
        verbose_name_plural = _("regions")
        ordering = ["path"]

    def __str__(self) -> str:
        return f"{self.name} ({self.code})"


class EnterpriseSize(models.TextChoices):
    LARGE = "large", _("Large")
    MEDIUM = "medium", _("Medium")
    SMALL = "small", _("Small")
    MICRO = "micro", _("Micro")


class Enterprise(models.Model):
    """A market entity identified by its Unified Social Credit Code (GB 32100-2015)."""

    credit_code = models.CharField(_("unified social credit code"), max_length=18, unique=True)
    name = models.CharField(_("name"), max_length=200)
    address = models.CharField(_("address"), max_length=300)
    town = models.ForeignKey(
        Region,
        on_delete=models.PROTECT,
        related_name="enterprises",
        verbose_name=_("town or street"),
    )
    size = models.CharField(_("size"), max_length=10, choices=EnterpriseSize.choices)
    is_producer = models.BooleanField(_("producer"), default=False)
    is_seller = models.BooleanField(_("seller"), default=False)
    is_online_shop = models.BooleanField(_("online shop"), default=False)
    is_platform = models.BooleanField(_("e-commerce platform"), default=False)
    legal_representative = models.CharField(_("legal representative"), max_length=50, blank=True)
    established_on = models.DateField(_("established"), null=True, blank=True)
    published = models.BooleanField(
        _("public profile"),
        default=True,
        help_text=_("Registration facts are public (as on the national credit publicity system)."),
    )
    illustrative = models.BooleanField(_("illustrative (demo data)"), default=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("enterprise")
        verbose_name_plural = _("enterprises")
        ordering = ["name", "id"]
        indexes = [models.Index(fields=["name"])]
        constraints = [
            models.CheckConstraint(
                name="enterprise_has_a_role",
                condition=Q(is_producer=True)
                | Q(is_seller=True)
                | Q(is_online_shop=True)
                | Q(is_platform=True),
            ),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def roles(self) -> list[str]:
        flags = (
            ("producer", self.is_producer),
            ("seller", self.is_seller),
            ("online_shop", self.is_online_shop),
            ("platform", self.is_platform),
        )
        return [name for name, on in flags if on]


class CertificateStatus(models.TextChoices):
    """As the national certification query service (cx.cnca.cn) shows them."""

    VALID = "有效", _("Valid")
    SUSPENDED = "暂停", _("Suspended")
    REVOKED = "撤销", _("Revoked")
    CANCELLED = "注销", _("Cancelled")
    EXPIRED = "过期", _("Expired")


class ProductCategory(models.Model):
    """A node of the catalogue tree: categories and sub-categories above the key products."""

    code = models.CharField(_("code"), max_length=20, unique=True)
    name = models.CharField(_("name"), max_length=100)
    name_en = models.CharField(_("English name"), max_length=100, blank=True)
    parent = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="children",
        verbose_name=_("parent"),
    )

    class Meta:
        verbose_name = _("product category")
        verbose_name_plural = _("product categories")
        ordering = ["code"]

    def __str__(self) -> str:
        return self.name


class TracingPhase(models.TextChoices):
    """Phases of the key industrial product traceability catalogue (T1)."""

    FIRST_BATCH_2024 = "2024", _("2024 first batch")
    LICENCE_CCC_2025 = "2025", _("2025 licence and CCC products")
    MANDATORY_2027 = "2027", _("2027 mandatory-standard products")


class Product(models.Model):
    """A key product of the catalogue with the regimes that apply to it."""

    category = models.ForeignKey(
        ProductCategory,
        on_delete=models.PROTECT,
        related_name="products",
        verbose_name=_("category"),
    )
    code = models.CharField(_("code"), max_length=20, unique=True)
    name = models.CharField(_("name"), max_length=100)
    name_en = models.CharField(_("English name"), max_length=100, blank=True)
    requires_production_licence = models.BooleanField(_("production licence"), default=False)
    requires_ccc = models.BooleanField(_("CCC"), default=False)
    has_mandatory_standard = models.BooleanField(_("mandatory national standard"), default=False)
    key_supervision = models.BooleanField(_("key-supervision catalogue"), default=False)
    tracing_phase = models.CharField(
        _("traceability phase"), max_length=4, blank=True, choices=TracingPhase.choices
    )
    in_grading_catalogue = models.BooleanField(_("grading catalogue"), default=False)
    illustrative = models.BooleanField(
        _("illustrative"),
        default=False,
        help_text=_("Invented for the demo or not confirmed by a published source."),
    )
    source = models.CharField(_("source"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("product")
        verbose_name_plural = _("products")
        ordering = ["category__code", "code"]

    def __str__(self) -> str:
        return self.name


class Certificate(models.Model):
    """What a production licence and a CCC certificate share: a number for one product, a
    period, and a status as the issuing authority reports it."""

    product = models.ForeignKey(
        Product,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("product"),
    )
    issued_on = models.DateField(_("issued"))
    valid_until = models.DateField(_("valid until"))
    status = models.CharField(
        _("status"),
        max_length=4,
        choices=CertificateStatus.choices,
        default=CertificateStatus.VALID,
    )

    class Meta:
        abstract = True
        ordering = ["number"]

    def __str__(self) -> str:
        return str(getattr(self, "number", ""))


class ProductionLicence(Certificate):
    """全国工业产品生产许可证."""

    enterprise = models.ForeignKey(
        Enterprise, on_delete=models.CASCADE, related_name="licences", verbose_name=_("enterprise")
    )
    number = models.CharField(_("licence number"), max_length=20, unique=True)

    class Meta(Certificate.Meta):
        verbose_name = _("production licence")
        verbose_name_plural = _("production licences")


class CccCertificate(Certificate):
    """强制性产品认证证书: a 16-digit number; status as the CNCA service reports it."""

    enterprise = models.ForeignKey(
        Enterprise,
        on_delete=models.CASCADE,
        related_name="ccc_certificates",
        verbose_name=_("enterprise"),
    )
    number = models.CharField(_("certificate number"), max_length=16, unique=True)

    class Meta(Certificate.Meta):
        verbose_name = _("CCC certificate")
        verbose_name_plural = _("CCC certificates")


class QualityCertification(models.Model):
    """A quality-management system certificate (GB/T 19001 / ISO 9001 and the like)."""

    enterprise = models.ForeignKey(
        Enterprise,
        on_delete=models.CASCADE,
        related_name="quality_certifications",
        verbose_name=_("enterprise"),
    )
    standard = models.CharField(_("standard"), max_length=60)
    number = models.CharField(_("certificate number"), max_length=60)
    body_name = models.CharField(_("certification body"), max_length=200)
    valid_until = models.DateField(_("valid until"))
    status = models.CharField(
        _("status"),
        max_length=4,
        choices=CertificateStatus.choices,
        default=CertificateStatus.VALID,
    )

    class Meta:
        verbose_name = _("quality-management certification")
        verbose_name_plural = _("quality-management certifications")
        constraints = [
            models.UniqueConstraint(fields=["body_name", "number"], name="qm_cert_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.standard} {self.number}"


class ProductModel(models.Model):
    """An enterprise's product model: what grading records, codes and samples point at."""

    enterprise = models.ForeignKey(
        Enterprise,
        on_delete=models.PROTECT,
        related_name="product_models",
        verbose_name=_("enterprise"),
    )
    product = models.ForeignKey(
        Product, on_delete=models.PROTECT, related_name="models", verbose_name=_("product")
    )
    brand = models.CharField(_("brand"), max_length=100)
    model = models.CharField(_("model"), max_length=100)
    specification = models.CharField(_("specification"), max_length=200, blank=True)
    gtin = models.CharField(_("GTIN"), max_length=14, null=True, blank=True, unique=True)
    published = models.BooleanField(_("public"), default=False)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("product model")
        verbose_name_plural = _("product models")
        ordering = ["enterprise_id", "brand", "model"]
        constraints = [
            models.UniqueConstraint(
                fields=["enterprise", "brand", "model", "specification"],
                name="product_model_unique_per_enterprise",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.brand} {self.model}"


class TestingBody(models.Model):
    """A testing laboratory or certification body with its accreditation and signing key.

    Reports it issues are signed with the Ed25519 key whose public half is registered here; the
    platform verifies every signature against it before accepting a report.
    """

    name = models.CharField(_("name"), max_length=200, unique=True)
    credit_code = models.CharField(_("unified social credit code"), max_length=18, unique=True)
    region = models.ForeignKey(
        Region, on_delete=models.PROTECT, related_name="+", verbose_name=_("region")
    )
    is_lab = models.BooleanField(_("testing laboratory"), default=True)
    is_certification_body = models.BooleanField(_("certification body"), default=False)
    cma_number = models.CharField(_("CMA number"), max_length=20, blank=True)
    cnas_number = models.CharField(_("CNAS number"), max_length=20, blank=True)
    accredited_until = models.DateField(_("accredited until"))
    scope = models.ManyToManyField(
        Product, blank=True, related_name="accredited_bodies", verbose_name=_("accredited scope")
    )
    public_key = models.CharField(_("Ed25519 public key (base64)"), max_length=64, blank=True)
    illustrative = models.BooleanField(_("illustrative (demo data)"), default=False)

    class Meta:
        verbose_name = _("testing or certification body")
        verbose_name_plural = _("testing and certification bodies")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name
