"""RFC 9162 inclusion and consistency proofs: verifying them, and planning which hashes they need.

Verification (RFC 9162 §2.1.3.2 and §2.1.4.2) decomposes the proof into the part inside the
subtree that holds the leaf (or the old tree's last leaf) and the border along the right edge
of the tree, as transparency-dev/merkle does; it refuses every proof whose length does not match
the sizes, so garbage before or after a valid path never verifies.

Planning follows PATH and SUBPROOF of RFC 9162 §2.1.3.1 and §2.1.4.1. Every proof element is
MTH over a contiguous range of leaves; a range is cut into complete subtrees (``Node``) whose
hashes never change once the leaves exist, so they can be stored (in tiles) and read back. Only
a range at the tree's right edge needs more than one node, and then its hash is the nodes'
hashes folded right to left. The planner names the nodes; a caller-supplied reader fetches all
of them in one call, so storage is touched once per proof.
"""

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Final

from zhiliang.core.ledger.hashes import EMPTY_ROOT, HASH_SIZE, node_hash

# RFC 9162 §4.1 carries tree sizes and leaf indexes as uint64.
MAX_TREE_SIZE: Final = 2**64 - 1


class ProofError(ValueError):
    """A proof, or a request for one, was refused; ``reason`` is a stable snake_case code."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


@dataclass(frozen=True, slots=True, order=True)
class Node:
    """The root of the complete subtree of 2**level leaves starting at leaf index * 2**level."""

    level: int
    index: int

    @property
    def begin(self) -> int:
        """The first leaf under this node."""
        return self.index << self.level

    @property
    def end(self) -> int:
        """One past the last leaf under this node."""
        return (self.index + 1) << self.level


# Reads the stored hashes of the given nodes: one call per proof, so one round trip to storage.
HashReader = Callable[[Sequence[Node]], Mapping[Node, bytes]]

# One proof element: complete subtrees covering a range left to right; its hash is their hashes
# folded right to left (a single node stands for itself).
Element = tuple[Node, ...]


def range_nodes(begin: int, end: int) -> Element:
    """The complete subtrees that tile leaves [begin, end), largest first.

    For the ranges proofs use (``begin`` a multiple of a power of two at least ``end - begin``)
    this is the binary decomposition of the range's size, and folding the hashes right to left
    gives MTH of the range, because MTH splits at the largest power of two below its size.
    """
    nodes: list[Node] = []
    while begin < end:
        level = (end - begin).bit_length() - 1
        if begin:
            level = min(level, (begin & -begin).bit_length() - 1)
        nodes.append(Node(level, begin >> level))
        begin += 1 << level
    return tuple(nodes)


def _split(size: int) -> int:
    """The largest power of two strictly below size (> 1): where MTH splits (RFC 9162 §2.1.1)."""
    return 1 << ((size - 1).bit_length() - 1)


def _check_size(size: int) -> None:
    if not 0 <= size <= MAX_TREE_SIZE:
        raise ProofError("tree_size_out_of_range")


def inclusion_plan(index: int, size: int) -> list[Element]:
    """The proof elements of PATH(index, D[size]) (RFC 9162 §2.1.3.1), leaf's sibling first."""
    _check_size(size)
    if not 0 <= index < size:
        raise ProofError("leaf_index_out_of_range")
    elements: list[Element] = []
    lo, hi = 0, size
    while hi - lo > 1:
        k = _split(hi - lo)
        if index < lo + k:
            elements.append(range_nodes(lo + k, hi))
            hi = lo + k
        else:
            elements.append(range_nodes(lo, lo + k))
            lo += k
    elements.reverse()
    return elements


def consistency_plan(first: int, second: int) -> list[Element]:
    """The proof elements of PROOF(first, D[second]) (RFC 9162 §2.1.4.1), deepest first.

    ``first`` must be positive: a proof from the empty tree proves nothing, and
    transparency-dev/merkle and Go's sumdb refuse it too. Equal sizes need no elements.
    """
    _check_size(second)
    if first <= 0:
        raise ProofError("first_size_not_positive")
    if first > second:
        raise ProofError("first_size_above_second")
    elements: list[Element] = []
    lo, hi, m, whole_old_tree = 0, second, first, True
    while m < hi - lo:
        k = _split(hi - lo)
        if m <= k:
            elements.append(range_nodes(lo + k, hi))
            hi = lo + k
        else:
            elements.append(range_nodes(lo, lo + k))
            lo, m, whole_old_tree = lo + k, m - k, False
    if not whole_old_tree:
        # SUBPROOF(m, D[m], false): the old tree's hash is not known to the verifier here.
        elements.append(range_nodes(lo, hi))
    elements.reverse()
    return elements


def _flatten(plan: Sequence[Element]) -> list[Node]:
    return list(dict.fromkeys(node for element in plan for node in element))


def inclusion_nodes(index: int, size: int) -> list[Node]:
    """Every stored subtree hash an inclusion proof needs, in proof order, each once."""
    return _flatten(inclusion_plan(index, size))


def consistency_nodes(first: int, second: int) -> list[Node]:
    """Every stored subtree hash a consistency proof needs, in proof order, each once."""
    return _flatten(consistency_plan(first, second))


