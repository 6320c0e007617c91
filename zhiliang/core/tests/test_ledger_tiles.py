"""C2SP tlog-tiles: paths, tiles per size, entry bundles, and rebuilding published tiled logs."""

import hashlib
from collections.abc import Sequence
from functools import cache

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from zhiliang.core.ledger import (
    BundleError,
    BundleId,
    Node,
    TileBuilder,
    TileError,
    TileId,
    TilePathError,
    bundles_for_size,
    decode_bundle,
    edge_tiles,
    encode_bundle,
    integrate,
    integrate_bundles,
    leaf_hash,
    node_hash_from_tiles,
    open_checkpoint,
    parse_path,
    parse_vkey,
    root_of,
    tiles_for_nodes,
    tiles_for_size,
)
from zhiliang.core.ledger.hashes import subtree_root
from zhiliang.core.tests.shared import load_json

TILES = load_json("conformance/merkle/tiles.json")
LOGS = {log["id"]: log for log in TILES["tiled_logs"]}
TREES = {t["name"]: t for t in load_json("conformance/merkle/tree_hashes.json")["trees"]}
h = bytes.fromhex


# Paths --------------------------------------------------------------------------------------


def id_of(case: dict[str, object]) -> TileId | BundleId:
    index, width = int(str(case["index"])), int(str(case["width"]))
    if case["kind"] == "entries":
        return BundleId(index, width)
    return TileId(int(str(case["level"])), index, width)


@pytest.mark.parametrize("case", [pytest.param(c, id=c["path"]) for c in TILES["path_encoding"]])
def test_path_encoding(case: dict[str, object]) -> None:
    assert id_of(case).path == case["path"]
    assert parse_path(str(case["path"])) == id_of(case)


@pytest.mark.parametrize("case", [pytest.param(c, id=c["path"]) for c in TILES["invalid_paths"]])
def test_invalid_path_is_refused(case: dict[str, str]) -> None:
    with pytest.raises(TilePathError):
        parse_path(case["path"])


@given(
    st.integers(min_value=0, max_value=63),
    st.integers(min_value=0, max_value=2**64 - 1),
    st.integers(min_value=1, max_value=256),
)
def test_every_tile_path_round_trips(level: int, index: int, width: int) -> None:
    assert parse_path(TileId(level, index, width).path) == TileId(level, index, width)
    assert parse_path(BundleId(index, width).path) == BundleId(index, width)


def test_tile_coordinates_outside_the_spec_are_refused() -> None:
    for args in [(64, 0, 1), (-1, 0, 1), (0, -1, 1), (0, 2**64, 1), (0, 0, 0), (0, 0, 257)]:
        with pytest.raises(TileError):
            TileId(*args)


# Tiles per size -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    "case",
    [pytest.param(c, id=str(c["tree_size"])) for c in TILES["tiles_for_tree_size"]],
)
def test_tiles_for_tree_size(case: dict[str, object]) -> None:
    size = int(str(case["tree_size"]))

    def path(tile: TileId | BundleId | None) -> str | None:
        return tile.path if tile else None

    levels = [
        {
            "level": t.level,
            "full_tiles": t.full_tiles,
            "partial_width": t.partial_width,
            "last_full_tile_path": path(t.last_full_tile),
            "partial_tile_path": path(t.partial_tile),
        }
        for t in tiles_for_size(size)
    ]
    assert levels == case["levels"]
    bundles = bundles_for_size(size)
    assert {
        "full_bundles": bundles.full_bundles,
        "partial_width": bundles.partial_width,
        "last_full_bundle_path": path(bundles.last_full_bundle),
        "partial_bundle_path": path(bundles.partial_bundle),
    } == case["entry_bundles"]
    assert edge_tiles(size) == [t.partial_tile for t in tiles_for_size(size) if t.partial_tile]


# Entry bundles ------------------------------------------------------------------------------


@pytest.mark.parametrize("case", [pytest.param(c, id=c["id"]) for c in TILES["entry_bundles"]])
def test_entry_bundle(case: dict[str, object]) -> None:
    bundle = h(str(case["bundle_hex"]))
    if case["valid"]:
        entries = [h(e) for e in case["entries_hex"]]  # type: ignore[attr-defined]
        assert encode_bundle(entries) == bundle
        assert decode_bundle(bundle, width=len(entries)) == entries
    else:
        with pytest.raises(BundleError):
            decode_bundle(bundle)


