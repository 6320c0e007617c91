"""Demo traceability: the 2024 first-batch categories coded at the producer and moved producer →
distributor → retailer → consumer across Jiaxing, through the same services a real capture uses
(so the party and ownership rules hold), with one recall and one cloned label.

Each traced model gets a batch of GS1 codes with a lot, a commissioning event, a pallet (SSCC)
packed, shipped to a distributor in another town, received and unpacked there, split among three
retailers, received and partly sold to consumers. One shipment to the demo retailer (user
``retailer``) is left in transit so that its scan page offers "confirm receipt". Deterministic for
a scale and seed; ``zhiliang tracing-demo-codes`` prints codes to try.
"""

import uuid
from collections.abc import Sequence
from datetime import datetime, time, timedelta
from decimal import Decimal
from typing import Any, Final

from django.utils import timezone

from zhiliang.accounts import services as account_services
from zhiliang.accounts.actors import Actor
from zhiliang.accounts.models import User
from zhiliang.accounts.roles import Role
from zhiliang.core.identifiers import make_sscc
from zhiliang.core.tracing.digital_link import CANONICAL_HOST
from zhiliang.core.tracing.epc import PARTY_URN
from zhiliang.core.tracing.epcis.validation import parse_document
from zhiliang.demo.steps import Context, Scale, Step, register_step
from zhiliang.demo.users import DEMO_PASSWORD
from zhiliang.registry.models import Enterprise, ProductModel, Region
from zhiliang.tracing import scopes
from zhiliang.tracing.models import CompanyPrefix, Scan, ScanVerdict, TraceCode
from zhiliang.tracing.services import capture as capture_services
from zhiliang.tracing.services import codes as code_services
from zhiliang.tracing.services import recalls as recall_services

MODELS: Final = {Scale.SMALL: 8, Scale.CITY: 30, Scale.PROVINCE: 90}
UNITS: Final = {Scale.SMALL: 30, Scale.CITY: 60, Scale.PROVINCE: 90}
CONTEXT: Final = "https://ref.gs1.org/standards/epcis/2.0.0/epcis-context.jsonld"
NAMESPACE: Final = uuid.UUID("6b2f0e7c-62d6-4d9b-9a55-8f4f2b1c7a10")
RETAILER_USER: Final = "retailer"
JIAXING: Final = (30.75, 120.76)
URUMQI: Final = (43.83, 87.62)


def _member(enterprise_id: int) -> Actor:
    return Actor(role=Role.ENTERPRISE_MEMBER, enterprise_id=enterprise_id, scopes=scopes.ALL)


def _party(enterprise: Enterprise) -> str:
    return PARTY_URN + enterprise.credit_code


class _Story:
    """The events of one model's journey, captured party by party."""

    def __init__(self, ctx: Context, index: int, start: datetime) -> None:
        self.ctx, self.index, self.start = ctx, index, start

    def event_id(self, name: str) -> str:
        return f"urn:uuid:{uuid.uuid5(NAMESPACE, f'{self.ctx.seed}:{self.index}:{name}')}"

    def event(self, name: str, hours: float, **fields: Any) -> dict[str, Any]:
        at = timezone.localtime(self.start + timedelta(hours=hours))
        return {
            "type": fields.pop("type", "ObjectEvent"),
            "eventID": self.event_id(name),
            "eventTime": at.isoformat(timespec="milliseconds"),
            "eventTimeZoneOffset": "+08:00",
            "action": fields.pop("action", "OBSERVE"),
            **fields,
        }

    def capture(self, by: Enterprise, events: Sequence[dict[str, Any]]) -> None:
        document = parse_document(
            {
                "@context": [CONTEXT],
                "type": "EPCISDocument",
                "schemaVersion": "2.0",
                "creationDate": timezone.now().isoformat(timespec="milliseconds"),
                "epcisBody": {"eventList": list(events)},
            }
        )
        capture_services.capture_within(_member(by.pk), document, channel="demo")


def _ship(
    story: _Story, name: str, hours: float, epcs: list[str], src: Enterprise, dst: Enterprise
) -> dict[str, Any]:
    return story.event(
        name,
        hours,
        epcList=epcs,
        bizStep="shipping",
        disposition="in_transit",
        bizLocation={"id": _party(src)},
        sourceList=[
            {"type": "owning_party", "source": _party(src)},
            {"type": "possessing_party", "source": _party(src)},
        ],
        destinationList=[
            {"type": "owning_party", "destination": _party(dst)},
            {"type": "possessing_party", "destination": _party(dst)},
        ],
    )


