"""Peak memory of code batches of growing size through a real server: issuing N codes
(``POST /api/tracing/code-batches``), downloading their CSV print file, and registering N codes
from a producer's own system (``POST /api/tracing/code-batches/registrations``, one code per line,
the body streamed). Each size runs on a fresh gunicorn worker, whose peak resident memory
(``VmHWM``) is read after the requests: flat means the peak does not grow with N.

    uv run python bench/bench_tracing_issue.py [--sizes 10000,100000,1000000] [--database postgres]
"""

import argparse
import os
import signal
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
from _common import ROOT, database_arguments, django_ready, per_database

GTIN = "06901234567892"
LINE_BYTES = 13  # a registered serial: R, 11 digits, newline


def prepare() -> str:
    """A producer with a model and an API token; returns the token."""
    from django.conf import settings

    from zhiliang.accounts import services
    from zhiliang.accounts.models import User
    from zhiliang.accounts.roles import Role
    from zhiliang.registry import reference
    from zhiliang.registry.tests.factories import EnterpriseFactory, ProductModelFactory

    reference.load_regions(settings.SHARED_DIR / "data" / "regions.csv")
    producer = EnterpriseFactory()
    ProductModelFactory(enterprise=producer, gtin=GTIN)
    user = User.objects.create_user(
        username="bench-producer", role=Role.ENTERPRISE_MEMBER, enterprise=producer
    )
    return services.ensure_demo_token(user)


def model_id() -> int:
    from zhiliang.registry.models import ProductModel

    return ProductModel.objects.get(gtin=GTIN).pk


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def serve(port: int, folder: Path) -> subprocess.Popen[bytes]:
    env = {
        **os.environ,
        "ZHILIANG_MAX_BODY_BYTES": str(1 << 30),  # the deployment's limit is set for its uploads
        "ZHILIANG_VAR_DIR": str(folder / "var"),
        "ZHILIANG_PUBLIC_URL": f"http://127.0.0.1:{port}",
    }
    server = subprocess.Popen(  # noqa: S603
        [sys.executable, "-m", "gunicorn", "zhiliang.wsgi:application", "--bind",
         f"127.0.0.1:{port}", "--workers", "1", "--timeout", "1800", "--chdir", str(ROOT)],
        env=env, start_new_session=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )  # fmt: skip
    for _ in range(150):
        try:
            httpx.get(f"http://127.0.0.1:{port}/healthz", timeout=2)
            return server
        except httpx.HTTPError:
            time.sleep(0.2)
    sys.exit("the server did not start")


def worker_peak_mb(master: int) -> float:
    """The peak resident memory of the master's worker (there is one), in MB."""
    children = Path(f"/proc/{master}/task/{master}/children").read_text().split()
    for line in Path(f"/proc/{children[0]}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def lines(count: int, start: int) -> Iterator[bytes]:
    block: list[bytes] = []
    for n in range(start, start + count):
        block.append(b"R%011d\n" % n)
        if len(block) == 10_000:
            yield b"".join(block)
            block = []
    if block:
        yield b"".join(block)


def measure(token: str, model: int, size: int, start: int, folder: Path) -> dict[str, float]:
    port = free_port()
    server = serve(port, folder)
    base = f"http://127.0.0.1:{port}/api/tracing"
    headers = {"Authorization": f"Bearer {token}"}
    found: dict[str, float] = {}
    try:
        with httpx.Client(headers=headers, timeout=1800) as client:
            found["idle"] = worker_peak_mb(server.pid)
            began = time.perf_counter()
            issued = client.post(
                base + "/code-batches",
                json={"product_model_id": model, "scheme": "gs1", "count": size, "lot": "B1"},
            )
            issued.raise_for_status()
            found["issue_s"] = time.perf_counter() - began
            found["issue"] = worker_peak_mb(server.pid)
            rows = 0
            with client.stream("GET", f"{base}/code-batches/{issued.json()['id']}/codes") as got:
                got.raise_for_status()
                for _line in got.iter_lines():
                    rows += 1
            assert rows == size + 1, rows  # a header, then every code
            found["download"] = worker_peak_mb(server.pid)
            began = time.perf_counter()
            registered = client.post(
                f"{base}/code-batches/registrations?product_model_id={model}&scheme=gs1",
                content=lines(size, start),
                headers={"Content-Type": "text/plain", "Content-Length": str(size * LINE_BYTES)},
            )
            registered.raise_for_status()
            assert registered.json()["count"] == size
            found["register_s"] = time.perf_counter() - began
            found["register"] = worker_peak_mb(server.pid)
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        server.wait(timeout=60)
    return found


def main(args: argparse.Namespace, label: str) -> None:
    django_ready(os.environ["DATABASE_URL"])
    token = prepare()
    model = model_id()
    folder = Path(tempfile.mkdtemp(prefix="zhiliang-issue-"))
    start = 0
    results = []
    for size in args.sizes:
        results.append((size, measure(token, model, size, start, folder)))
        start += size
    for size, found in results:
        print(
            f"code batch of {size:,} ({label}): worker peak RSS idle {found['idle']:.0f} MB, "
            f"after issuing {found['issue']:.0f} MB ({size / found['issue_s']:,.0f} codes/s), "
            f"after downloading its CSV {found['download']:.0f} MB, after registering "
            f"{found['register']:.0f} MB ({size / found['register_s']:,.0f} codes/s)"
        )
    first, last = results[0][1], results[-1][1]
    growth = last["register"] - first["register"]
    print(
        f"peak memory {results[0][0]:,} → {results[-1][0]:,} codes ({label}): "
        f"{first['register']:.0f} MB → {last['register']:.0f} MB ({growth:+.0f} MB)"
    )


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--sizes",
        type=lambda text: [int(n) for n in text.split(",")],
        default=[10_000, 100_000, 1_000_000],
    )
    database_arguments(parser)
    per_database(main, parser.parse_args())
