from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class RegistryConfig(AppConfig):
    name = "zhiliang.registry"
    label = "registry"
    verbose_name = _("Registry")

    def ready(self) -> None:
        from auditlog.registry import auditlog

        from zhiliang.registry import models as m

        for model in (
            m.Region,
            m.Enterprise,
            m.ProductionLicence,
            m.CccCertificate,
            m.QualityCertification,
            m.ProductCategory,
            m.Product,
            m.ProductModel,
            m.TestingBody,
        ):
            auditlog.register(model)
