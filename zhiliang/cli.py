"""The `zhiliang` console script: Django's management commands under the platform's name.

`zhiliang demo`, `zhiliang worker`, `zhiliang demo-tokens`, `zhiliang ledger verify` … are the
management commands of the apps; `zhiliang serve` runs the production server.
"""

import os
import sys


def main() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "zhiliang.settings")
    from django.core.management import execute_from_command_line

    execute_from_command_line(["zhiliang", *sys.argv[1:]])


if __name__ == "__main__":
    main()