def test_an_entry_too_long_for_a_bundle_is_refused_with_its_size() -> None:
    with pytest.raises(BundleError, match="65536 bytes"):
        encode_bundle([b"ok", bytes(65_536)])
    with pytest.raises(BundleError, match="65536 bytes"):
        integrate_bundles(0, b"", [bytes(65_536)])
    assert decode_bundle(encode_bundle([bytes(65_535)])) == [bytes(65_535)]


def test_a_bundle_with_the_wrong_number_of_entries_is_refused() -> None:
    with pytest.raises(BundleError, match="not 3"):
        decode_bundle(encode_bundle([b"a", b"b"]), width=3)


# Rebuilding the published tiled logs --------------------------------------------------------


class Log:
    """A log grown batch by batch the way the sequencer does: from its stored right edge only."""

    def __init__(self) -> None:
        self.size = 0
        self.tiles: dict[TileId, bytes] = {}
        self.latest: dict[tuple[int, int], bytes] = {}
        self.bundles: dict[BundleId, bytes] = {}
        self.root = b""

    def append(self, entries: Sequence[bytes]) -> None:
        edge = {tile: self.tiles[tile] for tile in edge_tiles(self.size)}
        partial = bundles_for_size(self.size).partial_bundle
        result = integrate(self.size, edge, [leaf_hash(e) for e in entries])
        self.bundles.update(
            integrate_bundles(self.size, self.bundles[partial] if partial else b"", entries)
        )
        self.tiles.update(result.tiles)
        self.latest.update({(t.level, t.index): data for t, data in result.tiles.items()})
        self.size, self.root = result.size, result.root

    def by_path(self) -> dict[str, bytes]:
        return {t.path: d for t, d in self.tiles.items()} | {
            b.path: d for b, d in self.bundles.items()
        }


@cache
def counter_log() -> Log:
    log = Log()
    batches = [1, 255, 1, 4096, 7, 300, 65_000]  # crosses tile edges at every level
    start = 0
    for batch in [*batches, 70_000 - sum(batches)]:
        log.append([str(i).encode() for i in range(start, start + batch)])
        start += batch
    return log


def test_tessera_log_is_rebuilt_entry_by_entry_with_its_signed_checkpoints() -> None:
    log_data = LOGS["tessera-testdata"]
    verifier = parse_vkey(log_data["vkey"])
    entries = [e.encode() for e in log_data["entries_text"]]
    log = Log()
    for size, checkpoint in enumerate(log_data["checkpoints"]):
        opened = open_checkpoint(checkpoint.encode(), verifier)
        assert (opened.checkpoint.size, opened.verified_by) == (size, (verifier.name,))
        if size:
            log.append(entries[size - 1 : size])
            published = log_data["tiles"][size - 1]
            assert log.by_path()[published["tile_path"]].hex() == published["tile_hex"]
            assert log.by_path()[published["bundle_path"]].hex() == published["bundle_hex"]
        assert log.size == size
        assert opened.checkpoint.root == (log.root if size else root_of([]))


def test_tessera_log_in_one_batch_gives_the_last_tile() -> None:
    log_data = LOGS["tessera-testdata"]
    log = Log()
    log.append([e.encode() for e in log_data["entries_text"]])
    last = log_data["tiles"][-1]
    assert log.by_path() == {
        last["tile_path"]: h(last["tile_hex"]),
        last["bundle_path"]: h(last["bundle_hex"]),
    }


def test_classic_log_tiles_and_root() -> None:
    log_data = LOGS["classic-8"]
    log = Log()
    log.append([h(e) for e in log_data["entries_hex"][:5]])
    log.append([h(e) for e in log_data["entries_hex"][5:]])
    assert (log.size, log.root.hex()) == (log_data["tree_size"], log_data["root"])
    for tile in log_data["tiles"]:
        assert log.by_path()[tile["path"]].hex() == tile["hex"]


@pytest.mark.parametrize(
    "tile", [pytest.param(t, id=t["path"]) for t in LOGS["counter-70000"]["hash_tiles"]]
)
def test_counter_log_hash_tile(tile: dict[str, object]) -> None:
    data = counter_log().by_path()[str(tile["path"])]
    assert len(data) == tile["length"]
    assert hashlib.sha256(data).hexdigest() == tile["sha256"]
    assert (data[:32].hex(), data[-32:].hex()) == (tile["first_hash"], tile["last_hash"])


