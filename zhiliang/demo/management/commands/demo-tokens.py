from typing import Any

from django.core.management.base import BaseCommand

from zhiliang.demo.users import DEMO_PASSWORD, demo_tokens


class Command(BaseCommand):
    help = "Print the demo logins and their API tokens again."

    def handle(self, *args: Any, **opts: Any) -> None:
        rows = demo_tokens()
        if not rows:
            self.stderr.write("no demo users here; run `zhiliang demo` first")
            raise SystemExit(1)
        self.stdout.write(f"demo password for every login: {DEMO_PASSWORD}")
        for user, token in rows:
            self.stdout.write(f"{user.role.value:<18} {user.username:<10} {token}  # {user.note}")
