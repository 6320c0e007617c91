"""Producers' grade declarations (G4): check everything, then publish, sign and ledger."""

import re
from collections.abc import Sequence

from django.db import transaction
from django.utils import timezone

from zhiliang.accounts.actors import Actor
from zhiliang.accounts.roles import Role
from zhiliang.common import idempotency, outbox
from zhiliang.common.audit import record_audit
from zhiliang.common.errors import DomainError, Forbidden, Problem
from zhiliang.core.grading import evidence as signed
from zhiliang.core.grading.declaration import Claim, Refusal, check_declaration
from zhiliang.grading import facts, selectors, signing
from zhiliang.grading.models import Declaration, Evidence, Notice, RecordStatus, RuleSetVersion
from zhiliang.grading.problems import problem, problem_for
from zhiliang.grading.services.common import ENTERPRISE_NOTICES, SYSTEM, ensure_endpoint
from zhiliang.ledger import services as ledger
from zhiliang.registry import selectors as registry_selectors
from zhiliang.registry.models import ProductModel

ACTION = "grading.declaration.declare"
_EVIDENCE_FIELD = re.compile(r"evidence_ids\.(\d+)")


def _claim(
    model: ProductModel,
    standard: str | None,
    grade: str,
    evidence: Sequence[Evidence],
) -> tuple[Claim, RuleSetVersion | None]:
    today = timezone.localdate()
    in_force = selectors.standard_in_force(model.product_id, today)
    version = selectors.current_rules(in_force) if in_force else None
    scopes = {body: selectors.body_scope_ids(body) for body in {e.body_id for e in evidence}}
    return (
        Claim(
            product_model_id=model.pk,
            in_catalogue=selectors.in_catalogue(model.product_id, today),
            standard_cited=standard or (in_force.number if in_force else ""),
            rules=version.rules() if version else None,
            superseded=selectors.superseded_numbers(model.product_id, today),
            grade=grade,
            evidence=[
                e.facts(
                    signature_valid=signed.verify(e.body.public_key, e.payload, e.signature),
                    body_in_scope=model.product_id in scopes[e.body_id],
                )
                for e in evidence
            ],
            today=today,
        ),
        version,
    )


def _renumbered(refusal: Refusal, positions: Sequence[int]) -> Problem:
    """The core numbers the evidence it saw; the caller numbers what it sent."""
    found = problem_for(refusal)
    if match := _EVIDENCE_FIELD.fullmatch(found.field):
        return Problem(
            f"evidence_ids.{positions[int(match[1])]}", found.code, found.reason, found.detail
        )
    return found


@transaction.atomic(durable=True)
def declare_grade(
    *,
    actor: Actor,
    product_model_id: int,
    grade: str,
    evidence_ids: Sequence[int],
    standard: str | None = None,
    renews_id: int | None = None,
    idempotency_key: str | None = None,
) -> Declaration:
    """Publish a producer's grade, or refuse it with every reason at once.

    The grade is recomputed from the evidence under the standard in force today; a producer may
    declare it or a lower one, never a higher one (低级高标, G4). The record holds until its
    oldest evidence turns one year old; a renewal replaces the record it names.
    """
    request = {
        "product_model_id": product_model_id,
        "grade": grade,
        "evidence_ids": list(evidence_ids),
        "standard": standard,
        "renews_id": renews_id,
    }
    if earlier := idempotency.replay(actor, idempotency_key, ACTION, request, Declaration):
        return earlier
    model = registry_selectors.get_product_model(actor, product_model_id)  # 404 unless theirs
    if actor.role != Role.ENTERPRISE_MEMBER:
        raise Forbidden(problem("role", "role_not_allowed"))
    renews = _renewable(actor, renews_id, model) if renews_id is not None else None
    cited, missing = selectors.cited_evidence(actor, evidence_ids)
    problems = [problem(f"evidence_ids.{n}", "unknown_evidence") for n in missing]
    evidence = [e for e in cited if e is not None]
    positions = [n for n, e in enumerate(cited) if e is not None]
    claim, version = _claim(model, standard, grade, evidence)
    verdict = check_declaration(claim)
    problems += [_renumbered(r, positions) for r in verdict.refusals]
    if problems:
        raise DomainError(*problems)
    assert verdict.earned is not None and verdict.valid_until is not None and version
    in_force = selectors.standard_in_force(model.product_id, claim.today)
    assert in_force is not None
    record = Declaration.objects.create(
        product_model=model,
        enterprise_id=model.enterprise_id,
        standard=in_force,
        rule_version=version,
        grade=grade,
        earned_grade=verdict.earned,
        valid_until=verdict.valid_until,
        declared_by_id=actor.user_id,
        renews=renews,
    )
    record.evidence.set(evidence)
    record.label_signature = signing.sign(signing.claim_of(record))
    record.ledger_entry_id = ledger.append(facts.RECORD, facts.record_fact(record, evidence)).id
    record.save(update_fields=["label_signature", "ledger_entry_id"])
    if renews is not None:
        _set_status(renews, RecordStatus.RENEWED, f"renewed by record {record.pk}")
    idempotency.remember(actor, idempotency_key, ACTION, request, record)
    record_audit(actor, "grading.declaration.accept", record, {"grade": grade})
    return record


