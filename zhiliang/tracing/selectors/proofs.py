"""The ledger proof of a captured event, checked here and shown with everything needed to check
it again elsewhere (T7: 可查证、不可篡改).

An event is proved in two steps: its hash is leaf ``position`` of its capture job's tree (whose
root is in the job's ledger entry), and that entry is a leaf of the ledger, included in the tree
of the latest signed checkpoint (whose signature is checked with the log's key).
"""

import json
from collections.abc import Iterable
from dataclasses import dataclass, field
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
from zhiliang.core.tracing.event_tree import audit_path, verify
from zhiliang.ledger import selectors as ledger
from zhiliang.tracing.models import TraceEvent


@dataclass(frozen=True)
class EventProof:
    event_id: str
    event_hash: str
    state: Literal["pending", "verified", "failed"]
    leaf_index: int | None = None
    tree_size: int | None = None
    root: str = ""
    job_root: str = ""
    position: int = 0
    job_size: int = 0
    job_path: tuple[str, ...] = ()
    ledger_path: tuple[str, ...] = field(default_factory=tuple)

    def as_dict(self) -> dict[str, object]:
        return {
            "eventID": self.event_id,
            "eventHash": f"ni:///sha-256;{self.event_hash}?ver=CBV2.0",
            "state": self.state,
            "leafIndex": self.leaf_index,
            "treeSize": self.tree_size,
            "root": self.root,
            "captureRoot": self.job_root,
            "position": self.position,
            "captureSize": self.job_size,
            "capturePath": list(self.job_path),
            "ledgerPath": list(self.ledger_path),
        }


def proofs_of(events: Iterable[TraceEvent]) -> list[EventProof]:
    events = list(events)
    entries = {e.capture.ledger_entry for e in events if e.capture.ledger_entry}
    leaves = ledger.leaf_index_of(entries) if entries else {}
    latest = ledger.latest_checkpoint()
    try:
        opened = open_checkpoint(latest.note.encode(), parse_vkey(ledger.public_key()))
        trusted = opened.checkpoint.size == latest.size and opened.checkpoint.root == latest.root
    except (NoteError, CheckpointError, ValueError):
        trusted = False
    return [_proof(e, leaves, latest.size, latest.root, trusted) for e in events]


def _proof(
    event: TraceEvent, leaves: dict[int, int | None], size: int, root: bytes, trusted: bool
) -> EventProof:
    entry = event.capture.ledger_entry
    index = leaves.get(entry) if entry else None
    base = EventProof(event.event_id, event.event_hash, "pending", index)
    if index is None or index >= size:
        return base
    proof = ledger.inclusion_proof(leaf_index=index, tree_size=size)
    [stored] = ledger.entries(index, index + 1)
    body = json.loads(stored.entry)["body"]
    hashes = [bytes.fromhex(h) for h in body.get("hashes", [])]
    if not hashes:  # a large job lists no hashes; its events are in our table, in order
        hashes = [
            bytes.fromhex(h)
            for h in TraceEvent.objects.filter(capture_id=event.capture_id)
            .order_by("position")
            .values_list("event_hash", flat=True)
        ]
    path = audit_path(hashes, event.position) if event.position < len(hashes) else []
    view = EventProof(
        event.event_id,
        event.event_hash,
        "failed",
        index,
        size,
        root.hex(),
        str(body.get("root", "")),
        event.position,
        len(hashes),
        tuple(h.hex() for h in path),
        tuple(h.hex() for h in proof.audit_path),
    )
    try:
        in_job = verify(
            bytes.fromhex(event.event_hash),
            event.position,
            len(hashes),
            path,
            bytes.fromhex(view.job_root),
        )
        if not trusted or not in_job or leaf_hash(stored.entry.encode()) != proof.leaf_hash:
            return view
        verify_inclusion(proof.leaf_hash, index, size, proof.audit_path, root)
    except (ProofError, ValueError):
        return view
    return EventProof(**{**view.__dict__, "state": "verified"})
