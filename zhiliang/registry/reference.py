"""Load reference data: GB/T 2260 regions from shared/data/regions.csv and the catalogue seed.

Both loads are idempotent upserts keyed by code, so a bureau can re-run them after the source
files change. The nation is the root of the region tree (GB/T 2260 gives it no code; "000000"
is ours) so that a national regulator's jurisdiction is a subtree like any other.
"""

import csv
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path

from django.db import transaction

from zhiliang.registry.models import Product, ProductCategory, Region, RegionLevel

NATION_CODE = "000000"
SEED_DIR = Path(__file__).resolve().parent / "seed"


@dataclass(frozen=True)
class Loaded:
    created: int
    updated: int


@transaction.atomic
def load_regions(csv_path: Path) -> Loaded:
    with csv_path.open(encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    nation, made = Region.objects.update_or_create(
        code=NATION_CODE,
        defaults={
            "name": "中华人民共和国",
            "level": RegionLevel.NATION,
            "parent": None,
            "path": f"{NATION_CODE}/",
            "kind": "国家",
        },
    )
    created, updated = int(made), int(not made)
    by_code = {NATION_CODE: nation}
    # Parents come before children once rows are ordered by level.
    order = {
        RegionLevel.PROVINCE: 0,
        RegionLevel.CITY: 1,
        RegionLevel.COUNTY: 2,
        RegionLevel.TOWN: 3,
    }
    for row in sorted(rows, key=lambda r: order[RegionLevel(r["level"])]):
        parent = by_code.get(row["parent_code"] or NATION_CODE) or Region.objects.get(
            code=row["parent_code"]
        )
        region, made = Region.objects.update_or_create(
            code=row["code"],
            defaults={
                "name": row["name"],
                "level": row["level"],
                "parent": parent,
                "path": f"{parent.path}{row['code']}/",
                "kind": row["type"],
                "nbs_code": row["nbs_stat_code_2023"],
                "status": row["status"],
                "lng": Decimal(row["lng"]) if row["lng"] else None,
                "lat": Decimal(row["lat"]) if row["lat"] else None,
                "note": row["note"],
            },
        )
        by_code[region.code] = region
        created, updated = created + int(made), updated + int(not made)
    return Loaded(created, updated)


@transaction.atomic
def load_catalogue(seed_dir: Path = SEED_DIR) -> Loaded:
    created = updated = 0
    with (seed_dir / "categories.csv").open(encoding="utf-8", newline="") as handle:
        for row in csv.DictReader(handle):
            _category, made = ProductCategory.objects.update_or_create(
                code=row["code"], defaults={"name": row["name"], "name_en": row["name_en"]}
            )
            created, updated = created + int(made), updated + int(not made)
    categories = {c.code: c for c in ProductCategory.objects.all()}
    with (seed_dir / "products.csv").open(encoding="utf-8", newline="") as handle:
        for row in csv.DictReader(handle):
            _product, made = Product.objects.update_or_create(
                code=row["code"],
                defaults={
                    "category": categories[row["category"]],
                    "name": row["name"],
                    "name_en": row["name_en"],
                    "requires_production_licence": row["licence"] == "1",
                    "requires_ccc": row["ccc"] == "1",
                    "has_mandatory_standard": row["mandatory"] == "1",
                    "key_supervision": row["key_supervision"] == "1",
                    "tracing_phase": row["tracing_phase"],
                    "in_grading_catalogue": row["grading"] == "1",
                    "illustrative": row["illustrative"] == "1",
                    "source": row["source"][:200],
                },
            )
            created, updated = created + int(made), updated + int(not made)
    return Loaded(created, updated)


def product_codes(seed_dir: Path = SEED_DIR) -> dict[str, dict[str, str]]:
    """The seed's extra columns (CCC category, licence code) for the demo generator."""
    with (seed_dir / "products.csv").open(encoding="utf-8", newline="") as handle:
        return {row["code"]: row for row in csv.DictReader(handle)}
