"""The outbox against a real receiver on 127.0.0.1 that fails, drops and answers too late.

Time is frozen with time-machine and moved to each message's next attempt, so the retry delays
the worker chooses can be read off exactly.
"""

import json
from datetime import UTC, datetime, timedelta

import httpx
import pytest
import time_machine
from django.db import transaction
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from zhiliang.accounts.actors import actor_for_user
from zhiliang.common import outbox
from zhiliang.common.models import AuditEvent, OutboxMessage, OutboxStatus
from zhiliang.common.tests.conftest import SECRET, Receiver

pytestmark = pytest.mark.both_databases

START = datetime(2025, 3, 15, 1, 0, tzinfo=UTC)


def publish(n: int, topic: str = "credit_publicity.push") -> list[OutboxMessage]:
    with transaction.atomic():
        return [
            outbox.enqueue("credit-publicity", topic, {"credit_code": f"91330402MA{i:07d}", "n": i})
            for i in range(n)
        ]


def deliver_until_settled(
    traveller: time_machine.Traveller, rounds: int = 20
) -> list[dict[str, timedelta]]:
    """Run the worker, then move the clock to the next due attempt, until nothing is pending.

    Returns, per round, how long each still-pending message was told to wait.
    """
    waits: list[dict[str, timedelta]] = []
    for _ in range(rounds):
        outbox.deliver_due()
        now = datetime.now(tz=UTC)
        pending = list(OutboxMessage.objects.filter(status=OutboxStatus.PENDING))
        if not pending:
            return waits
        waits.append({str(m.pk): m.next_attempt_at - now for m in pending})
        traveller.move_to(max(m.next_attempt_at for m in pending))
    raise AssertionError(f"still pending after {rounds} rounds")


def seconds(low: float) -> tuple[timedelta, timedelta]:
    """The window a retry delay falls in: the exponential step plus up to 10% jitter."""
    return timedelta(seconds=low), timedelta(seconds=low * 1.1)


def test_every_message_arrives_and_takes_effect_once_despite_failures(
    endpoint, receiver: Receiver
) -> None:
    receiver.fails_first("503", "drop", "slow")  # the "slow" answer is applied but comes too late
    with time_machine.travel(START, tick=False) as traveller:
        messages = publish(3)
        waits = deliver_until_settled(traveller)

    keys = [str(m.pk) for m in messages]
    assert receiver.keys_seen() == dict.fromkeys(keys, 4)  # each retried with its own key
    assert receiver.applications == dict.fromkeys(keys, 1)  # but applied once
    assert all(r.signature_valid for r in receiver.requests)
    assert [r.attempt_header for r in receiver.requests if r.key == keys[0]] == ["1", "2", "3", "4"]
    for message in messages:
        body = receiver.applied[str(message.pk)]
        assert body == {"id": str(message.pk), "topic": message.topic, "payload": message.payload}
        message.refresh_from_db()
        assert (message.status, message.attempts, message.last_error) == ("delivered", 4, "")
        assert message.delivered_at is not None

    for attempt, round_waits in enumerate(waits, start=1):  # 5 s, 10 s, 20 s
        low, high = seconds(5 * 2 ** (attempt - 1))
        assert all(low <= wait <= high for wait in round_waits.values()), (attempt, round_waits)


def test_a_receiver_that_never_recovers_leaves_a_dead_letter_with_its_last_error(
    endpoint, receiver: Receiver
) -> None:
    receiver.answers("503")
    with time_machine.travel(START, tick=False) as traveller:
        [message] = publish(1)
        waits = deliver_until_settled(traveller)

    # 5, 10, 20, 40, then the 60 s cap instead of 80; the sixth failure is the last.
    expected = [seconds(5), seconds(10), seconds(20), seconds(40), seconds(60)]
    assert len(waits) == len(expected)
    for (low, high), round_waits in zip(expected, waits, strict=True):
        assert low <= round_waits[str(message.pk)] <= high
    message.refresh_from_db()
    assert (message.status, message.attempts) == ("dead", 6)
    assert message.last_error.startswith("HTTP 503")
    assert receiver.keys_seen()[str(message.pk)] == 6
    assert not receiver.applied


@pytest.mark.parametrize("status", ["400", "404", "422"])
def test_a_permanent_refusal_is_a_dead_letter_at_once(endpoint, receiver, status) -> None:
    receiver.answers(status)
    [message] = publish(1)

    report = outbox.deliver_due()

    message.refresh_from_db()
    assert report == outbox.DeliveryReport(dead=1)
    assert (message.status, message.attempts) == ("dead", 1)
    assert message.last_error.startswith(f"HTTP {status}")
    assert len(receiver.requests) == 1


def test_too_many_requests_is_retried_later(endpoint, receiver: Receiver) -> None:
    receiver.fails_first("429")
    with time_machine.travel(START, tick=False) as traveller:
        [message] = publish(1)
        waits = deliver_until_settled(traveller)

    message.refresh_from_db()
    assert (message.status, message.attempts) == ("delivered", 2)
    assert len(waits) == 1 and seconds(5)[0] <= waits[0][str(message.pk)] <= seconds(5)[1]


