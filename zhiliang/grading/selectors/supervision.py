"""Reads of inspections and cases (regulators, by jurisdiction) and the public exposure list."""

from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from zhiliang.accounts.actors import Actor
from zhiliang.accounts.roles import Role
from zhiliang.common.errors import NotFound, Problem
from zhiliang.core.grading import level_of
from zhiliang.grading.models import Case, Inspection, LabelCheckResult, RecordStatus, ViolationKind


def visible_inspections(actor: Actor) -> QuerySet[Inspection]:
    inspections = Inspection.objects.select_related("region", "declaration", "seller")
    if actor.role == Role.ADMIN:
        return inspections
    if actor.role in (Role.REGULATOR, Role.DEPARTMENT_READER) and actor.jurisdiction_path:
        return inspections.filter(region__path__startswith=actor.jurisdiction_path)
    return inspections.none()


def get_inspection(actor: Actor, inspection_id: int) -> Inspection:
    try:
        return visible_inspections(actor).get(pk=inspection_id)
    except Inspection.DoesNotExist:
        raise NotFound(Problem("inspection_id", "not_found", _("No such inspection."))) from None


def visible_cases(actor: Actor) -> QuerySet[Case]:
    cases = Case.objects.select_related("region", "declaration", "enterprise", "inspection")
    if actor.role == Role.ADMIN:
        return cases
    if actor.role in (Role.REGULATOR, Role.DEPARTMENT_READER) and actor.jurisdiction_path:
        return cases.filter(region__path__startswith=actor.jurisdiction_path)
    return cases.none()


def get_case(actor: Actor, case_id: int) -> Case:
    try:
        return visible_cases(actor).get(pk=case_id)
    except Case.DoesNotExist:
        raise NotFound(Problem("case_id", "not_found", _("No such case."))) from None


def suspicions(inspection: Inspection) -> list[str]:
    """The violations an inspection points at (G6); the regulator decides whether to open a
    case."""
    found = []
    if inspection.label_check in (
        LabelCheckResult.SIGNATURE_INVALID,
        LabelCheckResult.MALFORMED,
        LabelCheckResult.NO_RECORD,
    ):
        found.append(ViolationKind.FORGED_LABEL)
    record = inspection.declaration
    if record is not None:
        if inspection.shown_grade and level_of(inspection.shown_grade) > level_of(record.grade):
            found.append(ViolationKind.GRADE_ABOVE_EARNED)
        if record.status_on(timezone.localdate()) != RecordStatus.VALID:
            found.append(ViolationKind.MISUSED_LABEL)
    return [str(kind) for kind in found]
