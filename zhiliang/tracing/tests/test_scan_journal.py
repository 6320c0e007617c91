"""The scan journal as deployed: scans written in batches a moment after the page was served,
still counted for clone checks before then, still reachable by the page's position button, and
written on a graceful stop of the server."""

import json
import os
import signal
import time
from datetime import timedelta
from pathlib import Path
from typing import Any

import httpx
import pytest
import time_machine
from django.utils import timezone

from zhiliang.ledger import services as ledger
from zhiliang.tracing.models import Scan
from zhiliang.tracing.services.scan_journal import journal
from zhiliang.tracing.tests.conftest import capture, document
from zhiliang.tracing.tests.test_crash import TOKEN, _env, _free_port, _run, _serve, database

pytestmark = pytest.mark.django_db(transaction=True)
SN2 = "/01/06901234567892/21/SN0002"
JSON = {"HTTP_ACCEPT": "application/json"}
__all__ = ["database"]  # the real server's database fixture


@pytest.fixture
def story(api, chain, settings):
    for name, person in [("zl-01", chain.producer), ("zl-02", chain.producer)]:
        assert capture(api, document(name), person).status_code == 202
    ledger.sequence()
    yield chain
    journal.flush()  # nothing of this test is left for the next one


def scan_json(api, path: str, **params) -> Any:
    response = api.client.get("/scan/gs1" + path, params, **JSON)
    assert response.status_code == 200, response.content
    return json.loads(response.content)


def test_scans_are_written_shortly_after_without_further_requests(api, story, settings) -> None:
    settings.TRACING_SCAN_FLUSH_SECONDS = 0.2
    for _ in range(5):
        assert scan_json(api, SN2)["status"] == "ok"
    deadline = time.monotonic() + 10
    while Scan.objects.filter(code__value=SN2).count() < 5 and time.monotonic() < deadline:
        time.sleep(0.05)
    assert Scan.objects.filter(code__value=SN2).count() == 5
    assert len(journal) == 0


def test_a_copy_scanned_before_the_batch_is_written_is_still_caught(api, story, settings) -> None:
    settings.TRACING_SCAN_FLUSH_SECONDS = 60
    scan_json(api, SN2, lat="30.75", lng="120.76")  # Jiaxing
    with time_machine.travel(timezone.now() + timedelta(minutes=20)):
        body = scan_json(api, SN2, lat="43.83", lng="87.62")  # Urumqi
    assert Scan.objects.filter(code__value=SN2).count() == 0  # both still in the journal
    assert (body["status"], body["clone"]["reason"]) == ("possible_clone", "impossible_travel")
    assert journal.flush() == 2
    verdicts = list(Scan.objects.filter(code__value=SN2).order_by("at").values_list("verdict"))
    assert verdicts == [("ok",), ("possible_clone",)]


def test_the_position_button_reaches_a_scan_still_in_the_journal(api, story, settings) -> None:
    settings.TRACING_SCAN_FLUSH_SECONDS = 60
    token = scan_json(api, SN2)["positionToken"]
    assert Scan.objects.count() == 0
    sent = {"token": token, "lat": "30.7512", "lng": "120.7634"}
    assert api.client.post("/scan/position", sent).status_code == 204
    scan = Scan.objects.get(code__value=SN2)
    assert scan.region is not None and scan.region.code.startswith("3304")  # Jiaxing
    assert (str(scan.lat), str(scan.lng)) == ("30.75", "120.76")
    assert api.client.post("/scan/position", sent).status_code == 404  # once only
    forged = {**sent, "token": token[:-2] + "xx"}
    assert api.client.post("/scan/position", forged).status_code == 404


def test_a_position_token_lasts_ten_minutes_and_survives_a_key_rotation(
    api, story, settings
) -> None:
    settings.TRACING_SCAN_FLUSH_SECONDS = 60
    place = {"lat": "30.7512", "lng": "120.7634"}
    first, second, third, fourth = (scan_json(api, SN2)["positionToken"] for _ in range(4))
    with time_machine.travel(timezone.now() + timedelta(minutes=9)):
        assert api.client.post("/scan/position", {"token": first, **place}).status_code == 204
    with time_machine.travel(timezone.now() + timedelta(minutes=11)):
        assert api.client.post("/scan/position", {"token": second, **place}).status_code == 404
    settings.SECRET_KEY_FALLBACKS = [settings.SECRET_KEY]
    settings.SECRET_KEY = "a-new-secret-key-after-rotation-" + "x" * 32
    assert api.client.post("/scan/position", {"token": third, **place}).status_code == 204
    settings.SECRET_KEY_FALLBACKS = []  # the old key retired: its tokens are no longer good
    assert api.client.post("/scan/position", {"token": fourth, **place}).status_code == 404


def test_a_graceful_stop_writes_every_scan_served(tmp_path: Path, database: str) -> None:
    """A real gunicorn holding its scans for a minute is told to stop: they are all written."""
    port = _free_port()
    env = {**_env(tmp_path, database, port), "ZHILIANG_SCAN_FLUSH_SECONDS": "60"}
    assert _run(env, "migrate", "--noinput").returncode == 0
    made = _run(env, "shell", "-c", TOKEN)
    assert made.returncode == 0, made.stderr
    headers = {"Authorization": f"Bearer {made.stdout.strip().splitlines()[-1]}"}
    units = [f"https://id.gs1.org/01/06901234567892/21/G{n}" for n in range(4)]
    events = [{"type": "ObjectEvent", "eventTime": "2025-03-03T09:00:00.000+08:00",
               "eventTimeZoneOffset": "+08:00", "epcList": units, "action": "ADD",
               "bizStep": "commissioning"}]  # fmt: skip
    doc = {
        "@context": ["https://ref.gs1.org/standards/epcis/2.0.0/epcis-context.jsonld"],
        "type": "EPCISDocument",
        "schemaVersion": "2.0",
        "creationDate": "2025-03-03T10:00:00.000+08:00",
        "epcisBody": {"eventList": events},
    }
    server = _serve(env, port)
    served = 0
    try:
        with httpx.Client(base_url=f"http://127.0.0.1:{port}", timeout=60) as http:
            assert http.post("/epcis/capture", json=doc, headers=headers).status_code == 202
            for round_ in range(10):
                for unit in units:
                    path = "/scan/gs1" + unit.removeprefix("https://id.gs1.org")
                    response = http.get(path, headers={"Accept": "application/json"})
                    assert response.status_code == 200, (round_, response.text)
                    served += 1
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        server.wait(timeout=60)
    counted = _run(env, "shell", "-c", "from zhiliang.tracing.models import Scan; "
                   "print(Scan.objects.count())")  # fmt: skip
    assert counted.returncode == 0, counted.stderr
    assert int(counted.stdout.strip().splitlines()[-1]) == served == 40
