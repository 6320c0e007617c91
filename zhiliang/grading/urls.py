"""Grading pages under /grading/: the public platform, the label scan page, the consoles."""

from django.urls import URLPattern, path, re_path

from zhiliang.grading.views import console, public

app_name = "grading"
urlpatterns: list[URLPattern] = [
    path("", public.index, name="index"),
    # The path a label's QR code opens: short, because every character enlarges the code.
    path("r/<int:record_id>", public.record, name="record"),
    re_path(r"^r/(?P<record_id>[0-9]+)/label\.(?P<kind>svg|png|pdf)$", public.label, name="label"),
    path("catalogue/", public.catalogue, name="catalogue"),
    path("standards/", public.standards, name="standards"),
    path("standards/<int:standard_id>/", public.standard, name="standard"),
    path("standards/<int:standard_id>/rules.json", public.standard_rules, name="standard-rules"),
    path("rule-set.schema.json", public.rule_set_schema, name="rule-set-schema"),
    path("policies/", public.policies, name="policies"),
    path("exposures/", public.exposures, name="exposures"),
    path("enterprises/<int:enterprise_id>/", public.enterprise, name="enterprise"),
    path("console/declare/", console.declare, name="declare"),
    path("console/records/", console.records, name="console-records"),
    path("console/lab/", console.lab, name="lab"),
    path("console/supervision/", console.supervision, name="supervision"),
    path("console/inspections/<int:inspection_id>/", console.inspection, name="inspection"),
    path("console/cases/<int:case_id>/decide", console.decide, name="decide"),
]
