"""Codes, the batches they were issued or registered in, and serial counters."""

import hashlib
import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from zhiliang.registry.models import Enterprise, ProductModel


def code_key(scheme: str, value: str) -> uuid.UUID:
    """The primary key of a code: the first 128 bits of SHA-256 over ``scheme:value``.

    Deterministic, so anyone holding a code finds its row without an index on the text, and
    uniform, so hash partitions and shards fill evenly. Two different codes share a key with
    probability about n²/2¹²⁹ — negligible at any real n.
    """
    return uuid.UUID(bytes=hashlib.sha256(f"{scheme}:{value}".encode()).digest()[:16])


def code_key_text(scheme: str, value: str) -> str:
    """``str(code_key(scheme, value))`` without making the UUID (a capture names thousands of
    new codes: the text is what its rows carry)."""
    h = hashlib.sha256(f"{scheme}:{value}".encode()).hexdigest()
    return f"{h[:8]}-{h[8:12]}-{h[12:16]}-{h[16:20]}-{h[20:32]}"


class CodeOrigin(models.TextChoices):
    ISSUED = "issued", _("Issued by the platform")
    REGISTERED = "registered", _("Registered from the producer's own system")
    EXTERNAL = "external", _("First seen in a connected system's events")


class CustodyState(models.TextChoices):
    NEW = "new", _("Not yet commissioned")
    HELD = "held", _("Held")
    IN_TRANSIT = "in_transit", _("In transit")
    SOLD = "sold", _("Sold to a consumer")
    DESTROYED = "destroyed", _("Destroyed")


class CodeBatch(models.Model):
    """One issue or registration request: the unit of print files and of idempotency."""

    enterprise = models.ForeignKey(
        Enterprise, on_delete=models.PROTECT, related_name="code_batches", verbose_name=_("issuer")
    )
    product_model = models.ForeignKey(
        ProductModel,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="code_batches",
        verbose_name=_("product model"),
    )
    scheme = models.CharField(_("code scheme"), max_length=8)
    origin = models.CharField(_("origin"), max_length=10, choices=CodeOrigin.choices)
    lot = models.CharField(_("lot"), max_length=20, blank=True)
    produced_on = models.DateField(_("production date"), null=True, blank=True)
    count = models.PositiveIntegerField(_("codes"), default=0)
    first_serial = models.BigIntegerField(null=True, blank=True)  # issued: the counter range
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    idempotency_key = models.CharField(max_length=200, blank=True)
    request_fingerprint = models.CharField(max_length=64, blank=True)

    class Meta:
        verbose_name = _("code batch")
        verbose_name_plural = _("code batches")
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["created_by", "idempotency_key"],
                condition=~Q(idempotency_key=""),
                name="code_batch_idempotency_key",
            )
        ]

    def __str__(self) -> str:
        return f"{self.scheme} ×{self.count} ({self.created_at:%Y-%m-%d})"


class TraceCode(models.Model):
    """One unit's (or logistic unit's) code with its custody, kept current by every capture.

    ``value`` is canonical: for GS1 the Digital Link path of the most fine-grained key
    (``/01/<gtin14>/21/<serial>``, ``/00/<sscc>``), for the platform's other schemes the code
    itself, for identifiers of connected systems the URI. The row is never deleted (a code is
    never reused); recalls, sales and destruction change its state.

    Captures write codes by the thousand and update their custody, and each such row is written
    into every index of the table, so the indexes are few and small: a foreign key whose column
    leads one of the ``Meta.indexes`` has no index of its own, and the columns that are empty for
    most codes (batch, parent, recall, seller, registering user) are indexed only where they are
    set (partial indexes: every query on them asks for a value, and deleting a batch, recall,
    enterprise or user finds its codes through them).
    """

    id = models.UUIDField(primary_key=True, editable=False)
    scheme = models.CharField(_("code scheme"), max_length=8)
    value = models.CharField(_("code"), max_length=300)
    origin = models.CharField(_("origin"), max_length=10, choices=CodeOrigin.choices)
    batch = models.ForeignKey(
        CodeBatch,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="codes",
        db_index=False,  # code_batch
    )
    issuer = models.ForeignKey(
        Enterprise,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="issued_codes",
        verbose_name=_("issuer"),
    )
    registered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        db_index=False,  # code_registered_by
    )
    product_model = models.ForeignKey(
        ProductModel,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="trace_codes",
        verbose_name=_("product model"),
        db_index=False,  # code_model_lot
    )
    gtin = models.CharField(_("GTIN"), max_length=14, blank=True)
    lot = models.CharField(_("lot"), max_length=20, blank=True)
    is_logistic_unit = models.BooleanField(default=False)
    created_at = models.DateTimeField(auto_now_add=True)
    state = models.CharField(
        _("state"), max_length=10, choices=CustodyState.choices, default=CustodyState.NEW
    )
    holder = models.ForeignKey(
        Enterprise,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="held_codes",
        verbose_name=_("holder"),
        db_index=False,  # code_holder_state
    )
    seller = models.ForeignKey(
        Enterprise,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="sold_codes",
        db_index=False,  # code_seller
    )
    sold_at = models.DateTimeField(null=True, blank=True)
    parent = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="children",
        db_index=False,  # code_parent
    )
    last_event_at = models.DateTimeField(null=True, blank=True)
    recall = models.ForeignKey(
        "tracing.Recall",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="codes",
        db_index=False,  # code_recall
    )

    class Meta:
        verbose_name = _("trace code")
        verbose_name_plural = _("trace codes")
        indexes = [
            models.Index(fields=["product_model", "lot"], name="code_model_lot"),
            models.Index(fields=["gtin", "lot"], name="code_gtin_lot"),
            models.Index(fields=["holder", "state"], name="code_holder_state"),
            *(
                models.Index(
                    fields=[name], name=f"code_{name}", condition=Q(**{f"{name}__isnull": False})
                )
                for name in ("batch", "parent", "recall", "seller", "registered_by")
            ),
        ]

    def __str__(self) -> str:
        return f"{self.scheme}:{self.value}"


class SerialCounter(models.Model):
    """The next serial of a numbering space (a GTIN, an issuer's identity codes, a CCC
    certificate); ranges are reserved under a row lock, so serials are never handed out twice."""

    key = models.CharField(max_length=60, primary_key=True)
    next_serial = models.BigIntegerField(default=1)

    def __str__(self) -> str:
        return f"{self.key} → {self.next_serial}"


class CompanyPrefix(models.Model):
    """A GS1 company prefix an enterprise holds: its GLNs (parties, locations), SSCCs and GTINs."""

    prefix = models.CharField(_("GS1 company prefix"), max_length=12, unique=True)
    enterprise = models.ForeignKey(
        Enterprise,
        on_delete=models.PROTECT,
        related_name="gs1_prefixes",
        verbose_name=_("enterprise"),
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("GS1 company prefix")
        verbose_name_plural = _("GS1 company prefixes")
        ordering = ["prefix"]

    def __str__(self) -> str:
        return self.prefix
