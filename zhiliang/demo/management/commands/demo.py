import functools
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.module_loading import autodiscover_modules
from rich.console import Console
from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    Progress,
    TaskID,
    TextColumn,
    TimeElapsedColumn,
)

from zhiliang.demo import registry_steps, users  # noqa: F401 (they register their steps)
from zhiliang.demo.steps import Context, DemoMismatch, Scale, pending_steps, run_step
from zhiliang.ledger import services as ledger


def _advance(bar: Progress, task: TaskID, n: int) -> None:
    bar.advance(task, n)


class Command(BaseCommand):
    help = "Build the deterministic demo data set; running it again adds nothing."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--scale",
            choices=[s.value for s in Scale],
            default="city",
            help="small ≈ 300, city ≈ 5,000, province ≈ 40,000 enterprises",
        )
        parser.add_argument("--seed", type=int, default=1)

    def handle(self, *args: Any, scale: str, seed: int, **opts: Any) -> None:
        from django.utils import timezone

        # Feature apps register their steps in <app>/demo_steps.py, after the registry's.
        autodiscover_modules("demo_steps")
        try:
            todo = pending_steps(Scale(scale), seed)
        except DemoMismatch as exc:
            raise CommandError(str(exc)) from None
        if not todo:
            self.stdout.write(f"demo data ({scale}, seed {seed}) already loaded")
            return
        ctx = Context(scale=Scale(scale), seed=seed, today=timezone.localdate())
        columns = (
            TextColumn("{task.description:<34}"),
            BarColumn(),
            MofNCompleteColumn(),
            TimeElapsedColumn(),
        )
        with Progress(*columns, console=Console(stderr=True), transient=True) as bar:
            for step in todo:
                ctx.step = step.name
                task = bar.add_task(step.label, total=step.size(ctx))
                ctx.advance = functools.partial(_advance, bar, task)
                items = run_step(step, ctx)
                bar.update(task, completed=bar.tasks[task].total)
                self.stdout.write(f"{step.label}: {items}")
            task = bar.add_task("sequencing the ledger", total=None)
            integrated = ledger.sequence()
        self.stdout.write(f"ledger: {integrated} entries integrated")
