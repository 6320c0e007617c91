"""Every read of the ledger. The ledger is public: nothing here depends on who asks.

Proofs are answered from the stored tiles in one query each (at most one tile per level, so
three tiles for a log of up to 16 million entries): the core says which tiles a proof needs,
``store.read_tiles`` reads them. A tree size given by a client may be any size up to the latest
signed one, so that a client holding an older checkpoint still gets proofs against it.
"""

import json
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import Final

from django.db.models import QuerySet
from django.utils.translation import gettext as _

from zhiliang.common.errors import DomainError, NotFound, Problem
from zhiliang.core.ledger import (
    EMPTY_ROOT,
    HASH_SIZE,
    TILE_HEIGHT,
    TILE_WIDTH,
    BundleId,
    Checkpoint,
    Node,
    TileId,
    encode_bundle,
    hashes_from_tiles,
    inclusion_nodes,
    proofs,
    sign_checkpoint,
    tile_reader,
    tiles_for_nodes,
)
from zhiliang.ledger import keys, store
from zhiliang.ledger.models import Checkpoint as CheckpointRow
from zhiliang.ledger.models import Leaf

PAGE_LIMIT: Final = 1000  # entries per page of /api/ledger/entries
PAGE_BYTES: Final = 1 << 20  # and characters of entries per page, at least one entry
PAGE_CHUNK: Final = 100  # leaves read per query while filling a page


@dataclass(frozen=True, slots=True)
class SignedCheckpoint:
    origin: str
    size: int
    root: bytes
    note: str  # the whole signed note, as served at /ledger/checkpoint
    signed_at: datetime | None  # None for the empty log's checkpoint, signed when asked for


@dataclass(frozen=True, slots=True)
class LeafEntry:
    leaf_index: int
    entry: str  # the exact text whose UTF-8 bytes were hashed
    leaf_hash: bytes


@dataclass(frozen=True, slots=True)
class RecentEntry:
    leaf_index: int
    kind: str
    time: str
    entry: str


@dataclass(frozen=True, slots=True)
class InclusionProof:
    leaf_index: int
    tree_size: int
    leaf_hash: bytes
    audit_path: list[bytes]


@dataclass(frozen=True, slots=True)
class ConsistencyProof:
    first: int
    second: int
    proof: list[bytes]


def latest_checkpoint() -> SignedCheckpoint:
    """The newest signed checkpoint; before the first entry, the empty log's, signed now
    (Ed25519 is deterministic, so it is the same note every time)."""
    row = CheckpointRow.objects.values_list("size", "root", "note", "signed_at").first()
    if row is None:
        origin = keys.origin()
        note = sign_checkpoint(Checkpoint(origin, 0, EMPTY_ROOT), [keys.log_signer()])
        return SignedCheckpoint(origin, 0, EMPTY_ROOT, note, None)
    size, root, note, signed_at = row
    return SignedCheckpoint(note.split("\n", 1)[0], size, bytes(root), note, signed_at)


def tree_size() -> int:
    """The size of the latest signed checkpoint."""
    return CheckpointRow.objects.values_list("size", flat=True).first() or 0


def public_key() -> str:
    """The verifier key ``<origin>+<key ID>+<base64(0x01 || public key)>``."""
    return keys.log_verifier().vkey


def leaf_index_of(entry_ids: Iterable[int]) -> dict[int, int | None]:
    """Pending entry id → its leaf index once integrated, None while it is still pending."""
    ids = list(entry_ids)
    found = Leaf.objects.filter(pending_id__in=ids).values_list("pending_id", "leaf_index")
    return dict.fromkeys(ids, None) | dict(found)


def published_leaves() -> QuerySet[Leaf]:
    """Every leaf: the ledger is public (admin lists read here)."""
    return Leaf.objects.all()


def signed_checkpoints() -> QuerySet[CheckpointRow]:
    """Every checkpoint signed so far, newest first (admin lists read here)."""
    return CheckpointRow.objects.all()


def _refused(field: str, code: str, reason: str, **detail: int) -> DomainError:
    return DomainError(Problem(field, code, reason, detail))


def _checked_size(field: str, size: int | None) -> int:
    """``size``, or the latest size when None; refused above the latest signed size."""
    latest = tree_size()
    if size is None:
        return latest
    if size > latest:
        raise _refused(
            field,
            "tree_size_too_large",
            _("The ledger has %(latest)d entries; no checkpoint has size %(size)d.")
            % {"latest": latest, "size": size},
            latest=latest,
        )
    return size


