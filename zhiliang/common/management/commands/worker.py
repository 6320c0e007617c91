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
        stopping = False

        def stop(signum: int, frame: FrameType | None) -> None:
            nonlocal stopping
            stopping = True

        signal.signal(signal.SIGTERM, stop)
        signal.signal(signal.SIGINT, stop)
        self.stderr.write(f"worker: jobs {', '.join(worker.jobs()) or '(none)'}")
        while not stopping:
            close_old_connections()
            done = worker.run_round()
            if once:
                self.stdout.write(" ".join(f"{k}={v}" for k, v in done.items()))
                return
            if not any(done.values()):
                time.sleep(idle_sleep)