def _resolve(plan: Sequence[Element], hash_of: HashReader) -> list[bytes]:
    nodes = _flatten(plan)
    hashes = hash_of(nodes) if nodes else {}
    missing = [node for node in nodes if node not in hashes]
    if missing:
        raise LookupError(f"the hash reader did not return {missing}")
    proof: list[bytes] = []
    for element in plan:
        value = hashes[element[-1]]
        for node in reversed(element[:-1]):
            value = node_hash(hashes[node], value)
        proof.append(value)
    return proof


def inclusion_proof(index: int, size: int, hash_of: HashReader) -> list[bytes]:
    """The audit path for leaf ``index`` in the tree of ``size`` leaves, reading hashes once."""
    return _resolve(inclusion_plan(index, size), hash_of)


def consistency_proof(first: int, second: int, hash_of: HashReader) -> list[bytes]:
    """The proof that the tree of ``first`` leaves is a prefix of the tree of ``second``."""
    return _resolve(consistency_plan(first, second), hash_of)


def root_at(size: int, hash_of: HashReader) -> bytes:
    """MTH of the first ``size`` leaves, from the stored hashes of its complete subtrees."""
    _check_size(size)
    if size == 0:
        return EMPTY_ROOT
    [root] = _resolve([range_nodes(0, size)], hash_of)
    return root


# Verification ---------------------------------------------------------------------------------


def _check_hash(value: bytes, what: str) -> None:
    if len(value) != HASH_SIZE:
        raise ProofError(f"{what}_not_{HASH_SIZE}_bytes")


def _decompose(index: int, size: int) -> tuple[int, int]:
    """How many proof hashes lie inside the subtree shared with the last leaf, and how many
    on the right border above it (transparency-dev/merkle ``decompInclProof``)."""
    inner = (index ^ (size - 1)).bit_length()
    border = (index >> inner).bit_count()
    return inner, border


def _chain_inner(seed: bytes, proof: Sequence[bytes], index: int) -> bytes:
    for i, sibling in enumerate(proof):
        seed = node_hash(sibling, seed) if (index >> i) & 1 else node_hash(seed, sibling)
    return seed


def _chain_inner_right(seed: bytes, proof: Sequence[bytes], index: int) -> bytes:
    """Like ``_chain_inner`` but only the left siblings: what the old tree's root is made of."""
    for i, sibling in enumerate(proof):
        if (index >> i) & 1:
            seed = node_hash(sibling, seed)
    return seed


def _chain_border_right(seed: bytes, proof: Sequence[bytes]) -> bytes:
    for sibling in proof:
        seed = node_hash(sibling, seed)
    return seed


def verify_inclusion(
    leaf_hash: bytes, index: int, size: int, path: Sequence[bytes], root: bytes
) -> None:
    """Accept ``path`` as proof that ``leaf_hash`` is leaf ``index`` of the tree with ``root``.

    The tree size is not bound by the proof alone (a path may also fit a smaller tree with the
    same root), so ``root`` must come from a checkpoint signed for exactly ``size``.
    """
    _check_size(size)
    if not 0 <= index < size:
        raise ProofError("leaf_index_out_of_range")
    _check_hash(leaf_hash, "leaf_hash")
    _check_hash(root, "root")
    for value in path:
        _check_hash(value, "path_hash")
    inner, border = _decompose(index, size)
    if len(path) != inner + border:
        raise ProofError("wrong_path_length")
    computed = _chain_border_right(_chain_inner(leaf_hash, path[:inner], index), path[inner:])
    if computed != root:
        raise ProofError("root_mismatch")


def verify_consistency(
    first: int, second: int, first_root: bytes, second_root: bytes, proof: Sequence[bytes]
) -> None:
    """Accept ``proof`` as showing the tree of ``first`` leaves is a prefix of ``second``'s."""
    _check_size(first)
    _check_size(second)
    if first == 0:
        raise ProofError("first_size_not_positive")
    if first > second:
        raise ProofError("first_size_above_second")
    _check_hash(first_root, "first_root")
    _check_hash(second_root, "second_root")
    for value in proof:
        _check_hash(value, "proof_hash")
    if first == second:
        if proof:
            raise ProofError("wrong_proof_length")
        if first_root != second_root:
            raise ProofError("root_mismatch")
        return

    inner, border = _decompose(first - 1, second)
    shift = (first & -first).bit_length() - 1  # levels the old tree's last subtree spans
    inner -= shift
    # When the old tree is itself a complete subtree, its root is the proof's implicit start
    # (RFC 9162 §2.1.4.2 step 2); otherwise the proof starts with that subtree's hash.
    if first == 1 << shift:
        seed, rest = first_root, proof
    elif proof:
        seed, rest = proof[0], proof[1:]
    else:
        raise ProofError("wrong_proof_length")
    if len(rest) != inner + border:
        raise ProofError("wrong_proof_length")
    mask = (first - 1) >> shift
    old = _chain_border_right(_chain_inner_right(seed, rest[:inner], mask), rest[inner:])
    if old != first_root:
        raise ProofError("first_root_mismatch")
    new = _chain_border_right(_chain_inner(seed, rest[:inner], mask), rest[inner:])
    if new != second_root:
        raise ProofError("second_root_mismatch")
