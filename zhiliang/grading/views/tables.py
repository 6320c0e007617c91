"""Columns and rows of the Excel exports (every list can be exported, G3)."""

from collections.abc import Iterator
from datetime import date
from typing import Any

from django.db.models import QuerySet
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from zhiliang.grading.models import (
    Case,
    CatalogueEntry,
    Declaration,
    Exposure,
    GradingStandard,
    Inspection,
)


def headers(columns: tuple[Promise, ...]) -> list[str]:
    """Column titles in the language of the request (the tuples hold lazy strings)."""
    return [str(c) for c in columns]


RECORD_COLUMNS = (
    _("Record"),
    _("Product"),
    _("Brand and model"),
    _("Enterprise"),
    _("Credit code"),
    _("Grade"),
    _("Standard"),
    _("Valid until"),
    _("Status"),
)


def record_rows(records: QuerySet[Declaration], today: date) -> Iterator[list[Any]]:
    for r in records.iterator(chunk_size=2000):
        yield [
            r.pk,
            r.product_model.product.name,
            f"{r.product_model.brand} {r.product_model.model}",
            r.enterprise.name,
            r.enterprise.credit_code,
            r.grade,
            r.standard.number,
            r.valid_until,
            r.status_on(today),
        ]


CATALOGUE_COLUMNS = (
    _("Product code"),
    _("Product"),
    _("Batch"),
    _("From"),
    _("Until"),
    _("Source"),
)


def catalogue_rows(entries: QuerySet[CatalogueEntry]) -> Iterator[list[Any]]:
    for e in entries:
        yield [e.product.code, e.product.name, e.batch, e.effective_from, e.until, e.source]


STANDARD_COLUMNS = (
    _("Standard number"),
    _("Title"),
    _("Product"),
    _("Level"),
    _("Issuer"),
    _("Effective from"),
    _("In force until"),
    _("Illustrative"),
)


def standard_rows(standards: QuerySet[GradingStandard]) -> Iterator[list[Any]]:
    for s in standards:
        yield [
            s.number,
            s.title,
            s.product.name,
            s.get_level_display(),
            s.issuer,
            s.effective_from,
            s.until,
            s.illustrative,
        ]


EXPOSURE_COLUMNS = (_("Published"), _("Violation"), _("Enterprise"), _("Credit code"), _("Summary"))


def exposure_rows(exposures: QuerySet[Exposure]) -> Iterator[list[Any]]:
    for x in exposures:
        yield [
            x.published_at.date(),
            x.get_kind_display(),
            x.enterprise.name if x.enterprise else "",
            x.enterprise.credit_code if x.enterprise else "",
            x.summary,
        ]


INSPECTION_COLUMNS = (
    _("Opened"),
    _("Jurisdiction"),
    _("Place"),
    _("Shop address or listing URL"),
    _("Grade shown"),
    _("Label check"),
    _("Record"),
)


def inspection_rows(inspections: QuerySet[Inspection]) -> Iterator[list[Any]]:
    for i in inspections.iterator(chunk_size=2000):
        yield [
            i.opened_at.date(),
            i.region.name,
            i.get_place_kind_display(),
            i.place,
            i.shown_grade,
            i.get_label_check_display(),
            i.declaration_id,
        ]


CASE_COLUMNS = (
    _("Opened"),
    _("Violation"),
    _("Status"),
    _("Source"),
    _("Jurisdiction"),
    _("Record"),
    _("Enterprise"),
)


def case_rows(cases: QuerySet[Case]) -> Iterator[list[Any]]:
    for c in cases.iterator(chunk_size=2000):
        yield [
            c.opened_at.date(),
            c.get_kind_display(),
            c.get_status_display(),
            c.get_source_display(),
            c.region.name,
            c.declaration_id,
            c.enterprise.name if c.enterprise else "",
        ]
