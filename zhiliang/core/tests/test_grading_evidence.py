"""Signed evidence: what a lab signs is the RFC 8785 text of its report; nothing else verifies."""

import base64
from typing import Any

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat

from zhiliang.core.grading.evidence import sign, signing_bytes, verify

KEY = Ed25519PrivateKey.from_private_bytes(b"\x07" * 32)
PUBLIC = base64.b64encode(KEY.public_key().public_bytes(Encoding.Raw, PublicFormat.Raw)).decode()
REPORT: dict[str, Any] = {
    "format": "zhiliang.lab-report/1",
    "number": "ZJ-2026-0001",
    "measurements": {"conversion_efficiency": "88.5", "b": "1"},
    "conformity": {"product_standard": True, "mandatory_standards": True},
    "product_model": 7,
}


def test_the_signed_text_is_canonical_json() -> None:
    assert signing_bytes(REPORT).startswith(b'{"conformity":{"mandatory_standards":true,')
    assert signing_bytes(dict(reversed(REPORT.items()))) == signing_bytes(REPORT)


def test_a_signature_verifies_only_for_the_same_payload_and_key() -> None:
    signature = sign(KEY, REPORT)
    assert verify(PUBLIC, REPORT, signature)
    assert not verify(PUBLIC, {**REPORT, "number": "ZJ-2026-0002"}, signature)
    other = Ed25519PrivateKey.generate().public_key().public_bytes(Encoding.Raw, PublicFormat.Raw)
    assert not verify(base64.b64encode(other).decode(), REPORT, signature)


def test_malformed_keys_and_signatures_simply_do_not_verify() -> None:
    signature = sign(KEY, REPORT)
    assert not verify("", REPORT, signature)
    assert not verify("not base64!", REPORT, signature)
    assert not verify(PUBLIC, REPORT, "AAAA")
    assert not verify(PUBLIC, REPORT, signature[:-4] + "????")
