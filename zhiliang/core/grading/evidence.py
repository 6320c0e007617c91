"""Signed evidence: how a lab or certification body signs a test report or certificate (G4, G6).

The body signs the RFC 8785 canonical JSON (JCS) of the payload with its Ed25519 key; the
platform verifies the signature against the public key registered for that body before it
accepts anything. JCS gives one byte sequence per JSON value, so a browser (WebCrypto), the
``zhiliang lab sign`` command and the platform agree on what was signed. Measured values are
decimal strings, never JSON numbers, so that no float rounding can change a signed value.
"""

import base64
import binascii
from collections.abc import Mapping, Sequence
from typing import Final, TypeAlias

import rfc8785
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey

REPORT_FORMAT: Final = "zhiliang.lab-report/1"
CERTIFICATE_FORMAT: Final = "zhiliang.certificate/1"
Json: TypeAlias = bool | int | str | Sequence["Json"] | Mapping[str, "Json"] | None


def signing_bytes(payload: Mapping[str, Json]) -> bytes:
    """The exact bytes a body signs: the payload as RFC 8785 canonical JSON."""
    data: bytes = rfc8785.dumps(dict(payload))
    return data


def sign(private_key: Ed25519PrivateKey, payload: Mapping[str, Json]) -> str:
    """Standard base64 of the 64-byte Ed25519 signature (what ``zhiliang lab sign`` prints)."""
    return base64.b64encode(private_key.sign(signing_bytes(payload))).decode("ascii")


def public_key_of(text: str) -> Ed25519PublicKey | None:
    """A registered public key (base64 of 32 bytes), or None when it is missing or malformed."""
    try:
        raw = base64.b64decode(text.strip(), validate=True)
        return Ed25519PublicKey.from_public_bytes(raw)
    except (binascii.Error, ValueError):
        return None


def verify(public_key: str, payload: Mapping[str, Json], signature: str) -> bool:
    """True only for a well-formed signature by ``public_key`` over exactly this payload."""
    key = public_key_of(public_key)
    if key is None:
        return False
    try:
        raw = base64.b64decode(signature.strip(), validate=True)
    except (binascii.Error, ValueError):
        return False
    if len(raw) != 64:
        return False
    try:
        key.verify(raw, signing_bytes(payload))
    except InvalidSignature:
        return False
    return True
