from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from zhiliang.registry import reference


class Command(BaseCommand):
    help = "Load GB/T 2260 regions (shared/data/regions.csv) and the product catalogue seed."

    def handle(self, *args: Any, **opts: Any) -> None:
        regions_csv = settings.SHARED_DIR / "data" / "regions.csv"
        if not regions_csv.exists():
            raise CommandError(f"{regions_csv} not found; set ZHILIANG_SHARED to the shared folder")
        regions = reference.load_regions(regions_csv)
        catalogue = reference.load_catalogue()
        self.stdout.write(
            f"regions: {regions.created} new, {regions.updated} updated; "
            f"catalogue: {catalogue.created} new, {catalogue.updated} updated"
        )
