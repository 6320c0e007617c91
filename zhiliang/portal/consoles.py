"""What each role's console home shows: the things that role can do, with live counts.

Later issues add their cards (grading declarations, trace capture, spot-check tasks …) here.
"""

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

from django.db.models import QuerySet
from django.urls import reverse
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from zhiliang.accounts.actors import Actor
from zhiliang.accounts.roles import Role
from zhiliang.registry import selectors as registry_selectors
from zhiliang.registry.models import Enterprise


@dataclass(frozen=True)
class Card:
    title: Promise | str
    text: Promise | str
    url: str = ""
    count: int | None = None
    testid: str = ""


CardSource = Callable[[Actor], list[Card]]
_CARD_SOURCES: list[CardSource] = []


def register_cards(source: CardSource) -> None:
    """Feature apps add their console cards (from their AppConfig.ready) without editing this."""
    if source not in _CARD_SOURCES:
        _CARD_SOURCES.append(source)


def public_stats() -> dict[str, int]:
    return {
        "enterprises": registry_selectors.public_enterprises().count(),
        "products": registry_selectors.products().count(),
        "testing_bodies": registry_selectors.testing_bodies().count(),
    }


def console_for(actor: Actor) -> dict[str, Any]:
    enterprises = registry_selectors.visible_enterprises(actor)
    cards: list[Card] = []
    enterprise = None
    if actor.role in (Role.REGULATOR, Role.DEPARTMENT_READER, Role.ADMIN):
        cards.append(
            Card(
                _("Enterprises in your jurisdiction"),
                _("Browse, filter and export the enterprise registry."),
                reverse("portal:enterprises"),
                enterprises.count(),
                "card-enterprises",
            )
        )
    if actor.role == Role.REGULATOR:
        cards.append(
            Card(
                _("Register an enterprise"),
                _("Through the API: POST /api/registry/enterprises."),
                "/api/docs",
                None,
                "card-register",
            )
        )
    if actor.role in (Role.ENTERPRISE_MEMBER, Role.PLATFORM_OPERATOR) and actor.enterprise_id:
        enterprise = enterprises.first()
        cards.append(
            Card(
                _("Our enterprise"),
                _("Registration, licences and certificates."),
                reverse("portal:enterprise", args=[actor.enterprise_id]),
                None,
                "card-own-enterprise",
            )
        )
        cards.append(
            Card(
                _("Product models"),
                _("The models you make, with their GTINs."),
                "/api/docs",
                registry_selectors.visible_product_models(actor).count(),
                "card-product-models",
            )
        )
    if actor.role == Role.LAB_STAFF:
        body = registry_selectors.testing_bodies().filter(pk=actor.lab_id or 0).first()
        cards.append(
            Card(
                _("Our testing body"),
                _("Accreditation %(cma)s; scope of %(n)d products.")
                % {"cma": body.cma_number if body else "", "n": body.scope.count() if body else 0},
                "",
                None,
                "card-lab",
            )
        )
    if actor.role == Role.CONNECTED_SYSTEM:
        cards.append(
            Card(
                _("Connected system"),
                _("Feeds data through the API with its token's scopes."),
                "/api/docs",
                None,
                "card-system",
            )
        )
    if actor.role == Role.ADMIN:
        cards.append(
            Card(
                _("Back office"),
                _("Catalogues, registries, outbox and audit log."),
                reverse("admin:index"),
                None,
                "card-admin",
            )
        )
    for source in _CARD_SOURCES:
        cards.extend(source(actor))
    cards.append(
        Card(
            _("API tokens"),
            _("Issue and revoke tokens for your programs."),
            reverse("portal:tokens"),
            None,
            "card-tokens",
        )
    )
    return {"cards": cards, "enterprise": enterprise, "role_label": Role(actor.role).label}


ENTERPRISE_COLUMNS = [_("Credit code"), _("Name"), _("Town"), _("Address"), _("Size"), _("Roles")]


def enterprise_rows(enterprises: QuerySet[Enterprise]) -> Iterator[list[Any]]:
    for e in enterprises.iterator(chunk_size=2000):
        yield [
            e.credit_code,
            e.name,
            e.town.name,
            e.address,
            e.get_size_display(),
            ", ".join(e.roles),
        ]
