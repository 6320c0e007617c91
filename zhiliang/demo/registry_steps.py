"""Demo steps for the registry: reference data, labs, enterprises, certificates, models, users."""

import base64
import random
from collections import defaultdict
from datetime import timedelta

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat

from zhiliang.core import identifiers
from zhiliang.demo import names
from zhiliang.demo.steps import Context, Step, days_before, register_step, shared_data_dir
from zhiliang.ledger import services as ledger
from zhiliang.registry import facts, reference
from zhiliang.registry.models import (
    CccCertificate,
    CertificateStatus,
    Enterprise,
    EnterpriseSize,
    Product,
    ProductionLicence,
    ProductModel,
    QualityCertification,
    Region,
    RegionLevel,
    TestingBody,
)

BATCH = 1000
ORG_ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
COUNTY_PREFIX = {
    "330402": "嘉兴市",
    "330411": "嘉兴市",
    "330421": "嘉善县",
    "330424": "海盐县",
    "330481": "海宁市",
    "330482": "平湖市",
    "330483": "桐乡市",
}


def _load_reference(ctx: Context) -> int:
    regions = reference.load_regions(shared_data_dir() / "regions.csv")
    catalogue = reference.load_catalogue()
    ctx.advance(1)
    return regions.created + catalogue.created


def lab_private_key(ctx: Context, lab_name: str) -> Ed25519PrivateKey:
    """Demo labs' keys derive from the seed so later steps can sign their reports."""
    return Ed25519PrivateKey.from_private_bytes(ctx.key_seed(f"lab key {lab_name}"))


def _labs(ctx: Context) -> int:
    rng = ctx.rng
    products = list(Product.objects.order_by("code"))
    for name, region_code, is_lab, is_cb in names.LABS:
        key = lab_private_key(ctx, name).public_key().public_bytes(Encoding.Raw, PublicFormat.Raw)
        body = TestingBody.objects.create(
            name=name,
            credit_code=_credit_code(rng, region_code, set()),
            region=Region.objects.get(code=region_code),
            is_lab=is_lab,
            is_certification_body=is_cb,
            cma_number=f"{rng.randint(16, 25):02d}{rng.randint(11, 12)}{rng.randint(0, 999999):06d}"
            if is_lab
            else "",
            cnas_number=f"CNAS L{rng.randint(1000, 19999)}"
            if is_lab
            else f"CNAS C{rng.randint(100, 399)}-M",
            accredited_until=ctx.today + timedelta(days=rng.randint(200, 1500)),
            public_key=base64.b64encode(key).decode(),
            illustrative=True,
        )
        body.scope.set(rng.sample(products, k=rng.randint(6, min(14, len(products)))))
        ctx.advance(1)
    return len(names.LABS)


def _credit_code(rng: random.Random, county_code: str, used: set[str]) -> str:
    while True:
        if rng.random() < 0.7:  # codes issued since 2015 carry an "MA…" organisation code
            body = "MA" + "".join(
                rng.choice(ORG_ALPHABET[:10] + "ABCDEFGHJKLMNPQRTUWXY") for _ in range(6)
            )
        else:
            body = "".join(rng.choice("0123456789") for _ in range(8))
        code = identifiers.make_uscc("9", "1", county_code, body)
        if code not in used:
            used.add(code)
            return code


def _person(rng: random.Random) -> str:
    return rng.choice(names.SURNAMES) + "".join(rng.sample(names.GIVEN, k=rng.choice((1, 2))))


