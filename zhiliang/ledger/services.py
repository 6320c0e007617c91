"""Every write to the ledger: appending entries with their facts, and sequencing them into the log.

``append`` runs inside the caller's transaction and only queues the entry, so a fact and its
entry commit together or not at all, and a business transaction never waits for the log.
``sequence`` (a ``zhiliang worker`` job) integrates queued entries batch by batch. Each batch is
one transaction that locks the state row, claims (deletes) the pending rows, writes the leaves,
the tiles that changed and a signed checkpoint, and moves the state row forward: a crash at any
point leaves the old log with its pending entries, or the new log without them, so every entry
is integrated exactly once. The state row lock (SELECT … FOR UPDATE on PostgreSQL; BEGIN
IMMEDIATE takes the whole database on SQLite) makes concurrent sequencers take turns, so the
log never forks.
"""

import hashlib
import re
from collections.abc import Iterable, Mapping, Sequence
from datetime import UTC, datetime
from typing import Final, TypeAlias, cast

import rfc8785
from django.db import connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from zhiliang.common.errors import DomainError, Problem
from zhiliang.core.ledger import (
    EMPTY_ROOT,
    MAX_ENTRY_SIZE,
    Checkpoint,
    Integration,
    TileId,
    consistency_proof,
    integrate,
    sign_checkpoint,
    tile_reader,
    verify_consistency,
)
from zhiliang.ledger import keys, store
from zhiliang.ledger.models import Checkpoint as CheckpointRow
from zhiliang.ledger.models import LedgerState, PendingEntry

# Dotted, app first: "grading.record", "checks.result.recorded" (STYLE §10).
KIND: Final = re.compile(r"[a-z][a-z0-9_]*(?:\.[a-z][a-z0-9_]*)+")
KIND_MAX_LENGTH: Final = 80
DEFAULT_BATCH: Final = 4096
# What RFC 8785 canonicalises; anything else in a body is a bug and raises ValueError.
Json: TypeAlias = bool | int | str | float | Sequence["Json"] | Mapping[str, "Json"] | None


class LedgerInconsistent(RuntimeError):
    """The stored tree does not extend the last signed checkpoint: nothing more is signed."""


def _timestamp(at: datetime) -> str:
    """RFC 3339 in UTC with milliseconds and a trailing Z: one spelling for every entry."""
    at = at.astimezone(UTC)
    return f"{at:%Y-%m-%dT%H:%M:%S}.{at.microsecond // 1000:03d}Z"


def entry_text(kind: str, body: Mapping[str, object], at: datetime) -> str:
    """The entry exactly as it is hashed: RFC 8785 canonical JSON of ``{kind, body, time}``.

    Canonical JSON gives one byte sequence per value (sorted keys, fixed number and string
    escapes), so anyone can rebuild an entry from its fields and get the same leaf hash. An
    entry longer than 65,535 bytes is refused: C2SP entry bundles carry a 2-byte length. Large
    evidence belongs outside the ledger, recorded here by its SHA-256.
    """
    if len(kind) > KIND_MAX_LENGTH or not KIND.fullmatch(kind):
        raise ValueError(f"a ledger kind is dotted lowercase, app first: {kind!r}")
    data = rfc8785.dumps(cast(Json, {"kind": kind, "body": dict(body), "time": _timestamp(at)}))
    if len(data) > MAX_ENTRY_SIZE:
        raise DomainError(
            Problem(
                "body",
                "entry_too_large",
                _("A ledger entry holds at most %(limit)d bytes; this one has %(size)d.")
                % {"limit": MAX_ENTRY_SIZE, "size": len(data)},
                {"limit": MAX_ENTRY_SIZE, "size": len(data)},
            )
        )
    return data.decode("utf-8")


def append(kind: str, body: Mapping[str, object]) -> PendingEntry:
    """Queue one public fact for the ledger, in the transaction that records the fact.

    The entry is pending until the sequencer integrates it; keep ``.id`` and ask
    ``selectors.leaf_index_of`` for its leaf index later.
    """
    assert connection.in_atomic_block, "ledger.append belongs inside the transaction of its fact"
    return PendingEntry.objects.create(kind=kind, entry=entry_text(kind, body, timezone.now()))


def append_many(kind: str, bodies: Iterable[Mapping[str, object]]) -> int:
    """Queue many facts of one kind at once (demo data, imports); all or none are queued."""
    assert connection.in_atomic_block, "ledger.append_many belongs inside a transaction"
    now = timezone.now()
    entries = [entry_text(kind, body, now) for body in bodies]  # every refusal before any write
    store.insert_pending(kind, entries)
    return len(entries)


def sequence(max_batch: int = DEFAULT_BATCH) -> int:
    """Integrate every pending entry, ``max_batch`` per transaction; returns how many."""
    total = 0
    while done := _sequence_batch(max_batch):
        total += done
        if done < max_batch:
            break
    return total


def _sequence_batch(max_batch: int) -> int:
    if not PendingEntry.objects.exists():  # a read: idle workers never take the write lock
        return 0
    with transaction.atomic(durable=True):
        size, root = _lock_state()
        claimed = store.claim_pending(max_batch)
        if not claimed:
            return 0  # another sequencer took them while this one waited for the lock
        leaves = [hashlib.sha256(b"\x00" + entry.encode()).digest() for _, _, entry in claimed]
        grown = _extend(size, root, store.read_edge(), leaves)
        store.insert_leaves(size, claimed, leaves)
        store.store_tiles(grown.tiles)
        _store_checkpoint(grown)
    return len(claimed)


def _lock_state() -> tuple[int, bytes]:
    """Lock the state row, creating it if a test database was flushed of it."""
    locked = LedgerState.objects.select_for_update().values_list("size", "root")
    row = locked.filter(pk=1).first()
    if row is None:
        LedgerState.objects.bulk_create(
            [LedgerState(pk=1, size=0, root=EMPTY_ROOT)], ignore_conflicts=True
        )
        row = locked.get(pk=1)
    return row[0], bytes(row[1])


def _extend(
    size: int, root: bytes, edge: Mapping[TileId, bytes], leaves: list[bytes]
) -> Integration:
    """The tree with ``leaves`` appended, refused unless it is consistent with the last signed
    one (RFC 9162 §2.1.4) as proved from the stored tiles: a damaged edge tile or state row
    stops the log here instead of being signed into it."""
    try:
        grown = integrate(size, edge, leaves)
        if size == 0:
            return grown
        known = {**edge, **grown.tiles}

        def read(wanted: set[TileId]) -> dict[TileId, bytes]:
            found = {tile: data for tile in wanted if (data := _covering(tile, known))}
            return found | store.read_tiles(wanted - found.keys())

        proof = consistency_proof(size, grown.size, tile_reader(grown.size, read))
        verify_consistency(size, grown.size, root, grown.root, proof)
    except ValueError as exc:  # TileError, ProofError
        raise LedgerInconsistent(
            f"the stored tree at size {size} cannot be extended and signed: {exc}"
        ) from exc
    return grown


def _covering(tile: TileId, known: Mapping[TileId, bytes]) -> bytes | None:
    for have, data in known.items():
        if (have.level, have.index) == (tile.level, tile.index) and have.width >= tile.width:
            return data
    return None


def _store_checkpoint(grown: Integration) -> None:
    note = sign_checkpoint(Checkpoint(keys.origin(), grown.size, grown.root), [keys.log_signer()])
    CheckpointRow.objects.create(
        size=grown.size, root=grown.root, note=note, signed_at=timezone.now()
    )
    LedgerState.objects.filter(pk=1).update(size=grown.size, root=grown.root)
