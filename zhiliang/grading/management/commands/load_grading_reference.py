"""``zhiliang load_grading_reference``: the grading catalogue, standards, rule sets, policies."""

from typing import Any

from django.core.management.base import BaseCommand, CommandError

from zhiliang.common.errors import DomainError
from zhiliang.grading import services


class Command(BaseCommand):
    help = "Load the shipped grading catalogue, standards, rule sets and policies (idempotent)."

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            loaded = services.load_reference()
        except DomainError as exc:
            raise CommandError(exc.problems[0].reason) from None
        except KeyError as exc:
            raise CommandError(f"unknown product {exc}: run load_reference first") from None
        self.stdout.write(
            f"catalogue entries {loaded.catalogue}, standards {loaded.standards}, "
            f"rule set versions {loaded.rule_versions}, policies {loaded.policies}"
        )
