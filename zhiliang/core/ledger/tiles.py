"""The log's hash tiles: C2SP tlog-tiles with tile height 8.

A hash tile at level L holds up to 256 consecutive hashes of complete subtrees of 256**L leaves;
the hash at position i of level L is MTH of leaves [i*256**L, (i+1)*256**L). Such hashes never
change, so full tiles are written once and the right edge of each level is a growing partial tile
(C2SP tlog-tiles, "Merkle Tree"). Every complete subtree of the tree is either stored (its height
a multiple of 8) or hashed from a run of 2, 4, … 128 hashes inside one tile, which is how proofs
are answered from at most one tile per level.

Entry bundles, the other half of the layout, are in ``bundles.py``; paths of both in ``paths.py``.
"""

from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Final

from zhiliang.core.ledger.hashes import EMPTY_ROOT, HASH_SIZE, node_hash, subtree_root
from zhiliang.core.ledger.proofs import HashReader, Node, range_nodes

TILE_HEIGHT: Final = 8
TILE_WIDTH: Final = 1 << TILE_HEIGHT
MAX_LEVEL: Final = 63  # C2SP: levels are 0..63
MAX_INDEX: Final = 2**64 - 1


class TileError(ValueError):
    """Tile coordinates or tile bytes that cannot belong to this log."""


class TilePathError(TileError):
    """A path that is not a canonical C2SP tile or bundle path (served as 404)."""


def encode_index(index: int) -> str:
    """Three-digit groups, all but the last prefixed with 'x' (1234067 -> x001/x234/067)."""
    groups = []
    while True:
        index, group = divmod(index, 1000)
        groups.append(f"{group:03d}")
        if index == 0:
            break
    groups.reverse()
    return "/".join([*(f"x{group}" for group in groups[:-1]), groups[-1]])


def check_index_width(index: int, width: int) -> None:
    if not 0 <= index <= MAX_INDEX:
        raise TileError(f"tile index {index} is outside 0..2**64-1")
    if not 1 <= width <= TILE_WIDTH:
        raise TileError(f"tile width {width} is outside 1..{TILE_WIDTH}")


def width_suffix(width: int) -> str:
    return "" if width == TILE_WIDTH else f".p/{width}"


@dataclass(frozen=True, slots=True, order=True)
class TileId:
    """Hash tile ``index`` of ``level`` holding ``width`` hashes (256 when full)."""

    level: int
    index: int
    width: int = TILE_WIDTH

    def __post_init__(self) -> None:
        if not 0 <= self.level <= MAX_LEVEL:
            raise TileError(f"tile level {self.level} is outside 0..{MAX_LEVEL}")
        check_index_width(self.index, self.width)

    @property
    def path(self) -> str:
        return f"tile/{self.level}/{encode_index(self.index)}{width_suffix(self.width)}"


@dataclass(frozen=True, slots=True)
class LevelTiles:
    """The tiles of one level for a tree size: ``full_tiles`` full ones, then maybe a partial."""

    level: int
    full_tiles: int
    partial_width: int  # 0: no partial tile

    @property
    def last_full_tile(self) -> TileId | None:
        return TileId(self.level, self.full_tiles - 1) if self.full_tiles else None

    @property
    def partial_tile(self) -> TileId | None:
        if not self.partial_width:
            return None
        return TileId(self.level, self.full_tiles, self.partial_width)


def tiles_for_size(size: int) -> list[LevelTiles]:
    """Level L holds floor(size / 256**L) hashes, in full tiles and one partial tile."""
    levels = []
    level = 0
    while count := size >> (TILE_HEIGHT * level):
        levels.append(LevelTiles(level, count >> TILE_HEIGHT, count % TILE_WIDTH))
        level += 1
    return levels


def edge_tiles(size: int) -> list[TileId]:
    """The partial tiles at ``size``: all a sequencer must read to integrate the next batch."""
    return [tile for level in tiles_for_size(size) if (tile := level.partial_tile)]


# Subtree hashes from tiles --------------------------------------------------------------------


def _locate(node: Node) -> tuple[int, int, int, int]:
    """(tile level, tile index, first position, number of hashes) that make up ``node``."""
    level, rest = divmod(node.level, TILE_HEIGHT)
    first = node.index << rest
    return level, first >> TILE_HEIGHT, first % TILE_WIDTH, 1 << rest


def tiles_for_nodes(nodes: Iterable[Node], size: int) -> set[TileId]:
    """The tiles, as they stand at ``size``, that hold or yield the hashes of ``nodes``."""
    tiles = set()
    for node in nodes:
        if node.end > size:
            raise TileError(f"{node} is not a complete subtree of a tree of {size} leaves")
        level, index, _, _ = _locate(node)
        count = size >> (TILE_HEIGHT * level)
        tiles.add(TileId(level, index, min(TILE_WIDTH, count - (index << TILE_HEIGHT))))
    return tiles


def _by_position(tiles: Mapping[TileId, bytes]) -> dict[tuple[int, int], bytes]:
    """Tile bytes by (level, index), the widest copy winning: tiles only ever grow, so a wider
    copy of a tile (or the full one) serves every narrower request."""
    found: dict[tuple[int, int], bytes] = {}
    for tile, data in tiles.items():
        hashes, odd = divmod(len(data), HASH_SIZE)
        if odd or not tile.width <= hashes <= TILE_WIDTH:
            raise TileError(f"{len(data)} bytes cannot be {tile.path}")
        if len(data) > len(found.get((tile.level, tile.index), b"")):
            found[tile.level, tile.index] = data
    return found


