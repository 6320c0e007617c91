"""Inclusion and consistency proof times, and `ledger verify` time, on a log of --leaves entries.

Proofs are timed through the selectors (one tile query each, hashing in Python) and through the
HTTP API (Django and ninja included); the baseline is the cheapest read there is, one leaf row
by primary key. `ledger verify` is compared with reading the same rows without hashing them.

    uv run python bench/bench_ledger_proofs.py [--leaves 1000000] [--samples 2000]
"""

import argparse
import random
import time

from _common import (
    best_of,
    database_arguments,
    django_ready,
    per_database,
    report,
    report_latency,
    timings,
)

BUILD_CHUNK = 50_000


def build(leaves: int) -> float:
    """Append and sequence ``leaves`` registry-sized facts; returns the seconds it took."""
    from bench_ledger_append import bodies
    from django.db import transaction

    from zhiliang.ledger import services

    facts = bodies(min(leaves, BUILD_CHUNK))
    start = time.perf_counter()
    for done in range(0, leaves, BUILD_CHUNK):
        with transaction.atomic():
            services.append_many("registry.enterprise", facts[: min(BUILD_CHUNK, leaves - done)])
        services.sequence()
    return time.perf_counter() - start


def main(args: argparse.Namespace, label: str) -> None:
    django_ready()
    from django.db import connection
    from django.test import Client

    from zhiliang.ledger import integrity, selectors, store

    seconds = build(args.leaves)
    size = selectors.tree_size()
    assert size == args.leaves
    print(f"# built a log of {size:,} leaves on {label} in {seconds:.1f} s")

    rng = random.Random(7)
    indexes = [rng.randrange(size) for _ in range(args.samples)]
    firsts = [rng.randrange(1, size) for _ in range(args.samples)]

    def one_row(index: int) -> None:
        with connection.cursor() as cursor:
            cursor.execute("SELECT entry FROM ledger_leaf WHERE leaf_index = %s", [index])
            cursor.fetchone()

    baseline = timings(one_row, indexes)
    for _ in range(2):  # warm the caches the same way for every measurement
        timings(lambda i: selectors.inclusion_proof(leaf_index=i, tree_size=size), indexes[:200])
    inclusion = timings(lambda i: selectors.inclusion_proof(leaf_index=i, tree_size=size), indexes)
    consistency = timings(lambda m: selectors.consistency_proof(m, size), firsts)
    report_latency(f"inclusion proof [{label}, {size:,}]", inclusion, baseline, "one-row read")
    report_latency(f"consistency proof [{label}, {size:,}]", consistency, baseline, "one-row read")

    client = Client()

    def over_http(index: int) -> None:
        params = {"leaf_index": index, "tree_size": size}
        response = client.get("/api/ledger/proof/inclusion", params)
        assert response.status_code == 200, response.content

    http = timings(over_http, indexes[: args.samples // 4])
    report_latency(f"inclusion proof over HTTP [{label}, {size:,}]", http, baseline, "one-row read")

    def read_all() -> None:
        for start in range(0, size, integrity.CHUNK):
            store.read_entries(start, min(size, start + integrity.CHUNK))

    scan = best_of(1, read_all)
    verify = best_of(1, integrity.check_ledger)
    report(f"ledger verify [{label}]", size, verify, scan, what="reading the leaves")


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--leaves", type=int, default=20_000)
    parser.add_argument("--samples", type=int, default=2_000)
    database_arguments(parser)
    per_database(main, parser.parse_args())
