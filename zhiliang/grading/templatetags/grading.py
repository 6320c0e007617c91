"""Template filters for grading pages: status words and colours, indicator directions."""

from django import template
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

register = template.Library()

STATUS_LABELS: dict[str, Promise] = {
    "valid": _("Valid"),
    "expired": _("Expired"),
    "suspended": _("Suspended"),
    "revoked": _("Revoked"),
    "under_investigation": _("Under investigation"),
    "renewed": _("Replaced by a renewal"),
}
DIRECTIONS: dict[str, Promise] = {
    "higher_is_better": _("higher is better"),
    "lower_is_better": _("lower is better"),
    "pass_fail": _("pass or fail"),
}
VERDICTS: dict[str, Promise] = {
    "genuine": _("The label is genuine and the record is valid."),
    "forged": _("The label's signature does not verify: it may be forged."),
    "unknown_record": _("The label names a record this platform does not have."),
    "mismatch": _("The label shows other facts than the record."),
    "not_valid": _("The label is genuine but the record is no longer valid."),
}


@register.filter
def status_label(code: str) -> str:
    return str(STATUS_LABELS.get(code, code))


@register.filter
def direction_label(code: str) -> str:
    return str(DIRECTIONS.get(code, code))


@register.filter
def verdict_label(code: str) -> str:
    return str(VERDICTS.get(code, code))


@register.filter
def threshold(indicator: object, grade: str) -> str:
    limits = getattr(indicator, "thresholds", {})
    value = limits.get(grade)
    return "" if value is None else str(value)


@register.filter
def status_on(record: object, today: object) -> str:
    method = getattr(record, "status_on", None)
    return str(method(today)) if method else ""


@register.filter
def get_item(mapping: object, key: object) -> object:
    return mapping.get(key) if isinstance(mapping, dict) else None
