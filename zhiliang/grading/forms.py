"""Forms of the grading console pages; the querysets they offer come from selectors."""

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from zhiliang.core.grading import GRADES
from zhiliang.grading.models import Evidence, PlaceKind, ViolationKind
from zhiliang.registry.models import ProductModel

GRADE_CHOICES = [(g, g) for g in GRADES]


class DeclarationForm(forms.Form):
    product_model: "forms.ModelChoiceField[Any]" = forms.ModelChoiceField(
        queryset=ProductModel.objects.none(),
        label=_("Product model"),
        widget=forms.Select(attrs={"data-testid": "declare-model"}),
    )
    evidence: "forms.ModelMultipleChoiceField[Any]" = forms.ModelMultipleChoiceField(
        queryset=Evidence.objects.none(),
        label=_("Test reports and certificates"),
        widget=forms.CheckboxSelectMultiple,
    )
    grade = forms.ChoiceField(
        choices=GRADE_CHOICES,
        label=_("Grade"),
        widget=forms.Select(attrs={"data-testid": "declare-grade"}),
    )
    standard = forms.CharField(
        label=_("Grading standard"),
        max_length=80,
        required=False,
        help_text=_("Leave empty for the standard in force."),
    )

    def __init__(self, *args: Any, models: Any, evidence: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["product_model"].queryset = models  # type: ignore[attr-defined]
        self.fields["evidence"].queryset = evidence  # type: ignore[attr-defined]
        self.fields["product_model"].label_from_instance = lambda m: (  # type: ignore[attr-defined]
            f"{m.product.name} · {m.brand} {m.model}"
        )
        self.fields["evidence"].label_from_instance = lambda e: (  # type: ignore[attr-defined]
            f"{e.body.name} {e.number} · {e.issued_on} · {e.product_model.brand} "
            f"{e.product_model.model}"
        )


class InspectionForm(forms.Form):
    place_kind = forms.ChoiceField(choices=PlaceKind.choices, label=_("Place"))
    place = forms.CharField(max_length=500, label=_("Shop address or listing URL"))
    scanned_url = forms.CharField(max_length=600, required=False, label=_("Scanned QR URL"))
    shown_grade = forms.ChoiceField(
        choices=[("", "—"), *GRADE_CHOICES], required=False, label=_("Grade shown")
    )


class FindingForm(forms.Form):
    note = forms.CharField(widget=forms.Textarea(attrs={"rows": 3}), label=_("Finding"))


class CaseForm(forms.Form):
    kind = forms.ChoiceField(choices=ViolationKind.choices, label=_("Violation"))


class ImportForm(forms.Form):
    file = forms.FileField(label=_("Excel file (.xlsx)"))
