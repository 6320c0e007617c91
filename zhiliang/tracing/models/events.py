"""EPCIS events as captured, the codes each names, and capture jobs."""

import uuid

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from zhiliang.registry.models import Enterprise
from zhiliang.tracing.models.codes import TraceCode


class CaptureJob(models.Model):
    """One ``POST /epcis/capture`` (or ``/epcis/events``, or a form or Excel upload): the unit of
    the ledger entry that proves its events (one entry per job, carrying each event's hash)."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    enterprise = models.ForeignKey(
        Enterprise, on_delete=models.PROTECT, null=True, blank=True, related_name="capture_jobs"
    )
    channel = models.CharField(max_length=10, default="epcis")  # epcis, form, excel, demo
    created_at = models.DateTimeField(default=timezone.now)
    finished_at = models.DateTimeField(null=True, blank=True)
    running = models.BooleanField(default=True)
    success = models.BooleanField(default=True)
    error_behaviour = models.CharField(max_length=10, default="rollback")
    errors = models.JSONField(default=list, blank=True)
    event_count = models.PositiveIntegerField(default=0)
    captured = models.PositiveIntegerField(default=0)
    duplicates = models.PositiveIntegerField(default=0)
    document_sha256 = models.CharField(max_length=64, blank=True)
    ledger_entry = models.BigIntegerField(null=True, blank=True)  # pending ledger entry id
    events_root = models.CharField(max_length=64, blank=True)  # Merkle root of the event hashes

    class Meta:
        verbose_name = _("capture job")
        verbose_name_plural = _("capture jobs")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"capture {self.pk}"


class TraceEvent(models.Model):
    """An EPCIS event. ``event_id`` is its eventID, or its CBV 2.0 hash when it came without
    one (EPCIS 2.0: the server fills missing eventIDs), so capture is idempotent on either.

    Every index is paid for by every capture, so the table carries only those a query uses:
    ``event_id`` is unique through a constraint (equality only: no pattern index beside it),
    ``event_hash`` is read with its event and never searched, ``biz_location`` is compared
    whole (EQ_bizLocation)."""

    id = models.BigAutoField(primary_key=True)
    event_id = models.CharField(max_length=300)  # unique: event_id_unique
    event_hash = models.CharField(max_length=64)  # hex SHA-256 of the pre-hash
    event_type = models.CharField(max_length=40)
    action = models.CharField(max_length=8, blank=True)
    biz_step = models.CharField(max_length=200, blank=True)
    disposition = models.CharField(max_length=200, blank=True)
    event_time = models.DateTimeField(db_index=True)
    time_zone_offset = models.CharField(max_length=6)
    record_time = models.DateTimeField(default=timezone.now, db_index=True)
    read_point = models.CharField(max_length=300, blank=True)
    biz_location = models.CharField(max_length=300, blank=True)
    capture = models.ForeignKey(CaptureJob, on_delete=models.PROTECT, related_name="events")
    position = models.PositiveIntegerField(default=0)  # index in the job's ledger tree
    reporter = models.ForeignKey(
        Enterprise, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    source = models.ForeignKey(
        Enterprise, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    destination = models.ForeignKey(
        Enterprise, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    epc_classes = models.TextField(blank=True)  # canonical epcClass URIs, one per line
    body = models.JSONField()  # the event as received (eventID filled in when it had none)

    class Meta:
        verbose_name = _("trace event")
        verbose_name_plural = _("trace events")
        indexes = [
            models.Index(fields=["biz_step", "event_time"], name="event_step_time"),
            models.Index(fields=["biz_location"], name="event_biz_location"),
        ]
        constraints = [models.UniqueConstraint(fields=["event_id"], name="event_id_unique")]

    def __str__(self) -> str:
        return f"{self.event_type} {self.biz_step} {self.event_time:%Y-%m-%d %H:%M}"


class EventRole(models.IntegerChoices):
    EPC = 1, "epcList"
    CHILD = 2, "childEPCs"
    PARENT = 3, "parentID"
    INPUT = 4, "inputEPCList"
    OUTPUT = 5, "outputEPCList"
    CLASS = 6, "epcClass"
    CARRIED = 7, "carried"  # in a logistic unit the event named: the unit's own history


class EventCode(models.Model):
    """Which codes an event names, and how: the index behind MATCH_epc and a code's history.

    Keyed by (code, event, role), code first, so a code's events are one range scan and the table
    partitions by the code's hash like the codes themselves. ``urn_form`` records that the event
    wrote the code as an EPC URN (EPC patterns match only those).

    The two foreign keys are not enforced by the database: links, events and codes are written
    together by capture alone, in one transaction, and a table distributed by code hash cannot
    check a key that lives on another shard; per link, the checks would also cost more than the
    link itself. Neither key has an index of its own: the primary key begins with the code, and
    ``event_code_event`` serves the event's links."""

    pk = models.CompositePrimaryKey("code", "event", "role")
    code = models.ForeignKey(
        TraceCode,
        on_delete=models.PROTECT,
        related_name="event_links",
        db_constraint=False,
        db_index=False,
    )
    event = models.ForeignKey(
        TraceEvent,
        on_delete=models.PROTECT,
        related_name="code_links",
        db_constraint=False,
        db_index=False,
    )
    role = models.PositiveSmallIntegerField(choices=EventRole.choices)
    urn_form = models.BooleanField(default=False)

    class Meta:
        indexes = [models.Index(fields=["event"], name="event_code_event")]

    def __str__(self) -> str:
        return f"{self.event_id} {self.get_role_display()} {self.code_id}"
