"""A real HTTP receiver on 127.0.0.1 that the outbox delivers to, and that can misbehave.

The receiver answers each message by a script of outcomes, one per attempt of that message
(``"503"``, ``"drop"`` for a connection closed without an answer, ``"slow"`` for an answer that
comes after the worker stopped waiting, then ``"200"`` for ever). It records every request, checks
its signature, and applies each message once: a retry of a message it already applied is answered
200 and changes nothing, which is what the Idempotency-Key is for.
"""

import json
import threading
import time
from collections import Counter
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from zhiliang.common import outbox
from zhiliang.common.models import OutboxEndpoint

SECRET = "receiver-secret-for-tests"
SLOW_SECONDS = 1.0  # how long a "slow" answer takes; the worker's timeout is set far below it


@dataclass(frozen=True)
class Request:
    key: str
    body: bytes
    signature: str
    signature_valid: bool
    attempt_header: str


class Receiver:
    def __init__(self) -> None:
        self.script: Sequence[str] = ()
        self.requests: list[Request] = []
        self.applied: dict[str, dict[str, object]] = {}  # key -> body, the effect of a message
        self.applications = Counter[str]()  # how often each key changed the receiver's state
        self._lock = threading.Lock()
        self._server = ThreadingHTTPServer(("127.0.0.1", 0), self._handler())
        self._server.daemon_threads = True
        self._server.block_on_close = False  # a "slow" answer must not hold up the test's end
        self.url = f"http://127.0.0.1:{self._server.server_address[1]}/hook"

    def fails_first(self, *outcomes: str) -> None:
        self.script = outcomes

    def answers(self, outcome: str) -> None:
        """Always the same answer, e.g. a permanent ``"400"``."""
        self.script = (outcome,) * 10_000

    def keys_seen(self) -> Counter[str]:
        return Counter(r.key for r in self.requests)

    def _receive(self, request: Request) -> str:
        with self._lock:
            attempt = sum(1 for r in self.requests if r.key == request.key)
            self.requests.append(request)
            outcome = self.script[attempt] if attempt < len(self.script) else "200"
            if outcome in {"200", "slow"} and request.key not in self.applied:
                self.applied[request.key] = json.loads(request.body)
                self.applications[request.key] += 1
            return outcome

    def _handler(self) -> type[BaseHTTPRequestHandler]:
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                body = self.rfile.read(int(self.headers["Content-Length"]))
                signature = self.headers.get(outbox.SIGNATURE_HEADER, "")
                outcome = receiver._receive(
                    Request(
                        key=self.headers.get("Idempotency-Key", ""),
                        body=body,
                        signature=signature,
                        signature_valid=outbox.verify_signature(SECRET, signature, body),
                        attempt_header=self.headers.get("X-Zhiliang-Attempt", ""),
                    )
                )
                if outcome == "drop":
                    self.close_connection = True  # no status line: the worker sees a broken link
                    return
                if outcome == "slow":
                    time.sleep(SLOW_SECONDS)  # applied, but the answer comes too late
                    outcome = "200"
                answer = b'{"ok": true}' if outcome == "200" else b'{"error": "try later"}'
                try:
                    self.send_response(int(outcome))
                    self.send_header("Content-Type", "application/json")
                    self.send_header("Content-Length", str(len(answer)))
                    self.end_headers()
                    self.wfile.write(answer)
                except (BrokenPipeError, ConnectionResetError):
                    pass  # a "slow" answer: the worker has hung up already

            def log_message(self, format: str, *args: object) -> None:
                pass  # keep the test output clean

        return Handler

    def start(self) -> None:
        threading.Thread(target=self._server.serve_forever, daemon=True).start()

    def stop(self) -> None:
        self._server.shutdown()
        self._server.server_close()


@pytest.fixture
def receiver(settings) -> Iterator[Receiver]:
    settings.OUTBOX_TIMEOUT_SECONDS = 0.3
    settings.OUTBOX_BASE_DELAY_SECONDS = 5
    settings.OUTBOX_MAX_DELAY_SECONDS = 60
    settings.OUTBOX_MAX_ATTEMPTS = 6
    server = Receiver()
    server.start()
    yield server
    server.stop()


@pytest.fixture
def endpoint(db, receiver: Receiver) -> OutboxEndpoint:
    return OutboxEndpoint.objects.create(name="credit-publicity", url=receiver.url, secret=SECRET)
