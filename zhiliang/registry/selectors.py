"""Every read of the registry starts here, so who-sees-what is decided in one place.

Reference data (regions, the catalogue, testing bodies) is public. Enterprises: the public sees
published profiles; an enterprise member or platform operator its own enterprise; a regulator
or department reader its jurisdiction's subtree; an admin everything. Product models follow
their enterprise, except that the public sees only published ones. ``editable_*`` decide writes.
"""

from django.db.models import Q, QuerySet
from django.utils.translation import gettext as _

from zhiliang.accounts.actors import Actor
from zhiliang.accounts.roles import Role, Scope
from zhiliang.common.errors import NotFound, Problem
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

_SUBTREE_ROLES = (Role.REGULATOR, Role.DEPARTMENT_READER)
_OWN_ENTERPRISE_ROLES = (Role.ENTERPRISE_MEMBER, Role.PLATFORM_OPERATOR)


def regions() -> QuerySet[Region]:
    return Region.objects.all()


def get_region(code: str, field: str = "region_code") -> Region:
    try:
        return Region.objects.get(code=code)
    except Region.DoesNotExist:
        raise NotFound(
            Problem(field, "unknown_region", _("No region has the code %(code)s.") % {"code": code})
        ) from None


def categories() -> QuerySet[ProductCategory]:
    return ProductCategory.objects.all()


def products() -> QuerySet[Product]:
    return Product.objects.select_related("category")


def get_product(product_id: int, field: str = "product_id") -> Product:
    try:
        return products().get(pk=product_id)
    except Product.DoesNotExist:
        raise NotFound(Problem(field, "not_found", _("No such product."))) from None


def testing_bodies() -> QuerySet[TestingBody]:
    return TestingBody.objects.select_related("region")


def get_testing_body(body_id: int) -> TestingBody:
    try:
        return testing_bodies().get(pk=body_id)
    except TestingBody.DoesNotExist:
        raise NotFound(
            Problem("testing_body_id", "not_found", _("No such testing body."))
        ) from None


def visible_enterprises(actor: Actor) -> QuerySet[Enterprise]:
    enterprises = Enterprise.objects.select_related("town")
    if actor.role == Role.ADMIN:
        return enterprises
    if actor.role in _SUBTREE_ROLES and actor.jurisdiction_path:
        return enterprises.filter(town__path__startswith=actor.jurisdiction_path)
    if actor.role in _OWN_ENTERPRISE_ROLES and actor.enterprise_id:
        return enterprises.filter(pk=actor.enterprise_id)
    if actor.role == Role.CONNECTED_SYSTEM and actor.enterprise_id:
        return enterprises.filter(pk=actor.enterprise_id)
    return enterprises.none()


def public_enterprises() -> QuerySet[Enterprise]:
    """What anyone may read: published registration profiles."""
    return Enterprise.objects.select_related("town").filter(published=True)


def get_enterprise(actor: Actor, enterprise_id: int, field: str = "enterprise_id") -> Enterprise:
    """The same 404 for an enterprise that does not exist and one the actor may not see."""
    try:
        return visible_enterprises(actor).get(pk=enterprise_id)
    except Enterprise.DoesNotExist:
        raise NotFound(Problem(field, "not_found", _("No such enterprise."))) from None


def editable_enterprises(actor: Actor) -> QuerySet[Enterprise]:
    """Enterprises whose registry facts the actor may change."""
    if not actor.has_scope(Scope.REGISTRY_WRITE):
        return Enterprise.objects.none()
    if actor.role in (Role.ADMIN, Role.REGULATOR, Role.ENTERPRISE_MEMBER):
        return visible_enterprises(actor)
    return Enterprise.objects.none()


def get_editable_enterprise(
    actor: Actor, enterprise_id: int, field: str = "enterprise_id"
) -> Enterprise:
    try:
        return editable_enterprises(actor).get(pk=enterprise_id)
    except Enterprise.DoesNotExist:
        raise NotFound(Problem(field, "not_found", _("No such enterprise."))) from None


def licences_of(enterprise: Enterprise) -> QuerySet[ProductionLicence]:
    """For an enterprise already fetched through ``get_enterprise`` or ``public_enterprises``."""
    return ProductionLicence.objects.filter(enterprise=enterprise).select_related("product")


def ccc_certificates_of(enterprise: Enterprise) -> QuerySet[CccCertificate]:
    return CccCertificate.objects.filter(enterprise=enterprise).select_related("product")


def quality_certifications_of(enterprise: Enterprise) -> QuerySet[QualityCertification]:
    return QualityCertification.objects.filter(enterprise=enterprise)


def get_public_enterprise(enterprise_id: int) -> Enterprise:
    try:
        return public_enterprises().get(pk=enterprise_id)
    except Enterprise.DoesNotExist:
        raise NotFound(Problem("enterprise_id", "not_found", _("No such enterprise."))) from None


def visible_product_models(actor: Actor) -> QuerySet[ProductModel]:
    models = ProductModel.objects.select_related("enterprise", "product")
    if actor.role == Role.ADMIN:
        return models
    return models.filter(enterprise__in=visible_enterprises(actor))


def public_product_models() -> QuerySet[ProductModel]:
    return ProductModel.objects.select_related("enterprise", "product").filter(
        published=True, enterprise__published=True
    )


def get_product_model(actor: Actor, model_id: int, field: str = "product_model_id") -> ProductModel:
    try:
        return visible_product_models(actor).get(pk=model_id)
    except ProductModel.DoesNotExist:
        raise NotFound(Problem(field, "not_found", _("No such product model."))) from None


def editable_product_models(actor: Actor) -> QuerySet[ProductModel]:
    if actor.role in (Role.ADMIN, Role.ENTERPRISE_MEMBER) and actor.has_scope(Scope.REGISTRY_WRITE):
        return ProductModel.objects.filter(enterprise__in=visible_enterprises(actor))
    return ProductModel.objects.none()


def enterprise_ids_in(region_code: str | None = None) -> list[int]:
    """For batch commands (classification, demo steps): every enterprise under a region."""
    enterprises = Enterprise.objects.all()
    if region_code:
        enterprises = enterprises.filter(town__path__startswith=get_region(region_code).path)
    return list(enterprises.order_by("pk").values_list("pk", flat=True))


def filter_enterprises(
    enterprises: QuerySet[Enterprise], filters: dict[str, str | None]
) -> QuerySet[Enterprise]:
    """The list filters of pages and API alike: text, region subtree, role, size."""
    if q := filters.get("q"):
        enterprises = enterprises.filter(Q(name__icontains=q) | Q(credit_code=q.upper()))
    if code := filters.get("region"):
        region = Region.objects.filter(code=code).first()
        enterprises = (
            enterprises.filter(town__path__startswith=region.path) if region else enterprises.none()
        )
    if role := filters.get("role"):
        enterprises = enterprises.filter(**{f"is_{role}": True})
    if size := filters.get("size"):
        enterprises = enterprises.filter(size=size)
    return enterprises


def get_enterprise_detail(actor: Actor, enterprise_id: int) -> Enterprise:
    """One enterprise with its licences and certificates, in four queries."""
    try:
        return (
            visible_enterprises(actor)
            .prefetch_related("licences", "ccc_certificates", "quality_certifications")
            .get(pk=enterprise_id)
        )
    except Enterprise.DoesNotExist:
        raise NotFound(Problem("enterprise_id", "not_found", _("No such enterprise."))) from None
