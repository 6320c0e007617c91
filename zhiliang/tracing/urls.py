"""Traceability at the site root: GS1 Digital Link paths, the other schemes' short paths, the
resolver description, the EPCIS REST binding under /epcis/, the scan page and the traceability
pages under /tracing/."""

from django.urls import URLPattern, path, re_path

from zhiliang.core.tracing.codes import Scheme
from zhiliang.tracing import epcis_views
from zhiliang.tracing.views import enterprise, resolver, scan, supervision

app_name = "tracing"
urlpatterns: list[URLPattern] = [
    # the scan page (the busiest path, so tried first): GS1 codes by their Digital Link path,
    # the other schemes by short paths
    re_path(r"^scan/gs1/(?P<rest>.+)$", scan.scan_gs1, name="scan-gs1"),
    # GS1 Digital Link resolver (keys 01 and 00) and its description
    path(".well-known/gs1resolver", resolver.description, name="gs1resolver"),
    re_path(r"^(?P<rest>(?:01|00)/.+)$", resolver.resolve, name="resolve"),
    path("e/<str:value>", scan.scan_short, {"scheme": Scheme.ECODE}, name="scan-ecode"),
    path("i/<str:value>", scan.scan_short, {"scheme": Scheme.DIC}, name="scan-dic"),
    path("ccc/<str:value>", scan.scan_short, {"scheme": Scheme.CCC}, name="scan-ccc"),
    path("scan/position", scan.position, name="scan-position"),
    path("scan/confirm/<str:code_id>", scan.confirm_receipt, name="confirm-receipt"),
    # EPCIS 2.0 REST binding
    path("epcis/", epcis_views.top_level, name="epcis"),
    path("epcis/capture", epcis_views.capture_collection, name="epcis-capture"),
    path("epcis/capture/<str:capture_id>", epcis_views.capture_job, name="epcis-capture-job"),
    path("epcis/events", epcis_views.events, name="epcis-events"),
    re_path(r"^epcis/events/(?P<event_id>.+)$", epcis_views.event_detail, name="epcis-event"),
    re_path(r"^epcis/eventTypes/(?P<value>[^/]+)/events$", epcis_views.event_type_events),
    re_path(r"^epcis/epcs/(?P<value>.+)/events$", epcis_views.epc_events),
    re_path(r"^epcis/bizSteps/(?P<value>[^/]+)/events$", epcis_views.biz_step_events),
    re_path(r"^epcis/bizLocations/(?P<value>.+)/events$", epcis_views.biz_location_events),
    re_path(r"^epcis/readPoints/(?P<value>.+)/events$", epcis_views.read_point_events),
    re_path(r"^epcis/dispositions/(?P<value>[^/]+)/events$", epcis_views.disposition_events),
    # pages
    path("tracing/catalogue/", supervision.catalogue, name="catalogue"),
    path("tracing/enterprise/", enterprise.home, name="enterprise"),
    path("tracing/enterprise/issue", enterprise.issue, name="issue"),
    path("tracing/enterprise/flow", enterprise.flow, name="flow"),
    path("tracing/enterprise/upload", enterprise.upload, name="upload"),
    path("tracing/enterprise/flows-template.xlsx", enterprise.flow_template, name="flow-template"),
    path("tracing/enterprise/production", enterprise.production, name="production"),
    path("tracing/enterprise/prefix", enterprise.prefix, name="prefix"),
    path("tracing/notices/<int:notice_id>/read", enterprise.read_notice, name="read-notice"),
    path("tracing/batches/<int:batch_id>/codes.csv", enterprise.batch_csv, name="batch-csv"),
    path("tracing/batches/<int:batch_id>/labels.pdf", enterprise.batch_pdf, name="batch-pdf"),
    path("tracing/supervision/", supervision.home, name="supervision"),
    path(
        "tracing/supervision/compliance.xlsx", supervision.compliance_export, name="compliance-xlsx"
    ),
    path("tracing/recalls/open", supervision.open_recall, name="open-recall"),
    path("tracing/recalls/<int:recall_id>/", supervision.recall, name="recall"),
    path("tracing/recalls/<int:recall_id>/notify", supervision.notify, name="notify"),
    path(
        "tracing/recalls/<int:recall_id>/scope.<str:kind>",
        supervision.recall_export,
        name="recall-export",
    ),
    path("tracing/recalls/<int:recall_id>/notice", supervision.recall_notice, name="recall-notice"),
]
