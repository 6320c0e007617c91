"""The demo data set, built by composable steps.

Each step is deterministic for a given scale and seed (its own ``random.Random`` seeded with
"<seed>:<step>"), runs in one transaction, and is recorded in ``DemoStep`` so that running the
generator again adds nothing. Later features register their own steps (grading records, trace
events, spot checks …) with ``register_step``; they read what earlier steps made from the
database, never from module state.
"""

import dataclasses
import enum
import hashlib
import random
from collections.abc import Callable
from datetime import date, timedelta
from pathlib import Path

from django.conf import settings
from django.db import transaction

from zhiliang.demo.models import DemoStep


class Scale(enum.StrEnum):
    SMALL = "small"
    CITY = "city"
    PROVINCE = "province"


ENTERPRISES = {Scale.SMALL: 300, Scale.CITY: 5_000, Scale.PROVINCE: 40_000}


@dataclasses.dataclass
class Context:
    scale: Scale
    seed: int
    today: date
    advance: Callable[[int], None] = lambda n: None
    step: str = ""

    @property
    def rng(self) -> random.Random:
        """A fresh generator per step, so adding a step never changes what others build."""
        return random.Random(f"{self.seed}:{self.step}")  # noqa: S311 (demo data, not security)

    @property
    def enterprise_count(self) -> int:
        return ENTERPRISES[self.scale]

    def key_seed(self, purpose: str) -> bytes:
        """Deterministic 32-byte seed for demo keys (labs' Ed25519 keys …); demo only."""
        return hashlib.sha256(f"zhiliang demo {purpose}:{self.seed}".encode()).digest()


@dataclasses.dataclass(frozen=True)
class Step:
    name: str
    label: str
    size: Callable[[Context], int]  # items, for the progress bar
    run: Callable[[Context], int]  # returns the items made


_STEPS: list[Step] = []


def register_step(step: Step, *, after: str | None = None) -> None:
    if any(s.name == step.name for s in _STEPS):
        return
    if after is None:
        _STEPS.append(step)
    else:
        index = next(i for i, s in enumerate(_STEPS) if s.name == after)
        _STEPS.insert(index + 1, step)


def steps() -> list[Step]:
    return list(_STEPS)


class DemoMismatch(Exception):
    """The database already holds demo data of another scale or seed."""


def pending_steps(scale: Scale, seed: int) -> list[Step]:
    done = {s.name: s for s in DemoStep.objects.all()}
    for step in done.values():
        if (step.scale, step.seed) != (scale.value, seed):
            raise DemoMismatch(
                f"this database holds demo data of scale {step.scale} and seed {step.seed}; "
                f"use a fresh database for scale {scale.value} and seed {seed}"
            )
    return [s for s in _STEPS if s.name not in done]


def run_step(step: Step, ctx: Context) -> int:
    with transaction.atomic():
        ctx.step = step.name
        items = step.run(ctx)
        DemoStep.objects.create(name=step.name, scale=ctx.scale.value, seed=ctx.seed, items=items)
    return items


def shared_data_dir() -> Path:
    return settings.SHARED_DIR / "data"


def days_before(today: date, rng: random.Random, low: int, high: int) -> date:
    return today - timedelta(days=rng.randint(low, high))
