"""The two hash functions of an RFC 9162 Merkle tree, and the tree hash itself.

RFC 9162 §2.1.1 separates leaves from interior nodes with a one-byte prefix (0x00 for a leaf,
0x01 for a node) so that no leaf can be passed off as a subtree, a second-preimage attack on
unprefixed trees. The hash algorithm is SHA-256, as in the C2SP tlog specifications.
"""

import hashlib
from collections.abc import Sequence
from typing import Final

HASH_SIZE: Final = 32

# MTH({}) = SHA-256() (RFC 9162 §2.1.1): the root a log publishes before its first entry.
EMPTY_ROOT: Final = hashlib.sha256(b"").digest()

_LEAF_PREFIX: Final = b"\x00"
_NODE_PREFIX: Final = b"\x01"


def leaf_hash(entry: bytes) -> bytes:
    """MTH({d(0)}) = SHA-256(0x00 || d(0)): the hash that stands for one entry in the tree."""
    return hashlib.sha256(_LEAF_PREFIX + entry).digest()


def node_hash(left: bytes, right: bytes) -> bytes:
    """SHA-256(0x01 || left || right): the hash of an interior node from its two children."""
    return hashlib.sha256(_NODE_PREFIX + left + right).digest()


def subtree_root(hashes: Sequence[bytes]) -> bytes:
    """The root over a power-of-two run of hashes, pairing neighbours level by level.

    Only for complete subtrees (a run of 1, 2, 4, … hashes), where MTH's split at the largest
    power of two below n always halves the run; tiles are built from such runs.
    """
    count = len(hashes)
    if count == 0 or count & (count - 1):
        raise ValueError(f"a complete subtree has a power-of-two number of hashes, not {count}")
    row = list(hashes)
    sha256 = hashlib.sha256  # node_hash inlined: this loop builds every stored tile's parent
    while len(row) > 1:
        row = [
            sha256(_NODE_PREFIX + left + right).digest()
            for left, right in zip(row[::2], row[1::2], strict=True)
        ]
    return row[0]


def root_of(leaf_hashes: Sequence[bytes]) -> bytes:
    """MTH(D[n]) of RFC 9162 §2.1.1 over the given leaf hashes, for tests and small trees.

    Reads the leaves once, keeping one pending hash per complete subtree (at most log2 n of
    them), and folds the pending hashes right to left at the end, which is how MTH splits a
    tree whose size is not a power of two.
    """
    stack: list[tuple[int, bytes]] = []  # (height, hash) of complete subtrees, left to right
    for leaf in leaf_hashes:
        height, value = 0, leaf
        while stack and stack[-1][0] == height:
            value = node_hash(stack.pop()[1], value)
            height += 1
        stack.append((height, value))
    if not stack:
        return EMPTY_ROOT
    root = stack[-1][1]
    for _, value in reversed(stack[:-1]):
        root = node_hash(value, root)
    return root