def _enterprises(ctx: Context) -> int:
    rng = ctx.rng
    towns = list(
        Region.objects.filter(
            level=RegionLevel.TOWN, status="current", path__startswith="000000/330000/330400/"
        )
        .select_related("parent")
        .order_by("code")
    )
    # Producers are named after an industry that has catalogue products, so that the models
    # they register later fit their name.
    categories = sorted(
        set(Product.objects.values_list("category__code", flat=True)) & set(names.INDUSTRY_WORDS)
    )
    used_codes = set(Enterprise.objects.values_list("credit_code", flat=True))
    used_names: set[str] = set()
    batch: list[Enterprise] = []
    made = 0
    platforms = [(n, short) for n, short in names.PLATFORMS]
    for i in range(ctx.enterprise_count):
        town = rng.choice(towns)
        county = town.parent
        assert county is not None
        if i < len(platforms):
            name, roles = platforms[i][0], {"platform"}
            size = EnterpriseSize.MEDIUM
        else:
            roll = rng.random()
            roles = (
                {"producer"}
                if roll < 0.5
                else {"producer", "seller"}
                if roll < 0.6
                else {"seller"}
                if roll < 0.9
                else {"seller", "online_shop"}
            )
            word = (
                rng.choice(names.INDUSTRY_WORDS[rng.choice(categories)])
                if "producer" in roles
                else rng.choice(
                    names.ONLINE_WORDS if "online_shop" in roles else names.SELLER_WORDS
                )
            )
            while True:
                trade = "".join(rng.sample(names.TRADE_NAME_CHARS, k=2))
                name = f"{COUNTY_PREFIX[county.code]}{trade}{word}{rng.choice(names.FORMS)}"
                if name not in used_names:
                    break
            size = rng.choices(list(EnterpriseSize), weights=(4, 15, 41, 40))[0]
        used_names.add(name)
        batch.append(
            Enterprise(
                credit_code=_credit_code(rng, county.code, used_codes),
                name=name,
                address=f"{county.name}{town.name}{rng.choice(names.ROAD_NAMES)}"
                f"{rng.randint(1, 999)}号",
                town=town,
                size=size,
                legal_representative=_person(rng),
                established_on=days_before(ctx.today, rng, 200, 9000),
                is_producer="producer" in roles,
                is_seller="seller" in roles,
                is_online_shop="online_shop" in roles,
                is_platform="platform" in roles,
                illustrative=True,
            )
        )
        if len(batch) >= BATCH:
            made += _flush(batch, ctx)
    return made + _flush(batch, ctx)


def _flush(batch: list[Enterprise], ctx: Context) -> int:
    Enterprise.objects.bulk_create(batch)
    n = len(batch)
    ctx.advance(n)
    batch.clear()
    return n


def _product_models(ctx: Context) -> int:
    """1–4 models per producer, each of one catalogue product, most with a GS1 China GTIN."""
    rng = ctx.rng
    products = list(Product.objects.select_related("category").order_by("code"))
    by_category: dict[str, list[Product]] = defaultdict(list)
    for product in products:
        by_category[product.category.code].append(product)
    word_category = sorted(
        ((w, c) for c, ws in names.INDUSTRY_WORDS.items() for w in ws), key=lambda wc: -len(wc[0])
    )
    producers = list(Enterprise.objects.filter(is_producer=True).order_by("pk"))
    used_gtins: set[str] = set()
    models: list[ProductModel] = []
    for enterprise in producers:
        company_prefix = f"69{rng.randint(0, 9)}{rng.randint(0, 9999):04d}"
        category = next((c for w, c in word_category if w in enterprise.name), None)
        pool = by_category.get(category or "", products)
        main = rng.sample(pool, k=min(len(pool), rng.choice((1, 1, 2))))
        for n in range(rng.randint(1, 4)):
            product = main[n % len(main)]
            gtin = None
            if rng.random() < 0.85:
                while gtin is None or gtin in used_gtins:
                    item = f"{rng.randint(0, 99999):05d}"
                    gtin = identifiers.gtin14(identifiers.make_gtin13(company_prefix + item))
                used_gtins.add(gtin)
            models.append(
                ProductModel(
                    enterprise=enterprise,
                    product=product,
                    brand=rng.choice(names.BRANDS),
                    model=f"{rng.choice('ABCDEFGHKMNPRSTXYZ')}{rng.randint(100, 9999)}-{n + 1}",
                    specification=product.name,
                    gtin=gtin,
                    published=rng.random() < 0.6,
                )
            )
        if len(models) >= BATCH:
            ProductModel.objects.bulk_create(models)
            ctx.advance(len(models))
            models.clear()
    ProductModel.objects.bulk_create(models)
    ctx.advance(len(models))
    return ProductModel.objects.count()


