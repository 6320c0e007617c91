"""The back office for grading: administrators keep the catalogue, standards and rule sets;
records, evidence and cases are read-only here (they change only through the services)."""

import json
from typing import Any

from django import forms
from django.contrib import admin
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from zhiliang.accounts.actors import actor_of
from zhiliang.common.admin_scope import ReadOnlyAdmin, ScopedAdmin
from zhiliang.grading import models, selectors
from zhiliang.grading.services.standards import (
    add_rule_version,
    catalogue_problems,
    precedence_problems,
    record_catalogue_entry,
    record_standard,
    rules_problems,
)


class PublicAdmin(ScopedAdmin):
    """Public reference data: regulators may read it, administrators change it."""

    def get_queryset(self, request: HttpRequest) -> Any:
        return admin.ModelAdmin.get_queryset(self, request)


class CatalogueEntryForm(forms.ModelForm):  # type: ignore[type-arg]
    class Meta:
        model = models.CatalogueEntry
        fields = ["product", "batch", "effective_from", "until", "source", "illustrative"]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if self.errors:
            return data
        entry = models.CatalogueEntry(pk=self.instance.pk, **data)
        for problem in catalogue_problems(entry):
            self.add_error(problem.field if problem.field in self.fields else None, problem.reason)
        return data


@admin.register(models.CatalogueEntry)
class CatalogueEntryAdmin(PublicAdmin):
    form = CatalogueEntryForm
    list_display = ("product", "batch", "effective_from", "until", "illustrative")
    list_filter = ("batch", "illustrative")

    def save_model(self, request: HttpRequest, obj: Any, form: Any, change: bool) -> None:
        super().save_model(request, obj, form, change)
        record_catalogue_entry(actor_of(request), obj, created=not change)


class StandardForm(forms.ModelForm):  # type: ignore[type-arg]
    text_url = forms.URLField(
        label=_("public text"), max_length=500, required=False, assume_scheme="https"
    )
    rules = forms.CharField(
        label=_("rule set (JSON)"),
        widget=forms.Textarea(attrs={"rows": 24, "cols": 100, "class": "mono"}),
        help_text=_("Validated against /grading/rule-set.schema.json; a change adds a version."),
    )

    class Meta:
        model = models.GradingStandard
        fields = [
            "product",
            "number",
            "title",
            "level",
            "issuer",
            "published_on",
            "effective_from",
            "until",
            "text_url",
            "illustrative",
            "note",
        ]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if self.instance.pk and self.instance.rule_versions.exists():
            document = selectors.current_rules(self.instance).document
            self.fields["rules"].initial = json.dumps(document, ensure_ascii=False, indent=2)

    def clean_rules(self) -> Any:
        try:
            return json.loads(self.cleaned_data["rules"])
        except json.JSONDecodeError as exc:
            raise forms.ValidationError(str(exc)) from None

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if self.errors:
            return data
        fields = {k: v for k, v in data.items() if k != "rules"}
        standard = models.GradingStandard(pk=self.instance.pk, **fields)
        for problem in [
            *rules_problems(data["rules"], data["number"]),
            *precedence_problems(standard),
        ]:
            field = problem.field if problem.field in self.fields else "rules"
            self.add_error(field, problem.reason)
        return data


@admin.register(models.GradingStandard)
class GradingStandardAdmin(PublicAdmin):
    form = StandardForm
    list_display = (
        "number",
        "title",
        "product",
        "level",
        "effective_from",
        "until",
        "illustrative",
    )
    list_filter = ("level", "illustrative")
    search_fields = ("number", "title")

    def save_model(self, request: HttpRequest, obj: Any, form: Any, change: bool) -> None:
        super().save_model(request, obj, form, change)
        actor = actor_of(request)
        record_standard(actor, obj, created=not change)
        add_rule_version(actor, obj, form.cleaned_data["rules"])


@admin.register(models.RuleSetVersion)
class RuleSetVersionAdmin(ReadOnlyAdmin):
    scope = staticmethod(lambda actor: models.RuleSetVersion.objects.all())
    list_display = ("standard", "version", "sha256", "created_at", "created_by")


@admin.register(models.Policy)
class PolicyAdmin(PublicAdmin):
    list_display = ("title", "issuer", "published_on")


@admin.register(models.Evidence)
class EvidenceAdmin(ReadOnlyAdmin):
    scope = staticmethod(selectors.visible_evidence)
    list_display = ("number", "kind", "body", "product_model", "issued_on", "revoked_at")
    list_filter = ("kind",)
    search_fields = ("number",)


@admin.register(models.Declaration)
class DeclarationAdmin(ReadOnlyAdmin):
    scope = staticmethod(selectors.visible_records)
    list_display = ("pk", "product_model", "enterprise", "grade", "valid_until", "status")
    list_filter = ("status", "grade")


@admin.register(models.Case)
class CaseAdmin(ReadOnlyAdmin):
    scope = staticmethod(selectors.visible_cases)
    list_display = ("pk", "kind", "status", "source", "region", "declaration", "opened_at")
    list_filter = ("status", "kind")


@admin.register(models.Exposure)
class ExposureAdmin(ReadOnlyAdmin):
    scope = staticmethod(lambda actor: selectors.exposures())
    list_display = ("published_at", "kind", "enterprise", "summary")
