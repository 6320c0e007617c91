"""Recompute the whole stored log and compare it with what is stored and signed.

The triggers stop accidental or casual changes; someone with the database owner's rights can
still drop them. This check is what notices: it rehashes every entry, rebuilds every tile from
the leaves, and checks the latest checkpoint's root and signature, reading the leaves once in
index order. It names the first leaf where the stored log and the recomputed one part.
"""

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Final

from zhiliang.core.ledger import (
    EMPTY_ROOT,
    HASH_SIZE,
    TILE_HEIGHT,
    TILE_WIDTH,
    CheckpointError,
    NoteError,
    ProofError,
    TileBuilder,
    TileId,
    leaf_hash,
    open_checkpoint,
    verify_consistency,
)
from zhiliang.ledger import keys, selectors, store
from zhiliang.ledger.models import Checkpoint, Leaf, LedgerState

CHUNK: Final = 64 * TILE_WIDTH  # leaves read per query


class LedgerDamaged(Exception):
    """The stored log differs from the recomputed one; ``leaf_index`` is the first leaf
    affected (None when the damage is not in a leaf or tile, e.g. a bad signature)."""

    def __init__(self, leaf_index: int | None, reason: str) -> None:
        where = f"leaf {leaf_index}: " if leaf_index is not None else ""
        super().__init__(f"{where}{reason}")
        self.leaf_index = leaf_index


@dataclass(frozen=True, slots=True)
class IntegrityReport:
    size: int
    full_tiles: int
    origin: str


def check_ledger(on_progress: Callable[[int], None] = lambda done: None) -> IntegrityReport:
    """Recompute leaves, tiles and the latest checkpoint; raise ``LedgerDamaged`` at the first
    difference. ``on_progress`` is called with the number of leaves checked per chunk."""
    size, root, origin = _signed_head()
    builder = TileBuilder()
    full_tiles = 0
    while builder.size < size:
        rows = store.read_entries(builder.size, min(size, builder.size + CHUNK))
        hashes = _checked_leaves(builder.size, rows)
        written = builder.append(hashes).tiles
        full_tiles += _compare_full_tiles(written)
        on_progress(len(rows))
    beyond = Leaf.objects.filter(leaf_index__gte=size).values_list("leaf_index", flat=True)
    if (extra := beyond.order_by("leaf_index").first()) is not None:
        raise LedgerDamaged(extra, f"stored beyond the signed tree size {size}")
    _compare_edge(builder.edge)
    if builder.root != root:
        raise LedgerDamaged(None, f"the leaves do not hash to the root signed for size {size}")
    state = LedgerState.objects.filter(pk=1).values_list("size", "root").first()
    if size and (state is None or (state[0], bytes(state[1])) != (size, root)):
        raise LedgerDamaged(None, "the sequencer's state row does not match the checkpoint")
    return IntegrityReport(size, full_tiles, origin)


def _signed_head() -> tuple[int, bytes, str]:
    """The latest checkpoint, opened with this log's key; (0, empty root) before any."""
    note = Checkpoint.objects.values_list("note", flat=True).first()
    if note is None:
        return 0, EMPTY_ROOT, keys.origin()
    try:
        opened = open_checkpoint(note.encode(), keys.log_verifier())
    except (NoteError, CheckpointError) as exc:
        raise LedgerDamaged(None, f"the latest checkpoint does not verify: {exc}") from None
    checkpoint = opened.checkpoint
    return checkpoint.size, checkpoint.root, checkpoint.origin


def _checked_leaves(first: int, rows: Sequence[tuple[int, str, bytes]]) -> list[bytes]:
    hashes = []
    for expected, (index, entry, stored) in enumerate(rows, start=first):
        if index != expected:
            raise LedgerDamaged(expected, "missing")
        computed = leaf_hash(entry.encode())
        if computed != stored:
            raise LedgerDamaged(index, "its entry does not hash to its stored leaf hash")
        hashes.append(computed)
    if not rows:
        raise LedgerDamaged(first, "missing")
    return hashes


def _first_leaf(tile: TileId, position: int) -> int:
    """The first leaf under hash ``position`` of ``tile``."""
    return ((tile.index << TILE_HEIGHT) + position) << (TILE_HEIGHT * tile.level)


def _first_difference(tile: TileId, expected: bytes, stored: bytes) -> LedgerDamaged:
    for position in range(TILE_WIDTH):
        span = slice(position * HASH_SIZE, (position + 1) * HASH_SIZE)
        if expected[span] != stored[span]:
            break
    return LedgerDamaged(
        _first_leaf(tile, position),
        f"hash {position} of {tile.path} does not match the leaves under it",
    )


def _compare_full_tiles(written: Mapping[TileId, bytes]) -> int:
    full = {tile: data for tile, data in written.items() if tile.width == TILE_WIDTH}
    stored = store.read_tiles(full)
    for tile in sorted(full, key=lambda t: (_first_leaf(t, 0), t.level)):
        if tile not in stored:
            raise LedgerDamaged(_first_leaf(tile, 0), f"{tile.path} is missing")
        if stored[tile] != full[tile]:
            raise _first_difference(tile, full[tile], stored[tile])
    return len(full)


def _compare_edge(expected: Mapping[TileId, bytes]) -> None:
    stored = store.read_edge()
    for tile in sorted(expected.keys() | stored.keys(), key=lambda t: _first_leaf(t, 0)):
        if tile not in stored:
            raise LedgerDamaged(_first_leaf(tile, 0), f"{tile.path} is missing")
        if tile not in expected:
            raise LedgerDamaged(_first_leaf(tile, 0), f"{tile.path} should not exist")
        if stored[tile] != expected[tile]:
            raise _first_difference(tile, expected[tile], stored[tile])


@dataclass(frozen=True, slots=True)
class Extension:
    old_size: int
    new_size: int
    new_root: bytes


def check_extends(old_note: bytes) -> Extension:
    """That the current log extends a checkpoint saved earlier, as a witness or an auditor
    checks it: the old note must carry this log's signature, and a consistency proof from
    the stored tiles must lead from its root to the latest signed root (RFC 9162 §2.1.4)."""
    try:
        old = open_checkpoint(old_note, keys.log_verifier()).checkpoint
    except (NoteError, CheckpointError) as exc:
        raise LedgerDamaged(None, f"the saved checkpoint is not one of this log's: {exc}") from None
    new = selectors.latest_checkpoint()
    if old.size > new.size:
        raise LedgerDamaged(
            None, f"the log has {new.size} entries, fewer than the saved checkpoint's {old.size}"
        )
    if old.size == 0:
        valid = old.root == EMPTY_ROOT
    else:
        proof = selectors.consistency_proof(old.size, new.size).proof
        try:
            verify_consistency(old.size, new.size, old.root, new.root, proof)
            valid = True
        except ProofError:
            valid = False
    if not valid:
        raise LedgerDamaged(
            None, f"the log at size {new.size} does not extend the checkpoint at size {old.size}"
        )
    return Extension(old.size, new.size, new.root)
