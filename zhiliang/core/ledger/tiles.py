"""The log's storage layout: C2SP tlog-tiles (hash tiles and entry bundles) with tile height 8.

A hash tile at level L holds up to 256 consecutive hashes of complete subtrees of 256**L leaves;
the hash at position i of level L is MTH of leaves [i*256**L, (i+1)*256**L). Such hashes never
change, so full tiles are written once and the right edge of each level is a growing partial tile
(C2SP tlog-tiles, "Merkle Tree"). Every complete subtree of the tree is either stored (its height
a multiple of 8) or hashed from a run of 2, 4, … 128 hashes inside one tile, which is how proofs
are answered from at most one tile per level.

Entry bundles hold the entries themselves, 256 per bundle, each with a 2-byte big-endian length
(C2SP tlog-tiles, "Log Entries"); an entry above 65,535 bytes cannot be bundled.
"""

import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Final

from zhiliang.core.ledger.hashes import EMPTY_ROOT, HASH_SIZE, node_hash, subtree_root
from zhiliang.core.ledger.proofs import HashReader, Node, range_nodes

TILE_HEIGHT: Final = 8
TILE_WIDTH: Final = 1 << TILE_HEIGHT
MAX_LEVEL: Final = 63  # C2SP: levels are 0..63
MAX_ENTRY_SIZE: Final = 0xFFFF  # the bundle length prefix is two bytes
_MAX_INDEX: Final = 2**64 - 1


class TileError(ValueError):
    """Tile coordinates or tile bytes that cannot belong to this log."""


class TilePathError(TileError):
    """A path that is not a canonical C2SP tile or bundle path (served as 404)."""


class BundleError(ValueError):
    """An entry bundle that cannot be decoded, or an entry that cannot be bundled."""


def _encode_index(index: int) -> str:
    """Three-digit groups, all but the last prefixed with 'x' (1234067 -> x001/x234/067)."""
    groups = []
    while True:
        index, group = divmod(index, 1000)
        groups.append(f"{group:03d}")
        if index == 0:
            break
    groups.reverse()
    return "/".join([*(f"x{group}" for group in groups[:-1]), groups[-1]])


def _check_index_width(index: int, width: int) -> None:
    if not 0 <= index <= _MAX_INDEX:
        raise TileError(f"tile index {index} is outside 0..2**64-1")
    if not 1 <= width <= TILE_WIDTH:
        raise TileError(f"tile width {width} is outside 1..{TILE_WIDTH}")


def _width_suffix(width: int) -> str:
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
        _check_index_width(self.index, self.width)

    @property
    def path(self) -> str:
        return f"tile/{self.level}/{_encode_index(self.index)}{_width_suffix(self.width)}"


@dataclass(frozen=True, slots=True, order=True)
class BundleId:
    """Entry bundle ``index`` holding entries [index*256, index*256 + width)."""

    index: int
    width: int = TILE_WIDTH

    def __post_init__(self) -> None:
        _check_index_width(self.index, self.width)

    @property
    def path(self) -> str:
        return f"tile/entries/{_encode_index(self.index)}{_width_suffix(self.width)}"


# ASCII digits only: Python's \d and int() also accept other scripts' digits.
_PATH: Final = re.compile(
    r"tile/(?:(entries)|(0|[1-9][0-9]?))/((?:x[0-9]{3}/)*[0-9]{3})(?:\.p/([1-9][0-9]{0,2}))?"
)


def parse_path(path: str) -> TileId | BundleId:
    """The tile or bundle a path names; only the one canonical spelling of each is accepted.

    Paths round-trip, as Go's sumdb/tlog requires, so ``x000/001`` or ``.p/256`` are refused
    rather than served under a second name.
    """
    match = _PATH.fullmatch(path)
    if match is None:
        raise TilePathError(f"not a tile path: {path!r}")
    entries, level, index_text, width_text = match.groups()
    index = int(index_text.replace("x", "").replace("/", ""))
    width = int(width_text) if width_text else TILE_WIDTH
    if width_text and width >= TILE_WIDTH:
        raise TilePathError(f"partial width must be below {TILE_WIDTH}: {path!r}")
    try:
        parsed: TileId | BundleId = (
            BundleId(index, width) if entries else TileId(int(level), index, width)
        )
    except TileError as exc:
        raise TilePathError(f"{exc}: {path!r}") from None
    if parsed.path != path:
        raise TilePathError(f"not the canonical spelling of {parsed.path!r}: {path!r}")
    return parsed


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


