"""The label check done online (G5, G6): the offline signature check, then the record itself.

Used by the public verify endpoint, e-commerce platforms checking a label a seller uploads, and
inspectors scanning a label in a shop.
"""

import re
from dataclasses import dataclass
from datetime import date

from django.conf import settings

from zhiliang.core.grading.labels import LabelClaim, LabelFormatError, verify_label
from zhiliang.grading import signing
from zhiliang.grading.models import Declaration
from zhiliang.grading.selectors.records import public_records

_RECORD_PATH = re.compile(r"/grading/r/([1-9][0-9]{0,17})")


@dataclass(frozen=True)
class LabelVerification:
    format_error: str | None  # a LabelFormatError code, or None
    signature_valid: bool
    claim: LabelClaim | None
    record: Declaration | None
    record_status: str | None  # the record's status today
    matches_record: bool  # the label shows exactly the record's grade, standard and expiry

    @property
    def verdict(self) -> str:
        """One word for programs: genuine, forged, unknown_record, mismatch, not_valid."""
        if self.format_error is not None or not self.signature_valid:
            return "forged"
        if self.record is None:
            return "unknown_record"
        if not self.matches_record:
            return "mismatch"
        return "genuine" if self.record_status == "valid" else "not_valid"


def record_id_of(claim: LabelClaim) -> int | None:
    base = settings.PUBLIC_URL
    if not claim.record_url.startswith(base + "/"):
        return None
    match = _RECORD_PATH.fullmatch(claim.record_url[len(base) :])
    return int(match[1]) if match else None


def verify_label_url(url: str, today: date) -> LabelVerification:
    try:
        check = verify_label(url, signing.public_key())
    except LabelFormatError as exc:
        return LabelVerification(exc.code, False, None, None, None, False)
    record_id = record_id_of(check.claim)
    record = public_records().filter(pk=record_id).first() if record_id else None
    if record is None:
        return LabelVerification(None, check.signature_valid, check.claim, None, None, False)
    matches = (
        check.claim.grade == record.grade
        and check.claim.standard == record.standard.number
        and check.claim.expires == record.valid_until
    )
    return LabelVerification(
        None, check.signature_valid, check.claim, record, record.status_on(today), matches
    )
