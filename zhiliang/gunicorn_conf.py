"""How ``zhiliang serve`` runs gunicorn (the scan benchmark loads the same file, so it measures
what is deployed): threaded workers, a short graceful stop, and a cyclic garbage collector
that leaves the application's own long-lived objects alone.

Loading Django, the URL patterns and every model makes a few hundred thousand objects that live
as long as the worker. Left in the collector's oldest generation, each full collection walks
them all: a pause of tens of milliseconds in whichever request triggers it, which is what a
scan's 99th-percentile latency sees. Once the worker has loaded everything they are moved out of
the collector's sight (``gc.freeze``), and young objects are collected a little less often.

Each worker opens its own listening socket on the port (``reuse_port``, SO_REUSEPORT), and the
kernel spreads new connections over them. With the one socket shared, whichever worker woke
first could take every connection of a burst of keep-alive clients (a load balancer's pool, a
load tester) and leave the other worker idle: half the throughput, seen now and then in the scan
benchmark. The cost: connections still waiting in a worker's queue when that worker stops are
refused, where a shared socket would have handed them to another worker.
"""

import gc
from typing import Any

worker_class = "gthread"
threads = 4
reuse_port = True
graceful_timeout = 10
GC_THRESHOLDS = (5_000, 20, 20)


def post_worker_init(worker: Any) -> None:
    from django.urls import get_resolver

    get_resolver().url_patterns  # noqa: B018 (imports every view module now, not on a request)
    gc.collect()
    gc.freeze()
    gc.set_threshold(*GC_THRESHOLDS)
