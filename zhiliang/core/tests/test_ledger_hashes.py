"""Leaf, node and tree hashes against the published RFC 6962/9162 vectors (tree_hashes.json)."""

import subprocess
import sys
from functools import cache
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from zhiliang.core.ledger import EMPTY_ROOT, leaf_hash, node_hash, root_of
from zhiliang.core.ledger.hashes import subtree_root
from zhiliang.core.tests.shared import load_json

TREES = {tree["name"]: tree for tree in load_json("conformance/merkle/tree_hashes.json")["trees"]}


@cache
def entries_of(name: str) -> list[bytes]:
    tree = TREES[name]
    if name == "counter":  # entry i is the ASCII decimal of i
        return [str(i).encode() for i in range(max(r["tree_size"] for r in tree["roots"]))]
    return [bytes.fromhex(e) for e in tree["entries_hex"]]


@cache
def leaves_of(name: str) -> list[bytes]:
    return [leaf_hash(entry) for entry in entries_of(name)]


def root_cases() -> list[object]:
    return [
        pytest.param(name, r["tree_size"], r["root"], id=f"{name}-{r['tree_size']}")
        for name, tree in TREES.items()
        for r in tree["roots"]
    ]


@pytest.mark.parametrize(("name", "size", "root"), root_cases())
def test_root_of_matches_published_root(name: str, size: int, root: str) -> None:
    assert root_of(leaves_of(name)[:size]).hex() == root


@pytest.mark.parametrize("name", list(TREES))
def test_leaf_hashes_match_published_ones(name: str) -> None:
    tree = TREES[name]
    published = tree.get("leaf_hashes") or tree["leaf_hashes_first_3"]
    assert [h.hex() for h in leaves_of(name)[: len(published)]] == published


@pytest.mark.parametrize(
    "example",
    [
        pytest.param(e, id=e["entry_text"] or "empty")
        for e in load_json("conformance/merkle/tree_hashes.json")["leaf_hash_examples"]
    ],
)
def test_leaf_hash_examples(example: dict[str, str]) -> None:
    assert leaf_hash(bytes.fromhex(example["entry_hex"])).hex() == example["leaf_hash"]


def test_the_empty_tree_hashes_to_sha256_of_nothing() -> None:
    assert EMPTY_ROOT.hex() == "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"
    assert root_of([]) == EMPTY_ROOT


def mth(leaves: list[bytes]) -> bytes:
    """MTH as RFC 9162 §2.1.1 writes it, recursively, to check the one-pass version."""
    if len(leaves) == 1:
        return leaves[0]
    k = 1 << ((len(leaves) - 1).bit_length() - 1)
    return node_hash(mth(leaves[:k]), mth(leaves[k:]))


@given(st.lists(st.binary(max_size=8), min_size=1, max_size=300))
def test_one_pass_root_equals_the_recursive_definition(entries: list[bytes]) -> None:
    leaves = [leaf_hash(e) for e in entries]
    assert root_of(leaves) == mth(leaves)


@given(st.integers(min_value=0, max_value=8))
def test_subtree_root_takes_only_power_of_two_runs(height: int) -> None:
    leaves = [leaf_hash(bytes([i])) for i in range(1 << height)]
    assert subtree_root(leaves) == root_of(leaves)
    with pytest.raises(ValueError, match="power-of-two"):
        subtree_root([*leaves, leaves[0]] if height else [])


def test_the_ledger_core_never_imports_django() -> None:
    code = "import sys, zhiliang.core.ledger; print('django' in sys.modules)"
    result = subprocess.run(
        [sys.executable, "-c", code],
        capture_output=True,
        text=True,
        check=True,
        cwd=Path(__file__).resolve().parents[3],
    )
    assert result.stdout.strip() == "False"
