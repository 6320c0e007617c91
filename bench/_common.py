"""Helpers shared by the benchmarks: a scratch database, best-of timing, one line per result.

Every benchmark runs against a scratch database of its own (a temporary SQLite file, or a
PostgreSQL database named ``zhiliang_bench``), never the development database, and compares
itself with a baseline run in the same process on the same data, so the ratio holds on a noisy
machine. Sizes are flags; the defaults are small enough for CI.
"""

import argparse
import os
import statistics
import sys
import tempfile
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

DEFAULT_POSTGRES = "postgres://postgres@127.0.0.1:5432/zhiliang_bench"


def database_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--database",
        choices=["sqlite", "postgres"],
        action="append",
        help="database to measure on (repeatable); default: both, PostgreSQL if reachable",
    )
    parser.add_argument(
        "--postgres-url",
        default=os.environ.get("BENCH_POSTGRES_URL", DEFAULT_POSTGRES),
        help="scratch PostgreSQL database, dropped and created afresh (default: %(default)s)",
    )


def _fresh_postgres(url: str) -> bool:
    """Drop and create the scratch database; False when the server cannot be reached."""
    import psycopg

    parts = urlsplit(url)
    name = parts.path.lstrip("/")
    admin = urlunsplit(parts._replace(path="/postgres"))
    try:
        with psycopg.connect(admin, autocommit=True, connect_timeout=3) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
            conn.execute(f'CREATE DATABASE "{name}"')
    except psycopg.OperationalError as exc:
        print(f"# PostgreSQL not reachable at {admin}: {exc}".splitlines()[0], file=sys.stderr)
        return False
    return True


def database_urls(args: argparse.Namespace) -> list[tuple[str, str]]:
    """(label, DATABASE_URL) for each database to measure, each freshly created."""
    chosen = args.database or ["sqlite", "postgres"]
    urls = []
    if "sqlite" in chosen:
        folder = tempfile.mkdtemp(prefix="zhiliang-bench-")
        urls.append(("sqlite", f"sqlite:///{folder}/bench.sqlite3"))
    if "postgres" in chosen and (_fresh_postgres(args.postgres_url) or args.database):
        urls.append(("postgres", args.postgres_url))
    return urls


def django_ready(database_url: str | None = None) -> None:
    """Set Django up on ``database_url`` (default: ``DATABASE_URL``, else a scratch SQLite
    file, never the development database) and migrate it. Once per process: run each database
    in its own process (see ``per_database``)."""
    if database_url is None:
        database_url = os.environ.get("DATABASE_URL") or (
            f"sqlite:///{tempfile.mkdtemp(prefix='zhiliang-bench-')}/bench.sqlite3"
        )
    os.environ["DATABASE_URL"] = database_url
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "zhiliang.settings")
    os.environ.setdefault("ALLOWED_HOSTS", "testserver,127.0.0.1,localhost")
    os.environ.setdefault("ZHILIANG_SIGNING_KEY", "YmVuY2ggYmVuY2ggYmVuY2ggYmVuY2ggYmVuY2ggYmU=")
    import django
    from django.core.management import call_command

    django.setup()
    call_command("migrate", verbosity=0)


def per_database(main: Callable[[argparse.Namespace, str], None], args: argparse.Namespace) -> None:
    """Run ``main(args, label)`` once per database, each in a child process of its own."""
    if os.environ.get("BENCH_CHILD"):
        main(args, os.environ["BENCH_CHILD"])
        return
    import subprocess

    for label, url in database_urls(args):
        env = {**os.environ, "BENCH_CHILD": label, "DATABASE_URL": url}
        subprocess.run([sys.executable, *sys.argv], env=env, check=True)  # noqa: S603


def best_of(
    runs: int, work: Callable[[], object], reset: Callable[[], object] | None = None
) -> float:
    """The shortest of ``runs`` timings of ``work``, in seconds; ``reset`` runs untimed first."""
    best = float("inf")
    for _ in range(runs):
        if reset is not None:
            reset()
        start = time.perf_counter()
        work()
        best = min(best, time.perf_counter() - start)
    return best


def report(name: str, items: int, ours: float, baseline: float, what: str = "plain INSERT") -> None:
    """One line: our rate, the baseline's rate, and ours as a share of the baseline."""
    print(
        f"{name}: {items:,} items, {items / ours:,.0f}/s vs {what} {items / baseline:,.0f}/s "
        f"= {baseline / ours:.0%} of the baseline rate"
    )


def timings(work: Callable[[int], object], inputs: Sequence[int]) -> list[float]:
    """Seconds per call of ``work`` on each input."""
    samples = []
    for value in inputs:
        start = time.perf_counter()
        work(value)
        samples.append(time.perf_counter() - start)
    return samples


def report_latency(name: str, ours: Sequence[float], baseline: Sequence[float], what: str) -> None:
    """One line: median and 99th percentile of ours, and the baseline's median."""
    p99 = statistics.quantiles(ours, n=100)[98]
    print(
        f"{name}: {len(ours):,} calls, median {statistics.median(ours) * 1000:.3f} ms, "
        f"p99 {p99 * 1000:.3f} ms vs {what} median {statistics.median(baseline) * 1000:.3f} ms"
    )
