"""An enterprise's traceability page: code units, print files, report production and flows (form
and Excel), read recall notices, register GS1 company prefixes."""

import csv
from collections.abc import Iterator
from typing import Final
from urllib.parse import unquote

import segno
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import FileResponse, HttpRequest, HttpResponse, StreamingHttpResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from zhiliang.accounts.actors import Actor, actor_of
from zhiliang.accounts.roles import Role
from zhiliang.common.errors import DomainError, Forbidden, Problem
from zhiliang.common.excel import xlsx_response
from zhiliang.core.tracing.codes import Scheme
from zhiliang.core.tracing.digital_link import gtin_path
from zhiliang.registry import selectors as registry
from zhiliang.tracing.forms import FlowForm, IssueForm, PrefixForm, ProductionForm, UploadForm
from zhiliang.tracing.models import CodeBatch
from zhiliang.tracing.selectors import codes as code_selectors
from zhiliang.tracing.selectors import recalls as recall_selectors
from zhiliang.tracing.services import codes as code_services
from zhiliang.tracing.services import recalls as recall_services
from zhiliang.tracing.services import reports
from zhiliang.tracing.services.capture import CaptureRefused

PDF_MAX: Final = 500
CSV_HEADER: Final = ["code", "qr_content", "text"]


def _member(request: HttpRequest) -> Actor:
    actor = actor_of(request)
    if (
        actor.role not in (Role.ENTERPRISE_MEMBER, Role.PLATFORM_OPERATOR)
        or not actor.enterprise_id
    ):
        raise Forbidden(Problem("role", "not_allowed", _("This page is for enterprise members.")))
    return actor


def _models(actor: Actor) -> list[tuple[int, str]]:
    return [
        (m.pk, f"{m.brand} {m.model} · {m.product.name}" + (f" · {m.gtin}" if m.gtin else ""))
        for m in registry.visible_product_models(actor).filter(
            enterprise_id=actor.enterprise_id or 0
        )
    ]


def _problems(request: HttpRequest, error: DomainError | CaptureRefused) -> None:
    if isinstance(error, CaptureRefused):
        for refusal in error.refusals[:10]:
            p = refusal.problem
            messages.error(request, f"{p.field}: {p.message}")
        return
    for problem in error.problems[:10]:
        messages.error(request, f"{problem.field}: {problem.reason}")


@login_required
@require_GET
def home(request: HttpRequest) -> HttpResponse:
    actor = _member(request)
    models = _models(actor)
    context = {
        "enterprise": registry.get_enterprise(actor, actor.enterprise_id or 0),
        "batches": code_selectors.visible_batches(actor)[:20],
        "notices": recall_selectors.notices_for(actor)[:20],
        "counts": code_selectors.custody_counts(actor),
        "inbound": code_selectors.inbound(actor),
        "prefixes": code_selectors.prefixes_of(actor),
        "issue_form": IssueForm(models=models),
        "flow_form": FlowForm(),
        "production_form": ProductionForm(models=models),
        "upload_form": UploadForm(),
        "prefix_form": PrefixForm(),
    }
    return render(request, "tracing/enterprise.html", context)


@login_required
@require_POST
def issue(request: HttpRequest) -> HttpResponse:
    actor = _member(request)
    form = IssueForm(request.POST, models=_models(actor))
    if not form.is_valid():
        messages.error(request, _("Check the form: %(errors)s") % {"errors": form.errors.as_text()})
        return redirect("tracing:enterprise")
    data = form.cleaned_data
    try:
        batch = code_services.issue_codes(
            actor=actor,
            request=code_services.BatchRequest(
                product_model_id=data["product_model"],
                scheme=data["scheme"],
                count=data["count"],
                lot=data["lot"] or "",
                produced_on=data["produced_on"],
            ),
        )
    except DomainError as exc:
        _problems(request, exc)
        return redirect("tracing:enterprise")
    messages.success(request, _("%(n)d codes issued.") % {"n": batch.count})
    return redirect("tracing:enterprise")


@login_required
@require_POST
def flow(request: HttpRequest) -> HttpResponse:
    actor = _member(request)
    form = FlowForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Check the form: %(errors)s") % {"errors": form.errors.as_text()})
        return redirect("tracing:enterprise")
    data = form.cleaned_data
    codes = [line.strip() for line in data["codes"].splitlines() if line.strip()]
    try:
        job = reports.report_flows(
            actor=actor, flows=[reports.Flow(data["step"], codes, data["counterparty"].strip())]
        )
    except (DomainError, CaptureRefused) as exc:
        _problems(request, exc)
        return redirect("tracing:enterprise")
    messages.success(request, _("Reported: %(n)d event recorded.") % {"n": job.captured})
    return redirect("tracing:enterprise")