def entries(start: int, end: int | None = None) -> list[LeafEntry]:
    """Leaves [start, end), at most ``PAGE_LIMIT`` of them (fewer when they are large) and
    none beyond the latest checkpoint; a client continues from the last index it received
    plus one, as with RFC 6962 get-entries."""
    size = tree_size()
    if start >= size:
        raise _refused(
            "start",
            "start_out_of_range",
            _("There is no entry %(start)d: the ledger has %(size)d entries.")
            % {"start": start, "size": size},
            size=size,
        )
    if end is not None and end <= start:
        raise _refused("end", "end_not_after_start", _("The end must be after the start."))
    stop = min(size, start + PAGE_LIMIT, end if end is not None else size)
    page: list[LeafEntry] = []
    length = 0
    # Entries may reach 64 KiB each: a page also ends after PAGE_BYTES (with at least one
    # entry), so a thousand large entries cannot make one cheap request cost 64 MB.
    for first in range(start, stop, PAGE_CHUNK):
        for row in store.read_entries(first, min(stop, first + PAGE_CHUNK)):
            if page and length + len(row[1]) > PAGE_BYTES:
                return page
            page.append(LeafEntry(*row))
            length += len(row[1])
    return page


def recent_entries(count: int = 10) -> list[RecentEntry]:
    """The newest entries first, with the kind and time read from the entry itself."""
    size = tree_size()
    rows = store.read_entries(max(0, size - count), size)
    recent = []
    for index, entry, _hash in reversed(rows):
        fields = json.loads(entry)
        recent.append(RecentEntry(index, str(fields["kind"]), str(fields["time"]), entry))
    return recent


def inclusion_proof(
    *, leaf_index: int | None = None, leaf_hash: bytes | None = None, tree_size: int | None = None
) -> InclusionProof:
    """The audit path of one leaf, named by its index or its hash, in the tree of ``tree_size``
    (default: the latest). By hash, the first leaf with that hash is meant."""
    size = _checked_size("tree_size", tree_size)
    if (leaf_index is None) == (leaf_hash is None):
        raise _refused(
            "leaf_index",
            "leaf_index_or_hash",
            _("Give either a leaf index or a leaf hash."),
        )
    if leaf_hash is not None:
        leaf_index = _index_of(leaf_hash, size)
    assert leaf_index is not None
    if leaf_index >= size:
        raise _refused(
            "leaf_index",
            "leaf_index_out_of_range",
            _("There is no leaf %(index)d in a tree of %(size)d entries.")
            % {"index": leaf_index, "size": size},
            size=size,
        )
    # The leaf's own hash comes from the same read as its audit path: one query in all.
    own = Node(0, leaf_index)
    nodes = [*inclusion_nodes(leaf_index, size), own]
    hashes = hashes_from_tiles(nodes, store.read_tiles(tiles_for_nodes(nodes, size)))
    path = proofs.inclusion_proof(leaf_index, size, lambda wanted: hashes)
    return InclusionProof(leaf_index, size, hashes[own], path)


def _index_of(leaf_hash: bytes, size: int) -> int:
    index = store.find_leaf(leaf_hash, size)
    if index is None:
        raise NotFound(
            Problem(
                "leaf_hash",
                "not_found",
                _("No entry with this leaf hash is in the tree of %(size)d entries.")
                % {"size": size},
            )
        )
    return index


def consistency_proof(first: int, second: int) -> ConsistencyProof:
    """The proof that the tree of ``first`` entries is a prefix of the tree of ``second``.

    ``first`` must be positive: a proof from the empty tree says nothing, and RFC 9162,
    transparency-dev/merkle and Go's sumdb all refuse it.
    """
    second = _checked_size("second", second)
    if first <= 0:
        raise _refused(
            "first", "first_size_not_positive", _("The first tree size must be at least 1.")
        )
    if first > second:
        raise _refused(
            "first",
            "first_size_above_second",
            _("The first tree size must not exceed the second."),
        )
    proof = proofs.consistency_proof(first, second, tile_reader(second, store.read_tiles))
    return ConsistencyProof(first, second, proof)


def _published(first: int, count: int, level: int = 0) -> bool:
    """Whether positions [first, first + count) of ``level`` exist under the latest checkpoint;
    asked before any query, so an index beyond the database's integers is a plain 404."""
    return first + count <= tree_size() >> (TILE_HEIGHT * level)


def hash_tile(tile: TileId) -> bytes:
    """A stored hash tile, or the first ``width`` hashes of a wider one (C2SP tlog-tiles)."""
    data = None
    if _published(tile.index * TILE_WIDTH, tile.width, tile.level):
        data = store.read_tiles([tile]).get(tile)
    if data is None:
        raise NotFound(Problem("path", "not_found", _("No such tile.")))
    return data[: tile.width * HASH_SIZE]


def entry_bundle(bundle: BundleId) -> bytes:
    """The entries of leaves [index·256, index·256 + width), each with its 2-byte length."""
    first = bundle.index * TILE_WIDTH
    published = _published(first, bundle.width)
    rows = store.read_entries(first, first + bundle.width) if published else []
    if len(rows) != bundle.width:
        raise NotFound(Problem("path", "not_found", _("No such entry bundle.")))
    return encode_bundle(row[1].encode() for row in rows)
