"""The public facts of grading as they go into the ledger: codes and values, never translated
text (STYLE §8). Kinds are dotted, app first."""

import hashlib
from typing import Any

from zhiliang.core.grading.evidence import signing_bytes
from zhiliang.grading.models import (
    CatalogueEntry,
    Declaration,
    Evidence,
    Exposure,
    GradingStandard,
    RuleSetVersion,
)

RECORD = "grading.record"
RECORD_STATUS = "grading.record.status"
EVIDENCE = "grading.evidence"
EVIDENCE_REVOKED = "grading.evidence.revoked"
STANDARD = "grading.standard"
RULE_SET = "grading.rule_set"
CATALOGUE = "grading.catalogue"
FINDING = "grading.finding"
VIOLATION = "grading.violation"


def catalogue_fact(entry: CatalogueEntry) -> dict[str, Any]:
    return {
        "product": entry.product.code,
        "batch": entry.batch,
        "from": entry.effective_from.isoformat(),
        "until": entry.until.isoformat() if entry.until else None,
        "illustrative": entry.illustrative,
    }


def standard_fact(standard: GradingStandard) -> dict[str, Any]:
    return {
        "number": standard.number,
        "product": standard.product.code,
        "level": standard.level,
        "issuer": standard.issuer,
        "published_on": standard.published_on.isoformat(),
        "effective_from": standard.effective_from.isoformat(),
        "until": standard.until.isoformat() if standard.until else None,
        "illustrative": standard.illustrative,
    }


def rule_set_fact(version: RuleSetVersion) -> dict[str, Any]:
    return {
        "standard": version.standard.number,
        "version": version.version,
        "sha256": version.sha256,
    }


def evidence_fact(evidence: Evidence) -> dict[str, Any]:
    return {
        "evidence": evidence.pk,
        "kind": evidence.kind,
        "body": evidence.body.credit_code,
        "number": evidence.number,
        "product_model": evidence.product_model_id,
        "standard": evidence.standard_number,
        "issued_on": evidence.issued_on.isoformat(),
        "payload_sha256": hashlib.sha256(signing_bytes(evidence.payload)).hexdigest(),
        "signature": evidence.signature,
    }


def record_fact(record: Declaration, evidence: list[Evidence]) -> dict[str, Any]:
    model = record.product_model
    return {
        "record": record.pk,
        "enterprise": record.enterprise.credit_code,
        "product": model.product.code,
        "model": f"{model.brand} {model.model}",
        "gtin": model.gtin,
        "standard": record.standard.number,
        "rule_set_sha256": record.rule_version.sha256,
        "grade": record.grade,
        "earned_grade": record.earned_grade,
        "valid_until": record.valid_until.isoformat(),
        "evidence": [
            {"body": e.body.credit_code, "kind": e.kind, "number": e.number} for e in evidence
        ],
        "label_signature": record.label_signature,
        "renews": record.renews_id,
    }


def status_fact(record: Declaration, reason: str) -> dict[str, Any]:
    return {"record": record.pk, "status": record.status, "reason": reason}


def violation_fact(exposure: Exposure) -> dict[str, Any]:
    case = exposure.case
    return {
        "case": case.pk,
        "kind": case.kind,
        "record": case.declaration_id,
        "enterprise": exposure.enterprise.credit_code if exposure.enterprise else None,
        "region": case.region.code,
        "detail": case.detail,
    }
