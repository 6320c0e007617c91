"""A message leaves with its fact or not at all.

These tests commit for real (``transaction=True``): inside the test case's own transaction every
block is a savepoint and ``enqueue`` could not tell that it is outside a transaction.
"""

import pytest
from django.db import transaction

from zhiliang.common import outbox
from zhiliang.common.models import OutboxMessage
from zhiliang.common.tests.conftest import Receiver

pytestmark = [pytest.mark.both_databases, pytest.mark.django_db(transaction=True)]


class FactRefused(Exception):
    pass


def test_a_message_of_a_rolled_back_fact_is_never_sent(endpoint, receiver: Receiver) -> None:
    with pytest.raises(FactRefused), transaction.atomic():
        outbox.enqueue("credit-publicity", "credit_publicity.push", {"credit_code": "rolled back"})
        raise FactRefused
    with transaction.atomic():
        kept = outbox.enqueue("credit-publicity", "credit_publicity.push", {"credit_code": "kept"})

    assert outbox.deliver_due() == outbox.DeliveryReport(delivered=1)
    assert list(receiver.applied) == [str(kept.pk)]
    assert [m.payload for m in OutboxMessage.objects.all()] == [{"credit_code": "kept"}]


def test_enqueue_outside_a_transaction_is_a_bug(endpoint, receiver: Receiver) -> None:
    with pytest.raises(AssertionError, match="inside the transaction"):
        outbox.enqueue("credit-publicity", "credit_publicity.push", {"credit_code": "orphan"})

    assert not OutboxMessage.objects.exists()
