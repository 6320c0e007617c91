"""A record's ledger inclusion proof, checked against the latest signed checkpoint (G5).

The scan page shows the result and the proof itself, so a sceptical reader can redo the check
(the page's script does it again in the browser, from the public ledger API).
"""

import dataclasses
from dataclasses import dataclass
from typing import Literal

from zhiliang.core.ledger import (
    NoteError,
    ProofError,
    leaf_hash,
    open_checkpoint,
    parse_vkey,
    verify_inclusion,
)
from zhiliang.core.ledger.checkpoint import CheckpointError
from zhiliang.ledger import selectors as ledger_selectors


@dataclass(frozen=True)
class ProofView:
    state: Literal["pending", "verified", "failed"]
    leaf_index: int | None = None
    tree_size: int | None = None
    root_hex: str = ""
    entry: str = ""
    audit_path: tuple[str, ...] = ()
    checkpoint: str = ""


def proof_of(entry_id: int | None) -> ProofView:
    """Verify the entry's inclusion in the tree of the latest checkpoint, whose signature is
    checked with the log's own verifier key; "pending" until the sequencer integrates it."""
    if entry_id is None:
        return ProofView("pending")
    index = ledger_selectors.leaf_index_of([entry_id])[entry_id]
    if index is None:
        return ProofView("pending")
    latest = ledger_selectors.latest_checkpoint()
    if index >= latest.size:
        return ProofView("pending", index)
    proof = ledger_selectors.inclusion_proof(leaf_index=index, tree_size=latest.size)
    [stored] = ledger_selectors.entries(index, index + 1)
    view = ProofView(
        "failed",
        index,
        latest.size,
        latest.root.hex(),
        stored.entry,
        tuple(h.hex() for h in proof.audit_path),
        latest.note,
    )
    try:
        opened = open_checkpoint(latest.note.encode(), parse_vkey(ledger_selectors.public_key()))
        if leaf_hash(stored.entry.encode()) != proof.leaf_hash:
            return view
        verify_inclusion(
            proof.leaf_hash, index, opened.checkpoint.size, proof.audit_path, opened.checkpoint.root
        )
    except (NoteError, CheckpointError, ProofError, ValueError):
        return view
    return dataclasses.replace(view, state="verified")
