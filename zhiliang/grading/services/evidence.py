"""Test reports and certificates from accredited bodies (G4, G6): verified, stored, ledgered.

A body signs its payload; the platform accepts it only if the signature verifies against the
key registered for that body, the submitter works for that body, and the body is accredited for
the product. A revocation is itself a ledger entry and suspends every record built on the
evidence.
"""

import zipfile
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date

from django.db import transaction
from django.utils import timezone

from zhiliang.accounts.actors import Actor
from zhiliang.accounts.roles import Role
from zhiliang.common.audit import record_audit
from zhiliang.common.errors import Conflict, DomainError, Forbidden, Problem
from zhiliang.core.grading import evidence as signed
from zhiliang.core.grading.rules import measured_value
from zhiliang.grading import facts, selectors, workbook
from zhiliang.grading.models import Evidence, RecordStatus
from zhiliang.grading.problems import problem, problem_for
from zhiliang.grading.services.common import SYSTEM
from zhiliang.grading.services.declarations import set_status
from zhiliang.ledger import services as ledger
from zhiliang.registry import selectors as registry_selectors
from zhiliang.registry.models import ProductModel, TestingBody

KINDS = {"report": "test_report", "certificate": "certificate"}


def _body_of(actor: Actor, statement: signed.Statement, where: str) -> TestingBody:
    """The submitter's own body; a body never submits what another body signed."""
    if actor.role != Role.LAB_STAFF or actor.lab_id is None:
        raise Forbidden(problem("role", "not_your_lab"))
    body = registry_selectors.get_testing_body(actor.lab_id)
    if statement.body != body.credit_code:
        field = f"{where}.lab" if statement.kind == "test_report" else f"{where}.body"
        raise Forbidden(problem(field, "not_your_lab"))
    return body


def _checks(
    statement: signed.Statement, body: TestingBody, where: str, today: date
) -> tuple[list[Problem], ProductModel | None]:
    problems: list[Problem] = []
    if statement.kind == "test_report" and not body.is_lab:
        problems.append(problem(f"{where}.lab", "not_a_lab"))
    if statement.kind == "certificate" and not body.is_certification_body:
        problems.append(problem(f"{where}.body", "not_a_certification_body"))
    issued = "report_date" if statement.kind == "test_report" else "issued_on"
    if statement.issued_on > today:
        problems.append(problem(f"{where}.{issued}", "in_future"))
    if body.accredited_until < statement.issued_on:
        problems.append(problem(f"{where}.{issued}", "accreditation_expired"))
    try:
        model = registry_selectors.get_product_model(
            SYSTEM, statement.product_model, field=f"{where}.product_model"
        )
    except DomainError as exc:
        return [*problems, *exc.problems], None
    if model.product_id not in selectors.body_scope_ids(body.pk):
        problems.append(problem(f"{where}.product_model", "body_not_accredited"))
    standard = (
        selectors.standards().filter(product_id=model.product_id, number=statement.standard).first()
    )
    if standard is None:
        problems.append(problem(f"{where}.standard", "unknown_standard"))
        return problems, model
    rules = selectors.current_rules(standard).rules()
    indicators = {i.key: i for i in rules.indicators}
    for key, text in statement.measurements.items():
        if key not in indicators:
            problems.append(problem(f"{where}.measurements.{key}", "unknown_indicator", key=key))
            continue
        try:
            measured_value(indicators[key], text)
        except ValueError:
            problems.append(problem(f"{where}.measurements.{key}", "bad_value"))
    return problems, model