def _hash_in(node: Node, tiles: Mapping[tuple[int, int], bytes]) -> bytes:
    level, index, position, count = _locate(node)
    data = tiles.get((level, index), b"")
    if len(data) < (position + count) * HASH_SIZE:
        raise TileError(
            f"{node} needs hashes {position}..{position + count - 1} of "
            f"tile {level}/{index}, which were not given"
        )
    run = [
        data[i : i + HASH_SIZE]
        for i in range(position * HASH_SIZE, (position + count) * HASH_SIZE, HASH_SIZE)
    ]
    return subtree_root(run)


def node_hash_from_tiles(node: Node, tiles: Mapping[TileId, bytes]) -> bytes:
    """The hash of ``node``: read from its tile, or hashed from a run of hashes inside it."""
    return _hash_in(node, _by_position(tiles))


def hashes_from_tiles(nodes: Iterable[Node], tiles: Mapping[TileId, bytes]) -> dict[Node, bytes]:
    """``node_hash_from_tiles`` for many nodes over the same tiles."""
    by_position = _by_position(tiles)
    return {node: _hash_in(node, by_position) for node in nodes}


def tile_reader(
    size: int, read_tiles: Callable[[set[TileId]], Mapping[TileId, bytes]]
) -> HashReader:
    """A proof ``HashReader`` over stored tiles: one ``read_tiles`` call per proof."""

    def hash_of(nodes: Sequence[Node]) -> Mapping[Node, bytes]:
        return hashes_from_tiles(nodes, read_tiles(tiles_for_nodes(nodes, size)))

    return hash_of


# Integrating a batch --------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Integration:
    """The result of one batch: the new size and root, and every tile the batch wrote.

    ``tiles`` has each tile that became full and the new partial tile of each level that grew;
    full tiles never change again, a partial tile replaces the narrower one of the same index.
    """

    size: int
    root: bytes
    tiles: Mapping[TileId, bytes]


class TileBuilder:
    """Appends leaf hashes to a tiled tree, starting from its right edge.

    The right edge (the partial tile of each level) is all the state a sequencer keeps between
    batches: full tiles are never read again, and the root is the fold of the complete subtrees
    along the edge, each inside one partial tile.
    """

    def __init__(self, size: int = 0, edge: Mapping[TileId, bytes] | None = None) -> None:
        edge = edge or {}
        self._size = size
        self._rows: list[list[bytes]] = []  # per level, the hashes of its partial tile
        for level in tiles_for_size(size):
            tile = level.partial_tile
            data = edge.get(tile, b"") if tile else b""
            if tile and len(data) != tile.width * HASH_SIZE:
                raise TileError(f"the right edge at size {size} needs {tile.path}")
            self._rows.append([data[i : i + HASH_SIZE] for i in range(0, len(data), HASH_SIZE)])

    @property
    def size(self) -> int:
        return self._size

    @property
    def edge(self) -> dict[TileId, bytes]:
        """The partial tiles at the current size, to hand to the next builder."""
        return {tile: b"".join(self._rows[tile.level]) for tile in edge_tiles(self._size)}

    @property
    def root(self) -> bytes:
        """MTH of the whole tree, from the complete subtrees along the right edge."""
        rows = {
            (tile.level, tile.index): b"".join(self._rows[tile.level])
            for tile in edge_tiles(self._size)
        }
        nodes = range_nodes(0, self._size)
        if not nodes:
            return EMPTY_ROOT
        root = _hash_in(nodes[-1], rows)
        for node in reversed(nodes[:-1]):
            root = node_hash(_hash_in(node, rows), root)
        return root

    def append(self, leaf_hashes: Iterable[bytes]) -> Integration:
        leaves = list(leaf_hashes)
        if (bad := next((leaf for leaf in leaves if len(leaf) != HASH_SIZE), None)) is not None:
            raise TileError(f"a leaf hash has {HASH_SIZE} bytes, not {len(bad)}")
        written: dict[TileId, bytes] = {}
        grown: set[int] = set()
        # Checked first, so a refused batch leaves the builder unchanged. Then level by level:
        # each level takes its new hashes in runs up to the next tile edge, and every tile that
        # fills is stored and hashed once into the next level's new hash.
        arriving, level, old_size = leaves, 0, self._size
        while arriving:
            if level == len(self._rows):
                self._rows.append([])
            row, grown_by, taken = self._rows[level], [], 0
            count = old_size >> (TILE_HEIGHT * level)  # hashes this level held before
            grown.add(level)
            while taken < len(arriving):
                step = min(TILE_WIDTH - len(row), len(arriving) - taken)
                row.extend(arriving[taken : taken + step])
                taken, count = taken + step, count + step
                if len(row) == TILE_WIDTH:
                    written[TileId(level, (count >> TILE_HEIGHT) - 1)] = b"".join(row)
                    grown_by.append(subtree_root(row))
                    row.clear()
            arriving, level = grown_by, level + 1
        self._size += len(leaves)
        for level in sorted(grown):
            if row := self._rows[level]:
                index = self._size >> (TILE_HEIGHT * (level + 1))
                written[TileId(level, index, len(row))] = b"".join(row)
        return Integration(self._size, self.root, written)


def integrate(size: int, edge: Mapping[TileId, bytes], leaf_hashes: Iterable[bytes]) -> Integration:
    """Append ``leaf_hashes`` to the tree of ``size`` leaves whose partial tiles are ``edge``."""
    return TileBuilder(size, edge).append(leaf_hashes)
