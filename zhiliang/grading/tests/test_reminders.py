"""Expiry reminders (G4): 30 days before a record expires the enterprise gets an in-app notice
and an outbox message, once."""

from datetime import timedelta

import pytest
import time_machine
from django.utils import timezone

from zhiliang.accounts.actors import actor_for_user
from zhiliang.common import worker
from zhiliang.common.models import OutboxMessage
from zhiliang.grading import services
from zhiliang.grading.models import Notice

pytestmark = pytest.mark.django_db


@pytest.fixture
def record(producer, world, report):
    evidence = report(report_date=timezone.localdate() - timedelta(days=100))
    return services.declare_grade(
        actor=actor_for_user(producer.user),
        product_model_id=world.model.pk,
        grade="AAA",
        evidence_ids=[evidence.pk],
    )


def test_the_enterprise_is_reminded_thirty_days_before_expiry_once(
    record, client, producer
) -> None:
    with time_machine.travel(record.valid_until - timedelta(days=31), tick=False):
        assert services.send_expiry_reminders() == 0
    with time_machine.travel(record.valid_until - timedelta(days=30), tick=False):
        assert worker.jobs()["grading.reminders"]() == 1
        assert services.send_expiry_reminders() == 0
    notice = Notice.objects.get()
    assert (notice.kind, notice.declaration_id) == ("expiry_reminder", record.pk)
    message = OutboxMessage.objects.get(topic="grading.record.expiring")
    assert message.endpoint.name == "enterprise-notices" and not message.endpoint.active
    assert message.payload["valid_until"] == record.valid_until.isoformat()
    client.force_login(producer.user)
    assert 'data-testid="notices"' in client.get("/grading/console/records/").content.decode()


def test_expired_or_ended_records_get_no_reminder(record) -> None:
    record.status = "revoked"
    record.save()
    with time_machine.travel(record.valid_until - timedelta(days=10), tick=False):
        assert services.send_expiry_reminders() == 0
