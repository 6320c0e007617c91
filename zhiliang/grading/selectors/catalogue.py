"""Reads of the catalogue, standards, rule sets and policies: all public (G1–G3)."""

from datetime import date

from django.db.models import Q, QuerySet
from django.utils.translation import gettext as _

from zhiliang.common.errors import NotFound, Problem
from zhiliang.core.grading import precedence
from zhiliang.grading.models import CatalogueEntry, GradingStandard, Policy, RuleSetVersion


def catalogue_history() -> QuerySet[CatalogueEntry]:
    return CatalogueEntry.objects.select_related("product", "product__category")


def catalogue_on(on: date) -> QuerySet[CatalogueEntry]:
    return catalogue_history().filter(
        Q(until__isnull=True) | Q(until__gte=on), effective_from__lte=on
    )


def in_catalogue(product_id: int, on: date) -> bool:
    return catalogue_on(on).filter(product_id=product_id).exists()


def standards() -> QuerySet[GradingStandard]:
    return GradingStandard.objects.select_related("product")


def get_standard(standard_id: int) -> GradingStandard:
    try:
        return standards().get(pk=standard_id)
    except GradingStandard.DoesNotExist:
        raise NotFound(
            Problem("standard_id", "not_found", _("No such grading standard."))
        ) from None


def spans_of(product_id: int) -> list[precedence.StandardSpan]:
    return [s.span() for s in GradingStandard.objects.filter(product_id=product_id)]


def standard_in_force(product_id: int, on: date) -> GradingStandard | None:
    """The one standard in force (national > industry > group, G2), or None."""
    span = precedence.in_force(spans_of(product_id), str(product_id), on)
    return None if span is None else standards().get(pk=span.id)


def superseded_numbers(product_id: int, on: date) -> frozenset[str]:
    spans = spans_of(product_id)
    return frozenset(s.number for s in precedence.superseded(spans, str(product_id), on))


def timeline_of(product_id: int) -> list[precedence.Period]:
    return precedence.timeline(spans_of(product_id), str(product_id))


def current_rules(standard: GradingStandard) -> RuleSetVersion:
    version = standard.rule_versions.order_by("-version").first()
    if version is None:
        raise NotFound(Problem("standard_id", "no_rules", _("This standard has no rule set yet.")))
    return version


def rule_versions(standard: GradingStandard) -> QuerySet[RuleSetVersion]:
    return standard.rule_versions.order_by("-version")


def get_rule_version(standard_id: int, version: int) -> RuleSetVersion:
    try:
        return RuleSetVersion.objects.select_related("standard").get(
            standard_id=standard_id, version=version
        )
    except RuleSetVersion.DoesNotExist:
        raise NotFound(Problem("version", "not_found", _("No such rule set version."))) from None


def policies() -> QuerySet[Policy]:
    return Policy.objects.all()
