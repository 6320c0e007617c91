"""Captures that touch the same codes at the same time take turns (PostgreSQL: SQLite ignores
row locks, and its writers take turns for the whole database)."""

import threading
from typing import Any

import psycopg
import pytest
from django.db import connection, connections

from zhiliang.accounts.actors import Actor
from zhiliang.accounts.roles import Role
from zhiliang.core.tracing.epcis.validation import parse_document
from zhiliang.tracing import scopes
from zhiliang.tracing.models import CustodyState, TraceCode
from zhiliang.tracing.services import capture as capture_service
from zhiliang.tracing.services.codes import key_of

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(connection.vendor != "postgresql", reason="row locks need PostgreSQL"),
]
UNITS = [f"https://id.gs1.org/01/06901234567892/21/TURN{n}" for n in range(5)]
SYSTEM = Actor(role=Role.CONNECTED_SYSTEM, user_id=None, scopes=scopes.ALL)


COMMISSIONING = ("commissioning", "2025-03-03T09:00:00.000+08:00", "urn:uuid:0-commissioning")
SHIPPING = ("shipping", "2025-03-04T09:00:00.000+08:00", "urn:uuid:0-shipping")


def _document(step: str, at: str, event_id: str) -> Any:
    event = {
        "type": "ObjectEvent",
        "eventID": event_id,
        "eventTime": at,
        "eventTimeZoneOffset": "+08:00",
        "epcList": UNITS,
        "action": "ADD" if step == "commissioning" else "OBSERVE",
        "bizStep": step,
        "disposition": "active" if step == "commissioning" else "in_transit",
    }
    return parse_document(
        {
            "@context": ["https://ref.gs1.org/standards/epcis/2.0.0/epcis-context.jsonld"],
            "type": "EPCISDocument",
            "schemaVersion": "2.0",
            "creationDate": at,
            "epcisBody": {"eventList": [event]},
        }
    )


def test_a_capture_waits_for_a_concurrent_change_of_its_codes_and_writes_over_it() -> None:
    commissioning = _document(*COMMISSIONING)
    capture_service.capture(actor=SYSTEM, document=commissioning)
    keys = [key_of(epc) for epc in commissioning.events[0].epc_list]
    settings = connection.settings_dict
    other = psycopg.connect(
        host=settings["HOST"] or None,
        port=settings["PORT"] or None,
        user=settings["USER"],
        dbname=settings["NAME"],
    )
    # another transaction rewrites the rows (new row versions) and holds their locks
    other.execute(
        "UPDATE tracing_tracecode SET last_event_at = last_event_at WHERE id = ANY(%s::uuid[])",
        [keys],
    )
    done = threading.Event()

    def ship() -> None:
        try:
            capture_service.capture(actor=SYSTEM, document=_document(*SHIPPING))
            done.set()
        finally:
            connections.close_all()

    shipper = threading.Thread(target=ship)
    shipper.start()
    assert not done.wait(0.5)  # it queues on the locked rows
    other.commit()
    other.close()
    shipper.join(10)
    assert done.is_set()
    states = set(TraceCode.objects.filter(pk__in=keys).values_list("state", flat=True))
    assert states == {CustodyState.IN_TRANSIT.value}
