"""The background worker's jobs: each app registers what it needs done repeatedly.

``zhiliang worker`` runs every registered job in turn until stopped; a job returns how much it
did, so the loop sleeps only when a whole round found nothing to do. Jobs must be safe to run in
several workers at once (they claim their work with row locks or leases).
"""

from collections.abc import Callable

Job = Callable[[], int]
_JOBS: dict[str, Job] = {}


def register_job(name: str, job: Job) -> None:
    _JOBS[name] = job


def jobs() -> dict[str, Job]:
    return dict(_JOBS)


def run_round() -> dict[str, int]:
    """Run every job once; returns how many items each one handled."""
    return {name: job() for name, job in _JOBS.items()}
