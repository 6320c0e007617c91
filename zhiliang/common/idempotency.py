"""Idempotency keys for every POST that creates a fact.

A client that retries after a timeout sends the same ``Idempotency-Key``; the service finds the
object the first request made and returns it instead of making a second one. The same key with a
different request is a client bug and is refused with 409.
"""

import hashlib
import json
from collections.abc import Mapping
from typing import Any, TypeVar

from django.db import IntegrityError, connection, models, transaction
from django.utils.translation import gettext as _

from zhiliang.accounts.actors import Actor
from zhiliang.common.errors import Conflict, Problem
from zhiliang.common.models import IdempotencyRecord

M = TypeVar("M", bound=models.Model)

MAX_KEY_LENGTH = 200


def fingerprint(action: str, request: Mapping[str, Any]) -> str:
    text = json.dumps([action, request], sort_keys=True, default=str, ensure_ascii=False)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def replay(
    actor: Actor, key: str | None, action: str, request: Mapping[str, Any], model: type[M]
) -> M | None:
    """The object an earlier request with this key made, or None if the key is new."""
    if not key or actor.user_id is None:
        return None
    if len(key) > MAX_KEY_LENGTH:
        raise Conflict(
            Problem(
                "Idempotency-Key",
                "too_long",
                _("The Idempotency-Key header is longer than 200 characters."),
            )
        )
    record = IdempotencyRecord.objects.filter(user_id=actor.user_id, key=key).first()
    if record is None:
        return None
    if record.action != action or record.fingerprint != fingerprint(action, request):
        raise Conflict(
            Problem(
                "Idempotency-Key",
                "idempotency_key_reused",
                _("This Idempotency-Key was already used for another request."),
            )
        )
    return model._default_manager.get(pk=record.object_id)


def remember(
    actor: Actor, key: str | None, action: str, request: Mapping[str, Any], obj: models.Model
) -> None:
    """Store the key with the object, in the service's transaction.

    Two concurrent first requests with one key race to this insert; the loser's transaction
    fails on the unique constraint and is refused, so only one object survives.
    """
    assert connection.in_atomic_block
    if not key or actor.user_id is None:
        return
    try:
        with transaction.atomic():
            IdempotencyRecord.objects.create(
                user_id=actor.user_id,
                key=key,
                action=action,
                fingerprint=fingerprint(action, request),
                object_type=obj._meta.label_lower,
                object_id=str(obj.pk),
            )
    except IntegrityError:
        raise Conflict(
            Problem(
                "Idempotency-Key",
                "in_progress",
                _("A request with this Idempotency-Key is being processed."),
            )
        ) from None
