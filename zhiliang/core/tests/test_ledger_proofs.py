"""Inclusion and consistency proofs: the published vectors, proofs produced from tiles, properties.

Besides ``proofs.py`` (transparency-dev style), a second verifier below is written straight from
the RFC 9162 §2.1.3.2 and §2.1.4.2 pseudo-code and must agree with it on every vector and accept
every proof we produce.
"""

import hashlib
from collections.abc import Mapping, Sequence
from functools import cache

import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from zhiliang.core.ledger import (
    EMPTY_ROOT,
    HashReader,
    Node,
    ProofError,
    TileBuilder,
    TileId,
    consistency_nodes,
    consistency_proof,
    inclusion_nodes,
    inclusion_proof,
    leaf_hash,
    root_at,
    root_of,
    tile_reader,
    verify_consistency,
    verify_inclusion,
)
from zhiliang.core.tests.shared import load_json

MERKLE = "conformance/merkle"
INCLUSION = load_json(f"{MERKLE}/inclusion_proofs.json")["cases"]
CONSISTENCY = load_json(f"{MERKLE}/consistency_proofs.json")["cases"]
h = bytes.fromhex


def cases(data: list[dict[str, object]]) -> list[object]:
    return [pytest.param(case, id=str(case["id"])) for case in data]


# The clean-room verifier (RFC 9162 §2.1.3.2, §2.1.4.2), sharing no code with proofs.py ----------


def rfc_hash(left: bytes, right: bytes) -> bytes:
    return hashlib.sha256(b"\x01" + left + right).digest()


def rfc_verify_inclusion(
    index: int, size: int, leaf: bytes, path: Sequence[bytes], root: bytes
) -> bool:
    if index >= size:
        return False
    fn, sn, r = index, size - 1, leaf
    for p in path:
        if sn == 0:
            return False
        if fn & 1 or fn == sn:
            r = rfc_hash(p, r)
            if not fn & 1:
                while not fn & 1 and fn != 0:
                    fn, sn = fn >> 1, sn >> 1
        else:
            r = rfc_hash(r, p)
        fn, sn = fn >> 1, sn >> 1
    return sn == 0 and r == root


def rfc_verify_consistency(
    first: int, second: int, first_hash: bytes, second_hash: bytes, path: Sequence[bytes]
) -> bool:
    if not 0 < first < second or not path:
        return False
    if first & (first - 1) == 0:
        path = [first_hash, *path]
    fn, sn = first - 1, second - 1
    while fn & 1:
        fn, sn = fn >> 1, sn >> 1
    fr = sr = path[0]
    for c in path[1:]:
        if sn == 0:
            return False
        if fn & 1 or fn == sn:
            fr, sr = rfc_hash(c, fr), rfc_hash(c, sr)
            if not fn & 1:
                while not fn & 1 and fn != 0:
                    fn, sn = fn >> 1, sn >> 1
        else:
            sr = rfc_hash(sr, c)
        fn, sn = fn >> 1, sn >> 1
    return fr == first_hash and sr == second_hash and sn == 0


def all_32_bytes(*values: bytes) -> bool:
    return all(len(v) == 32 for v in values)


def clean_room_inclusion(case: Mapping[str, object]) -> bool:
    leaf, root, path = h(str(case["leaf_hash"])), h(str(case["root"])), hexes(case["audit_path"])
    return all_32_bytes(leaf, root, *path) and rfc_verify_inclusion(
        int(str(case["leaf_index"])), int(str(case["tree_size"])), leaf, path, root
    )


def clean_room_consistency(case: Mapping[str, object]) -> bool:
    first, second = int(str(case["first"])), int(str(case["second"]))
    old, new, proof = h(str(case["first_root"])), h(str(case["second_root"])), hexes(case["proof"])
    if not all_32_bytes(old, new, *proof) or first == 0:
        return False
    if first == second:  # the domain rule: equal sizes, equal roots, nothing to prove
        return not proof and old == new
    return rfc_verify_consistency(first, second, old, new, proof)


def hexes(values: object) -> list[bytes]:
    assert isinstance(values, list)
    return [h(v) for v in values]


# Verifying the published vectors -----------------------------------------------------------


def verdict_of_inclusion(case: Mapping[str, object]) -> bool:
    try:
        verify_inclusion(
            h(str(case["leaf_hash"])),
            int(str(case["leaf_index"])),
            int(str(case["tree_size"])),
            hexes(case["audit_path"]),
            h(str(case["root"])),
        )
    except ProofError:
        return False
    return True


