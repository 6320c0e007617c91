from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class TracingConfig(AppConfig):
    name = "zhiliang.tracing"
    label = "tracing"
    verbose_name = _("Traceability")

    def ready(self) -> None:
        from auditlog.registry import auditlog

        from zhiliang.portal.consoles import register_cards
        from zhiliang.tracing import models, scopes
        from zhiliang.tracing.consoles import cards

        scopes.grant()
        register_cards(cards)
        for model in (
            models.CodeBatch,
            models.Recall,
            models.CompanyPrefix,
            models.ProductionReport,
        ):
            auditlog.register(model)
