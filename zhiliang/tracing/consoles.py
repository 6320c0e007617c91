"""Traceability's cards on each role's console home."""

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from zhiliang.accounts.actors import Actor
from zhiliang.accounts.roles import Role
from zhiliang.portal.consoles import Card


def cards(actor: Actor) -> list[Card]:
    found: list[Card] = []
    if actor.role == Role.ENTERPRISE_MEMBER and actor.enterprise_id:
        found.append(
            Card(
                _("Traceability"),
                _("Code your units, report flows, confirm receipts, read recall notices."),
                reverse("tracing:enterprise"),
                None,
                "card-tracing",
            )
        )
    if actor.role in (Role.REGULATOR, Role.ADMIN, Role.DEPARTMENT_READER):
        found.append(
            Card(
                _("Traceability supervision"),
                _("Catalogue compliance, recall scope and notices."),
                reverse("tracing:supervision"),
                None,
                "card-tracing-supervision",
            )
        )
    return found
