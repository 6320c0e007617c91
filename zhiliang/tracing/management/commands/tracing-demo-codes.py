"""``zhiliang tracing-demo-codes``: codes from the demo data to scan (ok, recalled, clone, and one
in transit to the demo retailer)."""

from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand

from zhiliang.tracing.demo_steps import codes_to_try


class Command(BaseCommand):
    help = "Print demo trace codes to scan: a genuine unit, a recalled one, a cloned label."

    def handle(self, *args: Any, **options: Any) -> None:
        found = codes_to_try()
        if not found:
            self.stdout.write("no demo trace codes: run `zhiliang demo` first")
            return
        for kind, path in found.items():
            self.stdout.write(f"{kind:<16} {settings.PUBLIC_URL}{path}")
