"""Registry factories with traits in domain words: valid codes by construction."""

import itertools
from datetime import date

import factory

from zhiliang.core import identifiers
from zhiliang.registry.models import (
    CccCertificate,
    Enterprise,
    Product,
    ProductCategory,
    ProductModel,
    Region,
    TestingBody,
)

_serial = itertools.count(1)


def town(code: str = "330402010") -> Region:
    return Region.objects.get(code=code)


def credit_code(county: str = "330402") -> str:
    n = next(_serial)
    return identifiers.make_uscc("9", "1", county, f"MA{n:06d}")


class CategoryFactory(factory.django.DjangoModelFactory[ProductCategory]):
    class Meta:
        model = ProductCategory
        django_get_or_create = ("code",)

    code = "C04"
    name = "电子及信息技术产品"


class ProductFactory(factory.django.DjangoModelFactory[Product]):
    class Meta:
        model = Product

    category = factory.SubFactory(CategoryFactory)
    code = factory.Sequence(lambda n: f"T{n:04d}")
    name = factory.Sequence(lambda n: f"测试产品{n}")
    requires_ccc = True


class EnterpriseFactory(factory.django.DjangoModelFactory[Enterprise]):
    class Meta:
        model = Enterprise

    class Params:
        county = "330402"
        town_code = "330402010"

    credit_code = factory.LazyAttribute(lambda o: credit_code(o.county))
    name = factory.Sequence(lambda n: f"嘉兴市测试{n}电器有限公司")
    address = "南湖区南湖街道中山路1号"
    town = factory.LazyAttribute(lambda o: town(o.town_code))
    size = "small"
    is_producer = True


class ProductModelFactory(factory.django.DjangoModelFactory[ProductModel]):
    class Meta:
        model = ProductModel

    enterprise = factory.SubFactory(EnterpriseFactory)
    product = factory.SubFactory(ProductFactory)
    brand = "禾美"
    model = factory.Sequence(lambda n: f"M{n}")
    gtin = factory.Sequence(
        lambda n: identifiers.gtin14(identifiers.make_gtin13(f"6901234{n:05d}"))
    )


class CccCertificateFactory(factory.django.DjangoModelFactory[CccCertificate]):
    class Meta:
        model = CccCertificate

    enterprise = factory.SubFactory(EnterpriseFactory)
    number = factory.Sequence(
        lambda n: identifiers.make_ccc(year=2022, body="01", category="0907", serial=n + 1)
    )
    issued_on = date(2022, 3, 1)
    valid_until = date(2027, 3, 1)


class TestingBodyFactory(factory.django.DjangoModelFactory[TestingBody]):
    class Meta:
        model = TestingBody

    name = factory.Sequence(lambda n: f"测试检测中心{n}")
    credit_code = factory.LazyFunction(lambda: credit_code("330402"))
    region = factory.LazyFunction(lambda: Region.objects.get(code="330402"))
    cma_number = "221100000001"
    accredited_until = date(2030, 1, 1)