@transaction.atomic(durable=True)
def submit_evidence(
    *,
    actor: Actor,
    kind: str,
    payload: Mapping[str, signed.Json],
    signature: str,
) -> Evidence:
    """Accept a signed report (``kind="report"``) or certificate, or refuse it with every
    reason. The same signed payload sent again returns the evidence it made (a safe retry)."""
    where = kind
    statement, faults = signed.read_statement(payload, where)
    if statement is None or KINDS[kind] != statement.kind:
        raise DomainError(
            *(map(problem_for, faults) or [problem(f"{where}.format", "unknown_format")])
        )
    body = _body_of(actor, statement, where)
    if not body.public_key or signed.public_key_of(body.public_key) is None:
        raise DomainError(problem("signature", "no_public_key"))
    if not signed.verify(body.public_key, payload, signature):
        raise DomainError(problem("signature", "signature_invalid"))
    existing = Evidence.objects.filter(body=body, kind=statement.kind, number=statement.number)
    if earlier := existing.filter(signature=signature.strip()).first():
        return earlier
    problems, _model = _checks(statement, body, where, timezone.localdate())
    if problems:
        raise DomainError(*problems)
    if existing.exists():
        raise Conflict(problem(f"{where}.number", "already_registered"))
    evidence = Evidence.objects.create(
        kind=statement.kind,
        body=body,
        number=statement.number,
        product_model_id=statement.product_model,
        standard_number=statement.standard,
        sample_date=statement.sample_date,
        issued_on=statement.issued_on,
        valid_until=statement.valid_until,
        measurements=dict(statement.measurements),
        conforms_product_standard=statement.conforms_product_standard,
        conforms_mandatory=statement.conforms_mandatory,
        certified_grade=statement.certified_grade or "",
        scope=statement.scope,
        payload=dict(payload),
        signature=signature.strip(),
        submitted_by_id=actor.user_id,
    )
    evidence.ledger_entry_id = ledger.append(facts.EVIDENCE, facts.evidence_fact(evidence)).id
    evidence.save(update_fields=["ledger_entry_id"])
    record_audit(actor, f"grading.evidence.{kind}.accept", evidence)
    return evidence


@transaction.atomic(durable=True)
def revoke_evidence(*, actor: Actor, evidence_id: int, reason: str) -> Evidence:
    """The issuing body withdraws its evidence; every record built on it is suspended."""
    if actor.role not in (Role.LAB_STAFF, Role.ADMIN):
        raise Forbidden(problem("role", "not_your_lab"))
    evidence = selectors.get_evidence(actor, evidence_id)
    evidence = Evidence.objects.select_for_update(no_key=True).get(pk=evidence.pk)
    if evidence.revoked_at is not None:
        raise Conflict(problem("evidence_id", "already_revoked"))
    if not reason.strip():
        raise DomainError(problem("reason", "required"))
    evidence.revoked_at = timezone.now()
    evidence.revocation_reason = reason.strip()[:300]
    evidence.revocation_entry_id = ledger.append(
        facts.EVIDENCE_REVOKED,
        {"evidence": evidence.pk, "body": evidence.body.credit_code, "number": evidence.number},
    ).id
    evidence.save(update_fields=["revoked_at", "revocation_reason", "revocation_entry_id"])
    affected = (
        evidence.records.filter(status__in=[RecordStatus.VALID, RecordStatus.UNDER_INVESTIGATION])
        .select_for_update(no_key=True)
        .order_by("pk")
    )
    suspended = []
    for record in affected:
        set_status(record, RecordStatus.SUSPENDED, f"evidence {evidence.pk} revoked", "suspended")
        suspended.append(record.pk)
    record_audit(
        actor, "grading.evidence.revoke", evidence, {"reason": reason, "suspended": suspended}
    )
    return evidence


@dataclass(frozen=True)
class ImportedRow:
    row: int
    evidence_id: int | None
    problems: tuple[Problem, ...]


def import_workbook(*, actor: Actor, data: bytes) -> list[ImportedRow]:
    """Import signed report rows from an Excel file; each row is accepted or refused on its
    own (one transaction per report, as through the API)."""
    if actor.role != Role.LAB_STAFF or actor.lab_id is None:
        raise Forbidden(problem("role", "not_your_lab"))
    lab = registry_selectors.get_testing_body(actor.lab_id)
    try:
        header, lines = workbook.rows(data)
    except (OSError, ValueError, KeyError, zipfile.BadZipFile):
        raise DomainError(problem("file", "not_a_workbook")) from None
    if "signature" not in header:
        raise DomainError(problem("file", "no_signature_column"))
    results = []
    for n, values in lines:
        payload = workbook.payload_from_row(lab.credit_code, header, values)
        signature = str(dict(zip(header, values, strict=False)).get("signature") or "")
        try:
            evidence = submit_evidence(
                actor=actor, kind="report", payload=payload, signature=signature
            )
        except DomainError as exc:
            results.append(ImportedRow(n, None, exc.problems))
        else:
            results.append(ImportedRow(n, evidence.pk, ()))
    return results