def _receive(
    story: _Story, name: str, hours: float, epcs: list[str], src: Enterprise, dst: Enterprise
) -> dict[str, Any]:
    return story.event(
        name,
        hours,
        epcList=epcs,
        bizStep="receiving",
        disposition="sellable_accessible",
        bizLocation={"id": _party(dst)},
        sourceList=[{"type": "possessing_party", "source": _party(src)}],
        destinationList=[{"type": "possessing_party", "destination": _party(dst)}],
    )


def _retailer_user(ctx: Context, sellers: list[Enterprise]) -> Enterprise:
    """A demo login for a seller in 桐乡市, to scan and confirm receipts."""
    existing = User.objects.filter(username=RETAILER_USER).select_related("enterprise").first()
    if existing and existing.enterprise:
        return existing.enterprise
    shop = next(
        (s for s in sellers if s.town.path.startswith("000000/330000/330400/330483/")), sellers[0]
    )
    user = User(
        username=RETAILER_USER,
        role=Role.ENTERPRISE_MEMBER,
        enterprise=shop,
        display_name="零售门店店员",
    )
    user.set_password(DEMO_PASSWORD)
    user.save()
    account_services.ensure_demo_token(user)
    return shop


def _models(ctx: Context) -> list[ProductModel]:
    models = list(
        ProductModel.objects.filter(product__tracing_phase="2024", gtin__isnull=False)
        .select_related("enterprise__town", "product")
        .order_by("pk")
    )
    producer = (
        User.objects.filter(username="producer").values_list("enterprise_id", flat=True).first()
    )
    own = [m for m in models if m.enterprise_id == producer]
    others = [m for m in models if m.enterprise_id != producer]
    count = max(0, MODELS[ctx.scale] - len(own))
    return own[:2] + ctx.rng.sample(others, k=min(count, len(others)))


def _prefix(model: ProductModel) -> str | None:
    """The GS1 company prefix of the model's GTIN (the demo's prefixes have 7 digits)."""
    assert model.gtin
    prefix = model.gtin[1:8]
    found = (
        CompanyPrefix.objects.filter(prefix=prefix).values_list("enterprise_id", flat=True).first()
    )
    if found is None:
        CompanyPrefix.objects.create(prefix=prefix, enterprise_id=model.enterprise_id)
        return prefix
    return prefix if found == model.enterprise_id else None


