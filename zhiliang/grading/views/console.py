"""Console pages: producers declare and download labels (G4, G5), labs submit and revoke signed
evidence (G4), regulators inspect label use and decide cases (G6). Every read goes through a
selector and every write through a service, exactly as the API does."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import FileResponse, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from zhiliang.accounts.actors import actor_of
from zhiliang.accounts.roles import Role
from zhiliang.common.errors import DomainError, NotFound, Problem
from zhiliang.common.excel import xlsx_response
from zhiliang.grading import selectors, services
from zhiliang.grading.forms import (
    CaseForm,
    DeclarationForm,
    FindingForm,
    ImportForm,
    InspectionForm,
)
from zhiliang.grading.models import CaseStatus
from zhiliang.grading.views import tables
from zhiliang.registry import selectors as registry_selectors

PAGE_SIZE = 50


def _only(request: HttpRequest, *roles: Role) -> None:
    """Console pages of one role are a 404 for everyone else, like objects they may not see."""
    if actor_of(request).role not in roles:
        raise NotFound(Problem("path", "not_found", _("No such page.")))


def _errors(exc: DomainError) -> list[Problem]:
    return list(exc.problems)


@login_required
@require_http_methods(["GET", "POST"])
def declare(request: HttpRequest) -> HttpResponse:
    _only(request, Role.ENTERPRISE_MEMBER)
    actor = actor_of(request)
    today = timezone.localdate()
    catalogue = [e.product_id for e in selectors.catalogue_on(today)]
    form = DeclarationForm(
        request.POST or None,
        models=registry_selectors.visible_product_models(actor).filter(product_id__in=catalogue),
        evidence=selectors.visible_evidence(actor).filter(revoked_at__isnull=True),
    )
    problems: list[Problem] = []
    if request.method == "POST" and form.is_valid():
        try:
            record = services.declare_grade(
                actor=actor,
                product_model_id=form.cleaned_data["product_model"].pk,
                grade=form.cleaned_data["grade"],
                evidence_ids=[e.pk for e in form.cleaned_data["evidence"]],
                standard=form.cleaned_data["standard"] or None,
            )
        except DomainError as exc:
            problems = _errors(exc)
        else:
            messages.success(request, _("The grade is published. Download the label below."))
            return redirect("grading:record", record.pk)
    return render(request, "grading/declare.html", {"form": form, "problems": problems})


@login_required
@require_GET
def records(request: HttpRequest) -> HttpResponse | FileResponse:
    actor = actor_of(request)
    today = timezone.localdate()
    filters = {k: request.GET.get(k) or None for k in ("q", "grade", "status")}
    found = selectors.filter_records(selectors.visible_records(actor), filters, today).order_by(
        "valid_until", "pk"
    )
    if request.GET.get("format") == "xlsx":
        return xlsx_response(
            "grading-records.xlsx",
            _("Grading records"),
            tables.headers(tables.RECORD_COLUMNS),
            tables.record_rows(found, today),
        )
    notices = selectors.notices_for(actor)[:20]
    page = Paginator(found, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "grading/console_records.html",
        {
            "page": page,
            "today": today,
            "filters": filters,
            "notices": notices,
            "query": request.GET.urlencode(),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def lab(request: HttpRequest) -> HttpResponse:
    """The lab console: reports signed in the browser (WebCrypto), Excel import, revocation."""
    _only(request, Role.LAB_STAFF)
    actor = actor_of(request)
    body = registry_selectors.get_testing_body(actor.lab_id or 0)
    imported: list[services.ImportedRow] = []
    problems: list[Problem] = []
    form = ImportForm()
    if request.method == "POST":
        try:
            if "revoke" in request.POST:
                services.revoke_evidence(
                    actor=actor,
                    evidence_id=int(request.POST["revoke"]),
                    reason=request.POST.get("reason", ""),
                )
                messages.success(request, _("The evidence is revoked."))
                return redirect("grading:lab")
            form = ImportForm(request.POST, request.FILES)
            if form.is_valid():
                imported = services.import_workbook(
                    actor=actor, data=form.cleaned_data["file"].read()
                )
        except (DomainError, ValueError) as exc:
            problems = _errors(exc) if isinstance(exc, DomainError) else []
    evidence = Paginator(selectors.visible_evidence(actor), PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    return render(
        request,
        "grading/lab.html",
        {
            "body": body,
            "evidence": evidence,
            "form": form,
            "imported": imported,
            "problems": problems,
            "standards": selectors.standards(),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def supervision(request: HttpRequest) -> HttpResponse | FileResponse:
    _only(request, Role.REGULATOR, Role.DEPARTMENT_READER)
    actor = actor_of(request)
    export = request.GET.get("format") == "xlsx"
    if export and request.GET.get("list") == "cases":
        return xlsx_response(
            "grading-cases.xlsx",
            _("Cases"),
            tables.headers(tables.CASE_COLUMNS),
            tables.case_rows(selectors.visible_cases(actor)),
        )
    if export:
        return xlsx_response(
            "grading-inspections.xlsx",
            _("Inspections"),
            tables.headers(tables.INSPECTION_COLUMNS),
            tables.inspection_rows(selectors.visible_inspections(actor)),
        )
    form = InspectionForm(request.POST or None)
    problems: list[Problem] = []
    if request.method == "POST" and form.is_valid():
        try:
            inspection = services.open_inspection(actor=actor, **form.cleaned_data)
        except DomainError as exc:
            problems = _errors(exc)
        else:
            return redirect("grading:inspection", inspection.pk)
    return render(
        request,
        "grading/supervision.html",
        {
            "form": form,
            "problems": problems,
            "inspections": selectors.visible_inspections(actor)[:100],
            "cases": selectors.visible_cases(actor)[:100],
            "records": selectors.visible_records(actor).count(),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def inspection(request: HttpRequest, inspection_id: int) -> HttpResponse:
    _only(request, Role.REGULATOR, Role.DEPARTMENT_READER)
    actor = actor_of(request)
    found = selectors.get_inspection(actor, inspection_id)
    finding_form = FindingForm(request.POST if "note" in request.POST else None)
    case_form = CaseForm(request.POST if "kind" in request.POST else None)
    problems: list[Problem] = []
    if request.method == "POST":
        try:
            if finding_form.is_valid():
                photos = [
                    services.PhotoUpload(f.name or "", f.read())
                    for f in request.FILES.getlist("photos")
                ]
                services.record_finding(
                    actor=actor,
                    inspection_id=found.pk,
                    note=finding_form.cleaned_data["note"],
                    photos=photos,
                )
                return redirect("grading:inspection", found.pk)
            if case_form.is_valid():
                services.open_case(
                    actor=actor, kind=case_form.cleaned_data["kind"], inspection_id=found.pk
                )
                return redirect("grading:inspection", found.pk)
        except DomainError as exc:
            problems = _errors(exc)
    return render(
        request,
        "grading/inspection.html",
        {
            "inspection": found,
            "suspicions": selectors.suspicions(found),
            "findings": found.findings.prefetch_related("photos"),
            "cases": found.cases.all(),
            "finding_form": finding_form,
            "case_form": case_form,
            "problems": problems,
        },
    )


@login_required
@require_http_methods(["POST"])
def decide(request: HttpRequest, case_id: int) -> HttpResponse:
    _only(request, Role.REGULATOR)
    actor = actor_of(request)
    note = request.POST.get("note", "")[:2000]
    try:
        if request.POST.get("decision") == CaseStatus.CONFIRMED:
            services.confirm_violation(actor=actor, case_id=case_id, note=note)
            messages.success(request, _("The violation is confirmed and exposed."))
        else:
            services.dismiss_case(actor=actor, case_id=case_id, note=note)
            messages.success(request, _("The case is dismissed."))
    except DomainError as exc:
        for p in exc.problems:
            messages.error(request, p.reason)
    return redirect("grading:supervision")
