"""The Merkle tree over the event hashes of one capture job (RFC 9162, as the ledger's own).

A job's ledger entry carries the tree's root (and, for jobs small enough, every hash), so an
event is proved in the ledger in two steps: its hash is leaf ``position`` of the job's tree
(this audit path), and the job's entry is a leaf of the ledger (the ledger's inclusion proof).
"""

from collections.abc import Mapping, Sequence

from zhiliang.core.ledger import (
    Node,
    inclusion_proof,
    leaf_hash,
    node_hash,
    root_of,
    verify_inclusion,
)
from zhiliang.core.ledger.hashes import subtree_root


def _leaves(hashes: Sequence[bytes]) -> list[bytes]:
    return [leaf_hash(h) for h in hashes]


def events_root(hashes: Sequence[bytes]) -> bytes:
    """MTH over the leaf hashes of the events' SHA-256 digests, in capture order."""
    return root_of(_leaves(hashes))


def audit_path(hashes: Sequence[bytes], position: int) -> list[bytes]:
    leaves = _leaves(hashes)

    def read(nodes: Sequence[Node]) -> Mapping[Node, bytes]:
        return {n: subtree_root(leaves[n.begin : n.end]) for n in nodes}

    return inclusion_proof(position, len(leaves), read)


class EventTree:
    """Every node of one job's tree, built once (2n hashes), so each event's audit path is a
    look-up instead of a rebuild: a job of thousands of events is proved many times over."""

    def __init__(self, hashes: Sequence[bytes]) -> None:
        self.size = len(hashes)
        self.levels = [_leaves(hashes)]
        while len(self.levels[-1]) > 1:
            below = self.levels[-1]
            self.levels.append(
                [node_hash(below[i], below[i + 1]) for i in range(0, len(below) - 1, 2)]
            )
        self.root = root_of(self.levels[0]) if hashes else b""

    def path(self, position: int) -> list[bytes]:
        def read(nodes: Sequence[Node]) -> Mapping[Node, bytes]:
            return {n: self.levels[n.level][n.index] for n in nodes}

        return inclusion_proof(position, self.size, read)


def verify(digest: bytes, position: int, size: int, path: Sequence[bytes], root: bytes) -> bool:
    try:
        verify_inclusion(leaf_hash(digest), position, size, path, root)
    except ValueError:
        return False
    return True
