"""The served log against the shared vectors, and read by a client that shares none of our code.

The published tiled logs of shared/conformance/merkle/tiles.json are rebuilt through the real
sequencer and read back over HTTP: tessera's test log byte for byte (signed with its published
key, so even the checkpoints match), and the 70,000-entry counter log's tiles, bundles and
proofs. A clean-room reader, written here from RFC 9162 and C2SP signed-note, then checks our
checkpoints and proofs.
"""

import base64
import hashlib

import pytest
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from zhiliang.core.ledger import integrate, leaf_hash
from zhiliang.core.tests.shared import load_json
from zhiliang.core.tests.test_ledger_proofs import rfc_verify_consistency, rfc_verify_inclusion
from zhiliang.ledger import services
from zhiliang.ledger.models import Checkpoint
from zhiliang.ledger.tests.conftest import KEYS, LOG_VKEY, counter_entries, queue_raw, seed_of

pytestmark = [pytest.mark.both_databases, pytest.mark.django_db]

MERKLE = "conformance/merkle"
LOGS = {log["id"]: log for log in load_json(f"{MERKLE}/tiles.json")["tiled_logs"]}
INCLUSION = load_json(f"{MERKLE}/inclusion_proofs.json")["cases"]
CONSISTENCY = load_json(f"{MERKLE}/consistency_proofs.json")["cases"]
COUNTER_ROOTS = {
    r["tree_size"]: r["root"]
    for tree in load_json(f"{MERKLE}/tree_hashes.json")["trees"]
    if tree["name"] == "counter"
    for r in tree["roots"]
}


# A clean-room reader: C2SP signed-note and tlog-checkpoint, straight from the texts -----------


def read_checkpoint(note: bytes, vkey: str) -> tuple[str, int, bytes]:
    """(origin, size, root) of a note signed by the key ``vkey``, or AssertionError."""
    name, key_id_hex, key64 = vkey.split("+", 2)
    key = base64.b64decode(key64)
    assert key[0] == 1 and len(key) == 33
    assert hashlib.sha256(name.encode() + b"\n" + key).digest()[:4].hex() == key_id_hex
    text, _, signatures = note.decode().rpartition("\n\n")
    text += "\n"
    lines = [line for line in signatures.split("\n") if line]
    mine = [line for line in lines if line.startswith(f"\u2014 {name} ")]
    assert len(mine) == 1, lines
    blob = base64.b64decode(mine[0].split(" ")[2])
    assert blob[:4].hex() == key_id_hex
    try:
        Ed25519PublicKey.from_public_bytes(key[1:]).verify(blob[4:], text.encode())
    except InvalidSignature:
        raise AssertionError("the checkpoint signature does not verify") from None
    origin, size, root = text.split("\n")[:3]
    assert origin == name
    return origin, int(size), base64.b64decode(root)


def served_head(client) -> tuple[int, bytes]:
    _, size, root = read_checkpoint(client.get("/ledger/checkpoint").content, LOG_VKEY)
    return size, root


