"""Demo data for grading (G1–G6): the shipped catalogue and standards, signed lab reports from
the demo labs, and grading records of Jiaxing producers in every state: valid, expiring soon,
expired, suspended by a revoked report, and one exposed 低级高标 case.

Records are built as the services would build them (the same signed payloads, label signatures
and ledger facts), in bulk and inside the demo step's transaction. Every enterprise, lab and
record is marked illustrative by the data it hangs on.
"""

import random
from datetime import UTC, date, datetime, time, timedelta
from decimal import Decimal

from django.utils import timezone

from zhiliang.accounts.models import User
from zhiliang.common import outbox
from zhiliang.core.grading import GRADES, Grader, RuleSet, level_of
from zhiliang.core.grading import evidence as signed
from zhiliang.core.grading.declaration import one_year_after
from zhiliang.core.grading.rules import Indicator
from zhiliang.demo.registry_steps import lab_private_key
from zhiliang.demo.steps import Context, Step, register_step
from zhiliang.grading import facts, selectors, signing
from zhiliang.grading.models import (
    Case,
    CaseSource,
    CaseStatus,
    Declaration,
    Evidence,
    Exposure,
    Inspection,
    LabelCheckResult,
    PlaceKind,
    RecordStatus,
    ViolationKind,
)
from zhiliang.grading.services.common import CREDIT_PUBLICITY, SYSTEM, ensure_endpoint
from zhiliang.grading.services.standards import load_reference_within
from zhiliang.ledger import services as ledger
from zhiliang.registry.models import Product, ProductModel, TestingBody

RECORDS = {"small": 24, "city": 240, "province": 1200}
# Every eighth record is in each of the other states, so a small demo has them all.
STATES = ("valid", "expiring", "valid", "expired", "valid", "suspended", "valid", "valid")


def _reference(ctx: Context) -> int:
    loaded = load_reference_within(SYSTEM)
    ctx.advance(1)
    return loaded.catalogue + loaded.standards + loaded.rule_versions + loaded.policies


def _value(indicator: Indicator, grade: str, rng: random.Random) -> str:
    """A measurement that reaches ``grade`` and, half the time, the grade above it too."""
    if indicator.direction == "pass_fail":
        return "pass"
    limit = indicator.thresholds[grade]
    better = indicator.thresholds[GRADES[max(0, GRADES.index(grade) - 1)]]
    room = abs(better - limit) or abs(limit) * Decimal("0.02") or Decimal(1)
    step = (room * Decimal(rng.randint(0, 9)) / 10).quantize(Decimal("0.01"))
    value = limit + step if indicator.direction == "higher_is_better" else limit - step
    return str(value.normalize() if value == value.to_integral() else value)


def _measurements(rules: RuleSet, target: str, rng: random.Random) -> dict[str, str]:
    limiting = rng.randrange(len(rules.indicators))
    values = {}
    for n, indicator in enumerate(rules.indicators):
        grade = target if n == limiting else rng.choice(GRADES[: GRADES.index(target) + 1])
        values[indicator.key] = _value(indicator, grade, rng)
    return values


def _demo_producer() -> int | None:
    """The enterprise of the demo login "producer" (None before the users step ran)."""
    return User.objects.filter(username="producer").values_list("enterprise_id", flat=True).first()


def _power_bank_model(enterprise_id: int) -> ProductModel:
    """The demo producer makes a power bank too, so its console shows grading at work."""
    model, _created = ProductModel.objects.get_or_create(
        enterprise_id=enterprise_id,
        brand="禾美",
        model="PB-20000",
        specification="移动电源 20000 mAh（演示）",
        defaults={"product": Product.objects.get(code="P0101"), "published": True},
    )
    return ProductModel.objects.select_related("product", "enterprise").get(pk=model.pk)


