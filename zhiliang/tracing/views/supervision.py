"""Regulators' traceability pages: the catalogue and who falls short of it (T1), recalls with
their scope, exports and notices (T8); and the public catalogue and recall notices."""

import csv
from collections.abc import Iterator

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import FileResponse, HttpRequest, HttpResponse, StreamingHttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from zhiliang.accounts.actors import Actor, actor_of
from zhiliang.accounts.roles import Role
from zhiliang.common.errors import DomainError, Forbidden, Problem
from zhiliang.common.excel import xlsx_response
from zhiliang.registry import selectors as registry
from zhiliang.tracing.forms import RecallForm
from zhiliang.tracing.selectors import compliance
from zhiliang.tracing.selectors import recalls as selectors
from zhiliang.tracing.services import recalls as services

SUPERVISORS = (Role.REGULATOR, Role.ADMIN, Role.DEPARTMENT_READER)


def _supervisor(request: HttpRequest) -> Actor:
    actor = actor_of(request)
    if actor.role not in SUPERVISORS:
        raise Forbidden(Problem("role", "not_allowed", _("This page is for regulators.")))
    return actor


@require_GET
def catalogue(request: HttpRequest) -> HttpResponse:
    return render(
        request, "tracing/catalogue.html", {"phases": compliance.catalogue(timezone.localdate())}
    )


@login_required
@require_GET
def home(request: HttpRequest) -> HttpResponse:
    actor = _supervisor(request)
    region = request.GET.get("region") or None
    today = timezone.localdate()
    shortfalls = list(compliance.shortfalls(actor, today, region))
    return render(
        request,
        "tracing/supervision.html",
        {
            "phases": compliance.catalogue(today),
            "shortfalls": shortfalls[:100],
            "shortfall_count": len(shortfalls),
            "region": region or "",
            "recalls": selectors.visible_recalls(actor)[:30],
            "recall_form": RecallForm(),
            "can_recall": actor.role in (Role.REGULATOR, Role.ADMIN),
        },
    )


@login_required
@require_GET
def compliance_export(request: HttpRequest) -> FileResponse:
    actor = _supervisor(request)
    region = request.GET.get("region") or None
    rows = compliance.export_rows(actor, timezone.localdate(), region)
    return xlsx_response(
        "traceability-compliance.xlsx", _("Compliance"), compliance.EXPORT_COLUMNS, rows
    )


@login_required
@require_POST
def open_recall(request: HttpRequest) -> HttpResponse:
    actor = _supervisor(request)
    form = RecallForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Check the form: %(errors)s") % {"errors": form.errors.as_text()})
        return redirect("tracing:supervision")
    data = form.cleaned_data
    model = registry.visible_product_models(actor).filter(gtin=data["gtin"].strip()).first()
    if model is None:
        messages.error(request, _("No product model with this GTIN in your jurisdiction."))
        return redirect("tracing:supervision")
    try:
        recall = services.open_recall(
            actor=actor,
            data=services.RecallInput(
                product_model_id=model.pk,
                reason=data["reason"],
                lot_from=data["lot_from"].strip(),
                lot_to=data["lot_to"].strip(),
                codes=[c for c in data["codes"].splitlines() if c.strip()],
            ),
        )
    except DomainError as exc:
        for problem in exc.problems:
            messages.error(request, f"{problem.field}: {problem.reason}")
        return redirect("tracing:supervision")
    return redirect("tracing:recall", recall_id=recall.pk)


@login_required
@require_GET
def recall(request: HttpRequest, recall_id: int) -> HttpResponse:
    actor = _supervisor(request)
    found = selectors.get_recall(actor, recall_id)
    scope = selectors.recall_scope(found)
    holders = selectors.holders(scope.holders)
    return render(
        request,
        "tracing/recall.html",
        {
            "recall": found,
            "scope": scope,
            "by_region": sorted(scope.by_region.items(), key=lambda kv: -kv[1]),
            "by_holder": sorted(
                (
                    (holders.get(h), scope.by_holder.get(h, 0), scope.by_seller.get(h, 0))
                    for h in scope.holders
                ),
                key=lambda row: -(row[1] + row[2]),
            )[:100],
            "notices": selectors.notices_of(found),
            "can_notify": actor.role in (Role.REGULATOR, Role.ADMIN),
        },
    )


@login_required
@require_POST
def notify(request: HttpRequest, recall_id: int) -> HttpResponse:
    actor = _supervisor(request)
    try:
        made = services.notify_holders(actor=actor, recall_id=recall_id)
    except DomainError as exc:
        messages.error(request, str(exc.problems[0].reason))
        return redirect("tracing:recall", recall_id=recall_id)
    messages.success(request, _("%(n)d holders notified.") % {"n": made})
    return redirect("tracing:recall", recall_id=recall_id)


@login_required
@require_GET
def recall_export(
    request: HttpRequest, recall_id: int, kind: str
) -> FileResponse | StreamingHttpResponse:
    actor = _supervisor(request)
    found = selectors.get_recall(actor, recall_id)
    rows = selectors.scope_rows(found)
    if kind == "xlsx":
        return xlsx_response(
            f"recall-{found.pk}.xlsx", _("Recall scope"), selectors.EXPORT_COLUMNS, rows
        )
    response = StreamingHttpResponse(_csv(rows), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="recall-{found.pk}.csv"'
    return response


def _csv(rows: Iterator[list[object]]) -> Iterator[str]:
    class Echo:
        def write(self, value: str) -> str:
            return value

    writer = csv.writer(Echo())
    yield "\ufeff" + writer.writerow(selectors.EXPORT_COLUMNS)
    for row in rows:
        yield writer.writerow(row)


@require_GET
def recall_notice(request: HttpRequest, recall_id: int) -> HttpResponse:
    """The public recall notice a recalled unit's scan page links to (gs1:recallStatus)."""
    return render(
        request, "tracing/recall_notice.html", {"recall": selectors.public_recall(recall_id)}
    )
