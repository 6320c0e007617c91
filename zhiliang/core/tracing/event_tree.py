"""The Merkle tree over the event hashes of one capture job (RFC 9162, as the ledger's own).

A job's ledger entry carries the tree's root (and, for jobs small enough, every hash), so an
event is proved in the ledger in two steps: its hash is leaf ``position`` of the job's tree
(this audit path), and the job's entry is a leaf of the ledger (the ledger's inclusion proof).
"""

from collections.abc import Mapping, Sequence

from zhiliang.core.ledger import Node, inclusion_proof, leaf_hash, root_of, verify_inclusion
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


def verify(digest: bytes, position: int, size: int, path: Sequence[bytes], root: bytes) -> bool:
    try:
        verify_inclusion(leaf_hash(digest), position, size, path, root)
    except ValueError:
        return False
    return True
