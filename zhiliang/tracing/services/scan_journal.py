"""The scan journal: scans are written in batches, off the scan's own response.

A scan is an observation the platform makes, not a fact anybody reported: it feeds clone
detection and the supervision statistics, and nobody is told "recorded" about it. Writing each
one in its own transaction would cost a busy label four round trips to the database per look-up,
so each app process collects its scans for ``TRACING_SCAN_FLUSH_SECONDS`` (0.25 s by default)
and its writer thread writes them in one COPY (a multi-row INSERT on SQLite): no request waits
for a batch to be written, so none takes the latency of it. Until then this process's own
pending scans still count for its clone checks (``pending_points``).

What this costs: a hard kill of an app process (SIGKILL, power loss) loses at most that
process's last quarter of a second of scans; a graceful stop writes them (``atexit``). Captures,
recalls and every other reported fact are never buffered. On PostgreSQL the batch's commit does
not wait for the disk either (``synchronous_commit off`` for that transaction only).

``TRACING_SCAN_FLUSH_SECONDS = 0`` writes every scan at once, in the caller's connection and
transaction (the tests, and a single-user installation).
"""

import atexit
import logging
import os
import threading
import time
import uuid
from collections.abc import Sequence
from dataclasses import dataclass, fields
from datetime import datetime
from decimal import Decimal
from typing import Final

from django.conf import settings
from django.db import close_old_connections, connection, connections, transaction

from zhiliang.tracing.models import Scan

log = logging.getLogger(__name__)

FLUSH_SECONDS: Final = 0.25
MAX_ROWS: Final = 500  # a batch written at once, whatever its age
MAX_PENDING: Final = 100_000  # kept while the database is unreachable; older scans are dropped
ROWS_PER_STATEMENT: Final = 200

_FIELDS: Final = [f for f in Scan._meta.concrete_fields if not f.primary_key]
_COLUMNS: Final = [f.attname for f in _FIELDS]


@dataclass(frozen=True, slots=True)
class ScanRow:
    """One scan as the journal keeps it: the columns of ``Scan`` without its number."""

    code_id: uuid.UUID
    at: datetime
    region_id: int | None
    lat: Decimal | None
    lng: Decimal | None
    by_consumer: bool
    enterprise_id: int | None
    verdict: str


assert [f.name for f in fields(ScanRow)] == _COLUMNS, "ScanRow follows the Scan model"


def flush_seconds() -> float:
    return float(getattr(settings, "TRACING_SCAN_FLUSH_SECONDS", FLUSH_SECONDS))


class ScanJournal:
    """Scans waiting to be written, for one app process."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._rows: list[ScanRow] = []
        self._positioned: dict[uuid.UUID, list[ScanRow]] = {}  # of those rows, by code
        self._oldest = 0.0
        self._pid = os.getpid()
        self._timer: threading.Thread | None = None
        self._full = threading.Event()  # a batch of MAX_ROWS is waiting: write it now

    def add(self, scan: ScanRow) -> None:
        """Queue one scan for the writer thread (or write it at once without batching)."""
        if flush_seconds() <= 0:
            write([scan])
            return
        self._forked()
        with self._lock:
            if not self._rows:
                self._oldest = time.monotonic()
            self._rows.append(scan)
            if scan.lat is not None:
                self._positioned.setdefault(scan.code_id, []).append(scan)
            if len(self._rows) >= MAX_ROWS:
                self._full.set()
            if self._timer is None:
                self._start_timer()

    def flush(self) -> int:
        """Write every pending scan now; the number written."""
        with self._lock:
            due = self._take()
        if due:
            self._write(due)
        return len(due)

    def _take(self) -> list[ScanRow]:
        due, self._rows, self._positioned = self._rows, [], {}
        return due

    def pending_points(self, code_id: uuid.UUID) -> list[ScanRow]:
        """This process's unwritten scans of one code that carry a position."""
        with self._lock:
            return list(self._positioned.get(code_id, ()))

    def __len__(self) -> int:
        return len(self._rows)

    def _write(self, rows: list[ScanRow]) -> None:
        try:
            write(rows)
        except Exception:
            log.exception("writing %d scans failed; kept for the next attempt", len(rows))
            with self._lock:
                self._rows[:0] = rows
                del self._rows[:-MAX_PENDING]
                self._positioned = {}
                for row in self._rows:
                    if row.lat is not None:
                        self._positioned.setdefault(row.code_id, []).append(row)

    def _forked(self) -> None:
        """A worker forked from a process that had started the journal starts afresh."""
        if self._pid != os.getpid():
            self._lock, self._full = threading.Lock(), threading.Event()
            self._rows, self._positioned, self._timer, self._pid = [], {}, None, os.getpid()

    def _start_timer(self) -> None:
        self._timer = threading.Thread(target=self._tick, name="scan-journal", daemon=True)
        self._timer.start()

    def _tick(self) -> None:
        """The writer: every interval, write the scans that are due; after an interval with
        none, let the database connection go (a quiet process holds none)."""
        connected = False
        while True:
            wait = max(flush_seconds(), 0.05)
            self._full.wait(wait)
            self._full.clear()
            with self._lock:
                rows = len(self._rows)
                due = rows >= MAX_ROWS or (rows and time.monotonic() - self._oldest >= wait)
            try:
                if due:
                    close_old_connections()
                    connected = True
                    self.flush()
                elif connected and not rows:
                    connections.close_all()
                    connected = False
            except Exception:  # the writer outlives any one failure
                log.exception("the scan journal's writer failed; it goes on")


def write(rows: Sequence[ScanRow]) -> None:
    """Insert scans in one transaction: COPY on PostgreSQL, a few hundred rows per INSERT
    elsewhere."""
    outer = connection.in_atomic_block  # then the setting would outlive this write
    with transaction.atomic(), connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            if not outer:
                cursor.execute("SET LOCAL synchronous_commit TO OFF")
            with (
                connection.wrap_database_errors,
                connection.connection.cursor() as raw,
                raw.copy(_COPY) as copy,
            ):
                for scan in rows:
                    copy.write_row([getattr(scan, name) for name in _COLUMNS])
            return
        for start in range(0, len(rows), ROWS_PER_STATEMENT):
            part = rows[start : start + ROWS_PER_STATEMENT]
            values = ", ".join([_ROW] * len(part))
            cursor.execute(
                _INSERT + values,
                [
                    f.get_db_prep_save(getattr(s, f.attname), connection)
                    for s in part
                    for f in _FIELDS
                ],
            )


_Q: Final = '"{}"'.format
_ROW: Final = "(" + ", ".join(["%s"] * len(_FIELDS)) + ")"
_INSERT: Final = (  # names from the model, the values are parameters
    f"INSERT INTO {_Q(Scan._meta.db_table)} ({', '.join(_Q(f.column) for f in _FIELDS)}) VALUES "  # noqa: S608
)
_COPY: Final = (  # names from the model
    f"COPY {_Q(Scan._meta.db_table)} ({', '.join(_Q(f.column) for f in _FIELDS)}) FROM STDIN"
)


journal: Final = ScanJournal()
atexit.register(journal.flush)
