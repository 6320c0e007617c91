from django.contrib import admin

from zhiliang.common.admin_scope import ScopedAdmin
from zhiliang.registry import models, selectors


class PublicReferenceAdmin(ScopedAdmin):
    """Reference data everyone may read; administrators maintain it."""

    scope = staticmethod(lambda actor: models.Region.objects.none())

    def get_queryset(self, request):  # type: ignore[no-untyped-def]
        return admin.ModelAdmin.get_queryset(self, request)


@admin.register(models.Region)
class RegionAdmin(PublicReferenceAdmin):
    list_display = ("code", "name", "level", "parent", "nbs_code", "status")
    list_filter = ("level", "status")
    search_fields = ("code", "name")
    readonly_fields = ("path",)


@admin.register(models.ProductCategory)
class ProductCategoryAdmin(PublicReferenceAdmin):
    list_display = ("code", "name", "name_en", "parent")
    search_fields = ("code", "name")


@admin.register(models.Product)
class ProductAdmin(PublicReferenceAdmin):
    list_display = (
        "code",
        "name",
        "category",
        "requires_production_licence",
        "requires_ccc",
        "has_mandatory_standard",
        "key_supervision",
        "tracing_phase",
        "in_grading_catalogue",
        "illustrative",
    )
    list_filter = (
        "category",
        "requires_ccc",
        "requires_production_licence",
        "tracing_phase",
        "in_grading_catalogue",
        "illustrative",
    )
    search_fields = ("code", "name", "name_en")


@admin.register(models.TestingBody)
class TestingBodyAdmin(PublicReferenceAdmin):
    list_display = (
        "name",
        "cma_number",
        "cnas_number",
        "accredited_until",
        "is_lab",
        "is_certification_body",
        "illustrative",
    )
    filter_horizontal = ("scope",)
    search_fields = ("name", "credit_code", "cma_number")


class LicenceInline(admin.TabularInline):  # type: ignore[type-arg]
    model = models.ProductionLicence
    extra = 0
    autocomplete_fields = ("product",)


class CccInline(admin.TabularInline):  # type: ignore[type-arg]
    model = models.CccCertificate
    extra = 0
    autocomplete_fields = ("product",)


class QualityInline(admin.TabularInline):  # type: ignore[type-arg]
    model = models.QualityCertification
    extra = 0


@admin.register(models.Enterprise)
class EnterpriseAdmin(ScopedAdmin):
    scope = staticmethod(selectors.visible_enterprises)
    list_display = (
        "name",
        "credit_code",
        "town",
        "size",
        "is_producer",
        "is_seller",
        "is_online_shop",
        "is_platform",
        "illustrative",
    )
    list_filter = ("size", "is_producer", "is_seller", "is_online_shop", "is_platform")
    search_fields = ("name", "credit_code")
    list_select_related = ("town",)
    raw_id_fields = ("town",)
    inlines = (LicenceInline, CccInline, QualityInline)


@admin.register(models.ProductModel)
class ProductModelAdmin(ScopedAdmin):
    scope = staticmethod(selectors.visible_product_models)
    list_display = ("brand", "model", "specification", "gtin", "enterprise", "product", "published")
    search_fields = ("brand", "model", "gtin")
    list_select_related = ("enterprise", "product")
    raw_id_fields = ("enterprise",)
    autocomplete_fields = ("product",)
