"""The outbox: messages to other systems, committed with the fact that causes them.

``enqueue`` writes a message inside the caller's transaction, so a rolled-back fact sends
nothing and a committed one is never forgotten. ``deliver_due`` (run by ``zhiliang worker``)
sends due messages over HTTP with an Idempotency-Key and an HMAC-SHA256 signature, retries with
exponential backoff and dead-letters a message after the configured number of attempts.

Signature: ``X-Zhiliang-Signature: t=<unix seconds>,v1=<hex HMAC-SHA256(secret, "<t>.<body>")>``
(the Stripe scheme: the timestamp inside the MAC lets a receiver refuse replays). The design,
the retry schedule and what receivers must do are in docs/outbox.md.
"""

import dataclasses
import hashlib
import hmac
import json
import random
import time
from collections.abc import Mapping, Sequence
from datetime import datetime, timedelta
from typing import Any

import httpx
from django.conf import settings
from django.db import connection, transaction
from django.db.models import F
from django.utils import timezone

from zhiliang.accounts.actors import Actor
from zhiliang.common.audit import record_audit
from zhiliang.common.models import OutboxEndpoint, OutboxMessage, OutboxStatus

SIGNATURE_HEADER = "X-Zhiliang-Signature"
# A receiver's 4xx means it will never take this message as it is; retrying cannot help.
RETRYABLE_CLIENT_ERRORS = frozenset({408, 425, 429})


def enqueue(endpoint: str, topic: str, payload: Mapping[str, Any]) -> OutboxMessage:
    assert connection.in_atomic_block, "enqueue belongs inside the transaction of its fact"
    target = OutboxEndpoint.objects.get(name=endpoint)
    return OutboxMessage.objects.create(endpoint=target, topic=topic, payload=dict(payload))


def sign(secret: str, timestamp: int, body: bytes) -> str:
    mac = hmac.new(secret.encode("utf-8"), f"{timestamp}.".encode() + body, hashlib.sha256)
    return f"t={timestamp},v1={mac.hexdigest()}"


def verify_signature(
    secret: str, header: str, body: bytes, *, tolerance: timedelta | None = None
) -> bool:
    """For receivers (and our tests): constant-time check of the header against the body.

    Any malformed header is simply not valid: a receiver must never fail on what a stranger
    sends. With ``tolerance``, a signature older or newer than that is refused too, so a
    captured request cannot be replayed later.
    """
    timestamp, macs = None, []
    for item in header.split(","):
        name, _sep, value = item.strip().partition("=")
        if name == "t" and value.isascii() and value.isdigit():
            timestamp = int(value)
        elif name == "v1":
            macs.append(value.encode("utf-8"))
    if timestamp is None or not macs:
        return False
    if tolerance is not None and abs(time.time() - timestamp) > tolerance.total_seconds():
        return False
    expected = sign(secret, timestamp, body).rpartition("v1=")[2].encode("ascii")
    # The format allows one v1 value per secret while a secret is replaced; any one may match.
    return any(hmac.compare_digest(expected, mac) for mac in macs)


def backoff(attempts: int) -> timedelta:
    """base · 2^(attempts−1), capped, with up to 10% jitter so retries of one outage spread."""
    delay = min(
        settings.OUTBOX_BASE_DELAY_SECONDS * 2 ** max(attempts - 1, 0),
        settings.OUTBOX_MAX_DELAY_SECONDS,
    )
    return timedelta(seconds=delay * (1 + random.random() / 10))  # noqa: S311 (not security)


def send_room() -> timedelta:
    """The longest one send may take.

    httpx applies the timeout to connecting, writing and reading separately.
    """
    return timedelta(seconds=3 * settings.OUTBOX_TIMEOUT_SECONDS)


def lease_length() -> timedelta:
    """How long a claim holds: the configured lease, but always room for two whole sends."""
    return max(timedelta(seconds=settings.OUTBOX_LEASE_SECONDS), 2 * send_room())


def claim_due(batch: int = 50, now: datetime | None = None) -> list[OutboxMessage]:
    """Take a lease on up to ``batch`` due messages; concurrent workers take disjoint sets.

    PostgreSQL: FOR UPDATE SKIP LOCKED, so a second worker skips rows the first is claiming.
    SQLite: the connection begins IMMEDIATE transactions, so claims are serialised.
    The lease is the new ``next_attempt_at``: the message is due again, for any worker, only if
    this one dies before recording an outcome.
    """
    now = now or timezone.now()
    lease = now + lease_length()
    with transaction.atomic():
        due = OutboxMessage.objects.filter(
            status=OutboxStatus.PENDING, next_attempt_at__lte=now, endpoint__active=True
        ).order_by("next_attempt_at", "created_at")
        if connection.features.has_select_for_update_skip_locked:
            due = due.select_for_update(skip_locked=True, of=("self",))
        messages = list(due.select_related("endpoint")[:batch])
        OutboxMessage.objects.filter(pk__in=[m.pk for m in messages]).update(
            next_attempt_at=lease, attempts=F("attempts") + 1
        )
    for message in messages:
        message.attempts += 1
        message.next_attempt_at = lease
    return messages


