"""Signed evidence: how a lab or certification body signs a test report or certificate (G4, G6).

The body signs the RFC 8785 canonical JSON (JCS) of the payload with its Ed25519 key; the
platform verifies the signature against the public key registered for that body before it
accepts anything. JCS gives one byte sequence per JSON value, so a browser (WebCrypto), the
``zhiliang lab sign`` command and the platform agree on what was signed. Measured values are
decimal strings, never JSON numbers, so that no float rounding can change a signed value.
"""

import base64
import binascii
import dataclasses
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Final, TypeAlias

import rfc8785
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey

from zhiliang.core.grading.grades import is_grade

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


@dataclass(frozen=True, slots=True)
class Fault:
    """One problem with a signed payload: the field (``report.measurements.k``) and a code."""

    field: str
    code: str
    detail: Mapping[str, str] = dataclasses.field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class Statement:
    """What a signed report or certificate states, read and checked for shape."""

    kind: str  # "test_report" | "certificate"
    body: str  # the issuing body's credit code
    number: str
    product_model: int
    standard: str
    issued_on: date  # report date, or certificate issue date
    sample_date: date | None
    valid_until: date | None
    measurements: Mapping[str, str]
    conforms_product_standard: bool | None
    conforms_mandatory: bool | None
    certified_grade: str | None
    scope: str


_TEXT: Final = re.compile(r"[^\x00-\x1f\x7f]{1,80}")
_KEY: Final = re.compile(r"[a-z][a-z0-9_]{0,59}")
_DECIMAL: Final = re.compile(r"-?[0-9]{1,12}(\.[0-9]{1,6})?")
_FORMATS: Final = {REPORT_FORMAT: "test_report", CERTIFICATE_FORMAT: "certificate"}


def _date(payload: Mapping[str, object], name: str, where: str, faults: list[Fault]) -> date | None:
    value = payload.get(name)
    if value is None:
        return None
    if isinstance(value, str) and len(value) == 10:
        try:
            return date.fromisoformat(value)
        except ValueError:
            pass
    faults.append(Fault(f"{where}.{name}", "bad_date"))
    return None


def _text(payload: Mapping[str, object], name: str, where: str, faults: list[Fault]) -> str:
    value = payload.get(name)
    if isinstance(value, str) and _TEXT.fullmatch(value):
        return value
    faults.append(Fault(f"{where}.{name}", "required" if value is None else "bad_text"))
    return ""


def read_statement(
    payload: Mapping[str, object], where: str
) -> tuple[Statement | None, list[Fault]]:
    """Read a signed payload (``zhiliang.lab-report/1`` or ``zhiliang.certificate/1``), naming
    every field that is missing or malformed; values are checked for shape only here."""
    faults: list[Fault] = []
    kind = _FORMATS.get(str(payload.get("format")))
    if kind is None:
        return None, [Fault(f"{where}.format", "unknown_format")]
    body_field = "lab" if kind == "test_report" else "body"
    body = _text(payload, body_field, where, faults)
    number = _text(payload, "number", where, faults)
    standard = _text(payload, "standard", where, faults)
    model = payload.get("product_model")
    if not isinstance(model, int) or isinstance(model, bool) or model <= 0:
        faults.append(Fault(f"{where}.product_model", "bad_id"))
    issued_field = "report_date" if kind == "test_report" else "issued_on"
    issued = _date(payload, issued_field, where, faults)
    if issued is None and not any(f.field == f"{where}.{issued_field}" for f in faults):
        faults.append(Fault(f"{where}.{issued_field}", "required"))
    sample = _date(payload, "sample_date", where, faults) if kind == "test_report" else None
    until = _date(payload, "valid_until", where, faults) if kind == "certificate" else None
    if (
        kind == "certificate"
        and until is None
        and f"{where}.valid_until" not in {f.field for f in faults}
    ):
        faults.append(Fault(f"{where}.valid_until", "required"))
    if issued and sample and sample > issued:
        faults.append(Fault(f"{where}.sample_date", "after_report_date"))
    if issued and until and until < issued:
        faults.append(Fault(f"{where}.valid_until", "before_issue"))
    measurements = _measurements(payload, where, faults, required=kind == "test_report")
    conformity = payload.get("conformity", {})
    product_ok = mandatory_ok = None
    if isinstance(conformity, Mapping):
        product_ok = _flag(conformity, "product_standard", f"{where}.conformity", faults)
        mandatory_ok = _flag(conformity, "mandatory_standards", f"{where}.conformity", faults)
    else:
        faults.append(Fault(f"{where}.conformity", "bad_conformity"))
    grade = payload.get("grade")
    if grade is not None and not is_grade(grade):
        faults.append(Fault(f"{where}.grade", "bad_grade"))
    scope = payload.get("scope", "")
    if not isinstance(scope, str) or len(scope) > 300:
        faults.append(Fault(f"{where}.scope", "bad_text"))
    if faults:
        return None, faults
    assert isinstance(model, int) and issued is not None and isinstance(scope, str)
    return (
        Statement(
            kind=kind,
            body=body,
            number=number,
            product_model=model,
            standard=standard,
            issued_on=issued,
            sample_date=sample,
            valid_until=until,
            measurements=measurements,
            conforms_product_standard=product_ok,
            conforms_mandatory=mandatory_ok,
            certified_grade=grade if isinstance(grade, str) else None,
            scope=scope,
        ),
        [],
    )


def _flag(
    conformity: Mapping[str, object], name: str, where: str, faults: list[Fault]
) -> bool | None:
    value = conformity.get(name)
    if value is None or isinstance(value, bool):
        return value
    faults.append(Fault(f"{where}.{name}", "bad_flag"))
    return None


def _measurements(
    payload: Mapping[str, object], where: str, faults: list[Fault], *, required: bool
) -> dict[str, str]:
    raw = payload.get("measurements", {})
    if not isinstance(raw, Mapping) or (required and not raw) or len(raw) > 50:
        faults.append(Fault(f"{where}.measurements", "bad_measurements"))
        return {}
    values: dict[str, str] = {}
    for key, value in raw.items():
        if not isinstance(key, str) or not _KEY.fullmatch(key):
            faults.append(
                Fault(f"{where}.measurements", "bad_indicator_key", {"key": str(key)[:60]})
            )
        elif not isinstance(value, str) or not (
            value in ("pass", "fail") or _DECIMAL.fullmatch(value)
        ):
            # Numbers are sent as decimal strings: a JSON float could change when re-encoded.
            faults.append(Fault(f"{where}.measurements.{key}", "bad_value"))
        else:
            values[key] = value
    return values
