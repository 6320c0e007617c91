"""Several workers at once, and the ``zhiliang worker`` command itself."""

import os
import signal
import threading
import time
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from io import StringIO

import httpx
import pytest
from django.core.management import call_command
from django.db import connection, transaction

from zhiliang.common import outbox, worker
from zhiliang.common.models import OutboxMessage, OutboxStatus
from zhiliang.common.tests.conftest import Receiver

WORKERS = 4
MESSAGES = 200


@pytest.mark.django_db(transaction=True)
def test_several_workers_at_once_never_send_a_message_twice(endpoint, receiver: Receiver) -> None:
    if connection.vendor != "postgresql":
        pytest.skip("SQLite ignores row locks; SKIP LOCKED claiming is a PostgreSQL property")
    with transaction.atomic():
        for n in range(MESSAGES):
            outbox.enqueue("credit-publicity", "credit_publicity.push", {"n": n})
    start = threading.Barrier(WORKERS)
    deadline = time.monotonic() + 60

    def work() -> int:
        """One worker process, as far as the database can tell: its own connection."""
        sent = 0
        try:
            start.wait()
            with httpx.Client(timeout=5) as http:
                while time.monotonic() < deadline and (
                    OutboxMessage.objects.filter(status=OutboxStatus.PENDING).exists()
                ):
                    sent += outbox.deliver_due(batch=5, client=http).delivered
        finally:
            connection.close()
        return sent

    with ThreadPoolExecutor(WORKERS) as pool:
        sent_by_worker = [f.result() for f in [pool.submit(work) for _ in range(WORKERS)]]

    deliveries = receiver.keys_seen()
    assert len(deliveries) == MESSAGES
    assert set(deliveries.values()) == {1}, [k for k, n in deliveries.items() if n > 1]
    assert sum(sent_by_worker) == MESSAGES
    assert sum(1 for n in sent_by_worker if n) > 1  # the workers really did share the queue
    assert Counter(OutboxMessage.objects.values_list("status", "attempts")) == {
        ("delivered", 1): MESSAGES
    }


@pytest.mark.both_databases
def test_the_worker_command_delivers_once_and_exits(endpoint, receiver: Receiver) -> None:
    with transaction.atomic():
        message = outbox.enqueue("credit-publicity", "credit_publicity.push", {"n": 1})
    out = StringIO()

    call_command("worker", "--once", stdout=out, stderr=StringIO())

    assert "outbox=1" in out.getvalue().split()
    message.refresh_from_db()
    assert message.status == "delivered"
    assert list(receiver.applied) == [str(message.pk)]


@pytest.mark.both_databases
@pytest.mark.django_db(transaction=True)
def test_a_running_worker_stops_after_its_round_on_sigterm(
    endpoint, receiver: Receiver, monkeypatch
) -> None:
    rounds = 0

    def deploy_during_second_round() -> int:
        nonlocal rounds
        rounds += 1
        if rounds == 2:
            os.kill(os.getpid(), signal.SIGTERM)
        return 0

    monkeypatch.setitem(worker._JOBS, "deploy", deploy_during_second_round)
    with transaction.atomic():
        message = outbox.enqueue("credit-publicity", "credit_publicity.push", {"n": 1})
    handler_before = signal.getsignal(signal.SIGTERM)

    call_command("worker", "--idle-sleep", "0", stdout=StringIO(), stderr=StringIO())

    assert rounds == 2
    message.refresh_from_db()
    assert message.status == "delivered"
    assert signal.getsignal(signal.SIGTERM) is handler_before
