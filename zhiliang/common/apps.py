from typing import Any

from django.apps import AppConfig
from django.db.backends.signals import connection_created
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
        connection_created.connect(_fewer_statements_remembered)


PREPARED_MAX = 16
"""Statements psycopg remembers per connection: prepared ones, and the texts it counts towards
preparing. Django binds values into the text, so bulk statements (a capture's thousands of code
keys) make texts of a hundred kilobytes or more each; psycopg's default of 100 kept up to ~18 MB
of them per connection. The statements the platform prepares on purpose (the scan's look-up)
are a handful."""


def _fewer_statements_remembered(sender: object, connection: Any, **kwargs: object) -> None:
    if connection.vendor == "postgresql":
        connection.connection.prepared_max = PREPARED_MAX
