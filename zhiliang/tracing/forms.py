"""Forms of the traceability pages; what they accept is checked again by the services."""

from django import forms
from django.utils.translation import gettext_lazy as _

from zhiliang.core.tracing.codes import Scheme

SCHEMES = [
    (Scheme.GS1, _("GS1 (GTIN + serial)")),
    (Scheme.DIC, _("Digital identity code")),
    (Scheme.CCC, _("CCC certificate code")),
]
STEPS = [
    ("shipping", _("Shipped (sold to a business)")),
    ("receiving", _("Received (purchased)")),
    ("retail_selling", _("Sold to a consumer")),
]


class IssueForm(forms.Form):
    product_model = forms.TypedChoiceField(label=_("Product model"), coerce=int)
    scheme = forms.ChoiceField(label=_("Code scheme"), choices=SCHEMES)
    count = forms.IntegerField(label=_("Number of codes"), min_value=1, max_value=100_000)
    lot = forms.CharField(label=_("Lot"), max_length=20, required=False)
    produced_on = forms.DateField(
        label=_("Production date"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )

    def __init__(self, *args: object, models: list[tuple[int, str]], **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        self.fields["product_model"].choices = models  # type: ignore[attr-defined]


class FlowForm(forms.Form):
    step = forms.ChoiceField(label=_("What happened"), choices=STEPS)
    codes = forms.CharField(
        label=_("Codes (one per line, as scanned)"),
        widget=forms.Textarea(attrs={"rows": 5}),
        max_length=200_000,
    )
    counterparty = forms.CharField(
        label=_("Counterparty's credit code"), max_length=18, required=False
    )


class ProductionForm(forms.Form):
    product_model = forms.TypedChoiceField(label=_("Product model"), coerce=int)
    month = forms.DateField(
        label=_("Month"), widget=forms.DateInput(attrs={"type": "month"}), input_formats=["%Y-%m"]
    )
    units_made = forms.IntegerField(label=_("Units made"), min_value=0, max_value=10**9)

    def __init__(self, *args: object, models: list[tuple[int, str]], **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        self.fields["product_model"].choices = models  # type: ignore[attr-defined]


class UploadForm(forms.Form):
    upload = forms.FileField(label=_("Excel file (.xlsx) from the template"))


class PrefixForm(forms.Form):
    company_prefix = forms.CharField(label=_("GS1 company prefix"), min_length=6, max_length=12)


class RecallForm(forms.Form):
    gtin = forms.CharField(label=_("GTIN of the product model"), max_length=14)
    lot_from = forms.CharField(label=_("First lot"), max_length=20, required=False)
    lot_to = forms.CharField(label=_("Last lot"), max_length=20, required=False)
    codes = forms.CharField(
        label=_("Or a list of codes (one per line)"),
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
    )
    reason = forms.CharField(label=_("The problem"), widget=forms.Textarea(attrs={"rows": 3}))