def release(messages: Sequence[OutboxMessage]) -> int:
    """Give back claimed messages unsent, due at once and with the attempt not counted.

    Only rows still under this worker's lease are touched: if the lease already ran out and
    another worker claimed a message, that worker's claim stands.
    """
    released = 0
    for lease in {m.next_attempt_at for m in messages}:
        released += OutboxMessage.objects.filter(
            pk__in=[m.pk for m in messages if m.next_attempt_at == lease],
            status=OutboxStatus.PENDING,
            next_attempt_at=lease,
        ).update(next_attempt_at=timezone.now(), attempts=F("attempts") - 1)
    return released


@dataclasses.dataclass(frozen=True)
class DeliveryReport:
    delivered: int = 0
    retried: int = 0
    dead: int = 0
    released: int = 0  # claimed, but given back unsent because the lease was running out


def deliver(message: OutboxMessage, client: httpx.Client) -> str:
    """Send one claimed message and record the outcome; returns the new status."""
    body = json.dumps(
        {"id": str(message.pk), "topic": message.topic, "payload": message.payload},
        ensure_ascii=False,
        sort_keys=True,
    ).encode("utf-8")
    timestamp = int(timezone.now().timestamp())
    headers = {
        "Content-Type": "application/json; charset=utf-8",
        "Idempotency-Key": str(message.pk),
        "X-Zhiliang-Topic": message.topic,
        "X-Zhiliang-Attempt": str(message.attempts),
        SIGNATURE_HEADER: sign(message.endpoint.secret, timestamp, body),
    }
    try:
        response = client.post(message.endpoint.url, content=body, headers=headers)
        status_code: int | None = response.status_code
        error = "" if response.is_success else f"HTTP {response.status_code}: {response.text[:500]}"
    except httpx.HTTPError as exc:
        status_code, error = None, f"{type(exc).__name__}: {exc}"[:1000]
    return _record_outcome(message, status_code, error)


def _record_outcome(message: OutboxMessage, status_code: int | None, error: str) -> str:
    """Record what happened, unless the lease ran out and another worker took the message.

    That worker sends it again under the same Idempotency-Key and records its own outcome; this
    one must not overwrite that worker's lease with a retry time of its own.
    """
    now = timezone.now()
    ours = OutboxMessage.objects.filter(
        pk=message.pk, status=OutboxStatus.PENDING, next_attempt_at=message.next_attempt_at
    )
    if status_code is not None and 200 <= status_code < 300:
        ours.update(status=OutboxStatus.DELIVERED, delivered_at=now, last_error="")
        return OutboxStatus.DELIVERED
    permanent = (
        status_code is not None
        and 400 <= status_code < 500
        and status_code not in RETRYABLE_CLIENT_ERRORS
    )
    if permanent or message.attempts >= settings.OUTBOX_MAX_ATTEMPTS:
        ours.update(status=OutboxStatus.DEAD, last_error=error)
        return OutboxStatus.DEAD
    ours.update(next_attempt_at=now + backoff(message.attempts), last_error=error)
    return OutboxStatus.PENDING


def deliver_due(batch: int = 50, client: httpx.Client | None = None) -> DeliveryReport:
    """Claim due messages and send them one by one while the claim lasts.

    A batch of sends to a receiver that hangs can outlast the lease (50 sends that each wait out
    a 10 s timeout take 500 s against a 60 s lease), and a message sent after its lease ended
    may be sent by another worker as well. So a send starts only while the lease leaves room
    for all its timeouts, and the rest of the batch is given back for the next worker at once.
    """
    messages = claim_due(batch)
    if not messages:
        return DeliveryReport()
    counts = {OutboxStatus.DELIVERED: 0, OutboxStatus.PENDING: 0, OutboxStatus.DEAD: 0}
    room = send_room()
    released = 0
    own_client = client is None
    http = client or httpx.Client(timeout=settings.OUTBOX_TIMEOUT_SECONDS)
    try:
        for n, message in enumerate(messages):
            if timezone.now() + room > message.next_attempt_at:
                released = release(messages[n:])
                break
            counts[OutboxStatus(deliver(message, http))] += 1
    finally:
        if own_client:
            http.close()
    return DeliveryReport(
        delivered=counts[OutboxStatus.DELIVERED],
        retried=counts[OutboxStatus.PENDING],
        dead=counts[OutboxStatus.DEAD],
        released=released,
    )


@transaction.atomic(durable=True)
def requeue(*, actor: Actor, message_ids: Sequence[str]) -> int:
    """An admin sends dead letters again (after the receiver fixed its side, say).

    The messages keep their ids, so a receiver that did apply one before it was dead-lettered
    recognises the key and applies it no second time. Delivered and pending messages are left
    alone; the admin's decision is audited with the messages it revived.
    """
    revived = list(
        OutboxMessage.objects.select_for_update(no_key=True)
        .filter(pk__in=message_ids, status=OutboxStatus.DEAD)
        .order_by("pk")
        .values_list("pk", flat=True)
    )
    OutboxMessage.objects.filter(pk__in=revived).update(
        status=OutboxStatus.PENDING, attempts=0, next_attempt_at=timezone.now(), last_error=""
    )
    if revived:
        record_audit(
            actor, "common.outbox.requeue", detail={"messages": [str(pk) for pk in revived]}
        )
    return len(revived)
