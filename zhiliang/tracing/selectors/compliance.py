"""The traceability catalogue and who falls short of it (T1).

The catalogue comes in three phases (国市监质监规〔2024〕6号; shared/data/tracing_catalog.csv):
the 2024 first batch of nine categories, all production-licence and CCC products by the end of
2025, and products under a mandatory national standard by the end of 2027. A producer of a product
whose phase is due must code what it makes and report where it goes; the compliance view lists,
per region, producers that report nothing or too little: units made against units coded, and how
many flows (shipments) they reported.
"""

from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date
from typing import Any, Final

from django.db.models import Count, QuerySet, Sum
from django.utils.translation import gettext_lazy as _

from zhiliang.accounts.actors import Actor
from zhiliang.registry import selectors as registry
from zhiliang.registry.models import Product, ProductModel, TracingPhase
from zhiliang.tracing.models import ProductionReport, TraceCode, TraceEvent
from zhiliang.tracing.selectors.scan import city_name

DEADLINES: Final = {
    TracingPhase.FIRST_BATCH_2024: date(2024, 12, 31),
    TracingPhase.LICENCE_CCC_2025: date(2025, 12, 31),
    TracingPhase.MANDATORY_2027: date(2027, 12, 31),
}
"""When each phase must be in place: shared/data/tracing_catalog.csv, column ``deadline``."""

PHASE_SCOPE: Final = {
    TracingPhase.FIRST_BATCH_2024: _(
        "Nine categories named by SAMR: wires and cables, gas appliances, electric bicycles, "
        "cold-rolled ribbed steel bars and others"
    ),
    TracingPhase.LICENCE_CCC_2025: _("Every product under a production licence or CCC"),
    TracingPhase.MANDATORY_2027: _(
        "Other key industrial products with a mandatory national standard touching health, life "
        "or property"
    ),
}
ENOUGH: Final = 0.9  # a producer coding less than 90% of what it reports making falls short


@dataclass(frozen=True)
class Phase:
    code: str
    label: str
    deadline: date
    scope: str
    due: bool
    products: list[Product]


def catalogue(today: date) -> list[Phase]:
    products = registry.products().exclude(tracing_phase="").order_by("tracing_phase", "code")
    by_phase: dict[str, list[Product]] = defaultdict(list)
    for product in products:
        by_phase[product.tracing_phase].append(product)
    return [
        Phase(
            phase.value,
            str(phase.label),
            DEADLINES[phase],
            str(PHASE_SCOPE[phase]),
            DEADLINES[phase] <= today,
            by_phase.get(phase.value, []),
        )
        for phase in TracingPhase
    ]


def due_phases(today: date) -> list[str]:
    return [phase for phase, deadline in DEADLINES.items() if deadline <= today]


@dataclass(frozen=True)
class Shortfall:
    enterprise_id: int
    name: str
    credit_code: str
    region: str | None
    models: int
    units_made: int | None  # None: never reported production
    units_coded: int
    flows: int

    @property
    def coded_share(self) -> float | None:
        if not self.units_made:
            return None
        return self.units_coded / self.units_made

    @property
    def reason(self) -> str:
        if self.units_coded == 0 and self.flows == 0:
            return "reports_nothing"
        if self.units_made is not None and self.units_coded < ENOUGH * self.units_made:
            return "codes_too_few"
        return "no_flows"

    @property
    def short(self) -> bool:
        if self.units_coded == 0 or self.flows == 0:
            return True
        return self.units_made is not None and self.units_coded < ENOUGH * self.units_made


def _models(actor: Actor, today: date, region: str | None) -> QuerySet[ProductModel]:
    models = registry.visible_product_models(actor).filter(
        product__tracing_phase__in=due_phases(today), enterprise__is_producer=True
    )
    if region:
        found = registry.regions().filter(code=region).values_list("path", flat=True).first()
        models = models.filter(enterprise__town__path__startswith=found) if found else models.none()
    return models


def shortfalls(actor: Actor, today: date, region: str | None = None) -> Iterator[Shortfall]:
    """Producers of due catalogue products that report nothing or too little, worst first."""
    models = _models(actor, today, region)
    producers = (
        models.values(
            "enterprise_id", "enterprise__name", "enterprise__credit_code", "enterprise__town__path"
        )
        .annotate(n=Count("pk"))
        .order_by("enterprise_id")
    )
    ids = [row["enterprise_id"] for row in producers]
    made = dict(
        ProductionReport.objects.filter(product_model__in=models)
        .values_list("enterprise_id")
        .annotate(total=Sum("units_made"))
    )
    coded = dict(
        TraceCode.objects.filter(product_model__in=models)
        .values_list("issuer_id")
        .annotate(n=Count("pk"))
    )
    flows = dict(
        TraceEvent.objects.filter(reporter_id__in=ids, biz_step="shipping")
        .values_list("reporter_id")
        .annotate(n=Count("pk"))
    )
    rows = []
    for row in producers:
        enterprise = row["enterprise_id"]
        found = Shortfall(
            enterprise,
            row["enterprise__name"],
            row["enterprise__credit_code"],
            city_name(row["enterprise__town__path"]),
            row["n"],
            made.get(enterprise),
            coded.get(enterprise, 0),
            flows.get(enterprise, 0),
        )
        if found.short:
            rows.append(found)
    rows.sort(key=lambda r: (r.units_coded, r.flows, r.enterprise_id))
    yield from rows


EXPORT_COLUMNS: Final = [
    "credit_code",
    "name",
    "city",
    "catalogue_models",
    "units_made",
    "units_coded",
    "coded_share",
    "flows",
    "reason",
]


def export_rows(actor: Actor, today: date, region: str | None) -> Iterator[list[Any]]:
    for row in shortfalls(actor, today, region):
        share = row.coded_share
        yield [
            row.credit_code,
            row.name,
            row.region or "",
            row.models,
            row.units_made if row.units_made is not None else "",
            row.units_coded,
            round(share, 3) if share is not None else "",
            row.flows,
            row.reason,
        ]