@dataclass(frozen=True, slots=True)
class Bundles:
    """The entry bundles for a tree size: ``full_bundles`` full ones, then maybe a partial."""

    full_bundles: int
    partial_width: int

    @property
    def last_full_bundle(self) -> BundleId | None:
        return BundleId(self.full_bundles - 1) if self.full_bundles else None

    @property
    def partial_bundle(self) -> BundleId | None:
        return BundleId(self.full_bundles, self.partial_width) if self.partial_width else None


def tiles_for_size(size: int) -> list[LevelTiles]:
    """Level L holds floor(size / 256**L) hashes, in full tiles and one partial tile."""
    levels = []
    level = 0
    while count := size >> (TILE_HEIGHT * level):
        levels.append(LevelTiles(level, count >> TILE_HEIGHT, count % TILE_WIDTH))
        level += 1
    return levels


def bundles_for_size(size: int) -> Bundles:
    return Bundles(size >> TILE_HEIGHT, size % TILE_WIDTH)


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
        for leaf in leaves:  # checked first, so a refused batch leaves the builder unchanged
            self._size += 1
            self._push(leaf, written, grown)
        for level in sorted(grown):
            if row := self._rows[level]:
                index = self._size >> (TILE_HEIGHT * (level + 1))
                written[TileId(level, index, len(row))] = b"".join(row)
        return Integration(self._size, self.root, written)

    def _push(self, value: bytes, written: dict[TileId, bytes], grown: set[int]) -> None:
        level = 0
        while True:
            if level == len(self._rows):
                self._rows.append([])
            row = self._rows[level]
            row.append(value)
            grown.add(level)
            if len(row) < TILE_WIDTH:
                return
            # A full tile: stored as is, and its root is the next level's newest hash.
            index = (self._size >> (TILE_HEIGHT * (level + 1))) - 1
            written[TileId(level, index)] = b"".join(row)
            value = subtree_root(row)
            row.clear()
            level += 1


def integrate(size: int, edge: Mapping[TileId, bytes], leaf_hashes: Iterable[bytes]) -> Integration:
    """Append ``leaf_hashes`` to the tree of ``size`` leaves whose partial tiles are ``edge``."""
    return TileBuilder(size, edge).append(leaf_hashes)


# Entry bundles --------------------------------------------------------------------------------


def encode_bundle(entries: Iterable[bytes]) -> bytes:
    out = bytearray()
    for number, entry in enumerate(entries):
        if len(entry) > MAX_ENTRY_SIZE:
            raise BundleError(
                f"entry {number} has {len(entry)} bytes; a bundled entry has at "
                f"most {MAX_ENTRY_SIZE} (its length prefix is two bytes)"
            )
        out += len(entry).to_bytes(2, "big")
        out += entry
    return bytes(out)


def decode_bundle(data: bytes, width: int | None = None) -> list[bytes]:
    """The entries of a bundle; ``width``, when given, is how many it must hold."""
    entries: list[bytes] = []
    offset = 0
    while offset < len(data):
        if offset + 2 > len(data):
            raise BundleError(f"bundle ends inside the length of entry {len(entries)}")
        length = int.from_bytes(data[offset : offset + 2], "big")
        offset += 2
        if offset + length > len(data):
            raise BundleError(
                f"entry {len(entries)} declares {length} bytes, {len(data) - offset} remain"
            )
        entries.append(data[offset : offset + length])
        offset += length
    if width is not None and len(entries) != width:
        raise BundleError(f"bundle holds {len(entries)} entries, not {width}")
    return entries


def integrate_bundles(size: int, partial: bytes, entries: Iterable[bytes]) -> dict[BundleId, bytes]:
    """The bundles written by appending ``entries`` to a log of ``size`` entries.

    ``partial`` is the partial bundle at ``size`` (empty when ``size`` is a multiple of 256).
    """
    pending = decode_bundle(partial, width=size % TILE_WIDTH)
    index = size >> TILE_HEIGHT
    written: dict[BundleId, bytes] = {}
    grown = False
    for entry in entries:
        if len(entry) > MAX_ENTRY_SIZE:
            raise BundleError(
                f"entry {index * TILE_WIDTH + len(pending)} has {len(entry)} bytes; "
                f"a bundled entry has at most {MAX_ENTRY_SIZE}"
            )
        pending.append(entry)
        grown = True
        if len(pending) == TILE_WIDTH:
            written[BundleId(index)] = encode_bundle(pending)
            pending, index, grown = [], index + 1, False
    if grown:
        written[BundleId(index, len(pending))] = encode_bundle(pending)
    return written
