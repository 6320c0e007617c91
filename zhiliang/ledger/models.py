"""The ledger's tables: a queue of pending entries, and the log stored as C2SP tlog-tiles.

A business transaction writes a ``PendingEntry`` with its fact. The sequencer moves pending
entries into ``Leaf`` rows, writes the hash tiles that change, signs a ``Checkpoint`` and moves
``LedgerState`` forward, all in one transaction, so a crash leaves either the old log or the new
one. Leaves and full tiles never change once written: database triggers (see the migration)
refuse UPDATE and DELETE on them. Partial tiles at the right edge are replaced by wider ones as
the log grows, so they live in their own table, ``EdgeTile``, which has no such guard.

Entry bundles (C2SP tlog-tiles ``tile/entries/…``) are not stored: they are the ``entry``
column of 256 consecutive leaves, so the bytes served are the bytes hashed.
"""

from typing import TYPE_CHECKING, Any, Final

from django.db import models
from django.db.models import F
from django.db.models.functions import Substr
from django.utils.translation import gettext_lazy as _

# Leaf hashes are looked up through an index on (leaf_index >> GENERATION_BITS, the hash's first
# HASH_PREFIX bytes). The generation keeps every insert inside the newest 65,536 leaves' part of
# the index, so a batch dirties a bounded set of index pages however long the log grows (random
# keys over the whole log would dirty pages all over it); a lookup probes each generation.
GENERATION_BITS: Final = 16
HASH_PREFIX: Final = 8


class PendingEntry(models.Model):
    """An entry committed with its fact and not yet in the log; deleted when it is integrated.

    Its id never comes back (AUTOINCREMENT on SQLite, a sequence on PostgreSQL), so a fact may
    keep it as a plain integer and later ask ``selectors.leaf_index_of`` for its leaf index.
    """

    id = models.BigAutoField(primary_key=True)
    kind = models.CharField(_("kind"), max_length=80)
    entry = models.TextField(_("entry"))  # the exact canonical JSON that will be hashed

    class Meta:
        verbose_name = _("pending ledger entry")
        verbose_name_plural = _("pending ledger entries")

    def __str__(self) -> str:
        return f"#{self.pk} {self.kind}"


if TYPE_CHECKING:
    _BigInteger = models.BigIntegerField[int, int]
else:
    _BigInteger = models.BigIntegerField


class LeafIndexField(_BigInteger):
    """A 64-bit integer that is the row's own key: ``integer`` on SQLite, so that the leaf
    index is the table's rowid rather than a second B-tree beside it; ``bigint`` elsewhere."""

    def db_type(self, connection: Any) -> str | None:
        if connection.vendor == "sqlite":
            return "integer"
        return super().db_type(connection)


class Leaf(models.Model):
    """One entry of the log at its leaf index: immutable once written."""

    leaf_index = LeafIndexField(_("leaf index"), primary_key=True)
    entry = models.TextField(_("entry"))  # the exact text whose UTF-8 bytes were hashed
    leaf_hash = models.BinaryField(_("leaf hash"), max_length=32)
    pending_id = models.BigIntegerField(_("pending entry id"), unique=True)
    kind = models.CharField(_("kind"), max_length=80)

    class Meta:
        verbose_name = _("ledger entry")
        verbose_name_plural = _("ledger entries")
        ordering = ["leaf_index"]
        indexes = [
            models.Index(
                F("leaf_index").bitrightshift(GENERATION_BITS),
                Substr("leaf_hash", 1, HASH_PREFIX),
                name="ledger_leaf_hash_lookup",
            )
        ]

    def __str__(self) -> str:
        return f"{self.leaf_index} {self.kind}"


class Tile(models.Model):
    """A full hash tile (256 hashes): immutable once written."""

    level = models.PositiveSmallIntegerField()
    tile_index = models.BigIntegerField()
    hashes = models.BinaryField(max_length=8192)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["level", "tile_index"], name="ledger_tile_position")
        ]

    def __str__(self) -> str:
        return f"tile {self.level}/{self.tile_index}"


class EdgeTile(models.Model):
    """The partial tile at the right edge of one level, replaced whenever that level grows."""

    level = models.PositiveSmallIntegerField(primary_key=True)
    tile_index = models.BigIntegerField()
    hashes = models.BinaryField(max_length=8160)

    def __str__(self) -> str:
        return f"tile {self.level}/{self.tile_index}.p/{len(self.hashes) // 32}"


class Checkpoint(models.Model):
    """A signed checkpoint (C2SP tlog-checkpoint as a signed note), one per integrated batch."""

    size = models.BigIntegerField(_("tree size"), unique=True)
    root = models.BinaryField(_("root hash"), max_length=32)
    note = models.TextField(_("signed note"))
    signed_at = models.DateTimeField(_("signed at"))

    class Meta:
        verbose_name = _("checkpoint")
        verbose_name_plural = _("checkpoints")
        ordering = ["-size"]

    def __str__(self) -> str:
        return f"{self.size} @ {self.signed_at:%Y-%m-%d %H:%M:%S}"


class LedgerState(models.Model):
    """The one row sequencers lock (SELECT … FOR UPDATE) so that only one extends the log."""

    id = models.PositiveSmallIntegerField(primary_key=True, default=1)
    size = models.BigIntegerField(default=0)
    root = models.BinaryField(max_length=32)

    def __str__(self) -> str:
        return f"ledger at size {self.size}"