def check_any_two_sizes(client, sizes: list[int]) -> None:
    """Every signed size is consistent with every later one, and its leaves are included."""
    roots = {}
    for size in sizes:
        roots[size] = bytes(Checkpoint.objects.get(size=size).root)
        read_checkpoint(Checkpoint.objects.get(size=size).note.encode(), LOG_VKEY)
    for first in sizes:
        for second in sizes:
            if first < second:
                body = client.get(
                    "/api/ledger/proof/consistency", {"first": first, "second": second}
                ).json()
                proof = [bytes.fromhex(v) for v in body["proof"]]
                assert rfc_verify_consistency(first, second, roots[first], roots[second], proof)
        for index in {0, first // 2, first - 1}:
            body = client.get(
                "/api/ledger/proof/inclusion", {"leaf_index": index, "tree_size": first}
            ).json()
            path = [bytes.fromhex(v) for v in body["audit_path"]]
            leaf = bytes.fromhex(body["leaf_hash"])
            assert rfc_verify_inclusion(index, first, leaf, path, roots[first])


# Tessera's published test log ----------------------------------------------------------------


def test_the_tessera_test_log_is_served_byte_for_byte(client, settings, monkeypatch) -> None:
    log = LOGS["tessera-testdata"]
    settings.SIGNING_KEY = seed_of(KEYS["tessera-testdata"])
    monkeypatch.setenv("ZHILIANG_LEDGER_ORIGIN", "example.com/log/testdata")
    assert client.get("/api/ledger/public-key").content.decode() == log["vkey"] + "\n"

    assert client.get("/ledger/checkpoint").content.decode() == log["checkpoints"][0]
    for size, entry in enumerate(log["entries_text"], start=1):
        queue_raw([entry])
        assert services.sequence() == 1
        assert client.get("/ledger/checkpoint").content.decode() == log["checkpoints"][size]
        published = log["tiles"][size - 1]
        assert (
            client.get(f"/ledger/{published['tile_path']}").content.hex() == published["tile_hex"]
        )
        bundle = client.get(f"/ledger/{published['bundle_path']}").content
        assert bundle.hex() == published["bundle_hex"]


# The counter log: three tile levels ---------------------------------------------------------


@pytest.fixture
def counter_log() -> list[str]:
    entries = counter_entries(70_000)
    start = 0
    for batch in [1, 255, 1, 4_096, 7, 300, 65_000, 340]:  # crosses tile edges at every level
        queue_raw(entries[start : start + batch])
        services.sequence(max_batch=batch)  # one checkpoint per batch
        start += batch
    assert start == 70_000
    return entries


def test_the_counter_log_serves_the_published_tiles_proofs_and_roots(client, counter_log) -> None:
    log = LOGS["counter-70000"]
    size, root = served_head(client)
    assert (size, root.hex()) == (70_000, log["root"])

    for tile in [*log["hash_tiles"], *log["entry_bundles"]]:
        data = client.get(f"/ledger/{tile['path']}").content
        assert (len(data), hashlib.sha256(data).hexdigest()) == (tile["length"], tile["sha256"])
        if "first_hash" in tile:
            assert (data[:32].hex(), data[-32:].hex()) == (tile["first_hash"], tile["last_hash"])

    for case in INCLUSION:
        if case["id"].startswith("counter-") and case["valid"]:
            params = {"leaf_index": case["leaf_index"], "tree_size": case["tree_size"]}
            body = client.get("/api/ledger/proof/inclusion", params).json()
            assert (body["leaf_hash"], body["audit_path"]) == (
                case["leaf_hash"],
                case["audit_path"],
            ), case["id"]
    for case in CONSISTENCY:
        if case["id"].startswith("counter-") and case["valid"]:
            params = {"first": case["first"], "second": case["second"]}
            body = client.get("/api/ledger/proof/consistency", params).json()
            assert body["proof"] == case["proof"], case["id"]

    for signed in Checkpoint.objects.all():
        if signed.size in COUNTER_ROOTS:
            assert bytes(signed.root).hex() == COUNTER_ROOTS[signed.size]


def test_every_tile_served_is_the_tile_the_core_computes(client, counter_log) -> None:
    computed = integrate(0, {}, [leaf_hash(entry.encode()) for entry in counter_log])
    assert len(computed.tiles) > 270
    for tile, data in computed.tiles.items():
        assert client.get(f"/ledger/{tile.path}").content == data, tile.path


def test_a_clean_room_client_checks_proofs_between_the_signed_sizes(client, counter_log) -> None:
    sizes = list(Checkpoint.objects.order_by("size").values_list("size", flat=True))
    assert sizes == [1, 256, 257, 4_353, 4_360, 4_660, 69_660, 70_000]
    check_any_two_sizes(client, sizes)


# Random batches ------------------------------------------------------------------------------


@settings(
    max_examples=12,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(st.lists(st.integers(min_value=1, max_value=600), min_size=1, max_size=5))
def test_random_batches_always_give_proofs_between_any_two_sizes(client, batches) -> None:
    for batch in batches:  # the log keeps growing from one example to the next
        queue_raw([f"entry {i}" for i in range(batch)])
        services.sequence()
    sizes = sorted(Checkpoint.objects.values_list("size", flat=True))
    check_any_two_sizes(client, sizes[-len(batches) - 2 :])
