"""Every public ledger endpoint, and every bad parameter getting a 4xx with its reason."""

import re

import pytest

from zhiliang.core.ledger import (
    TileId,
    open_checkpoint,
    parse_path,
    verify_consistency,
    verify_inclusion,
)
from zhiliang.core.tests.shared import load_json
from zhiliang.ledger import selectors
from zhiliang.ledger.models import Leaf
from zhiliang.ledger.tests.conftest import LOG_VKEY

pytestmark = [pytest.mark.both_databases, pytest.mark.django_db]

INVALID_PATHS = load_json("conformance/merkle/tiles.json")["invalid_paths"]


@pytest.fixture
def log_of_600(facts) -> None:
    facts(600)


def problem_of(response) -> tuple[str, str]:
    [problem] = response.json()["errors"]
    assert problem["reason"]  # a sentence for people beside the code for programs
    return problem["field"], problem["code"]


# Checkpoint and key ---------------------------------------------------------------------------


def test_the_checkpoint_is_a_signed_note_with_a_short_cache(
    client, log_of_600, log_verifier
) -> None:
    response = client.get("/ledger/checkpoint")

    assert response.status_code == 200
    assert response["Content-Type"] == "text/plain; charset=utf-8"
    assert response["Cache-Control"] == "public, max-age=5"
    opened = open_checkpoint(response.content, log_verifier).checkpoint
    assert opened.size == 600
    assert client.get("/api/ledger/checkpoint").content == response.content


def test_the_sth_gives_the_checkpoint_as_json(client, log_of_600) -> None:
    body = client.get("/api/ledger/sth").json()
    latest = selectors.latest_checkpoint()

    assert body["origin"] == "zhiliang.example/ledger"
    assert body["tree_size"] == 600
    assert body["root_hash"] == latest.root.hex()
    assert body["note"] == latest.note
    assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?(Z|\+00:00)", body["timestamp"])


def test_the_public_key_is_the_published_verifier_key(client) -> None:
    response = client.get("/api/ledger/public-key")
    assert response["Content-Type"] == "text/plain; charset=utf-8"
    assert response.content.decode() == LOG_VKEY + "\n"


def test_an_empty_log_serves_a_signed_empty_checkpoint(client, log_verifier) -> None:
    opened = open_checkpoint(client.get("/ledger/checkpoint").content, log_verifier)
    assert opened.checkpoint.size == 0
    assert client.get("/api/ledger/sth").json()["timestamp"] is None
    assert client.get("/ledger/tile/0/000.p/1").status_code == 404
    assert problem_of(client.get("/api/ledger/entries")) == ("start", "start_out_of_range")


# Entries -------------------------------------------------------------------------------------


def test_entries_give_the_exact_hashed_text_in_pages_of_at_most_1000(client, facts) -> None:
    facts(1_200)
    page = client.get("/api/ledger/entries", {"start": 100}).json()
    assert [e["leaf_index"] for e in page] == list(range(100, 1_100))

    first = Leaf.objects.get(leaf_index=100)
    assert page[0] == {
        "leaf_index": 100,
        "entry": first.entry,
        "leaf_hash": bytes(first.leaf_hash).hex(),
    }
    assert len(client.get("/api/ledger/entries", {"start": 0, "end": 5_000}).json()) == 1_000
    tail = client.get("/api/ledger/entries", {"start": 1_150, "end": 1_160}).json()
    assert [e["leaf_index"] for e in tail] == list(range(1_150, 1_160))  # end is exclusive
    end = client.get("/api/ledger/entries", {"start": 1_190, "end": 9_999}).json()
    assert [e["leaf_index"] for e in end] == list(range(1_190, 1_200))  # none beyond the tree


def test_a_page_of_large_entries_ends_after_a_mebibyte(client) -> None:
    from django.db import transaction

    from zhiliang.ledger import services

    with transaction.atomic():
        services.append_many("test.fact", [{"text": "x" * 60_000} for _ in range(40)])
    services.sequence()
    page = client.get("/api/ledger/entries", {"start": 3}).json()
    assert [e["leaf_index"] for e in page] == list(range(3, 3 + 17))  # 17 × 60 kB ≤ 1 MiB
    assert len(client.get("/api/ledger/entries", {"start": 39}).json()) == 1


@pytest.mark.parametrize(
    ("params", "field", "code"),
    [
        ({"start": 600}, "start", "start_out_of_range"),
        ({"start": 10, "end": 10}, "end", "end_not_after_start"),
        ({"start": -1}, "start", "greater_than_equal"),
        ({"start": "x"}, "start", "int_parsing"),
        ({"start": 2**64}, "start", "less_than_equal"),
        ({"start": 0, "end": "1e3"}, "end", "int_parsing"),
    ],
)
def test_bad_entry_ranges_are_refused(client, log_of_600, params, field, code) -> None:
    response = client.get("/api/ledger/entries", params)
    assert response.status_code == 422
    assert problem_of(response) == (field, code)


# Proofs --------------------------------------------------------------------------------------


