"""The ledger's test set-up: the published conformance test key, and helpers that fill the log.

Every test signs with ``zl-log`` from shared/conformance/merkle/signed_notes.json (a test key
whose seed is public) under its name ``zhiliang.example/ledger``, so a checkpoint we serve can be
opened with the published verifier key by code that shares nothing with ours.
"""

import base64
import hashlib
from collections.abc import Callable, Iterable, Sequence

import pytest
from django.db import transaction

from zhiliang.core.ledger import parse_vkey
from zhiliang.core.tests.shared import load_json
from zhiliang.ledger import selectors, services
from zhiliang.ledger.models import PendingEntry
from zhiliang.ledger.tests.plugin import _ledger_rows_removable  # noqa: F401 (autouse fixture)

KEYS = {key["id"]: key for key in load_json("conformance/merkle/signed_notes.json")["keys"]}
LOG_KEY = KEYS["zl-log"]
LOG_VKEY = LOG_KEY["vkey"]


def seed_of(key: dict[str, str]) -> str:
    return base64.b64encode(bytes.fromhex(key["ed25519_seed_hex"])).decode()


@pytest.fixture(autouse=True)
def _log_key(settings, monkeypatch) -> None:
    settings.SIGNING_KEY = seed_of(LOG_KEY)
    settings.PUBLIC_URL = "https://zhiliang.example"
    monkeypatch.delenv("ZHILIANG_LEDGER_ORIGIN", raising=False)


@pytest.fixture
def log_verifier():
    verifier = parse_vkey(LOG_VKEY)
    assert verifier.name == "zhiliang.example/ledger"
    return verifier


def queue_raw(entries: Iterable[bytes | str], kind: str = "test.raw") -> list[int]:
    """Queue entries byte for byte (not as {kind, body, time}), to rebuild published logs."""
    rows = [
        PendingEntry(kind=kind, entry=e.decode() if isinstance(e, bytes) else e) for e in entries
    ]
    return [row.pk for row in PendingEntry.objects.bulk_create(rows)]


@pytest.fixture
def raw_log() -> Callable[[Sequence[bytes | str], int], int]:
    """Integrate raw entries in batches of ``batch``; returns the tree size."""

    def fill(entries: Sequence[bytes | str], batch: int = services.DEFAULT_BATCH) -> int:
        for start in range(0, len(entries), batch):
            queue_raw(entries[start : start + batch])
            services.sequence(max_batch=batch)
        return selectors.tree_size()

    return fill


@pytest.fixture
def facts() -> Callable[..., list[int]]:
    """Append ``count`` facts of one kind through the public interface and sequence them;
    returns their pending entry ids."""

    def add(count: int, kind: str = "test.fact", sequence: bool = True) -> list[int]:
        with transaction.atomic():
            ids = [services.append(kind, {"n": n, "name": f"第{n}号"}).pk for n in range(count)]
        if sequence:
            services.sequence()
        return ids

    return add


def counter_entries(size: int) -> list[str]:
    """Entry i is the ASCII decimal of i (the counter tree of tree_hashes.json)."""
    return [str(i) for i in range(size)]


def h(value: str) -> bytes:
    return bytes.fromhex(value)


def sha(value: bytes) -> str:
    return hashlib.sha256(value).hexdigest()
