"""Domain audit events: every accepted write and every refusal, with who asked.

``record_audit`` runs inside the service's transaction, so the record commits with the change.
``record_refusal`` runs after the transaction rolled back, so the refusal survives it: a failed
request leaves no trace but this.
"""

from collections.abc import Mapping
from typing import Any

from django.db import connection, models

from zhiliang.accounts.actors import Actor
from zhiliang.common.errors import DomainError
from zhiliang.common.models import AuditEvent


def record_audit(
    actor: Actor,
    action: str,
    obj: models.Model | None = None,
    detail: Mapping[str, Any] | None = None,
) -> AuditEvent:
    assert connection.in_atomic_block, "record_audit belongs inside the service's transaction"
    return _write(actor, action, "accepted", obj, dict(detail or {}))


def record_refusal(
    actor: Actor,
    action: str,
    error: DomainError,
    object_type: str = "",
    object_id: str = "",
    status: int | None = None,
) -> AuditEvent:
    detail = {"status": status or error.status, "problems": [p.as_dict() for p in error.problems]}
    event = _write(actor, action, "refused", None, detail)
    if object_type or object_id:
        AuditEvent.objects.filter(pk=event.pk).update(object_type=object_type, object_id=object_id)
    return event


def _write(
    actor: Actor, action: str, outcome: str, obj: models.Model | None, detail: dict[str, Any]
) -> AuditEvent:
    return AuditEvent.objects.create(
        user_id=actor.user_id,
        role=actor.role,
        token_id=actor.token_id,
        action=action,
        outcome=outcome,
        object_type=obj._meta.label_lower if obj is not None else "",
        object_id=str(obj.pk) if obj is not None else "",
        detail=detail,
    )