def _candidates(ctx: Context) -> list[tuple[ProductModel, TestingBody]]:
    """Models of catalogue products with a standard in force, each with a demo lab accredited
    for the product; the demo producer's models first, so its console has records."""
    today = ctx.today
    products = [
        e.product_id
        for e in selectors.catalogue_on(today)
        if selectors.standard_in_force(e.product_id, today)
    ]
    labs = list(TestingBody.objects.filter(is_lab=True).prefetch_related("scope").order_by("pk"))
    scopes = {lab.pk: {p.pk for p in lab.scope.all()} for lab in labs}
    models = list(
        ProductModel.objects.filter(product_id__in=products)
        .select_related("product", "enterprise")
        .order_by("pk")
    )
    producer = _demo_producer()
    if producer is not None and not any(m.enterprise_id == producer for m in models):
        models.insert(0, _power_bank_model(producer))
    own = [m for m in models if m.enterprise_id == producer]
    rest = [m for m in models if m.enterprise_id != producer]
    ctx.rng.shuffle(rest)
    found = []
    for model in [*own, *rest]:
        accredited = [lab for lab in labs if model.product_id in scopes[lab.pk]]
        if accredited:
            found.append((model, accredited[model.pk % len(accredited)]))
        if len(found) >= RECORDS[ctx.scale.value]:
            break
    return found


def _evidence(
    ctx: Context,
    model: ProductModel,
    lab: TestingBody,
    number: str,
    issued: date,
    rules: RuleSet,
    target: str,
) -> Evidence:
    payload: dict[str, signed.Json] = {
        "format": signed.REPORT_FORMAT,
        "lab": lab.credit_code,
        "number": number,
        "product_model": model.pk,
        "standard": rules.standard,
        "sample_date": (issued - timedelta(days=12)).isoformat(),
        "report_date": issued.isoformat(),
        "measurements": dict(_measurements(rules, target, ctx.rng)),
        "conformity": {"product_standard": True, "mandatory_standards": True},
    }
    evidence = Evidence.objects.create(
        kind="test_report",
        body=lab,
        number=number,
        product_model=model,
        standard_number=rules.standard,
        sample_date=issued - timedelta(days=12),
        issued_on=issued,
        measurements=payload["measurements"],
        conforms_product_standard=True,
        conforms_mandatory=True,
        payload=payload,
        signature=signed.sign(lab_private_key(ctx, lab.name), payload),
    )
    evidence.ledger_entry_id = ledger.append(facts.EVIDENCE, facts.evidence_fact(evidence)).id
    evidence.save(update_fields=["ledger_entry_id"])
    return evidence


def _records(ctx: Context) -> int:
    rng = ctx.rng
    made = 0
    for n, (model, lab) in enumerate(_candidates(ctx)):
        standard = selectors.standard_in_force(model.product_id, ctx.today)
        assert standard is not None
        version = selectors.current_rules(standard)
        rules = version.rules()
        state = "valid" if n < 2 else STATES[n % len(STATES)]
        age = {"valid": (15, 300), "expiring": (337, 358), "expired": (370, 500)}.get(
            state, (30, 200)
        )
        issued = ctx.today - timedelta(days=rng.randint(*age))
        target = rng.choices(GRADES, weights=(1, 3, 4, 3, 2))[0]
        evidence = _evidence(ctx, model, lab, f"JX{issued:%Y}-{n + 1:05d}", issued, rules, target)
        earned = Grader(rules).grade(evidence.measured())
        if earned is None:
            continue
        grade = (
            earned if rng.random() < 0.8 else GRADES[min(len(GRADES) - 1, GRADES.index(earned) + 1)]
        )
        record = Declaration.objects.create(
            product_model=model,
            enterprise_id=model.enterprise_id,
            standard=standard,
            rule_version=version,
            grade=grade,
            earned_grade=earned,
            valid_until=one_year_after(issued) - timedelta(days=1),
        )
        record.evidence.set([evidence])
        record.label_signature = signing.sign(signing.claim_of(record))
        record.ledger_entry_id = ledger.append(
            facts.RECORD, facts.record_fact(record, [evidence])
        ).id
        record.save(update_fields=["label_signature", "ledger_entry_id"])
        declared = datetime.combine(issued + timedelta(days=5), time(9), tzinfo=UTC)
        Declaration.objects.filter(pk=record.pk).update(declared_at=declared)
        if state == "suspended":
            _revoke(evidence, record)
        made += 1
        ctx.advance(1)
    _spare_report(ctx)
    _expose(ctx)
    return made


