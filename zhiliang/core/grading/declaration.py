"""The checks a producer's grade declaration must pass, all at once (G4).

The SAMR draft opinion: a producer may grade a product only if the product is in the grading
catalogue, conforms to its product standard and the mandatory national standards (合格), and
third-party test or certification results less than one year old, under the one standard in
force, support the grade; it answers for the truth of what it records (不得弄虚作假、低级高标).
Every failed check becomes one ``Refusal`` naming the input field and a stable code; the service
translates them. A declared grade above the computed one is refused with the earned grade in
its detail, so the producer is offered that grade instead.
"""

import dataclasses
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

from zhiliang.core.grading.engine import Graded, Grader
from zhiliang.core.grading.grades import level_of
from zhiliang.core.grading.rules import RuleSet

TEST_REPORT = "test_report"
CERTIFICATE = "certificate"


@dataclass(frozen=True, slots=True)
class EvidenceFacts:
    """What a test report or certificate says, and what the platform knows about it."""

    id: int
    kind: str  # TEST_REPORT or CERTIFICATE
    product_model_id: int
    standard: str  # the grading standard it was tested or certified against
    issued_on: date  # report date, or the certificate's issue date
    signature_valid: bool
    revoked: bool
    body_in_scope: bool  # the body is accredited for this product
    body_accredited_until: date
    conforms_product_standard: bool | None = None  # None: the evidence does not say
    conforms_mandatory: bool | None = None
    measurements: Mapping[str, Decimal] = dataclasses.field(default_factory=dict)
    certified_grade: str | None = None
    valid_until: date | None = None  # certificates


@dataclass(frozen=True, slots=True)
class Claim:
    product_model_id: int
    in_catalogue: bool  # on ``today``
    standard_cited: str
    rules: RuleSet | None  # the rule set of the standard in force today, None if none is
    superseded: frozenset[str]  # numbers of the product's standards no longer in force
    grade: str
    evidence: Sequence[EvidenceFacts]
    today: date


@dataclass(frozen=True, slots=True)
class Refusal:
    field: str  # "product_model_id", "standard", "evidence_ids.1", "grade"
    code: str
    detail: Mapping[str, str] = dataclasses.field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class Verdict:
    refusals: tuple[Refusal, ...]
    earned: str | None  # the grade the evidence supports, when it could be computed
    graded: Graded | None
    valid_until: date | None  # the day before the oldest evidence turns one year old


def one_year_after(day: date) -> date:
    """The first anniversary (28 February for a 29 February)."""
    try:
        return day.replace(year=day.year + 1)
    except ValueError:
        return day.replace(year=day.year + 1, day=28)


def valid_until(issued: Sequence[date], certificates_until: Sequence[date] = ()) -> date:
    """The last day all evidence is less than one year old (and no certificate has lapsed)."""
    last = one_year_after(min(issued)) - timedelta(days=1)
    return min([last, *certificates_until])


def _evidence_refusals(claim: Claim, n: int, e: EvidenceFacts) -> list[Refusal]:
    where = f"evidence_ids.{n}"
    found: list[Refusal] = []
    if e.product_model_id != claim.product_model_id:
        found.append(Refusal(where, "evidence_other_model", {"evidence_id": str(e.id)}))
    if not e.signature_valid:
        found.append(Refusal(where, "evidence_unsigned", {"evidence_id": str(e.id)}))
    if e.revoked:
        found.append(Refusal(where, "evidence_revoked", {"evidence_id": str(e.id)}))
    if not e.body_in_scope or e.body_accredited_until < e.issued_on:
        found.append(Refusal(where, "body_not_accredited", {"evidence_id": str(e.id)}))
    if claim.today >= one_year_after(e.issued_on) or (
        e.valid_until is not None and e.valid_until < claim.today
    ):
        found.append(
            Refusal(
                where,
                "evidence_expired",
                {"evidence_id": str(e.id), "issued_on": e.issued_on.isoformat()},
            )
        )
    if claim.rules is not None and e.standard != claim.rules.standard:
        found.append(
            Refusal(
                where,
                "evidence_other_standard",
                {"evidence_id": str(e.id), "standard": e.standard},
            )
        )
    if e.conforms_product_standard is False or e.conforms_mandatory is False:
        found.append(Refusal(where, "not_conforming", {"evidence_id": str(e.id)}))
    return found


def _worst(rules: RuleSet, reports: Sequence[EvidenceFacts]) -> dict[str, Decimal]:
    """Every indicator's least favourable measurement across the reports: two labs measuring
    one indicator can only hold the grade down, never lift it."""
    worst: dict[str, Decimal] = {}
    for indicator in rules.indicators:
        values = [r.measurements[indicator.key] for r in reports if indicator.key in r.measurements]
        if values:
            lower_better = indicator.direction == "lower_is_better"
            worst[indicator.key] = max(values) if lower_better else min(values)
    return worst


def check_declaration(claim: Claim) -> Verdict:
    refusals: list[Refusal] = []
    if not claim.in_catalogue:
        refusals.append(Refusal("product_model_id", "product_not_in_catalogue"))
    rules = claim.rules
    if rules is None:
        refusals.append(Refusal("standard", "no_standard_in_force"))
    elif claim.standard_cited != rules.standard:
        code = (
            "standard_superseded"
            if claim.standard_cited in claim.superseded
            else "standard_not_in_force"
        )
        refusals.append(Refusal("standard", code, {"in_force": rules.standard}))
    if not claim.evidence:
        refusals.append(Refusal("evidence_ids", "evidence_required"))
    evidence_refusals = [
        r for n, e in enumerate(claim.evidence) for r in _evidence_refusals(claim, n, e)
    ]
    refusals += evidence_refusals
    if rules is None or not claim.evidence or evidence_refusals:
        # Nothing can be said about conformity or the grade until the evidence stands.
        return Verdict(tuple(refusals), None, None, None)

    mandatory_needed = bool(rules.mandatory_standards)
    if not any(e.conforms_product_standard for e in claim.evidence) or (
        mandatory_needed and not any(e.conforms_mandatory for e in claim.evidence)
    ):
        refusals.append(Refusal("evidence_ids", "conformity_missing"))

    reports = [e for e in claim.evidence if e.kind == TEST_REPORT]
    certified = [e.certified_grade for e in claim.evidence if e.certified_grade]
    measured = _worst(rules, reports)
    grader = Grader(rules)
    graded: Graded | None = None
    earned: str | None = None
    sources: list[str | None] = [*certified]
    if measured or not certified:
        if missing := grader.missing(measured):
            refusals.append(
                Refusal("evidence_ids", "indicator_missing", {"missing": ",".join(missing)})
            )
            return Verdict(tuple(refusals), None, None, None)
        graded = grader.explain(measured)
        sources.append(graded.grade)
    earned = min(sources, key=level_of)
    if earned is None:
        refusals.append(Refusal("grade", "no_grade_earned"))
    elif level_of(claim.grade) > level_of(earned):
        refusals.append(Refusal("grade", "grade_above_earned", {"earned": earned}))
    until = valid_until(
        [e.issued_on for e in claim.evidence],
        [e.valid_until for e in claim.evidence if e.valid_until is not None],
    )
    return Verdict(tuple(refusals), earned, graded, until)
