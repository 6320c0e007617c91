"""The SQL of the tiled log: the statements on the sequencer's and the proofs' hot paths.

They are plain SQL that PostgreSQL and SQLite both run, because they are executed per proof and
per batch of thousands of leaves, where building model instances would cost more than the
database itself. Everything else goes through the ORM.
"""

from collections.abc import Iterable, Mapping, Sequence

from django.db import connection

from zhiliang.core.ledger import HASH_SIZE, TILE_WIDTH, TileId
from zhiliang.ledger.models import GENERATION_BITS, HASH_PREFIX, EdgeTile, Leaf, PendingEntry, Tile

LEAF = Leaf._meta.db_table
TILE = Tile._meta.db_table
EDGE = EdgeTile._meta.db_table
PENDING = PendingEntry._meta.db_table

# (pending id, kind, entry text) of an entry being integrated
Claimed = tuple[int, str, str]


def _tile_id(level: int, index: int, data: bytes) -> TileId:
    return TileId(level, index, len(data) // HASH_SIZE)


def read_tiles(wanted: Iterable[TileId]) -> dict[TileId, bytes]:
    """The stored bytes of each wanted tile, in one statement (one snapshot of both tables).

    A tile may be stored wider than asked for (a partial tile that has grown since, or is now
    full); the extra hashes are harmless, since a hash at a position never changes. A tile
    that is not stored at all is left out.
    """
    wanted = list(wanted)
    if not wanted:
        return {}
    where = " OR ".join(["(level = %s AND tile_index = %s)"] * len(wanted))
    params = [value for tile in wanted for value in (tile.level, tile.index)]
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT level, tile_index, hashes FROM {TILE} WHERE {where} "  # noqa: S608
            f"UNION ALL SELECT level, tile_index, hashes FROM {EDGE} WHERE {where}",
            params + params,
        )
        stored: dict[tuple[int, int], bytes] = {}
        for level, index, data in cursor.fetchall():
            data = bytes(data)
            if len(data) > len(stored.get((level, index), b"")):
                stored[level, index] = data
    found = {}
    for tile in wanted:
        data = stored.get((tile.level, tile.index), b"")
        if len(data) >= tile.width * HASH_SIZE:
            found[tile] = data
    return found


def read_edge() -> dict[TileId, bytes]:
    """The partial tile of every level: all the sequencer needs to extend the tree."""
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT level, tile_index, hashes FROM {EDGE}")  # noqa: S608
        return {
            _tile_id(level, index, bytes(data)): bytes(data)
            for level, index, data in cursor.fetchall()
        }


def read_entries(start: int, end: int) -> list[tuple[int, str, bytes]]:
    """(leaf index, entry, leaf hash) of leaves [start, end), in order."""
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT leaf_index, entry, leaf_hash FROM {LEAF} "  # noqa: S608
            "WHERE leaf_index >= %s AND leaf_index < %s ORDER BY leaf_index",
            [start, end],
        )
        return [(index, entry, bytes(value)) for index, entry, value in cursor.fetchall()]


def find_leaf(leaf_hash: bytes, size: int) -> int | None:
    """The first leaf index below ``size`` whose leaf hash is ``leaf_hash``, or None.

    Uses the index on (generation, hash prefix): one probe per generation of 65,536 leaves
    with the hash's first bytes, the whole hash compared on the rows found. The expressions
    are spelt as in the index (constants inline, not parameters), so both databases match it.
    """
    if size <= 0:
        return None
    generations = ", ".join(str(g) for g in range(((size - 1) >> GENERATION_BITS) + 1))
    substr = "SUBSTRING" if connection.vendor == "postgresql" else "SUBSTR"
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT leaf_index FROM {LEAF} "  # noqa: S608
            f"WHERE (leaf_index >> {GENERATION_BITS}) IN ({generations}) "
            f"AND {substr}(leaf_hash, 1, {HASH_PREFIX}) = %s AND leaf_hash = %s",
            [leaf_hash[:HASH_PREFIX], leaf_hash],
        )
        # Nearly always one row or none (several only for a repeated entry); the first below
        # ``size`` is chosen here so that no ordering or range invites a scan of the key.
        found = [int(index) for (index,) in cursor.fetchall() if index < size]
    return min(found, default=None)


def insert_pending(kind: str, entries: Sequence[str]) -> None:
    """Queue entries in one statement per thousand (the ids come from the table's sequence)."""
    with connection.cursor() as cursor:
        for start in range(0, len(entries), 1000):
            chunk = entries[start : start + 1000]
            values = ", ".join(["(%s, %s)"] * len(chunk))
            params = [value for entry in chunk for value in (kind, entry)]
            cursor.execute(f"INSERT INTO {PENDING} (kind, entry) VALUES {values}", params)  # noqa: S608


def claim_pending(limit: int) -> list[Claimed]:
    """Delete and return the oldest pending entries, in id order.

    Called with the state row locked, so no other sequencer claims at the same time; entries
    committed after this statement stay pending for the next batch.
    """
    with connection.cursor() as cursor:
        cursor.execute(
            f"DELETE FROM {PENDING} WHERE id IN "  # noqa: S608
            f"(SELECT id FROM {PENDING} ORDER BY id LIMIT %s) RETURNING id, kind, entry",
            [limit],
        )
        return sorted(cursor.fetchall())


def insert_leaves(first: int, claimed: Sequence[Claimed], hashes: Sequence[bytes]) -> None:
    rows = [
        (first + offset, entry, leaf, pending_id, kind)
        for offset, ((pending_id, kind, entry), leaf) in enumerate(
            zip(claimed, hashes, strict=True)
        )
    ]
    columns = "leaf_index, entry, leaf_hash, pending_id, kind"
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            # COPY streams the rows in one statement; psycopg's executemany sends one INSERT per
            # row, whose per-row cost is most of the sequencer's time on PostgreSQL.
            with cursor.cursor.copy(f"COPY {LEAF} ({columns}) FROM STDIN") as copy:
                for row in rows:
                    copy.write_row(row)
        else:
            cursor.executemany(
                f"INSERT INTO {LEAF} ({columns}) VALUES (%s, %s, %s, %s, %s)",  # noqa: S608
                rows,
            )


def store_tiles(tiles: Mapping[TileId, bytes]) -> None:
    """Insert the tiles that became full; replace the partial tile of every level that grew."""
    full = [(t.level, t.index, data) for t, data in tiles.items() if t.width == TILE_WIDTH]
    partial = [(t.level, t.index, data) for t, data in tiles.items() if t.width < TILE_WIDTH]
    grown = sorted({tile.level for tile in tiles})
    with connection.cursor() as cursor:
        if full:
            cursor.executemany(
                f"INSERT INTO {TILE} (level, tile_index, hashes) VALUES (%s, %s, %s)",  # noqa: S608
                full,
            )
        if grown:
            marks = ", ".join(["%s"] * len(grown))
            cursor.execute(f"DELETE FROM {EDGE} WHERE level IN ({marks})", grown)  # noqa: S608
        if partial:
            cursor.executemany(
                f"INSERT INTO {EDGE} (level, tile_index, hashes) VALUES (%s, %s, %s)",  # noqa: S608
                partial,
            )
