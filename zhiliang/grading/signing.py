"""The platform's signature on grading labels (G5), with the ledger's Ed25519 key.

One platform key signs checkpoints and labels, so a verifier needs one public key, published at
/api/ledger/public-key and /api/grading/label-key. The label's signing text starts with its own
tag and never ends in a newline, while every signed note does, so a label signature can never
pass for a checkpoint signature or the other way round (``zhiliang.core.grading.labels``).
"""

import base64
from typing import TYPE_CHECKING

from django.conf import settings
from django.urls import reverse

from zhiliang.core.grading.labels import LabelClaim, b64url, label_url
from zhiliang.ledger import keys

if TYPE_CHECKING:
    from zhiliang.grading.models import Declaration


def record_url(record_id: int) -> str:
    """The record's public address: what a label's QR code points at, without the query."""
    return settings.PUBLIC_URL + reverse("grading:record", args=[record_id])


def sign_text(text: str) -> str:
    """base64url of the platform's Ed25519 signature over the UTF-8 bytes of ``text``.

    The key is reached through the note signer's public ``signature_line``, which signs the
    UTF-8 bytes of its text and returns ``— <name> base64(key ID || signature)``. Callers sign
    only texts that cannot be signed notes (they never end in a newline).
    """
    assert not text.endswith("\n")
    line = keys.log_signer().signature_line(text)
    blob = base64.b64decode(line.rstrip("\n").rsplit(" ", 1)[1])
    return b64url(blob[4:])


def sign(claim: LabelClaim) -> str:
    """The label signature of a claim (its signing text, ``zhiliang.core.grading.labels``)."""
    return sign_text(claim.signing_text().decode("utf-8"))


def public_key() -> bytes:
    """The 32-byte Ed25519 public key that verifies labels."""
    return keys.log_verifier().public_key


def signed_url(claim: LabelClaim, signature: str) -> str:
    return label_url(claim, base64.urlsafe_b64decode(signature + "=="))


def claim_of(record: "Declaration") -> LabelClaim:
    """What a record's label states, and its signature covers."""
    return LabelClaim(
        record_url(record.pk), record.grade, record.standard.number, record.valid_until
    )