def test_an_inclusion_proof_by_index_verifies_against_the_signed_root(client, log_of_600) -> None:
    root = selectors.latest_checkpoint().root
    body = client.get("/api/ledger/proof/inclusion", {"leaf_index": 300, "tree_size": 600}).json()

    assert (body["leaf_index"], body["tree_size"]) == (300, 600)
    assert body["leaf_hash"] == bytes(Leaf.objects.get(leaf_index=300).leaf_hash).hex()
    path = [bytes.fromhex(value) for value in body["audit_path"]]
    verify_inclusion(bytes.fromhex(body["leaf_hash"]), 300, 600, path, root)


def test_an_inclusion_proof_by_hash_finds_the_leaf_and_defaults_to_the_latest_size(
    client, log_of_600
) -> None:
    leaf = bytes(Leaf.objects.get(leaf_index=517).leaf_hash).hex()
    body = client.get("/api/ledger/proof/inclusion", {"leaf_hash": leaf.upper()}).json()
    assert (body["leaf_index"], body["tree_size"], body["leaf_hash"]) == (517, 600, leaf)


def test_an_inclusion_proof_for_an_older_checkpoint_uses_that_size(client, facts) -> None:
    facts(5)
    old = selectors.latest_checkpoint()
    facts(700)
    body = client.get("/api/ledger/proof/inclusion", {"leaf_index": 2, "tree_size": 5}).json()
    path = [bytes.fromhex(value) for value in body["audit_path"]]
    verify_inclusion(bytes.fromhex(body["leaf_hash"]), 2, 5, path, old.root)


@pytest.mark.parametrize(
    ("params", "status", "field", "code"),
    [
        ({"leaf_index": 600}, 422, "leaf_index", "leaf_index_out_of_range"),
        ({"leaf_index": 5, "tree_size": 5}, 422, "leaf_index", "leaf_index_out_of_range"),
        ({"leaf_index": 0, "tree_size": 601}, 422, "tree_size", "tree_size_too_large"),
        ({"leaf_index": 0, "tree_size": 0}, 422, "leaf_index", "leaf_index_out_of_range"),
        ({}, 422, "leaf_index", "leaf_index_or_hash"),
        ({"leaf_index": 1, "leaf_hash": "ab" * 32}, 422, "leaf_index", "leaf_index_or_hash"),
        ({"leaf_hash": "ab" * 32}, 404, "leaf_hash", "not_found"),
        ({"leaf_hash": "ab" * 31}, 422, "leaf_hash", "string_pattern_mismatch"),
        ({"leaf_hash": "zz" * 32}, 422, "leaf_hash", "string_pattern_mismatch"),
        ({"leaf_index": "one"}, 422, "leaf_index", "int_parsing"),
        ({"leaf_index": -1}, 422, "leaf_index", "greater_than_equal"),
        ({"leaf_index": 0, "tree_size": 2**63}, 422, "tree_size", "less_than_equal"),
    ],
)
def test_bad_inclusion_requests_are_refused(
    client, log_of_600, params, status, field, code
) -> None:
    response = client.get("/api/ledger/proof/inclusion", params)
    assert response.status_code == status
    assert problem_of(response) == (field, code)


def test_a_leaf_hash_beyond_the_asked_size_is_not_found(client, log_of_600) -> None:
    leaf = bytes(Leaf.objects.get(leaf_index=599).leaf_hash).hex()
    response = client.get("/api/ledger/proof/inclusion", {"leaf_hash": leaf, "tree_size": 599})
    assert response.status_code == 404


def test_a_consistency_proof_links_two_signed_checkpoints(client, facts) -> None:
    facts(300)
    old = selectors.latest_checkpoint()
    facts(400)
    new = selectors.latest_checkpoint()

    body = client.get("/api/ledger/proof/consistency", {"first": 300, "second": 700}).json()
    assert (body["first"], body["second"]) == (300, 700)
    proof = [bytes.fromhex(value) for value in body["proof"]]
    verify_consistency(300, 700, old.root, new.root, proof)
    same = client.get("/api/ledger/proof/consistency", {"first": 700, "second": 700}).json()
    assert same["proof"] == []


@pytest.mark.parametrize(
    ("params", "field", "code"),
    [
        ({"first": 0, "second": 10}, "first", "first_size_not_positive"),
        ({"first": 0, "second": 0}, "first", "first_size_not_positive"),
        ({"first": 11, "second": 10}, "first", "first_size_above_second"),
        ({"first": 1, "second": 601}, "second", "tree_size_too_large"),
        ({"first": "a", "second": 10}, "first", "int_parsing"),
        ({"second": 10}, "first", "missing"),
        ({"first": 1, "second": 2**70}, "second", "less_than_equal"),
    ],
)
def test_bad_consistency_requests_are_refused(client, log_of_600, params, field, code) -> None:
    response = client.get("/api/ledger/proof/consistency", params)
    assert response.status_code == 422
    assert problem_of(response) == (field, code)


# Tiles and bundles ---------------------------------------------------------------------------


