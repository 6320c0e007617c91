from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class LedgerConfig(AppConfig):
    name = "zhiliang.ledger"
    label = "ledger"
    verbose_name = _("Public ledger")

    def ready(self) -> None:
        from zhiliang.common import worker
        from zhiliang.ledger import services

        # `zhiliang worker` integrates pending entries every round; the lambda looks the
        # function up at call time, so tests may replace it.
        worker.register_job("ledger", lambda: services.sequence())
