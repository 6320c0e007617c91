"""What scans read of a code, kept in each app process until PostgreSQL says the code changed.

A label scanned again and again (a shelf of a popular product, a copied label) reads the same
code row and the same recent positioned scans each time, and that round trip to the database
costs more than the rest of the scan. Each app process keeps what it read, for up to
``CAPACITY`` codes, and a thread of its own listens on the channel ``zhiliang_codes``, where
triggers (migration ``tracing/0006``) name, at commit, every code whose row or positioned scans a
statement changed, whichever part of the platform made the change.

What keeps it right:

* Nothing is kept or served unless the listener is listening. When its connection is lost,
  everything kept is dropped, and nothing is kept until it listens again.
* A read that began before a notice arrived is not kept: each notice moves a generation
  counter, and a read keeps its result only if the counter has not moved since it began.
* A request inside a transaction neither reads from nor adds to what is kept: the transaction
  may have changed the code itself, and may still be rolled back.
* The price: between a change's commit and its notice's arrival (a millisecond or two), a scan
  in another process may still show the code as it was.

On SQLite (one process: development, the demo) nothing is kept. ``TRACING_CODE_CACHE = False``
(``ZHILIANG_CODE_CACHE=0``) turns it off, for a database reached through a connection pooler in
transaction mode, where LISTEN does not work.
"""

import logging
import os
import threading
import uuid
from collections import OrderedDict
from typing import Any, Final

import psycopg
from django.conf import settings
from django.db.backends.base.base import BaseDatabaseWrapper

log = logging.getLogger(__name__)

CHANNEL: Final = "zhiliang_codes"
LISTENER_NAME: Final = "zhiliang-code-notices"  # its application_name in pg_stat_activity
ALL: Final = "*"
CAPACITY: Final = 50_000
IDLE_SECONDS: Final = 1.0  # the listener checks its connection and whether to stop this often
RETRY_SECONDS: Final = (0.5, 30.0)  # first and longest wait before listening again

Entry = tuple[Any, Any]  # what ``selectors.scan.find_for_scan`` read: the code's state, its points


class CodeStates:
    """One app process's kept reads, by (code key, with points)."""

    def __init__(self) -> None:
        self._pid: int | None = None
        self._start_lock = threading.Lock()
        self._lock = threading.Lock()
        self._entries: OrderedDict[tuple[uuid.UUID, bool], Entry] = OrderedDict()
        self._generation = 0
        self._listening = False
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    def usable(self, db: BaseDatabaseWrapper) -> bool:
        """Whether this read may use what is kept: PostgreSQL, outside a transaction, with this
        process's listener listening (started on the first call in each process)."""
        if db.in_atomic_block or db.vendor != "postgresql":
            return False
        if self._pid != os.getpid():
            self._start(db)
        return self._listening

    def get(self, key: uuid.UUID, with_points: bool) -> Entry | None:
        return self._entries.get((key, with_points))

    def ticket(self) -> int:
        """Taken before the database is read; ``keep`` needs it."""
        return self._generation

    def keep(self, key: uuid.UUID, with_points: bool, entry: Entry, ticket: int) -> None:
        """Keep a read unless a notice arrived since its ``ticket`` was taken (the code may
        have changed after the database answered) or the listener stopped listening."""
        with self._lock:
            if ticket != self._generation or not self._listening:
                return
            self._entries[(key, with_points)] = entry
            if len(self._entries) > CAPACITY:
                self._entries.popitem(last=False)

    def heard(self, payload: str) -> None:
        """A notice: drop the codes it names (all of them for ``*`` or anything unreadable)."""
        try:
            keys = [] if payload == ALL else [uuid.UUID(text) for text in payload.split(",")]
        except ValueError:
            keys = []
            payload = ALL
        with self._lock:
            self._generation += 1
            if payload == ALL:
                self._entries.clear()
                return
            for key in keys:
                self._entries.pop((key, True), None)
                self._entries.pop((key, False), None)

    def _listening_now(self, listening: bool) -> None:
        with self._lock:
            self._generation += 1
            self._entries.clear()
            self._listening = listening

    def __len__(self) -> int:
        return len(self._entries)

    @property
    def listening(self) -> bool:
        return self._listening

    def _start(self, db: BaseDatabaseWrapper) -> None:
        with self._start_lock:
            if self._pid == os.getpid():
                return
            # A new process (a forked app worker) starts afresh: its parent's thread is not here.
            self._lock = threading.Lock()
            self._entries = OrderedDict()
            self._listening = False
            self._stop = threading.Event()
            self._thread = None
            if getattr(settings, "TRACING_CODE_CACHE", True):
                self._thread = threading.Thread(
                    target=self._listen,
                    args=(db.get_connection_params(), self._stop),
                    name=LISTENER_NAME,
                    daemon=True,
                )
                self._thread.start()
            self._pid = os.getpid()

    def stop(self) -> None:
        """Stop listening and forget everything; the next ``usable`` starts again (tests, and
        settings that changed)."""
        with self._start_lock:
            self._stop.set()
            thread, self._thread = self._thread, None
            self._pid = None
        if thread is not None and thread is not threading.current_thread():
            thread.join(timeout=IDLE_SECONDS * 5)
        self._listening_now(False)

    def _listen(self, params: dict[str, Any], stop: threading.Event) -> None:
        wait = RETRY_SECONDS[0]
        while not stop.is_set():
            try:
                with psycopg.connect(
                    **params, autocommit=True, application_name=LISTENER_NAME
                ) as conn:
                    conn.execute(f"LISTEN {CHANNEL}")
                    self._listening_now(True)
                    wait = RETRY_SECONDS[0]
                    while not stop.is_set():
                        for notice in conn.notifies(timeout=IDLE_SECONDS):
                            self.heard(notice.payload)
                        conn.execute("SELECT 1")  # a connection that died quietly says so here
            except psycopg.Error as exc:
                log.warning("code change notices: %s; listening again in %.1f s", exc, wait)
            finally:
                self._listening_now(False)
            if stop.wait(wait):
                break
            wait = min(wait * 2, RETRY_SECONDS[1])


code_states: Final = CodeStates()
