"""The outbox: messages to other systems, committed with the fact that causes them.

``enqueue`` writes a message inside the caller's transaction, so a rolled-back fact sends
nothing and a committed one is never forgotten. ``deliver_due`` (run by ``zhiliang worker``)
sends due messages over HTTP with an Idempotency-Key and an HMAC-SHA256 signature, retries with
exponential backoff and dead-letters a message after the configured number of attempts.

Signature: ``X-Zhiliang-Signature: t=<unix seconds>,v1=<hex HMAC-SHA256(secret, "<t>.<body>")>``
(the Stripe scheme: the timestamp inside the MAC lets a receiver refuse replays).
"""

import dataclasses
import hashlib
import hmac
import json
import random
import time
from collections.abc import Mapping
from datetime import datetime, timedelta
from typing import Any

import httpx
from django.conf import settings
from django.db import connection, transaction
from django.db.models import F
from django.utils import timezone

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


def claim_due(batch: int = 50, now: datetime | None = None) -> list[OutboxMessage]:
    """Take a lease on up to ``batch`` due messages; concurrent workers take disjoint sets.

    PostgreSQL: FOR UPDATE SKIP LOCKED, so a second worker skips rows the first is claiming.
    SQLite: the connection begins IMMEDIATE transactions, so claims are serialised.
    """
    now = now or timezone.now()
    with transaction.atomic():
        due = OutboxMessage.objects.filter(
            status=OutboxStatus.PENDING, next_attempt_at__lte=now, endpoint__active=True
        ).order_by("next_attempt_at", "created_at")
        if connection.features.has_select_for_update_skip_locked:
            due = due.select_for_update(skip_locked=True, of=("self",))
        messages = list(due.select_related("endpoint")[:batch])
        lease = now + timedelta(seconds=settings.OUTBOX_LEASE_SECONDS)
        OutboxMessage.objects.filter(pk__in=[m.pk for m in messages]).update(
            next_attempt_at=lease, attempts=F("attempts") + 1
        )
    for message in messages:
        message.attempts += 1
    return messages


@dataclasses.dataclass(frozen=True)
class DeliveryReport:
    delivered: int = 0
    retried: int = 0
    dead: int = 0


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
    now = timezone.now()
    pending = OutboxMessage.objects.filter(pk=message.pk, status=OutboxStatus.PENDING)
    if status_code is not None and 200 <= status_code < 300:
        pending.update(status=OutboxStatus.DELIVERED, delivered_at=now, last_error="")
        return OutboxStatus.DELIVERED
    permanent = (
        status_code is not None
        and 400 <= status_code < 500
        and status_code not in RETRYABLE_CLIENT_ERRORS
    )
    if permanent or message.attempts >= settings.OUTBOX_MAX_ATTEMPTS:
        pending.update(status=OutboxStatus.DEAD, last_error=error)
        return OutboxStatus.DEAD
    pending.update(next_attempt_at=now + backoff(message.attempts), last_error=error)
    return OutboxStatus.PENDING


def deliver_due(batch: int = 50, client: httpx.Client | None = None) -> DeliveryReport:
    messages = claim_due(batch)
    if not messages:
        return DeliveryReport()
    counts = {OutboxStatus.DELIVERED: 0, OutboxStatus.PENDING: 0, OutboxStatus.DEAD: 0}
    own_client = client is None
    http = client or httpx.Client(timeout=settings.OUTBOX_TIMEOUT_SECONDS)
    try:
        for message in messages:
            counts[OutboxStatus(deliver(message, http))] += 1
    finally:
        if own_client:
            http.close()
    return DeliveryReport(
        delivered=counts[OutboxStatus.DELIVERED],
        retried=counts[OutboxStatus.PENDING],
        dead=counts[OutboxStatus.DEAD],
    )


def requeue(message_ids: list[str]) -> int:
    """An admin sends dead letters again (after fixing the endpoint, say)."""
    return OutboxMessage.objects.filter(pk__in=message_ids, status=OutboxStatus.DEAD).update(
        status=OutboxStatus.PENDING, attempts=0, next_attempt_at=timezone.now(), last_error=""
    )
