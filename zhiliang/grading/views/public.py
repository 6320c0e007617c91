"""Public grading pages: records, the label scan page, catalogue, standards, policies, exposure
list and each enterprise's grading page. Anyone may read them (G3)."""

import base64
from typing import Any

from django.conf import settings
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from zhiliang.common.errors import Conflict
from zhiliang.common.excel import xlsx_response
from zhiliang.core.grading import GRADES, schema_text
from zhiliang.grading import labels, presenters, selectors, signing
from zhiliang.grading.models import RecordStatus
from zhiliang.grading.models.records import PUBLIC_STATUSES
from zhiliang.grading.problems import problem
from zhiliang.grading.selectors.proofs import proof_of
from zhiliang.grading.views import tables
from zhiliang.registry import selectors as registry_selectors

PAGE_SIZE = 50
FILTERS = ("q", "product", "grade", "status", "region", "standard", "enterprise")
LABEL_TYPES = {"svg": "image/svg+xml", "png": "image/png", "pdf": "application/pdf"}


def _filters(request: HttpRequest) -> dict[str, str | None]:
    return {k: (request.GET.get(k) or "").strip()[:50] or None for k in FILTERS}


@require_GET
def index(request: HttpRequest) -> HttpResponse | FileResponse:
    today = timezone.localdate()
    filters = _filters(request)
    records = selectors.filter_records(selectors.public_records(), filters, today).order_by(
        "-declared_at", "-pk"
    )
    if request.GET.get("format") == "xlsx":
        return xlsx_response(
            "grading-records.xlsx",
            _("Grading records"),
            tables.headers(tables.RECORD_COLUMNS),
            tables.record_rows(records, today),
        )
    page = Paginator(records, PAGE_SIZE).get_page(request.GET.get("page"))
    partial = request.headers.get("HX-Request") == "true"
    return render(
        request,
        "grading/_record_rows.html" if partial else "grading/index.html",
        {
            "page": page,
            "today": today,
            "filters": filters,
            "query": request.GET.urlencode(),
            "grades": GRADES,
            "statuses": PUBLIC_STATUSES,
            "products": [e.product for e in selectors.catalogue_on(today)],
            "standards": selectors.standards(),
        },
    )


@require_GET
def record(request: HttpRequest, record_id: int) -> HttpResponse:
    """The page a label's QR code opens: the record, its status today, the label check when the
    URL carries a label's query, and the ledger proof (G5)."""
    today = timezone.localdate()
    found = selectors.get_public_record(record_id)
    check = None
    if request.GET.get("sig"):
        # The label was signed for the public URL; behind a proxy the request's own host may
        # differ, so the page checks the path and query it was opened with on that URL.
        check = selectors.verify_label_url(settings.PUBLIC_URL + request.get_full_path(), today)
    return render(
        request,
        "grading/record.html",
        {
            "record": found,
            "status": found.status_on(today),
            "check": check,
            "proof": proof_of(found.ledger_entry_id),
            "evidence": selectors.evidence_of(found.pk),
            "qr_url": presenters.qr_url(found),
            "label_key": base64.b64encode(signing.public_key()).decode("ascii"),
            "renewals": found.renewals.all(),
        },
    )


@require_GET
def label(request: HttpRequest, record_id: int, kind: str) -> HttpResponse:
    """Free label download (G5). A label is issued only while the record is valid: printing
    one for a suspended or expired record would be misuse."""
    if kind not in LABEL_TYPES:
        raise Http404
    found = selectors.get_public_record(record_id)
    if found.status_on(timezone.localdate()) != RecordStatus.VALID:
        raise Conflict(problem("record_id", "record_not_valid"))
    content = presenters.label_content(found)
    data = {"svg": labels.svg, "png": labels.png, "pdf": labels.pdf}[kind](content)
    response = HttpResponse(data, content_type=LABEL_TYPES[kind])
    response["Content-Disposition"] = f'attachment; filename="grading-label-{found.pk}.{kind}"'
    return response


@require_GET
def catalogue(request: HttpRequest) -> HttpResponse | FileResponse:
    today = timezone.localdate()
    history = selectors.catalogue_history()
    if request.GET.get("format") == "xlsx":
        return xlsx_response(
            "grading-catalogue.xlsx",
            _("Grading catalogue"),
            tables.headers(tables.CATALOGUE_COLUMNS),
            tables.catalogue_rows(history),
        )
    return render(
        request,
        "grading/catalogue.html",
        {"current": selectors.catalogue_on(today), "history": history, "today": today},
    )


@require_GET
def standards(request: HttpRequest) -> HttpResponse | FileResponse:
    found = selectors.standards()
    if request.GET.get("format") == "xlsx":
        return xlsx_response(
            "grading-standards.xlsx",
            _("Grading standards"),
            tables.headers(tables.STANDARD_COLUMNS),
            tables.standard_rows(found),
        )
    today = timezone.localdate()
    in_force = {
        s.pk
        for s in (selectors.standard_in_force(p, today) for p in {x.product_id for x in found})
        if s is not None
    }
    return render(request, "grading/standards.html", {"standards": found, "in_force": in_force})


@require_GET
def standard(request: HttpRequest, standard_id: int) -> HttpResponse:
    found = selectors.get_standard(standard_id)
    version = selectors.current_rules(found)
    return render(
        request,
        "grading/standard.html",
        {
            "standard": found,
            "version": version,
            "rules": version.rules(),
            "document": version.document,
            "versions": selectors.rule_versions(found),
            "timeline": selectors.timeline_of(found.product_id),
            "standards_by_id": {
                s.pk: s for s in selectors.standards().filter(product_id=found.product_id)
            },
        },
    )


@require_GET
def standard_rules(request: HttpRequest, standard_id: int) -> JsonResponse:
    found = selectors.get_standard(standard_id)
    wanted = request.GET.get("version", "")
    version = (
        selectors.get_rule_version(standard_id, int(wanted))
        if wanted.isdigit()
        else selectors.current_rules(found)
    )
    response = JsonResponse(
        version.document, json_dumps_params={"ensure_ascii": False, "indent": 2}
    )
    safe = "".join(c if c.isalnum() else "-" for c in found.number)
    response["Content-Disposition"] = f'attachment; filename="rules-{safe}-v{version.version}.json"'
    return response


@require_GET
def rule_set_schema(request: HttpRequest) -> HttpResponse:
    return HttpResponse(schema_text(), content_type="application/schema+json; charset=utf-8")


@require_GET
def policies(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "grading/policies.html",
        {"policies": selectors.policies(), "standards": selectors.standards()},
    )


@require_GET
def exposures(request: HttpRequest) -> HttpResponse | FileResponse:
    found = selectors.exposures()
    if request.GET.get("format") == "xlsx":
        return xlsx_response(
            "grading-exposures.xlsx",
            _("Exposure list"),
            tables.headers(tables.EXPOSURE_COLUMNS),
            tables.exposure_rows(found),
        )
    page = Paginator(found, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "grading/exposures.html", {"page": page})


@require_GET
def enterprise(request: HttpRequest, enterprise_id: int) -> HttpResponse:
    today = timezone.localdate()
    found = registry_selectors.get_public_enterprise(enterprise_id)
    records = selectors.public_records().filter(enterprise_id=found.pk).order_by("-declared_at")
    context: dict[str, Any] = {
        "enterprise": found,
        "records": records,
        "today": today,
        "exposures": selectors.exposures().filter(enterprise_id=found.pk),
    }
    return render(request, "grading/enterprise.html", context)
