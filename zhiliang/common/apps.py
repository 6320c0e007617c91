from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CommonConfig(AppConfig):
    name = "zhiliang.common"
    label = "common"
    verbose_name = _("Audit and outbox")

    def ready(self) -> None:
        from auditlog.registry import auditlog

        from zhiliang.common import outbox, worker
        from zhiliang.common.models import OutboxEndpoint

        auditlog.register(OutboxEndpoint, exclude_fields=["secret"])

        def deliver_outbox() -> int:
            report = outbox.deliver_due()
            return report.delivered + report.retried + report.dead

        worker.register_job("outbox", deliver_outbox)