@login_required
@require_POST
def upload(request: HttpRequest) -> HttpResponse:
    actor = _member(request)
    form = UploadForm(request.POST, request.FILES)
    if not form.is_valid():
        messages.error(request, _("Choose an Excel file."))
        return redirect("tracing:enterprise")
    try:
        flows = reports.read_flow_sheet(form.cleaned_data["upload"])
        job = reports.report_flows(actor=actor, flows=flows, channel="excel")
    except (DomainError, CaptureRefused) as exc:
        _problems(request, exc)
        return redirect("tracing:enterprise")
    messages.success(request, _("Uploaded: %(n)d events recorded.") % {"n": job.captured})
    return redirect("tracing:enterprise")


@login_required
@require_GET
def flow_template(request: HttpRequest) -> FileResponse:
    _member(request)
    now = timezone.localtime().replace(tzinfo=None, microsecond=0)
    code = f"{settings.PUBLIC_URL}/01/06901234567892/21/0000000001"
    example = [[code, "shipping", "91330411MA2JX0016Q", now]]
    return xlsx_response("flows-template.xlsx", _("Flows"), list(reports.EXCEL_COLUMNS), example)


@login_required
@require_POST
def production(request: HttpRequest) -> HttpResponse:
    actor = _member(request)
    form = ProductionForm(request.POST, models=_models(actor))
    if not form.is_valid():
        messages.error(request, _("Check the form: %(errors)s") % {"errors": form.errors.as_text()})
        return redirect("tracing:enterprise")
    data = form.cleaned_data
    try:
        reports.report_production(
            actor=actor,
            product_model_id=data["product_model"],
            month=data["month"],
            units=data["units_made"],
        )
    except DomainError as exc:
        _problems(request, exc)
        return redirect("tracing:enterprise")
    messages.success(request, _("Production reported."))
    return redirect("tracing:enterprise")


@login_required
@require_POST
def prefix(request: HttpRequest) -> HttpResponse:
    actor = _member(request)
    form = PrefixForm(request.POST)
    if form.is_valid():
        try:
            reports.register_company_prefix(actor=actor, prefix=form.cleaned_data["company_prefix"])
            messages.success(request, _("Company prefix registered."))
        except DomainError as exc:
            _problems(request, exc)
    return redirect("tracing:enterprise")


@login_required
@require_POST
def read_notice(request: HttpRequest, notice_id: int) -> HttpResponse:
    actor = _member(request)
    recall_services.read_notice(actor=actor, notice_id=notice_id)
    return redirect("tracing:enterprise")


def qr_content(batch: CodeBatch, value: str) -> str:
    """What the label's QR code holds: the code's platform URL (a Digital Link for GS1, with the
    batch's lot)."""
    if batch.scheme == Scheme.GS1:
        gtin, serial = value.split("/")[2], value.split("/21/", 1)[1]
        return settings.PUBLIC_URL + gtin_path(gtin, lot=batch.lot or None, serial=unquote(serial))
    return settings.PUBLIC_URL + code_services.resolver_path(batch.scheme, value)


def codes_csv(batch: CodeBatch) -> Iterator[str]:
    class Echo:
        def write(self, value: str) -> str:
            return value

    writer = csv.writer(Echo())
    yield "\ufeff" + writer.writerow(CSV_HEADER)
    for value in code_selectors.batch_values(batch):
        url = qr_content(batch, value)
        yield writer.writerow([value, url, value.rsplit("/", 1)[-1]])


@login_required
@require_GET
def batch_csv(request: HttpRequest, batch_id: int) -> StreamingHttpResponse:
    batch = code_selectors.get_batch(actor_of(request), batch_id)
    response = StreamingHttpResponse(codes_csv(batch), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="codes-{batch.pk}.csv"'
    return response


@login_required
@require_GET
def batch_pdf(request: HttpRequest, batch_id: int) -> HttpResponse:
    """PDF sheets of labels (QR code and text), ``PDF_MAX`` per file: ``?start=`` pages on."""
    from weasyprint import HTML

    batch = code_selectors.get_batch(actor_of(request), batch_id)
    start = max(0, int(request.GET.get("start", "0") or 0))
    labels = [
        {
            "text": value.rsplit("/", 1)[-1],
            "svg": segno.make(qr_content(batch, value), error="m").svg_inline(scale=2, border=1),
        }
        for value in code_selectors.batch_values(batch, start, PDF_MAX)
    ]
    html = render_to_string(
        "tracing/sheet.html", {"batch": batch, "labels": labels, "start": start}
    )
    pdf = HTML(string=html, base_url=settings.PUBLIC_URL).write_pdf()
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="labels-{batch.pk}-{start}.pdf"'
    return response
