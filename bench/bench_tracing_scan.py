"""Scan resolution throughput with wrk (Debian's package) at 32 connections, against a bare
Django JSON view served by the same gunicorn in the same run (configured as ``zhiliang serve``
runs it: its default number of workers, ``zhiliang/gunicorn_conf.py``).

The bare view returns ``{"status": "ok"}`` through the whole middleware stack; ours is the scan
JSON (``Accept: application/json``) of ``--codes`` different units, each with a history of
commissioning, shipping and receiving, its ledger proofs, the clone check and the scan record
(written by the scan journal), with a Redis cache shared by the workers when ``redis-server`` is
installed (as in production, ``REDIS_URL``). Each label is scanned many times, so after its first
scan each app process serves its code from what it keeps (``selectors/code_states.py``);
``--no-code-cache`` measures every scan reading its code from the database instead. Bare and
scan runs take turns for ``--rounds`` rounds and the median round is reported: on a shared
machine a run now and then goes at half speed, and it may fall on either side. wrk is installed
with apt-get when missing and running as root.

    uv run python bench/bench_tracing_scan.py [--codes 1000] [--seconds 5] [--rounds 3]
        [--no-code-cache] [--database postgres]
"""

import argparse
import http.client
import json
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from _common import ROOT, database_arguments, django_ready, per_database

GTIN = "06901234567892"


def application(environ: dict[str, Any], start_response: Any) -> Any:
    """The platform's WSGI app with one extra route, /bench/bare (loaded by gunicorn)."""
    return _app()(environ, start_response)


_APP: list[Any] = []


def _app() -> Any:
    if not _APP:
        os.environ.setdefault("DJANGO_SETTINGS_MODULE", "zhiliang.settings")
        import django

        django.setup()
        from django.http import HttpRequest, JsonResponse
        from django.urls import path

        import zhiliang.urls
        from zhiliang.tracing import ratelimit

        def bare(request: HttpRequest) -> JsonResponse:
            return JsonResponse({"status": "ok"})

        zhiliang.urls.urlpatterns.insert(0, path("bench/bare", bare))
        ratelimit.SCANS_PER_MINUTE = 10**9  # one client address sends every request here
        from django.core.wsgi import get_wsgi_application

        _APP.append(get_wsgi_application())
    return _APP[0]


def ensure_wrk() -> str:
    found = shutil.which("wrk")
    if found:
        return found
    if os.geteuid() != 0:
        sys.exit("wrk is missing: sudo apt-get install wrk")
    subprocess.run(["apt-get", "install", "-y", "wrk"], check=True, capture_output=True)  # noqa: S607
    return shutil.which("wrk") or sys.exit("wrk could not be installed")


def prepare(codes: int) -> list[str]:
    """Units with a three-step history, captured and in the ledger; returns their scan paths."""
    from django.conf import settings

    from zhiliang.accounts.actors import Actor
    from zhiliang.accounts.roles import Role
    from zhiliang.core.tracing.epcis.validation import parse_document
    from zhiliang.ledger import services as ledger
    from zhiliang.registry import reference
    from zhiliang.registry.tests.factories import EnterpriseFactory, ProductModelFactory
    from zhiliang.tracing import scopes
    from zhiliang.tracing.models import CompanyPrefix
    from zhiliang.tracing.services.capture import capture

    reference.load_regions(settings.SHARED_DIR / "data" / "regions.csv")
    producer = EnterpriseFactory()
    ProductModelFactory(enterprise=producer, gtin=GTIN)
    CompanyPrefix.objects.create(prefix="6901234", enterprise=producer)
    actor = Actor(role=Role.CONNECTED_SYSTEM, scopes=scopes.ALL)
    units = [f"https://id.gs1.org/01/{GTIN}/21/B{n:07d}" for n in range(codes)]
    steps = [("commissioning", "ADD", "2025-03-03"), ("shipping", "OBSERVE", "2025-03-04"),
             ("receiving", "OBSERVE", "2025-03-05")]  # fmt: skip
    for step, action, day in steps:
        for start in range(0, codes, 1000):
            events = [{"type": "ObjectEvent", "eventTime": f"{day}T09:00:00.000+08:00",
                       "eventTimeZoneOffset": "+08:00", "epcList": [unit], "action": action,
                       "bizStep": step, "bizLocation": {"id": "urn:epc:id:sgln:6901234.00001.0"}}
                      for unit in units[start : start + 1000]]  # fmt: skip
            capture(actor=actor, document=parse_document({
                "@context": ["https://ref.gs1.org/standards/epcis/2.0.0/epcis-context.jsonld"],
                "type": "EPCISDocument", "schemaVersion": "2.0",
                "creationDate": "2025-03-05T10:00:00.000+08:00",
                "epcisBody": {"eventList": events}}))  # fmt: skip
    ledger.sequence()
    return [f"/scan/gs1/01/{GTIN}/21/B{n:07d}" for n in range(codes)]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def run_wrk(wrk: str, url: str, seconds: int, script: Path | None) -> tuple[float, float]:
    """(requests per second, p99 latency in ms) of wrk at 32 connections."""
    command = [wrk, "-t4", "-c32", f"-d{seconds}s", "--latency", "-H", "Accept: application/json"]
    if script is not None:
        command += ["-s", str(script)]
    out = subprocess.run([*command, url], capture_output=True, text=True, check=True).stdout  # noqa: S603
    rate = float(re.search(r"Requests/sec:\s+([\d.]+)", out)[1])  # type: ignore[index]
    value, unit = re.search(r"99%\s+([\d.]+)(us|ms|s)", out).groups()  # type: ignore[union-attr]
    p99 = float(value) * {"us": 0.001, "ms": 1.0, "s": 1000.0}[unit]
    non2xx = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    if non2xx:
        print(f"# {url}: {non2xx[1]} error responses", file=sys.stderr)
    return rate, p99