def test_a_full_tile_is_immutable_and_a_partial_one_is_not(client, log_of_600) -> None:
    full = client.get("/ledger/tile/0/001")
    assert full.status_code == 200
    assert full["Content-Type"] == "application/octet-stream"
    assert full["Cache-Control"] == "public, max-age=31536000, immutable"
    assert len(full.content) == 256 * 32

    partial = client.get("/ledger/tile/0/002.p/88")
    assert partial["Cache-Control"] == "public, max-age=5"
    assert len(partial.content) == 88 * 32
    level_1 = client.get("/ledger/tile/1/000.p/2")
    assert len(level_1.content) == 64


def test_a_narrower_partial_tile_is_the_prefix_of_the_stored_one(client, log_of_600) -> None:
    whole = client.get("/ledger/tile/0/002.p/88").content
    assert client.get("/ledger/tile/0/002.p/10").content == whole[: 10 * 32]
    assert (
        client.get("/ledger/tile/0/000.p/10").content
        == client.get("/ledger/tile/0/000").content[:320]
    )


def test_bundles_hold_the_entries_the_leaves_hash(client, log_of_600) -> None:
    response = client.get("/ledger/tile/entries/001")
    assert response["Cache-Control"] == "public, max-age=31536000, immutable"
    data, entries = response.content, []
    while data:
        length = int.from_bytes(data[:2], "big")
        entries.append(data[2 : 2 + length])
        data = data[2 + length :]
    assert entries == [
        leaf.entry.encode() for leaf in Leaf.objects.filter(leaf_index__gte=256)[:256]
    ]
    assert client.get("/ledger/tile/entries/002.p/88").status_code == 200


@pytest.mark.parametrize(
    "path",
    [
        "tile/0/002",  # not full yet
        "tile/0/002.p/89",  # wider than the tree
        "tile/0/003.p/1",
        "tile/1/000",
        "tile/2/000.p/1",
        "tile/entries/002",
        "tile/entries/002.p/89",
        "tile/entries/003.p/1",
        "tile/0/x018/x446/x744/x073/x709/x551/615",  # 2**64 - 1: beyond any database integer
        "tile/2/x018/x446/x744/x073/x709/x551/615.p/255",
        "tile/entries/x018/x446/x744/x073/x709/x551/615",
        "tile/entries/x009/x223/x372/x036/x854/x775/808",  # 2**63
    ],
)
def test_tiles_beyond_the_tree_are_404(client, log_of_600, path) -> None:
    assert client.get(f"/ledger/{path}").status_code == 404


@pytest.mark.parametrize("case", [pytest.param(c, id=c["path"]) for c in INVALID_PATHS])
def test_non_canonical_tile_paths_are_404(client, log_of_600, case) -> None:
    response = client.get(f"/ledger/{case['path']}")
    assert response.status_code == 404, case["why"]


@pytest.mark.parametrize("path", ["tile/0/000/", "tile/0/", "tile/", "tile/0/00", "tile/0/001.p/0"])
def test_a_tile_path_with_a_slash_or_bad_digits_is_404_not_a_redirect(client, log_of_600, path):
    assert client.get(f"/ledger/{path}").status_code == 404


def test_tile_paths_round_trip_through_the_server(client, log_of_600) -> None:
    for tile in [TileId(0, 0), TileId(0, 2, 88), TileId(1, 0, 2)]:
        assert parse_path(tile.path) == tile
        assert client.get(f"/ledger/{tile.path}").status_code == 200


def test_ledger_resources_are_read_only(client, log_of_600) -> None:
    assert client.head("/ledger/tile/0/000").status_code == 200  # caches may ask for headers
    assert client.post("/ledger/checkpoint").status_code == 405
    assert client.post("/ledger/tile/0/000").status_code == 405
    assert client.post("/api/ledger/sth").status_code == 405


# The page ------------------------------------------------------------------------------------


def test_the_page_explains_the_ledger_and_shows_the_latest_checkpoint(client, log_of_600) -> None:
    latest = selectors.latest_checkpoint()
    html = client.get("/ledger/", HTTP_ACCEPT_LANGUAGE="zh-hans").content.decode()

    assert 'data-testid="tree-size">600<' in html
    assert "公共存证账本" in html and "条目只能追加，不能修改或删除。" in html
    assert latest.root.hex() in html
    assert LOG_VKEY in html
    assert 'data-testid="verify-form"' in html and 'data-testid="recent-entries"' in html
    assert 'data-testid="check-entry-599"' in html


def test_the_page_has_no_inline_script_or_style(client, log_of_600) -> None:
    html = client.get("/ledger/").content.decode()
    assert "style=" not in html
    for tag in re.findall(r"<script[^>]*>.*?</script>", html, flags=re.S):
        assert ' src="' in tag and tag.endswith("></script>"), tag
    assert "ledger/verify.js" in html


def test_the_page_works_on_an_empty_log(client) -> None:
    response = client.get("/ledger/")
    assert response.status_code == 200
    assert 'data-testid="tree-size">0<' in response.content.decode()