def verdict_of_consistency(case: Mapping[str, object]) -> bool:
    try:
        verify_consistency(
            int(str(case["first"])),
            int(str(case["second"])),
            h(str(case["first_root"])),
            h(str(case["second_root"])),
            hexes(case["proof"]),
        )
    except ProofError:
        return False
    return True


@pytest.mark.parametrize("case", cases(INCLUSION))
def test_inclusion_vector(case: dict[str, object]) -> None:
    assert verdict_of_inclusion(case) is case["valid"]


@pytest.mark.parametrize("case", cases(CONSISTENCY))
def test_consistency_vector(case: dict[str, object]) -> None:
    assert verdict_of_consistency(case) is case["valid"]


@pytest.mark.parametrize("case", cases(INCLUSION))
def test_clean_room_inclusion_agrees_with_vector(case: dict[str, object]) -> None:
    assert clean_room_inclusion(case) is case["valid"]


@pytest.mark.parametrize("case", cases(CONSISTENCY))
def test_clean_room_consistency_agrees_with_vector(case: dict[str, object]) -> None:
    assert clean_room_consistency(case) is case["valid"]


# Producing proofs from tiles ---------------------------------------------------------------


class TileStore:
    """Tiles as a sequencer keeps them: every full tile, and the latest partial tile per index."""

    def __init__(self, entries: Sequence[bytes], batch: int = 1000) -> None:
        self.leaves = [leaf_hash(e) for e in entries]
        self.tiles: dict[tuple[int, int], bytes] = {}
        self.reads = 0
        builder = TileBuilder()
        for start in range(0, len(self.leaves), batch):
            written = builder.append(self.leaves[start : start + batch]).tiles
            self.tiles.update({(t.level, t.index): data for t, data in written.items()})

    def read(self, wanted: set[TileId]) -> dict[TileId, bytes]:
        """One query per proof; a wider copy of a tile serves a narrower request."""
        self.reads += 1
        return {tile: self.tiles[tile.level, tile.index] for tile in wanted}


@cache
def classic_store() -> TileStore:
    tree = load_json(f"{MERKLE}/tree_hashes.json")["trees"][0]
    return TileStore([h(e) for e in tree["entries_hex"]], batch=3)


@cache
def counter_store() -> TileStore:
    return TileStore([str(i).encode() for i in range(70_000)])


def store_for(case_id: str) -> TileStore | None:
    if case_id.startswith("classic-"):
        return classic_store()
    if case_id.startswith("counter-"):
        return counter_store()
    return None  # transparency-dev probes and the CT log: no entries to rebuild


def direct_reader(leaves: Sequence[bytes]) -> HashReader:
    def hash_of(nodes: Sequence[Node]) -> dict[Node, bytes]:
        return {n: root_of(leaves[n.begin : n.end]) for n in nodes}

    return hash_of


PRODUCIBLE_INCLUSION = [c for c in INCLUSION if c["valid"] and store_for(c["id"]) is not None]
PRODUCIBLE_CONSISTENCY = [c for c in CONSISTENCY if c["valid"] and store_for(c["id"]) is not None]


@pytest.mark.parametrize("case", cases(PRODUCIBLE_INCLUSION))
def test_inclusion_proof_from_tiles_is_the_published_path(case: dict[str, object]) -> None:
    store = store_for(str(case["id"]))
    assert store is not None
    index, size = int(str(case["leaf_index"])), int(str(case["tree_size"]))
    assert store.leaves[index].hex() == case["leaf_hash"]
    reads = store.reads
    reader = tile_reader(size, store.read)
    proof = inclusion_proof(index, size, reader)
    assert [p.hex() for p in proof] == case["audit_path"]
    assert store.reads == reads + (1 if proof else 0)
    assert root_at(size, reader).hex() == case["root"]


@pytest.mark.parametrize("case", cases(PRODUCIBLE_CONSISTENCY))
def test_consistency_proof_from_tiles_is_the_published_proof(case: dict[str, object]) -> None:
    store = store_for(str(case["id"]))
    assert store is not None
    first, second = int(str(case["first"])), int(str(case["second"]))
    reads = store.reads
    proof = consistency_proof(first, second, tile_reader(second, store.read))
    assert [p.hex() for p in proof] == case["proof"]
    assert store.reads == reads + (1 if proof else 0)
    assert root_at(first, tile_reader(first, store.read)).hex() == case["first_root"]


def test_planning_refuses_what_verification_refuses() -> None:
    for index, size in [(0, 0), (5, 5), (-1, 3), (2**64, 2**64)]:
        with pytest.raises(ProofError):
            inclusion_nodes(index, size)
    for first, second in [(0, 0), (0, 8), (9, 8), (-1, 3)]:
        with pytest.raises(ProofError):
            consistency_nodes(first, second)
    assert consistency_nodes(8, 8) == []
    assert root_at(0, direct_reader([])) == EMPTY_ROOT


