"""Grading factories with traits in domain words: a standard with simple rules, a lab with a
known key, signed evidence that ``earns`` a grade."""

import base64
import itertools
from datetime import date, timedelta
from decimal import Decimal
from typing import Any, cast

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat
from django.utils import timezone

from zhiliang.core.grading import evidence as signed
from zhiliang.grading.models import CatalogueEntry, Evidence, GradingStandard, RuleSetVersion
from zhiliang.registry.models import Product, ProductModel, TestingBody
from zhiliang.registry.tests.factories import ProductFactory, TestingBodyFactory

_serial = itertools.count(1)
LAB_KEY = Ed25519PrivateKey.from_private_bytes(b"\x11" * 32)
OTHER_KEY = Ed25519PrivateKey.from_private_bytes(b"\x22" * 32)
THRESHOLDS = {"AAAAA": "90", "AAAA": "88", "AAA": "85", "AA": "82", "A": "80"}
# The efficiency each grade needs, with 100 % capacity throughout.
EARNS = {"AAAAA": "91", "AAAA": "88.5", "AAA": "86", "AA": "83", "A": "80.5", None: "70"}


def public_key_of(key: Ed25519PrivateKey) -> str:
    raw = key.public_key().public_bytes(Encoding.Raw, PublicFormat.Raw)
    return base64.b64encode(raw).decode()


def rules(number: str, product: str = "测试产品") -> dict[str, Any]:
    return {
        "format": "zhiliang.grading.rule-set/1",
        "standard": number,
        "product": product,
        "combine": {"method": "lowest"},
        "indicators": [
            {
                "key": "efficiency",
                "name": "转换效率",
                "unit": "%",
                "direction": "higher_is_better",
                "thresholds": dict(THRESHOLDS),
            },
            {
                "key": "capacity",
                "name": "有效输出容量",
                "unit": "%",
                "direction": "higher_is_better",
                "thresholds": {"AAAAA": "100", "AAAA": "100", "AAA": "100", "AA": "100", "A": "95"},
            },
        ],
        "conformity": {
            "product_standards": ["GB/T 35590-2017"],
            "mandatory_standards": ["GB 31241-2022"],
        },
    }


def catalogued_product(**fields: Any) -> Product:
    product = cast(Product, ProductFactory(in_grading_catalogue=True, **fields))
    CatalogueEntry.objects.create(
        product=product, batch="2024 first batch", effective_from=date(2024, 11, 1)
    )
    return product


def standard_for(
    product: Product,
    number: str | None = None,
    level: str = "group",
    effective_from: date = date(2025, 1, 1),
    until: date | None = None,
) -> GradingStandard:
    number = number or f"T/TEST {next(_serial):04d}-2025"
    standard = GradingStandard.objects.create(
        product=product,
        number=number,
        title="测试分级标准",
        level=level,
        issuer="测试协会",
        published_on=effective_from,
        effective_from=effective_from,
        until=until,
    )
    RuleSetVersion.objects.create(
        standard=standard, version=1, document=rules(number), sha256=f"{standard.pk:064d}"
    )
    return standard


def accredited_lab(
    product: Product, key: Ed25519PrivateKey = LAB_KEY, **fields: Any
) -> TestingBody:
    body = cast(TestingBody, TestingBodyFactory(public_key=public_key_of(key), **fields))
    body.scope.add(product)
    return body


def report_payload(
    body: TestingBody,
    model: ProductModel,
    standard: str,
    *,
    earns: str | None = "AAA",
    report_date: date | None = None,
    number: str | None = None,
    measurements: dict[str, str] | None = None,
    conforms: bool = True,
) -> dict[str, Any]:
    issued = report_date or timezone.localdate() - timedelta(days=30)
    return {
        "format": signed.REPORT_FORMAT,
        "lab": body.credit_code,
        "number": number or f"R-{next(_serial):05d}",
        "product_model": model.pk,
        "standard": standard,
        "sample_date": (issued - timedelta(days=10)).isoformat(),
        "report_date": issued.isoformat(),
        "measurements": measurements or {"efficiency": EARNS[earns], "capacity": "100"},
        "conformity": {"product_standard": conforms, "mandatory_standards": conforms},
    }


def signed_report(
    body: TestingBody,
    model: ProductModel,
    standard: str,
    key: Ed25519PrivateKey = LAB_KEY,
    **options: Any,
) -> Evidence:
    """Evidence as the service would have stored it (a valid signature by ``key``)."""
    payload = report_payload(body, model, standard, **options)
    return Evidence.objects.create(
        kind="test_report",
        body=body,
        number=payload["number"],
        product_model=model,
        standard_number=standard,
        sample_date=date.fromisoformat(payload["sample_date"]),
        issued_on=date.fromisoformat(payload["report_date"]),
        measurements=payload["measurements"],
        conforms_product_standard=payload["conformity"]["product_standard"],
        conforms_mandatory=payload["conformity"]["mandatory_standards"],
        payload=payload,
        signature=signed.sign(key, payload),
    )


def decimal(text: str) -> Decimal:
    return Decimal(text)