def _renewable(actor: Actor, record_id: int, model: ProductModel) -> Declaration:
    record = selectors.get_visible_record(actor, record_id)
    record = Declaration.objects.select_for_update(no_key=True).get(pk=record.pk)
    renewable = (RecordStatus.VALID, RecordStatus.SUSPENDED)
    if record.status not in renewable or record.product_model_id != model.pk:
        raise DomainError(problem("renews_id", "not_renewable"))
    return record


def _set_status(record: Declaration, status: str, reason: str) -> None:
    """Change a record's status with its ledger entry (the caller holds the transaction)."""
    record.status = status
    record.status_reason = reason[:300]
    record.save(update_fields=["status", "status_reason"])
    ledger.append(facts.RECORD_STATUS, facts.status_fact(record, reason))


def set_status(record: Declaration, status: str, reason: str, notice: str = "") -> None:
    _set_status(record, status, reason)
    if notice:
        Notice.objects.create(enterprise_id=record.enterprise_id, declaration=record, kind=notice)


def send_expiry_reminders(*, batch: int = 500) -> int:
    """Remind enterprises 30 days before a record expires, in the app and by outbox (G4).

    A worker job: the read that finds nothing takes no lock, and each reminded record is marked
    in the same transaction as its notice and message, so a reminder is sent once.
    """
    today = timezone.localdate()
    ids = list(selectors.expiring(today).order_by("pk").values_list("pk", flat=True)[:batch])
    if not ids:
        return 0
    with transaction.atomic(durable=True):
        endpoint = ensure_endpoint(ENTERPRISE_NOTICES)
        records = list(
            selectors.expiring(today)
            .select_for_update(no_key=True)
            .filter(pk__in=ids)
            .select_related("enterprise", "product_model", "standard")
            .order_by("pk")
        )
        now = timezone.now()
        for record in records:
            Notice.objects.create(
                enterprise_id=record.enterprise_id, declaration=record, kind="expiry_reminder"
            )
            outbox.enqueue(
                endpoint,
                "grading.record.expiring",
                {
                    "record": record.pk,
                    "enterprise": record.enterprise.credit_code,
                    "model": f"{record.product_model.brand} {record.product_model.model}",
                    "grade": record.grade,
                    "standard": record.standard.number,
                    "valid_until": record.valid_until.isoformat(),
                    "record_url": signing.record_url(record.pk),
                },
            )
            record.reminded_at = now
        Declaration.objects.bulk_update(records, ["reminded_at"])
        record_audit(SYSTEM, "grading.reminders.sent", None, {"records": [r.pk for r in records]})
    return len(records)
