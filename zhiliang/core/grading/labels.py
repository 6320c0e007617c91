"""The signed claim a grading label's QR code carries, and its offline check (G5).

The QR encodes ``<record URL>?g=<grade>&s=<standard>&e=<expiry>&sig=<signature>``: the record URL
names the record on the platform, the query repeats what the label shows, and ``sig`` is the
platform's Ed25519 signature (RFC 8032) over the signing text below, in base64url without
padding (RFC 4648 §5; 86 characters). Anyone with the platform's public key can check a label
without a network: ``docs/label-format.md`` gives the format for third-party verifiers.

Signing text (UTF-8, lines joined by a single "\\n", no newline at the end)::

    zhiliang-label/v1
    <record URL>
    <grade>
    <standard>
    <expiry as YYYY-MM-DD>

The first line separates label signatures from everything else the platform key signs: the
ledger's checkpoints are signed notes, whose text always ends in a newline, and this text
never does.
"""

import base64
import binascii
import re
from dataclasses import dataclass
from datetime import date
from typing import Final
from urllib.parse import parse_qs, quote, urlsplit, urlunsplit

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

from zhiliang.core.grading.grades import is_grade

TAG: Final = "zhiliang-label/v1"
SIGNATURE_SIZE: Final = 64
PARAMS: Final = ("g", "s", "e", "sig")
MAX_URL: Final = 600
_DATE: Final = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")
_B64URL: Final = re.compile(r"[A-Za-z0-9_-]{86}")


class LabelFormatError(ValueError):
    """A URL that is not a label URL of this format; ``code`` says which part is wrong."""

    def __init__(self, code: str) -> None:
        super().__init__(code)
        self.code = code


@dataclass(frozen=True, slots=True)
class LabelClaim:
    record_url: str  # scheme://host[:port]/path, no query, no fragment
    grade: str
    standard: str
    expires: date

    def signing_text(self) -> bytes:
        lines = (TAG, self.record_url, self.grade, self.standard, self.expires.isoformat())
        return "\n".join(lines).encode("utf-8")


@dataclass(frozen=True, slots=True)
class LabelCheck:
    claim: LabelClaim
    signature_valid: bool


def b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def label_url(claim: LabelClaim, signature: bytes) -> str:
    """The URL a label's QR code holds; query values are percent-encoded (RFC 3986)."""
    if len(signature) != SIGNATURE_SIZE:
        raise ValueError("an Ed25519 signature has 64 bytes")
    query = "&".join(
        f"{name}={quote(value, safe='')}"
        for name, value in zip(
            PARAMS,
            (claim.grade, claim.standard, claim.expires.isoformat(), b64url(signature)),
            strict=True,
        )
    )
    return f"{claim.record_url}?{query}"


def parse_label_url(url: str) -> tuple[LabelClaim, bytes]:
    """The claim and signature of a label URL, or ``LabelFormatError``."""
    if len(url) > MAX_URL:
        raise LabelFormatError("too_long")
    parts = urlsplit(url.strip())
    if parts.scheme not in ("http", "https") or not parts.netloc or parts.fragment:
        raise LabelFormatError("not_a_label_url")
    values = parse_qs(parts.query, keep_blank_values=True, strict_parsing=False)
    if set(values) != set(PARAMS) or any(len(v) != 1 for v in values.values()):
        raise LabelFormatError("bad_query")
    grade, standard, expires, signature = (values[name][0] for name in PARAMS)
    if not is_grade(grade):
        raise LabelFormatError("bad_grade")
    if not standard or any(c < " " or c == "\x7f" for c in standard):
        raise LabelFormatError("bad_standard")
    if not _DATE.fullmatch(expires):
        raise LabelFormatError("bad_expiry")
    try:
        expiry = date.fromisoformat(expires)
    except ValueError:
        raise LabelFormatError("bad_expiry") from None
    if not _B64URL.fullmatch(signature):
        raise LabelFormatError("bad_signature_encoding")
    try:
        raw = base64.urlsafe_b64decode(signature + "==")
    except binascii.Error:  # pragma: no cover - the pattern above admits only valid text
        raise LabelFormatError("bad_signature_encoding") from None
    if b64url(raw) != signature:  # non-zero padding bits: not the one canonical spelling
        raise LabelFormatError("bad_signature_encoding")
    record_url = urlunsplit((parts.scheme, parts.netloc, parts.path, "", ""))
    return LabelClaim(record_url, grade, standard, expiry), raw


def verify_label(url: str, public_key: bytes) -> LabelCheck:
    """Check a label URL offline against the platform's 32-byte Ed25519 public key."""
    claim, signature = parse_label_url(url)
    try:
        Ed25519PublicKey.from_public_bytes(public_key).verify(signature, claim.signing_text())
    except InvalidSignature:
        return LabelCheck(claim, False)
    return LabelCheck(claim, True)
