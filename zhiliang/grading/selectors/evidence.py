"""Reads of test reports and certificates, scoped by who asks."""

from collections.abc import Sequence

from django.db.models import QuerySet
from django.utils.translation import gettext as _

from zhiliang.accounts.actors import Actor
from zhiliang.accounts.roles import Role
from zhiliang.common.errors import NotFound, Problem
from zhiliang.grading.models import Evidence


def _all() -> QuerySet[Evidence]:
    return Evidence.objects.select_related(
        "body", "product_model", "product_model__product", "product_model__enterprise"
    )


def visible_evidence(actor: Actor) -> QuerySet[Evidence]:
    """A body sees what it issued, an enterprise what was issued about its models, a regulator
    what concerns its subtree; records show their evidence to the public through
    ``evidence_of``."""
    evidence = _all()
    match actor.role:
        case Role.ADMIN:
            return evidence
        case Role.LAB_STAFF if actor.lab_id:
            return evidence.filter(body_id=actor.lab_id)
        case Role.ENTERPRISE_MEMBER if actor.enterprise_id:
            return evidence.filter(product_model__enterprise_id=actor.enterprise_id)
        case Role.REGULATOR | Role.DEPARTMENT_READER if actor.jurisdiction_path:
            return evidence.filter(
                product_model__enterprise__town__path__startswith=actor.jurisdiction_path
            )
        case _:
            return evidence.none()


def get_evidence(actor: Actor, evidence_id: int, field: str = "evidence_id") -> Evidence:
    try:
        return visible_evidence(actor).get(pk=evidence_id)
    except Evidence.DoesNotExist:
        raise NotFound(
            Problem(field, "not_found", _("No such test report or certificate."))
        ) from None


def cited_evidence(actor: Actor, ids: Sequence[int]) -> tuple[list[Evidence | None], list[int]]:
    """The evidence a declaration cites, in the order cited (None where the actor may not see
    it), and the positions of the missing ones."""
    found = {e.pk: e for e in visible_evidence(actor).filter(pk__in=ids)}
    ordered = [found.get(i) for i in ids]
    return ordered, [n for n, e in enumerate(ordered) if e is None]


def evidence_of(record_id: int) -> QuerySet[Evidence]:
    return _all().filter(records__pk=record_id).order_by("issued_on", "pk")


def body_scope_ids(body_id: int) -> set[int]:
    from zhiliang.registry.models import TestingBody

    return set(
        TestingBody.scope.through.objects.filter(testingbody_id=body_id).values_list(
            "product_id", flat=True
        )
    )
