import os
import subprocess
import sys
from typing import Any

from django.core.management.base import BaseCommand, CommandParser


def gunicorn_command(bind: str, workers: int) -> list[str]:
    """gunicorn serving the platform as deployed (``zhiliang/gunicorn_conf.py``)."""
    return [
        sys.executable,
        "-m",
        "gunicorn",
        "zhiliang.wsgi:application",
        "--config",
        "python:zhiliang.gunicorn_conf",
        "--bind",
        bind,
        "--workers",
        str(workers),
    ]


class Command(BaseCommand):
    help = (
        "Serve the platform with gunicorn (static files through WhiteNoise) and run the "
        "background worker beside it; prints the main URLs, demo logins and tokens."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--bind", default=os.environ.get("ZHILIANG_BIND", "127.0.0.1:8000"))
        parser.add_argument(
            "--workers", type=int, default=int(os.environ.get("ZHILIANG_WEB_WORKERS", "2"))
        )
        parser.add_argument(
            "--no-worker",
            action="store_true",
            help="do not start the background worker (run it elsewhere)",
        )

    def handle(self, *args: Any, bind: str, workers: int, no_worker: bool, **opts: Any) -> None:
        from zhiliang.demo.users import DEMO_PASSWORD, demo_tokens

        base = f"http://{bind}"
        lines = [
            "",
            f"  质量 zhiliang is running on {base}/",
            f"  portal        {base}/",
            f"  console       {base}/console/",
            f"  public ledger {base}/ledger/",
            f"  API docs      {base}/api/docs   (OpenAPI: {base}/api/openapi.json)",
            f"  back office   {base}/admin/",
        ]
        if rows := demo_tokens():
            lines += [
                "",
                f"  demo logins (password: {DEMO_PASSWORD}) and API tokens "
                "(send 'Authorization: Bearer <token>'):",
            ]
            lines += [f"    {u.role.value:<18} {u.username:<9} {token}" for u, token in rows]
            lines += ["  `zhiliang demo-tokens` prints them again.", ""]
        self.stdout.write("\n".join(lines))
        self.stdout.flush()
        worker = None
        if not no_worker:
            worker = subprocess.Popen([sys.executable, "-m", "zhiliang.cli", "worker"])
        gunicorn = [
            *gunicorn_command(bind, workers),
            "--access-logfile",
            "-",
            "--forwarded-allow-ips",
            os.environ.get("FORWARDED_ALLOW_IPS", "127.0.0.1"),
        ]
        try:
            subprocess.run(gunicorn, check=False)  # noqa: S603
        except KeyboardInterrupt:
            pass
        finally:
            if worker is not None:
                worker.terminate()
                worker.wait(timeout=15)
