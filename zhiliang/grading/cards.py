"""The grading cards of each role's console home."""

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from zhiliang.accounts.actors import Actor
from zhiliang.accounts.roles import Role
from zhiliang.grading import selectors
from zhiliang.portal.consoles import Card


def cards_for(actor: Actor) -> list[Card]:
    if actor.role == Role.ENTERPRISE_MEMBER:
        counts = selectors.counts_for(actor)
        return [
            Card(
                _("Quality grading"),
                _("Declare grades, download labels; records expiring within 30 days: %(n)d.")
                % {"n": counts.expiring},
                reverse("grading:console-records"),
                counts.valid,
                "card-grading",
            )
        ]
    if actor.role == Role.LAB_STAFF:
        return [
            Card(
                _("Test reports for grading"),
                _("Issue signed reports, import them from Excel, revoke them."),
                reverse("grading:lab"),
                selectors.visible_evidence(actor).count(),
                "card-grading-lab",
            )
        ]
    if actor.role in (Role.REGULATOR, Role.DEPARTMENT_READER):
        return [
            Card(
                _("Grading supervision"),
                _("Grading records in your jurisdiction, label inspections and cases."),
                reverse("grading:supervision"),
                selectors.visible_records(actor).count(),
                "card-grading-supervision",
            )
        ]
    return []