def warm_up(port: int, paths: list[str]) -> float:
    """Scan every label once, one after another (each card built once, into the shared
    cache); returns the mean milliseconds of such a first scan."""
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    started = time.perf_counter()
    for path in paths:
        connection.request("GET", path, headers={"Accept": "application/json"})
        response = connection.getresponse()
        response.read()
        if response.status != 200:
            sys.exit(f"{path}: HTTP {response.status}")
    connection.close()
    return (time.perf_counter() - started) / len(paths) * 1000


def main(args: argparse.Namespace, label: str) -> None:
    django_ready(os.environ["DATABASE_URL"])
    wrk = ensure_wrk()
    paths = prepare(args.codes)
    folder = Path(tempfile.mkdtemp(prefix="zhiliang-wrk-"))
    script = folder / "paths.lua"
    script.write_text(
        "local paths = " + json.dumps(paths).replace("[", "{").replace("]", "}") + "\n"
        "local n = 0\nrequest = function()\n  n = n + 1\n"
        "  return wrk.format(nil, paths[(n % #paths) + 1])\nend\n",
        encoding="utf-8",
    )
    port = free_port()
    env = {**os.environ, "PYTHONPATH": str(ROOT / "bench"), "ZHILIANG_DB_CONN_MAX_AGE": "600",
           "BENCH_SERVER": "1", "ZHILIANG_CODE_CACHE": "1" if args.code_cache else "0"}  # fmt: skip
    redis = None
    if shutil.which("redis-server") and not os.environ.get("REDIS_URL"):
        # As deployed: the app processes share one cache (scan cards, rate-limit counters).
        redis_port = free_port()
        redis = subprocess.Popen(  # noqa: S603
            ["redis-server", "--port", str(redis_port), "--save", "", "--appendonly", "no"],  # noqa: S607
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        )  # fmt: skip
        env["REDIS_URL"] = f"redis://127.0.0.1:{redis_port}/0"
    server = subprocess.Popen(  # noqa: S603
        [sys.executable, "-m", "gunicorn", "bench_tracing_scan:application", "--bind",
         f"127.0.0.1:{port}", "--workers", str(args.workers),
         "--chdir", str(ROOT), "--config", "python:zhiliang.gunicorn_conf"],
        env=env, start_new_session=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )  # fmt: skip
    base = f"http://127.0.0.1:{port}"
    try:
        for _ in range(100):
            try:
                with socket.create_connection(("127.0.0.1", port), timeout=1):
                    break
            except OSError:
                time.sleep(0.2)
        run_wrk(wrk, base + "/bench/bare", 2, None)  # warm up both: every label scanned once
        cold = warm_up(port, paths)
        run_wrk(wrk, base + paths[0], 3, script)
        rounds = []
        for _ in range(args.rounds):  # in turn, so both meet the same moments of a noisy machine
            bare = run_wrk(wrk, base + "/bench/bare", args.seconds, None)
            scan = run_wrk(wrk, base + paths[0], args.seconds, script)
            rounds.append((scan[0] / bare[0], bare, scan))
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        server.wait(timeout=30)
        if redis is not None:
            redis.terminate()
            redis.wait(timeout=10)
    rounds.sort(key=lambda r: r[0])
    ratio, (bare_rate, bare_p99), (scan_rate, scan_p99) = rounds[len(rounds) // 2]
    kept = "" if args.code_cache else ", nothing kept between scans"
    print(
        f"scan resolution ({label}, wrk 32 connections, {args.workers} workers{kept}): "
        f"{scan_rate:,.0f} req/s p99 {scan_p99:.1f} ms vs bare Django JSON view "
        f"{bare_rate:,.0f} req/s p99 {bare_p99:.1f} ms = {ratio:.0%} of the baseline "
        f"(median of {len(rounds)} rounds; all: {', '.join(f'{r[0]:.0%}' for r in rounds)}); "
        f"first scan of a label (card built) {cold:.1f} ms"
    )


if os.environ.get("BENCH_SERVER"):
    _app()  # loaded with the worker, as zhiliang.wsgi is, before gunicorn_conf's hook runs

if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--codes", type=int, default=1000)
    parser.add_argument("--seconds", type=int, default=5, help="of each run of wrk")
    parser.add_argument("--rounds", type=int, default=3, help="bare then scan, this many times")
    parser.add_argument(
        "--no-code-cache",
        dest="code_cache",
        action="store_false",
        help="every scan reads its code from the database (ZHILIANG_CODE_CACHE=0)",
    )
    parser.add_argument(
        "--workers",
        type=int,
        default=int(os.environ.get("ZHILIANG_WEB_WORKERS", "2")),
        help="app processes (default: as `zhiliang serve`; threads per process as gunicorn_conf)",
    )
    database_arguments(parser)
    per_database(main, parser.parse_args())