def test_an_admin_sends_a_dead_letter_again_and_it_arrives(
    endpoint, receiver: Receiver, admin_user
) -> None:
    receiver.answers("400")
    [message] = publish(1)
    outbox.deliver_due()
    message.refresh_from_db()
    assert message.status == "dead"

    receiver.fails_first()  # the receiver's owners fixed their side
    client = Client()
    client.force_login(admin_user.user)
    changelist = reverse("admin:common_outboxmessage_changelist")
    response = client.post(
        changelist, {"action": "send_again", "_selected_action": [message.pk], "index": "0"}
    )

    assert response.status_code == 302
    message.refresh_from_db()
    assert (message.status, message.attempts, message.last_error) == ("pending", 0, "")
    event = AuditEvent.objects.get(action="common.outbox.requeue")
    assert (event.user, event.detail) == (admin_user.user, {"messages": [str(message.pk)]})
    assert outbox.deliver_due() == outbox.DeliveryReport(delivered=1)
    message.refresh_from_db()
    assert (message.status, message.attempts) == ("delivered", 1)
    assert receiver.applications == {str(message.pk): 1}


def test_sending_again_leaves_delivered_and_pending_messages_alone(
    endpoint, receiver: Receiver, admin_user
) -> None:
    delivered, pending = publish(2)
    OutboxMessage.objects.filter(pk=delivered.pk).update(status="delivered", attempts=1)
    admin = actor_for_user(admin_user.user)

    assert outbox.requeue(actor=admin, message_ids=[str(delivered.pk), str(pending.pk)]) == 0
    delivered.refresh_from_db()
    assert (delivered.status, delivered.attempts) == ("delivered", 1)
    assert not AuditEvent.objects.exists()  # nothing changed, nothing to record


def test_a_paused_endpoint_receives_nothing_until_it_is_resumed(
    endpoint, receiver: Receiver
) -> None:
    endpoint.active = False
    endpoint.save()
    [message] = publish(1)

    assert outbox.deliver_due() == outbox.DeliveryReport()
    assert not receiver.requests

    endpoint.active = True
    endpoint.save()
    assert outbox.deliver_due() == outbox.DeliveryReport(delivered=1)
    assert list(receiver.applied) == [str(message.pk)]


def test_a_worker_gives_back_what_it_cannot_send_before_its_lease_ends(
    endpoint, receiver: Receiver, settings
) -> None:
    """Otherwise a second worker, seeing the lease expired, would send the same messages too."""
    settings.OUTBOX_LEASE_SECONDS = 1  # a few sends of 0.3 s (the timeout) fit, not ten
    receiver.answers("slow")  # every answer comes after the worker stopped waiting
    publish(10)

    report = outbox.deliver_due()

    sent = receiver.keys_seen()
    assert 1 <= len(sent) < 10 and set(sent.values()) == {1}
    assert report == outbox.DeliveryReport(retried=len(sent), released=10 - len(sent))
    now = timezone.now()
    for message in OutboxMessage.objects.all():
        if str(message.pk) in sent:  # waits for its retry
            assert message.attempts == 1 and message.next_attempt_at > now
        else:  # untouched, and due at once for the next worker
            assert message.attempts == 0 and message.next_attempt_at <= now


def test_a_worker_that_outlived_its_lease_leaves_the_new_claim_alone(
    endpoint, receiver: Receiver
) -> None:
    receiver.fails_first("503")
    with time_machine.travel(START, tick=False) as traveller:
        [message] = publish(1)
        [late] = outbox.claim_due()  # this worker then stalls past its lease
        traveller.shift(outbox.lease_length() + timedelta(seconds=1))
        [current] = outbox.claim_due()
        with httpx.Client(timeout=1) as http:
            outbox.deliver(late, http)  # its 503 comes in after the message changed hands
            message.refresh_from_db()
            assert (message.next_attempt_at, message.attempts) == (current.next_attempt_at, 2)

            assert outbox.deliver(current, http) == "delivered"
    message.refresh_from_db()
    assert message.status == "delivered"


class TestSignature:
    body = json.dumps({"id": "x", "payload": {"name": "嘉兴"}}, ensure_ascii=False).encode()

    def test_a_receiver_accepts_the_signature_of_the_body_it_got(self) -> None:
        header = outbox.sign(SECRET, 1_742_000_000, self.body)
        assert outbox.verify_signature(SECRET, header, self.body)

    @pytest.mark.parametrize(
        "tamper",
        [
            lambda h, b: (h, b + b" "),  # a changed body
            lambda h, b: (h.replace("t=1742000000", "t=1742000001"), b),  # a changed timestamp
            lambda h, b: (h[:-1] + ("0" if h[-1] != "0" else "1"), b),  # a changed MAC
            lambda h, b: ("", b),
            lambda h, b: ("v1=abc", b),
            lambda h, b: ("t=now,v1=abc", b),
            lambda h, b: (h + "é", b),  # non-ASCII in a header must not crash the receiver
        ],
    )
    def test_a_receiver_refuses_anything_else(self, tamper) -> None:
        header, body = tamper(outbox.sign(SECRET, 1_742_000_000, self.body), self.body)
        assert not outbox.verify_signature(SECRET, header, body)

    def test_a_receiver_with_a_tolerance_refuses_an_old_signature(self) -> None:
        header = outbox.sign(SECRET, int(START.timestamp()), self.body)
        five_minutes = timedelta(minutes=5)
        with time_machine.travel(START + timedelta(minutes=4)):
            assert outbox.verify_signature(SECRET, header, self.body, tolerance=five_minutes)
        with time_machine.travel(START + timedelta(minutes=6)):
            assert not outbox.verify_signature(SECRET, header, self.body, tolerance=five_minutes)
            assert outbox.verify_signature(SECRET, header, self.body)  # no tolerance: no age

    def test_another_secret_does_not_verify(self) -> None:
        header = outbox.sign("someone-else", 1_742_000_000, self.body)
        assert not outbox.verify_signature(SECRET, header, self.body)