def test_a_right_edge_element_is_computed_from_complete_subtrees() -> None:
    # Leaf 0 of 7: siblings are leaf 1, leaves 2-3, and leaves 4-6, which is no stored subtree.
    assert inclusion_nodes(0, 7) == [Node(0, 1), Node(1, 1), Node(1, 2), Node(0, 6)]


def test_a_million_leaf_proof_needs_one_node_per_level() -> None:
    size = 1_000_000
    nodes = inclusion_nodes(123_456, size)
    assert len(nodes) <= 2 * size.bit_length()
    assert all(node.end <= size for node in nodes)


# Properties ---------------------------------------------------------------------------------

SMALL = 3000  # one full level-1 tile would need 65,536: this log has 11 level-0 tiles


@cache
def small_store() -> TileStore:
    return TileStore([f"entry {i}".encode() for i in range(SMALL)], batch=97)


@cache
def small_root(size: int) -> bytes:
    return root_of(small_store().leaves[:size])


def flip(proof: list[bytes], bit: int) -> list[bytes]:
    element, offset = divmod(bit % (len(proof) * 256), 256)
    tampered = bytearray(proof[element])
    tampered[offset // 8] ^= 1 << (offset % 8)
    return [*proof[:element], bytes(tampered), *proof[element + 1 :]]


sizes = st.integers(min_value=1, max_value=SMALL)


@settings(deadline=None)
@given(sizes, st.data())
def test_inclusion_proofs_from_tiles_verify_and_tampering_never_does(
    size: int, data: st.DataObject
) -> None:
    store = small_store()
    index = data.draw(st.integers(min_value=0, max_value=size - 1))
    proof = inclusion_proof(index, size, tile_reader(size, store.read))
    root, leaf = small_root(size), store.leaves[index]
    verify_inclusion(leaf, index, size, proof, root)
    assert rfc_verify_inclusion(index, size, leaf, proof, root)
    assume(proof)
    tampered = flip(proof, data.draw(st.integers(min_value=0)))
    with pytest.raises(ProofError):
        verify_inclusion(leaf, index, size, tampered, root)
    assert not rfc_verify_inclusion(index, size, leaf, tampered, root)


@settings(deadline=None)
@given(sizes, st.data())
def test_consistency_proofs_from_tiles_verify_and_tampering_never_does(
    second: int, data: st.DataObject
) -> None:
    store = small_store()
    first = data.draw(st.integers(min_value=1, max_value=second))
    proof = consistency_proof(first, second, tile_reader(second, store.read))
    old, new = small_root(first), small_root(second)
    verify_consistency(first, second, old, new, proof)
    assert first == second or rfc_verify_consistency(first, second, old, new, proof)
    assume(proof)
    tampered = flip(proof, data.draw(st.integers(min_value=0)))
    with pytest.raises(ProofError):
        verify_consistency(first, second, old, new, tampered)
    assert not rfc_verify_consistency(first, second, old, new, tampered)


@settings(deadline=None)
@given(sizes)
def test_root_from_tiles_is_the_tree_hash(size: int) -> None:
    assert root_at(size, tile_reader(size, small_store().read)) == small_root(size)


@settings(deadline=None, max_examples=50)
@given(st.integers(min_value=1, max_value=70_000), st.data())
def test_proofs_across_three_tile_levels_verify(second: int, data: st.DataObject) -> None:
    store = counter_store()
    first = data.draw(st.integers(min_value=1, max_value=second))
    index = data.draw(st.integers(min_value=0, max_value=second - 1))
    old = root_at(first, tile_reader(first, store.read))
    new = root_at(second, tile_reader(second, store.read))
    path = inclusion_proof(index, second, tile_reader(second, store.read))
    verify_inclusion(store.leaves[index], index, second, path, new)
    assert rfc_verify_inclusion(index, second, store.leaves[index], path, new)
    proof = consistency_proof(first, second, tile_reader(second, store.read))
    verify_consistency(first, second, old, new, proof)
    assert first == second or rfc_verify_consistency(first, second, old, new, proof)


@given(st.integers(min_value=1, max_value=2**64 - 1), st.data())
def test_plans_use_only_complete_subtrees_of_the_tree(size: int, data: st.DataObject) -> None:
    index = data.draw(st.integers(min_value=0, max_value=size - 1))
    first = data.draw(st.integers(min_value=1, max_value=size))
    for node in [*inclusion_nodes(index, size), *consistency_nodes(first, size)]:
        assert node.end <= size
    assert len(inclusion_nodes(index, size)) <= 2 * size.bit_length()