def _certificates(ctx: Context) -> int:
    """Licences and CCC certificates for producers of regulated products; QM certificates."""
    rng = ctx.rng
    extra = reference.product_codes()
    by_enterprise: dict[int, set[Product]] = defaultdict(set)
    for model in ProductModel.objects.select_related("product").order_by("pk"):
        by_enterprise[model.enterprise_id].add(model.product)
    licences, cccs, qms = [], [], []
    statuses = list(CertificateStatus)
    weights = (90, 3, 2, 2, 3)
    serial = 0
    for enterprise_id, products in sorted(by_enterprise.items()):
        for product in sorted(products, key=lambda p: p.code):
            serial += 1
            row = extra.get(product.code, {})
            issued = days_before(ctx.today, rng, 30, 1800)
            status = rng.choices(statuses, weights=weights)[0]
            if product.requires_production_licence and row.get("licence_code"):
                industry, code = row["licence_code"].split("-")
                licences.append(
                    ProductionLicence(
                        enterprise_id=enterprise_id,
                        product=product,
                        issued_on=issued,
                        number=identifiers.make_licence(
                            industry_code=industry,
                            product_code=code,
                            serial=serial % 100000,
                            province="浙",
                        ),
                        valid_until=issued + timedelta(days=5 * 365),
                        status=status,
                    )
                )
            if product.requires_ccc and row.get("ccc_category"):
                cccs.append(
                    CccCertificate(
                        enterprise_id=enterprise_id,
                        product=product,
                        issued_on=issued,
                        number=identifiers.make_ccc(
                            year=issued.year, body="01", category=row["ccc_category"], serial=serial
                        ),
                        valid_until=issued + timedelta(days=5 * 365),
                        status=status,
                    )
                )
        ctx.advance(1)
    for enterprise in Enterprise.objects.filter(size__in=["large", "medium"]).order_by("pk"):
        if rng.random() < 0.6:
            qms.append(
                QualityCertification(
                    enterprise=enterprise,
                    standard="GB/T 19001-2016/ISO 9001:2015",
                    number=f"0{rng.randint(1000, 9999)}Q{rng.randint(10000, 99999)}R0M",
                    body_name=rng.choice([b for b in names.LABS if b[3]])[0],
                    valid_until=ctx.today + timedelta(days=rng.randint(-60, 1000)),
                )
            )
    ProductionLicence.objects.bulk_create(licences, batch_size=BATCH)
    CccCertificate.objects.bulk_create(cccs, batch_size=BATCH)
    QualityCertification.objects.bulk_create(qms, batch_size=BATCH)
    return len(licences) + len(cccs) + len(qms)


def _ledger(ctx: Context) -> int:
    """The registry's public facts go into the ledger, as registrations through the services do."""
    enterprises = Enterprise.objects.select_related("town").order_by("pk")
    n = ledger.append_many(facts.ENTERPRISE, (facts.enterprise_fact(e) for e in enterprises))
    ctx.advance(n)
    licences = ProductionLicence.objects.select_related("product", "enterprise").order_by("pk")
    n += ledger.append_many(
        facts.LICENCE, (facts.licence_fact(x, x.enterprise.credit_code) for x in licences)
    )
    cccs = CccCertificate.objects.select_related("product", "enterprise").order_by("pk")
    n += ledger.append_many(
        facts.CCC_CERTIFICATE, (facts.ccc_fact(x, x.enterprise.credit_code) for x in cccs)
    )
    bodies = TestingBody.objects.prefetch_related("scope").order_by("pk")
    n += ledger.append_many(
        facts.TESTING_BODY,
        (facts.testing_body_fact(b, [p.code for p in b.scope.all()]) for b in bodies),
    )
    ctx.advance(n)
    return n


def _producer_count(ctx: Context) -> int:
    return max(1, round(ctx.enterprise_count * 0.6))


register_step(Step("reference", "regions and catalogue", lambda c: 1, _load_reference))
register_step(Step("labs", "testing and certification bodies", lambda c: len(names.LABS), _labs))
register_step(Step("enterprises", "enterprises", lambda c: c.enterprise_count, _enterprises))
register_step(
    Step("product_models", "product models", lambda c: _producer_count(c) * 2, _product_models)
)
register_step(Step("certificates", "licences and certificates", _producer_count, _certificates))
register_step(
    Step(
        "registry_ledger",
        "registry facts into the ledger",
        lambda c: c.enterprise_count * 2,
        _ledger,
    )
)
