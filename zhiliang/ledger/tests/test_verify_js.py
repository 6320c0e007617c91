"""The page's in-browser check (static/ledger/verify.js) against real answers of our API.

verify.js uses only WebCrypto, which Node also provides, so its logic runs here without a
browser; tests/browser covers the page itself. It is a third implementation of the checks,
sharing no code with the core or the clean-room reader.
"""

import base64
import hashlib
import json
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings
from django.db import transaction

from zhiliang.ledger import selectors, services
from zhiliang.ledger.models import Leaf
from zhiliang.ledger.tests.conftest import LOG_VKEY

pytestmark = [
    pytest.mark.both_databases,
    pytest.mark.django_db,
    pytest.mark.skipif(shutil.which("node") is None, reason="needs Node.js for WebCrypto"),
]

SCRIPT = Path(settings.BASE_DIR) / "zhiliang" / "static" / "ledger" / "verify.js"
RUNNER = """
const verify = require(process.argv[1]);
let raw = "";
process.stdin.on("data", (chunk) => (raw += chunk));
process.stdin.on("end", async () => {
  const { input, note, vkey, answers } = JSON.parse(raw);
  const none = { status: 404, body: null };
  const fetchProof = async (hash, size) => answers[`${hash}/${size}`] || none;
  console.log(JSON.stringify(await verify.checkEntry({ input, note, vkey, fetchProof })));
});
"""


def check(
    client, input: str, note: str | None = None, tamper=None, vkey: str = LOG_VKEY
) -> dict[str, Any]:
    """What verify.js concludes, given our live checkpoint and proof answers."""
    note = note or client.get("/ledger/checkpoint").content.decode()
    answers = {}
    for leaf in Leaf.objects.all():
        key = f"{bytes(leaf.leaf_hash).hex()}/{selectors.tree_size()}"
        params = {"leaf_hash": bytes(leaf.leaf_hash).hex(), "tree_size": selectors.tree_size()}
        body = client.get("/api/ledger/proof/inclusion", params).json()
        answers[key] = {"status": 200, "body": tamper(body) if tamper else body}
    payload = json.dumps({"input": input, "note": note, "vkey": vkey, "answers": answers})
    result = subprocess.run(
        ["node", "-e", RUNNER, str(SCRIPT)],  # noqa: S607
        input=payload,
        capture_output=True,
        text=True,
        check=True,
        timeout=60,
    )
    answer: dict[str, Any] = json.loads(result.stdout)
    return answer


@pytest.fixture
def log_of_300(facts) -> None:
    facts(300)


def test_a_pasted_entry_is_verified_with_signature_and_root(client, log_of_300) -> None:
    leaf = Leaf.objects.get(leaf_index=123)
    result = check(client, "\n" + leaf.entry + "\n")  # pasted with surrounding blank lines

    assert result["status"] == "verified"
    assert result["signature"] == "verified"
    assert (result["leafIndex"], result["treeSize"]) == (123, "300")
    assert result["leafHash"] == bytes(leaf.leaf_hash).hex()
    assert result["root"] == selectors.latest_checkpoint().root.hex()


def test_a_pasted_leaf_hash_is_verified(client, log_of_300) -> None:
    leaf = bytes(Leaf.objects.get(leaf_index=299).leaf_hash).hex()
    assert check(client, leaf.upper())["status"] == "verified"


def test_an_entry_not_in_the_ledger_is_not_found(client, log_of_300) -> None:
    forged = Leaf.objects.get(leaf_index=5).entry.replace('"n":5', '"n":6')
    assert check(client, forged)["status"] == "not-found"


def test_a_proof_that_does_not_lead_to_the_signed_root_is_refused(client, log_of_300) -> None:
    def flip(body: dict[str, Any]) -> dict[str, Any]:
        path = body["audit_path"]
        path[3] = ("0" if path[3][0] != "0" else "1") + path[3][1:]
        return body

    leaf = Leaf.objects.get(leaf_index=77)
    assert check(client, leaf.entry, tamper=flip)["status"] == "mismatch"

    def other_index(body: dict[str, Any]) -> dict[str, Any]:
        return {**body, "leaf_index": body["leaf_index"] + 1}

    assert check(client, leaf.entry, tamper=other_index)["status"] == "mismatch"


def test_a_checkpoint_with_a_forged_root_fails_its_signature(client, log_of_300) -> None:
    note = client.get("/ledger/checkpoint").content.decode()
    origin, size, _root, rest = note.split("\n", 3)
    forged = "\n".join([origin, size, "A" * 43 + "=", rest])
    result = check(client, Leaf.objects.get(leaf_index=0).entry, note=forged)
    assert result["status"] == "bad-signature"


def test_a_verifier_key_whose_base64_holds_a_plus_sign_is_read_whole(client, settings) -> None:
    from zhiliang.ledger import keys
    from zhiliang.ledger.tests.conftest import LOG_KEY

    for n in range(100):
        seed = hashlib.sha256(f"plus {n}".encode()).digest()
        settings.SIGNING_KEY = base64.b64encode(seed).decode()
        if "+" in keys.log_verifier().vkey.split("+", 2)[2]:
            break
    vkey = selectors.public_key()
    assert vkey != LOG_KEY["vkey"]
    with transaction.atomic():
        services.append("test.fact", {"n": 1})
    services.sequence()
    assert check(client, Leaf.objects.get().entry, vkey=vkey)["signature"] == "verified"