@pytest.mark.parametrize(
    "bundle", [pytest.param(b, id=b["path"]) for b in LOGS["counter-70000"]["entry_bundles"]]
)
def test_counter_log_entry_bundle(bundle: dict[str, object]) -> None:
    data = counter_log().by_path()[str(bundle["path"])]
    assert len(data) == bundle["length"]
    assert hashlib.sha256(data).hexdigest() == bundle["sha256"]
    entries = decode_bundle(data)
    assert (entries[0].hex(), entries[-1].hex()) == (
        bundle["first_entry_hex"],
        bundle["last_entry_hex"],
    )


def test_counter_log_root_and_the_tiles_it_serves() -> None:
    log = counter_log()
    assert log.root.hex() == LOGS["counter-70000"]["root"]
    full = {(t.level, t.index) for t in log.tiles if t.width == 256}
    assert full == {(0, i) for i in range(273)} | {(1, 0)}
    assert edge_tiles(70_000) == [TileId(0, 273, 112), TileId(1, 1, 17), TileId(2, 0, 1)]
    assert {b.index for b in log.bundles if b.width == 256} == set(range(273))


@pytest.mark.parametrize(
    "expected",
    [pytest.param(r, id=str(r["tree_size"])) for r in TREES["counter"]["roots"]],
)
def test_counter_roots_from_a_sequencer_stopping_at_each_size(expected: dict[str, object]) -> None:
    size = int(str(expected["tree_size"]))
    builder = TileBuilder()
    leaves = [leaf_hash(str(i).encode()) for i in range(size)]
    stop = size // 3
    first = builder.append(leaves[:stop])
    second = integrate(first.size, builder.edge, leaves[stop:])
    assert second.root.hex() == expected["root"]


# Hashes of nodes from tiles -----------------------------------------------------------------


def test_nodes_are_read_or_hashed_from_one_tile_each() -> None:
    log = counter_log()
    leaves = [leaf_hash(str(i).encode()) for i in range(70_000)]
    size = 70_000
    for node in [Node(0, 69_999), Node(7, 3), Node(8, 272), Node(13, 7), Node(16, 0)]:
        tiles = tiles_for_nodes([node], size)
        assert len(tiles) == 1
        data = {t: log.latest[t.level, t.index] for t in tiles}
        assert node_hash_from_tiles(node, data) == root_of(leaves[node.begin : node.end])
    assert tiles_for_nodes([Node(16, 0), Node(4, 4374)], size) == {
        TileId(2, 0, 1),
        TileId(0, 273, 112),
    }
    with pytest.raises(TileError, match="not a complete subtree"):
        tiles_for_nodes([Node(17, 0)], size)
    with pytest.raises(TileError, match="not given"):
        node_hash_from_tiles(Node(8, 0), {TileId(0, 0): log.latest[0, 0]})


def test_a_builder_refuses_a_missing_or_short_edge() -> None:
    with pytest.raises(TileError, match=r"tile/0/000\.p/5"):
        TileBuilder(5, {})
    with pytest.raises(TileError, match=r"tile/0/000\.p/5"):
        TileBuilder(5, {TileId(0, 0, 5): bytes(32 * 4)})
    with pytest.raises(TileError, match="32 bytes"):
        TileBuilder().append([b"short"])


@settings(deadline=None)
@given(st.lists(st.integers(min_value=0, max_value=300), max_size=8))
def test_random_batches_give_the_tree_hash_and_full_tiles_never_change(
    batches: list[int],
) -> None:
    leaves: list[bytes] = []
    log = Log()
    full: dict[TileId, bytes] = {}
    for batch in batches:
        entries = [f"{len(leaves) + i}".encode() for i in range(batch)]
        log.append(entries)
        leaves.extend(leaf_hash(e) for e in entries)
        assert log.size == len(leaves)
        assert log.root == root_of(leaves)
        for tile, data in log.tiles.items():
            if tile.width == 256:
                assert full.setdefault(tile, data) == data
    for tile, data in full.items():  # level-0 tiles are the leaf hashes, level 1 their roots
        begin = tile.index * 256 ** (tile.level + 1)
        run = leaves[begin : begin + 256 ** (tile.level + 1)]
        step = 256**tile.level
        assert data == b"".join(subtree_root(run[i : i + step]) for i in range(0, len(run), step))
