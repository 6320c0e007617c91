"""Registry endpoints: parse, call one selector or service, respond."""

from django.db.models import QuerySet
from django.http import HttpRequest
from ninja import Query, Router
from ninja.pagination import paginate

from zhiliang.accounts.actors import actor_of
from zhiliang.accounts.api_auth import signed_in
from zhiliang.accounts.roles import Role, Scope
from zhiliang.registry import selectors, services
from zhiliang.registry.models import (
    CccCertificate,
    Enterprise,
    Product,
    ProductCategory,
    ProductionLicence,
    ProductModel,
    QualityCertification,
    Region,
    TestingBody,
)
from zhiliang.registry.schemas import (
    CategoryOut,
    CertificateIn,
    CertificateOut,
    EnterpriseDetailOut,
    EnterpriseFilter,
    EnterpriseIn,
    EnterpriseOut,
    EnterprisePatch,
    ProductFilter,
    ProductModelIn,
    ProductModelOut,
    ProductOut,
    PublicEnterpriseOut,
    QualityCertificationIn,
    QualityCertificationOut,
    RegionFilter,
    RegionOut,
    TestingBodyOut,
)

router = Router(tags=["registry"])
READ = signed_in(scope=Scope.REGISTRY_READ)
WRITE = signed_in(Role.REGULATOR, Role.ADMIN, Role.ENTERPRISE_MEMBER, scope=Scope.REGISTRY_WRITE)
REGISTRAR = signed_in(Role.REGULATOR, Role.ADMIN, scope=Scope.REGISTRY_WRITE)


@router.get("/regions", response=list[RegionOut], auth=None)
@paginate
def list_regions(request: HttpRequest, filters: Query[RegionFilter]) -> QuerySet[Region]:
    return filters.filter(selectors.regions().select_related("parent"))


@router.get("/regions/{code}", response=RegionOut, auth=None)
def get_region(request: HttpRequest, code: str) -> Region:
    return selectors.get_region(code, field="code")


@router.get("/categories", response=list[CategoryOut], auth=None)
@paginate
def list_categories(request: HttpRequest) -> QuerySet[ProductCategory]:
    return selectors.categories()


@router.get("/products", response=list[ProductOut], auth=None)
@paginate
def list_products(request: HttpRequest, filters: Query[ProductFilter]) -> QuerySet[Product]:
    return filters.filter(selectors.products())


@router.get("/testing-bodies", response=list[TestingBodyOut], auth=None)
@paginate
def list_testing_bodies(request: HttpRequest) -> QuerySet[TestingBody]:
    return selectors.testing_bodies()


@router.get("/profiles", response=list[PublicEnterpriseOut], auth=None)
@paginate
def list_public_profiles(
    request: HttpRequest, filters: Query[EnterpriseFilter]
) -> QuerySet[Enterprise]:
    return selectors.filter_enterprises(selectors.public_enterprises(), filters.dict())


@router.get("/profiles/{enterprise_id}", response=PublicEnterpriseOut, auth=None)
def get_public_profile(request: HttpRequest, enterprise_id: int) -> Enterprise:
    return selectors.get_public_enterprise(enterprise_id)


@router.get("/enterprises", response=list[EnterpriseOut], auth=READ)
@paginate
def list_enterprises(
    request: HttpRequest, filters: Query[EnterpriseFilter]
) -> QuerySet[Enterprise]:
    return selectors.filter_enterprises(
        selectors.visible_enterprises(actor_of(request)), filters.dict()
    )


@router.post("/enterprises", response={201: EnterpriseOut}, auth=REGISTRAR)
def register_enterprise(request: HttpRequest, payload: EnterpriseIn) -> tuple[int, Enterprise]:
    enterprise = services.register_enterprise(
        actor=actor_of(request),
        data=services.EnterpriseInput(**payload.dict()),
        idempotency_key=request.headers.get("Idempotency-Key"),
    )
    return 201, enterprise


@router.get("/enterprises/{enterprise_id}", response=EnterpriseDetailOut, auth=READ)
def get_enterprise(request: HttpRequest, enterprise_id: int) -> Enterprise:
    return selectors.get_enterprise_detail(actor_of(request), enterprise_id)


@router.patch("/enterprises/{enterprise_id}", response=EnterpriseOut, auth=WRITE)
def update_enterprise(
    request: HttpRequest, enterprise_id: int, payload: EnterprisePatch
) -> Enterprise:
    return services.update_enterprise(
        actor=actor_of(request),
        enterprise_id=enterprise_id,
        changes=payload.dict(exclude_unset=True),
    )


@router.post(
    "/enterprises/{enterprise_id}/ccc-certificates", response={201: CertificateOut}, auth=WRITE
)
def add_ccc_certificate(
    request: HttpRequest, enterprise_id: int, payload: CertificateIn
) -> tuple[int, CccCertificate]:
    return 201, services.add_ccc_certificate(
        actor=actor_of(request),
        enterprise_id=enterprise_id,
        **payload.dict(),
        idempotency_key=request.headers.get("Idempotency-Key"),
    )


@router.post("/enterprises/{enterprise_id}/licences", response={201: CertificateOut}, auth=WRITE)
def add_licence(
    request: HttpRequest, enterprise_id: int, payload: CertificateIn
) -> tuple[int, ProductionLicence]:
    return 201, services.add_licence(
        actor=actor_of(request),
        enterprise_id=enterprise_id,
        **payload.dict(),
        idempotency_key=request.headers.get("Idempotency-Key"),
    )


@router.post(
    "/enterprises/{enterprise_id}/quality-certifications",
    response={201: QualityCertificationOut},
    auth=WRITE,
)
def add_quality_certification(
    request: HttpRequest, enterprise_id: int, payload: QualityCertificationIn
) -> tuple[int, QualityCertification]:
    return 201, services.add_quality_certification(
        actor=actor_of(request), enterprise_id=enterprise_id, **payload.dict()
    )


@router.get("/product-models", response=list[ProductModelOut], auth=READ)
@paginate
def list_product_models(request: HttpRequest) -> QuerySet[ProductModel]:
    return selectors.visible_product_models(actor_of(request))


@router.get("/product-models/{model_id}", response=ProductModelOut, auth=READ)
def get_product_model(request: HttpRequest, model_id: int) -> ProductModel:
    return selectors.get_product_model(actor_of(request), model_id)


@router.post("/product-models", response={201: ProductModelOut}, auth=WRITE)
def create_product_model(request: HttpRequest, payload: ProductModelIn) -> tuple[int, ProductModel]:
    return 201, services.create_product_model(
        actor=actor_of(request),
        **payload.dict(),
        idempotency_key=request.headers.get("Idempotency-Key"),
    )
