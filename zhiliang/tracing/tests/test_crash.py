"""SIGKILL a real server during large captures, restart it: every acknowledged event is there,
no capture is half-written, and the ledger verifies (T7).

The server is gunicorn on a database of its own (a SQLite file, or a fresh PostgreSQL database
when the suite runs on PostgreSQL); a client keeps sending documents of hundreds of events and
notes each 202; the server's whole process group is killed while a capture is in flight.
"""

import base64
import json
import os
import signal
import socket
import subprocess
import sys
import threading
import time
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit, urlunsplit

import httpx
import pytest

EVENTS_PER_DOCUMENT = 400
GTIN = "06901234567892"
CHECK = """
import json
from django.db.models import Count
from zhiliang.tracing.models import CaptureJob, TraceEvent, TraceCode
jobs = {str(j.pk): j.captured for j in CaptureJob.objects.all()}
counts = TraceEvent.objects.values("capture").annotate(n=Count("pk"))
stored = {str(r["capture"]): r["n"] for r in counts}
running = CaptureJob.objects.filter(running=True).count()
codes, events = TraceCode.objects.count(), TraceEvent.objects.count()
print(json.dumps({"jobs": jobs, "stored": stored, "running": running, "codes": codes,
                  "events": events}))
"""
TOKEN = """
from zhiliang.accounts import services
from zhiliang.accounts.models import User
user = User.objects.create_user(
    username="tracesys", password="pw-for-tests-1", role="connected_system"
)
print(services.ensure_demo_token(user))
"""


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture
def database(tmp_path: Path) -> Iterator[str]:
    outer = os.environ.get("DATABASE_URL", "")
    if not outer.startswith("postgres"):
        yield f"sqlite:///{tmp_path / 'crash.sqlite3'}"
        return
    import psycopg

    parts = urlsplit(outer)
    name = f"zhiliang_crash_{os.getpid()}"
    admin = urlunsplit(parts._replace(path="/postgres"))
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{name}"')
    yield urlunsplit(parts._replace(path=f"/{name}"))
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def _env(tmp_path: Path, database: str, port: int) -> dict[str, str]:
    return {
        **os.environ,
        "DATABASE_URL": database,
        "ZHILIANG_VAR_DIR": str(tmp_path / "var"),
        "ZHILIANG_SIGNING_KEY": base64.b64encode(b"crash-test-signing-key-32-bytes!").decode(),
        "SECRET_KEY": "crash-test-secret-key",
        "ZHILIANG_PUBLIC_URL": f"http://127.0.0.1:{port}",
        "ZHILIANG_MAX_BODY_BYTES": str(64 * 1024 * 1024),
        "DJANGO_SETTINGS_MODULE": "zhiliang.settings",
    }


def _run(env: dict[str, str], *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "zhiliang.cli", *args],
        env=env,
        capture_output=True,
        text=True,
        check=False,
        timeout=300,
    )


def _serve(env: dict[str, str], port: int) -> subprocess.Popen[bytes]:
    server = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "gunicorn",
            "zhiliang.wsgi:application",
            "--bind",
            f"127.0.0.1:{port}",
            "--workers",
            "2",
            "--timeout",
            "300",
        ],
        env=env,
        start_new_session=True,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            if httpx.get(f"http://127.0.0.1:{port}/healthz", timeout=2).status_code == 200:
                return server
        except httpx.HTTPError:
            time.sleep(0.2)
    server.kill()
    raise AssertionError("the server did not start")


def _document(n: int) -> tuple[dict[str, Any], list[str]]:
    ids = [f"urn:uuid:{uuid.uuid4()}" for _ in range(EVENTS_PER_DOCUMENT)]
    events = [
        {
            "type": "ObjectEvent",
            "eventID": event_id,
            "eventTime": "2025-03-03T09:00:00.000+08:00",
            "eventTimeZoneOffset": "+08:00",
            "epcList": [f"https://id.gs1.org/01/{GTIN}/21/D{n}E{i}U{k}" for k in range(2)],
            "action": "ADD",
            "bizStep": "commissioning",
            "disposition": "active",
        }
        for i, event_id in enumerate(ids)
    ]
    document = {
        "@context": ["https://ref.gs1.org/standards/epcis/2.0.0/epcis-context.jsonld"],
        "type": "EPCISDocument",
        "schemaVersion": "2.0",
        "creationDate": "2025-03-03T10:00:00.000+08:00",
        "epcisBody": {"eventList": events},
    }
    return document, ids


def test_sigkill_during_captures_loses_no_acknowledged_event(tmp_path: Path, database: str) -> None:
    port = _free_port()
    env = _env(tmp_path, database, port)
    assert _run(env, "migrate", "--noinput").returncode == 0
    made = _run(env, "shell", "-c", TOKEN)
    assert made.returncode == 0, made.stderr
    token = made.stdout.strip().splitlines()[-1]
    headers = {"Authorization": f"Bearer {token}", "Content-Type": "application/json"}
    server = _serve(env, port)
    acknowledged: list[tuple[str, list[str]]] = []
    stop = threading.Event()

    def client() -> None:
        with httpx.Client(
            base_url=f"http://127.0.0.1:{port}", headers=headers, timeout=120
        ) as http:
            n = 0
            while not stop.is_set():
                document, ids = _document(n)
                n += 1
                try:
                    response = http.post("/epcis/capture", content=json.dumps(document))
                except httpx.HTTPError:
                    return
                if response.status_code == 202:
                    acknowledged.append((response.headers["Location"], ids))

    sender = threading.Thread(target=client)
    sender.start()
    deadline = time.monotonic() + 120
    while len(acknowledged) < 3 and time.monotonic() < deadline:
        time.sleep(0.05)
    time.sleep(0.15)  # into the next capture
    os.killpg(server.pid, signal.SIGKILL)
    server.wait()
    stop.set()
    sender.join(timeout=60)
    assert len(acknowledged) >= 3

    server = _serve(env, port)
    try:
        with httpx.Client(base_url=f"http://127.0.0.1:{port}", headers=headers, timeout=60) as http:
            for location, ids in acknowledged:
                job = http.get(location).json()
                assert (job["running"], job["success"], job["captured"]) == (
                    False,
                    True,
                    EVENTS_PER_DOCUMENT,
                )
                for start in range(0, len(ids), 50):
                    wanted = "|".join(ids[start : start + 50])
                    found = http.get("/epcis/events", params={"EQ_eventID": wanted, "perPage": 50})
                    events = found.json()["epcisBody"]["queryResults"]["resultsBody"]["eventList"]
                    assert len(events) == len(ids[start : start + 50])
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        server.wait(timeout=30)

    state = json.loads(_run(env, "shell", "-c", CHECK).stdout.strip().splitlines()[-1])
    assert state["running"] == 0
    assert state["jobs"] == state["stored"]  # every job all there, none half-written
    assert set(state["jobs"].values()) == {EVENTS_PER_DOCUMENT}
    assert state["codes"] == 2 * state["events"]
    assert _run(env, "ledger", "sequence").returncode == 0
    verified = _run(env, "ledger", "verify")
    assert verified.returncode == 0, verified.stderr
