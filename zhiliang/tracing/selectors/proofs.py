"""The ledger proof of a captured event, checked here and shown with everything needed to check
it again elsewhere (T7: 可查证、不可篡改).

An event is proved in two steps: its hash is leaf ``position`` of its capture job's tree (whose
root is in the job's ledger entry), and that entry is a leaf of the ledger, included in the tree
of the latest signed checkpoint (whose signature is checked with the log's key).
"""

import contextlib
import dataclasses
import json
from collections import OrderedDict
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Literal

from django.core.cache import cache

from zhiliang.core.ledger import (
    NoteError,
    ProofError,
    leaf_hash,
    open_checkpoint,
    parse_vkey,
    verify_inclusion,
)
from zhiliang.core.ledger.checkpoint import CheckpointError
from zhiliang.core.tracing.event_tree import EventTree, verify
from zhiliang.ledger import selectors as ledger
from zhiliang.tracing.models import TraceEvent

JOB_PROOF_SECONDS = 3600


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


@dataclass(frozen=True)
class _JobProof:
    """The ledger half of the proof of every event of one capture job, at one tree size."""

    leaf_index: int | None
    verified_entry: bool  # the entry is in the signed tree
    job_root: str = ""
    hashes: tuple[str, ...] = ()
    ledger_path: tuple[str, ...] = ()


def proofs_of(events: Iterable[TraceEvent]) -> list[EventProof]:
    """Each event's proof against the latest signed checkpoint. The ledger half is shared by
    the events of one capture job and fixed for a tree size, so it is cached by both."""
    events = list(events)
    latest = ledger.latest_checkpoint()
    try:
        opened = open_checkpoint(latest.note.encode(), parse_vkey(ledger.public_key()))
        trusted = opened.checkpoint.size == latest.size and opened.checkpoint.root == latest.root
    except (NoteError, CheckpointError, ValueError):
        trusted = False
    jobs: dict[object, _JobProof] = {}
    found = []
    for event in events:
        if event.capture_id not in jobs:
            jobs[event.capture_id] = _job_proof(event, latest.size, latest.root)
        found.append(_proof(event, jobs[event.capture_id], latest.size, latest.root, trusted))
    return found


def _job_proof(event: TraceEvent, size: int, root: bytes) -> _JobProof:
    key = f"tracing:jobproof:{event.capture_id}:{size}"
    cached: _JobProof | None = cache.get(key)
    if cached is not None:
        return cached
    entry = event.capture.ledger_entry
    index = ledger.leaf_index_of([entry])[entry] if entry else None
    if index is None or index >= size:
        return _JobProof(index, False)  # pending: not cached, it changes when sequenced
    proof = ledger.inclusion_proof(leaf_index=index, tree_size=size)
    [stored] = ledger.entries(index, index + 1)
    body = json.loads(stored.entry)["body"]
    hashes = tuple(body.get("hashes", ()))
    if not hashes:  # a large job lists no hashes; its events are in our table, in order
        hashes = tuple(
            TraceEvent.objects.filter(capture_id=event.capture_id)
            .order_by("position")
            .values_list("event_hash", flat=True)
        )
    try:
        verify_inclusion(proof.leaf_hash, index, size, proof.audit_path, root)
        in_tree = leaf_hash(stored.entry.encode()) == proof.leaf_hash
    except (ProofError, ValueError):
        in_tree = False
    found = _JobProof(index, in_tree, str(body.get("root", "")), hashes,
                      tuple(h.hex() for h in proof.audit_path))  # fmt: skip
    cache.set(key, found, JOB_PROOF_SECONDS)
    return found


_TREES: OrderedDict[str, EventTree] = OrderedDict()
TREES_KEPT = 256


def _tree(job_root: str, hashes: tuple[str, ...]) -> EventTree:
    """Jobs' trees by their root, kept in this process (they never change): the most recent
    ``TREES_KEPT``."""
    tree = _TREES.get(job_root)
    if tree is None or tree.size != len(hashes):
        tree = _TREES[job_root] = EventTree([bytes.fromhex(h) for h in hashes])
        if len(_TREES) > TREES_KEPT:
            _TREES.popitem(last=False)
    else:
        with contextlib.suppress(KeyError):  # another thread let it go meanwhile
            _TREES.move_to_end(job_root)
    return tree


def forget() -> None:
    """Drop this process's trees (tests: databases come and go under the same ids)."""
    _TREES.clear()


def _proof(event: TraceEvent, job: _JobProof, size: int, root: bytes, trusted: bool) -> EventProof:
    if job.leaf_index is None or job.leaf_index >= size or not job.hashes:
        return EventProof(event.event_id, event.event_hash, "pending", job.leaf_index)
    tree = _tree(job.job_root, job.hashes)
    path = tree.path(event.position) if event.position < tree.size else []
    hashes = job.hashes
    view = EventProof(
        event.event_id,
        event.event_hash,
        "failed",
        job.leaf_index,
        size,
        root.hex(),
        job.job_root,
        event.position,
        len(hashes),
        tuple(h.hex() for h in path),
        job.ledger_path,
    )
    try:
        in_job = verify(
            bytes.fromhex(event.event_hash), event.position, len(hashes), path,
            bytes.fromhex(job.job_root),
        )  # fmt: skip
    except ValueError:
        return view
    if trusted and in_job and job.verified_entry:
        return dataclasses.replace(view, state="verified")
    return view
