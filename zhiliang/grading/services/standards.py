"""The catalogue and the standards (G1, G2): versioned, precedence-checked, ledgered.

Administrators change them through the admin or the reference loader; the public reads them.
Rule sets are never edited in place: each change adds a version, and a record keeps the version
it was graded under.
"""

import hashlib
import json
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

from django.db import transaction
from django.utils.dateparse import parse_date

from zhiliang.accounts.actors import Actor
from zhiliang.common.audit import record_audit
from zhiliang.common.errors import DomainError, Problem
from zhiliang.core.grading import precedence, validate
from zhiliang.grading import facts, selectors
from zhiliang.grading.models import CatalogueEntry, GradingStandard, Policy, RuleSetVersion
from zhiliang.grading.problems import problem
from zhiliang.grading.services.common import SYSTEM
from zhiliang.ledger import services as ledger
from zhiliang.registry.models import Product

REFERENCE_DIR = Path(__file__).resolve().parent.parent / "reference"


def rules_problems(document: object, number: str) -> list[Problem]:
    problems = [
        problem(f"rules.{p.path}", "rules_invalid", message=p.message) for p in validate(document)
    ]
    if not problems and isinstance(document, Mapping) and document.get("standard") != number:
        problems.append(problem("rules.standard", "standard_mismatch"))
    return problems


def precedence_problems(standard: GradingStandard) -> list[Problem]:
    """Refuse a second standard of the same level for the same product and period (G2)."""
    existing = selectors.spans_of(standard.product_id)
    found = []
    for overlap in precedence.overlaps(existing, standard.span()):
        field = "until" if overlap.code == "ends_before_start" else "effective_from"
        if overlap.code == "unknown_level":
            field = "level"
        other = overlap.other.number if overlap.other else ""
        found.append(problem(field, overlap.code, other=other, level=standard.get_level_display()))
    return found


def add_rule_version(
    actor: Actor, standard: GradingStandard, document: Mapping[str, object]
) -> RuleSetVersion:
    """A new version of the standard's rule set, inside the caller's transaction (the admin
    and the loader run their own). Refused with every problem of the document."""
    if problems := rules_problems(document, standard.number):
        raise DomainError(*problems)
    text = json.dumps(document, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
    digest = hashlib.sha256(text.encode("utf-8")).hexdigest()
    latest = standard.rule_versions.order_by("-version").first()
    if latest is not None and latest.sha256 == digest:
        return latest
    version = RuleSetVersion.objects.create(
        standard=standard,
        version=(latest.version + 1) if latest else 1,
        document=dict(document),
        sha256=digest,
        created_by_id=actor.user_id,
    )
    version.ledger_entry_id = ledger.append(facts.RULE_SET, facts.rule_set_fact(version)).id
    version.save(update_fields=["ledger_entry_id"])
    record_audit(actor, "grading.rule_set.publish", version, {"sha256": digest})
    return version


def record_standard(actor: Actor, standard: GradingStandard, created: bool) -> None:
    """Ledger and audit a standard the caller saved (admin save or loader)."""
    standard.ledger_entry_id = ledger.append(facts.STANDARD, facts.standard_fact(standard)).id
    standard.save(update_fields=["ledger_entry_id"])
    record_audit(actor, "grading.standard." + ("add" if created else "change"), standard)


def record_catalogue_entry(actor: Actor, entry: CatalogueEntry, created: bool) -> None:
    entry.ledger_entry_id = ledger.append(facts.CATALOGUE, facts.catalogue_fact(entry)).id
    entry.save(update_fields=["ledger_entry_id"])
    record_audit(actor, "grading.catalogue." + ("add" if created else "change"), entry)


def catalogue_problems(entry: CatalogueEntry) -> list[Problem]:
    """A product's stays in the catalogue never overlap, so "in the catalogue on a day" has one
    answer and one batch."""
    others = CatalogueEntry.objects.filter(product_id=entry.product_id).exclude(pk=entry.pk)
    end = entry.until or date.max
    for other in others:
        if other.effective_from <= end and entry.effective_from <= (other.until or date.max):
            return [problem("effective_from", "catalogue_overlap")]
    if entry.until is not None and entry.until < entry.effective_from:
        return [problem("until", "ends_before_start")]
    return []


@dataclass(frozen=True)
class Loaded:
    catalogue: int
    standards: int
    rule_versions: int
    policies: int


def _day(text: object) -> date | None:
    return parse_date(str(text)) if text else None


@transaction.atomic(durable=True)
def load_reference(actor: Actor = SYSTEM, directory: Path = REFERENCE_DIR) -> Loaded:
    """Load the shipped catalogue, standards, rule sets and policies; running it again adds
    only what changed (a new rule-set version when a file changed)."""
    return load_reference_within(actor, directory)


def load_reference_within(actor: Actor = SYSTEM, directory: Path = REFERENCE_DIR) -> Loaded:
    """``load_reference`` inside the caller's transaction (the demo generator's step)."""
    assert transaction.get_connection().in_atomic_block

    def read(name: str) -> dict[str, Any]:
        loaded: dict[str, Any] = json.loads((directory / name).read_text(encoding="utf-8"))
        return loaded

    products = {p.code: p for p in Product.objects.all()}
    made = dict.fromkeys(("catalogue", "standards", "rule_versions", "policies"), 0)
    for row in read("catalogue.json")["entries"]:
        entry, created = CatalogueEntry.objects.get_or_create(
            product=products[row["product"]],
            effective_from=_day(row["effective_from"]),
            defaults={
                "batch": row["batch"],
                "until": _day(row["until"]),
                "source": row["source"][:300],
                "illustrative": row["illustrative"],
            },
        )
        if created:
            if problems := catalogue_problems(entry):
                raise DomainError(*problems)
            record_catalogue_entry(actor, entry, created=True)
            made["catalogue"] += 1
    for row in read("standards.json")["standards"]:
        fields = {
            "product": products[row["product"]],
            "title": row["title"],
            "level": row["level"],
            "issuer": row["issuer"],
            "published_on": _day(row["published_on"]),
            "effective_from": _day(row["effective_from"]),
            "until": _day(row["until"]),
            "text_url": row["text_url"],
            "illustrative": row["illustrative"],
            "note": row["note"],
        }
        standard = GradingStandard.objects.filter(number=row["number"]).first()
        if standard is None:
            standard = GradingStandard(number=row["number"], **fields)
            if problems := precedence_problems(standard):
                raise DomainError(*problems)
            standard.save()
            record_standard(actor, standard, created=True)
            made["standards"] += 1
        before = standard.rule_versions.count()
        add_rule_version(actor, standard, read("rulesets/" + row["rules"]))
        made["rule_versions"] += standard.rule_versions.count() - before
    for row in read("policies.json")["policies"]:
        _policy, created = Policy.objects.get_or_create(
            key=row["key"],
            defaults={
                "title": row["title"],
                "issuer": row["issuer"],
                "published_on": _day(row["published_on"]),
                "url": row["url"],
                "summary": row["summary"],
                "source": row["source"][:300],
            },
        )
        made["policies"] += int(created)
    return Loaded(**made)