def _spare_report(ctx: Context) -> None:
    """A fresh signed report the demo producer has not used yet: it can declare in the console."""
    producer = _demo_producer()
    record = Declaration.objects.filter(enterprise_id=producer or 0).order_by("pk").first()
    if record is None:
        return
    lab = record.evidence.get().body
    rules = record.rule_version.rules()
    issued = ctx.today - timedelta(days=7)
    _evidence(ctx, record.product_model, lab, f"JX{issued:%Y}-SPARE", issued, rules, "AAAA")


def _revoke(evidence: Evidence, record: Declaration) -> None:
    evidence.revoked_at = timezone.now()
    evidence.revocation_reason = "仪器校准证书过期，报告收回（演示）"
    evidence.revocation_entry_id = ledger.append(
        facts.EVIDENCE_REVOKED,
        {"evidence": evidence.pk, "body": evidence.body.credit_code, "number": evidence.number},
    ).id
    evidence.save(update_fields=["revoked_at", "revocation_reason", "revocation_entry_id"])
    record.status = RecordStatus.SUSPENDED
    record.status_reason = f"evidence {evidence.pk} revoked"
    record.save(update_fields=["status", "status_reason"])
    ledger.append(facts.RECORD_STATUS, facts.status_fact(record, record.status_reason))


def _expose(ctx: Context) -> None:
    """One 低级高标 case found online: a listing shows a higher grade than the record's."""
    record = (
        Declaration.objects.filter(status=RecordStatus.VALID, valid_until__gte=ctx.today)
        .exclude(enterprise_id=_demo_producer() or 0)
        .exclude(grade="AAAAA")
        .select_related("enterprise__town__parent", "product_model")
        .order_by("pk")
        .first()
    )
    if record is None:
        return
    shown = GRADES[GRADES.index(record.grade) - 1]
    region = record.enterprise.town.parent or record.enterprise.town
    inspection = Inspection.objects.create(
        region=region,
        declaration=record,
        place_kind=PlaceKind.ONLINE,
        place="https://shop.example.com/item/demo-1（演示）",
        shown_grade=shown,
        label_check=LabelCheckResult.SIGNATURE_VALID,
    )
    case = Case.objects.create(
        kind=ViolationKind.GRADE_ABOVE_EARNED,
        status=CaseStatus.CONFIRMED,
        source=CaseSource.INSPECTION,
        region=region,
        declaration=record,
        inspection=inspection,
        enterprise=record.enterprise,
        detail={"shown_grade": shown, "declared": record.grade},
        decided_at=timezone.now(),
        decision_note="网店页面标示等级高于分级记录（演示）",
    )
    record.status = RecordStatus.REVOKED
    record.status_reason = f"violation {case.kind} confirmed"
    record.save(update_fields=["status", "status_reason"])
    ledger.append(facts.RECORD_STATUS, facts.status_fact(record, record.status_reason))
    exposure = Exposure.objects.create(
        case=case,
        enterprise=record.enterprise,
        kind=case.kind,
        summary=f"{record.enterprise.name} {record.product_model}",
    )
    exposure.ledger_entry_id = ledger.append(facts.VIOLATION, facts.violation_fact(exposure)).id
    exposure.save(update_fields=["ledger_entry_id"])
    outbox.enqueue(
        ensure_endpoint(CREDIT_PUBLICITY),
        "grading.violation.confirmed",
        {
            "case": case.pk,
            "kind": case.kind,
            "enterprise": record.enterprise.credit_code,
            "record": record.pk,
            "region": region.code,
            "decided_on": ctx.today.isoformat(),
        },
    )
    assert level_of(shown) > level_of(record.grade)


register_step(Step("grading_reference", "grading catalogue and standards", lambda c: 1, _reference))
register_step(
    Step("grading_records", "grading records", lambda c: RECORDS[c.scale.value], _records)
)
