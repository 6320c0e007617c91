import signal
import time
from types import FrameType
from typing import Any

from django.core.management.base import BaseCommand, CommandParser
from django.db import close_old_connections

from zhiliang.common import worker


class Command(BaseCommand):
    help = "Run the background jobs (outbox delivery, ledger sequencing …) until stopped."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--once", action="store_true", help="run one round and exit")
        parser.add_argument(
            "--idle-sleep",
            type=float,
            default=1.0,
            help="seconds to wait when a round found nothing to do",
        )

    def handle(self, *args: Any, once: bool, idle_sleep: float, **opts: Any) -> None:
        self.stderr.write(f"worker: jobs {', '.join(worker.jobs()) or '(none)'}")
        if once:
            # One round in the caller's connection: closing it here would break a caller that
            # is inside a transaction (a test, a script), and nothing long-lived is left behind.
            done = worker.run_round()
            self.stdout.write(" ".join(f"{k}={v}" for k, v in done.items()))
            return
        self._run_until_stopped(idle_sleep)

    def _run_until_stopped(self, idle_sleep: float) -> None:
        stopping = False

        def stop(signum: int, frame: FrameType | None) -> None:
            nonlocal stopping
            stopping = True

        # SIGTERM (a deploy, systemd) ends the worker after the round in progress, so no message
        # is left half-recorded; its lease would expire anyway, but this avoids a second send.
        previous = {sig: signal.signal(sig, stop) for sig in (signal.SIGTERM, signal.SIGINT)}
        try:
            while not stopping:
                # A worker lives for days: drop connections the database or CONN_MAX_AGE ended.
                close_old_connections()
                done = worker.run_round()
                if not any(done.values()):
                    time.sleep(idle_sleep)
        finally:
            for sig, handler in previous.items():
                signal.signal(sig, handler)