def _trace(ctx: Context) -> int:
    rng = ctx.rng
    sellers = list(
        Enterprise.objects.filter(is_seller=True, is_producer=False, is_platform=False)
        .select_related("town")
        .order_by("pk")
    )
    if not sellers:
        return 0
    demo_shop = _retailer_user(ctx, sellers)
    units = UNITS[ctx.scale]
    made = 0
    for index, model in enumerate(_models(ctx)):
        prefix = _prefix(model)
        if prefix is None:
            continue
        producer = model.enterprise
        day = ctx.today - timedelta(days=rng.randint(20, 60))
        start = timezone.make_aware(datetime.combine(day, time(8, 30)))
        lot = f"{day:%y%m%d}{index:02d}"
        batch = code_services.issue_codes_within(
            actor=_member(producer.pk),
            request=code_services.BatchRequest(model.pk, "gs1", units, lot, day),
        )
        epcs = [
            CANONICAL_HOST + v
            for v in TraceCode.objects.filter(batch=batch)
            .order_by("value")
            .values_list("value", flat=True)
        ]
        sscc = "https://id.gs1.org/00/" + make_sscc(f"1{prefix}{index:09d}"[:17])
        distributor, *retailers = rng.sample(sellers, k=4)
        if index == 0 and demo_shop not in retailers:
            retailers[0] = demo_shop
        story = _Story(ctx, index, start)
        story.capture(
            producer,
            [
                story.event(
                    "commission",
                    0,
                    action="ADD",
                    epcList=epcs,
                    bizStep="commissioning",
                    disposition="active",
                    bizLocation={"id": _party(producer)},
                    ilmd={"cbvmda:lotNumber": lot},
                ),
                story.event(
                    "pack",
                    2,
                    type="AggregationEvent",
                    action="ADD",
                    parentID=sscc,
                    childEPCs=epcs,
                    bizStep="packing",
                    disposition="in_progress",
                    bizLocation={"id": _party(producer)},
                ),
                _ship(story, "ship", 24, [sscc], producer, distributor),
            ],
        )
        story.capture(
            distributor,
            [
                _receive(story, "receive", 30, [sscc], producer, distributor),
                story.event(
                    "unpack",
                    31,
                    type="AggregationEvent",
                    action="DELETE",
                    parentID=sscc,
                    childEPCs=epcs,
                    bizStep="unpacking",
                    bizLocation={"id": _party(distributor)},
                ),
            ],
        )
        shares = [epcs[j :: len(retailers)] for j in range(len(retailers))]
        story.capture(
            distributor,
            [
                _ship(story, f"ship-{j}", 48 + j, share, distributor, shop)
                for j, (shop, share) in enumerate(zip(retailers, shares, strict=True))
            ],
        )
        for j, (shop, share) in enumerate(zip(retailers, shares, strict=True)):
            if index == 0 and j == 0:
                continue  # left in transit: the demo retailer confirms its receipt by scanning
            sold = share[: len(share) * 2 // 5]
            events = [_receive(story, f"receive-{j}", 72 + j, share, distributor, shop)]
            events += [
                story.event(
                    f"sell-{j}-{k}",
                    96 + 24 * k + j,
                    epcList=[epc],
                    bizStep="retail_selling",
                    disposition="retail_sold",
                    bizLocation={"id": _party(shop)},
                )
                for k, epc in enumerate(sold)
            ]
            story.capture(shop, events)
        made += len(epcs)
        if index == 1:
            _recall(model, lot)
        if index == 2:
            _clone(epcs)
        ctx.advance(1)
    return made


def _recall(model: ProductModel, lot: str) -> None:
    regulator = User.objects.filter(username="jiaxing").select_related("jurisdiction").first()
    if regulator is None or regulator.jurisdiction is None:
        return
    actor = Actor(
        role=Role.REGULATOR,
        user_id=regulator.pk,
        username=regulator.username,
        jurisdiction_path=regulator.jurisdiction.path,
        scopes=scopes.ALL,
    )
    recall = recall_services.open_recall_within(
        actor=actor,
        data=recall_services.RecallInput(
            product_model_id=model.pk,
            reason="抽查发现该批次绝缘电阻不合格，存在触电风险（演示数据）",
            lot_from=lot,
            lot_to=lot,
        ),
    )
    recall_services.notify_holders_within(actor=actor, recall_id=recall.pk)


def _clone(epcs: list[str]) -> None:
    """A sold unit's label scanned in Jiaxing and, twenty minutes later, in Urumqi."""
    sold = TraceCode.objects.filter(
        value__in=[e.removeprefix(CANONICAL_HOST) for e in epcs], state="sold"
    ).first()
    if sold is None:
        return
    now = timezone.now()
    region = Region.objects.filter(code="330400").first()
    for at, (lat, lng), where in (
        (now - timedelta(minutes=20), JIAXING, region),
        (now, URUMQI, None),
    ):
        Scan.objects.create(
            code=sold, at=at, lat=lat, lng=lng, region=where, verdict=ScanVerdict.SOLD
        )


def codes_to_try() -> dict[str, str]:
    """One unit of each kind a visitor should scan, as resolver paths (GTIN and serial: the
    lots carry the demo's dates, the unit is found without them)."""
    units = TraceCode.objects.filter(origin="issued", scheme="gs1")
    held = units.filter(state="held", recall=None).order_by("value").first()
    recalled = units.filter(recall__isnull=False).order_by("value").first()
    far = Decimal(str(URUMQI[0])).quantize(Decimal("0.01"))
    cloned = units.filter(scans__lat=far, state="sold").order_by("value").first()
    inbound = (
        units.filter(state="in_transit", holder__members__username=RETAILER_USER)
        .order_by("value")
        .first()
    )
    kinds = (("ok", held), ("recalled", recalled), ("possible_clone", cloned),
             ("confirm_receipt", inbound))  # fmt: skip
    return {kind: code.value for kind, code in kinds if code is not None}


register_step(Step("tracing", "traceability codes and flows", lambda c: MODELS[c.scale], _trace))
