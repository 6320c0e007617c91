"""Pages: the public portal, login, and each role's console; selectors decide who sees what."""

from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db import connection
from django.http import FileResponse, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from zhiliang.accounts import selectors as account_selectors
from zhiliang.accounts import services as account_services
from zhiliang.accounts.actors import actor_of
from zhiliang.common.errors import DomainError
from zhiliang.common.excel import xlsx_response
from zhiliang.portal import consoles
from zhiliang.portal.forms import LoginForm, TokenForm
from zhiliang.registry import selectors as registry_selectors

PAGE_SIZE = 50


@require_GET
def healthz(request: HttpRequest) -> JsonResponse:
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
    return JsonResponse({"status": "ok"})


@require_GET
def home(request: HttpRequest) -> HttpResponse:
    return render(request, "portal/home.html", {"stats": consoles.public_stats()})


@require_GET
def search(request: HttpRequest) -> HttpResponse:
    q = request.GET.get("q", "").strip()[:50]
    enterprises = (
        registry_selectors.filter_enterprises(registry_selectors.public_enterprises(), {"q": q})[
            :20
        ]
        if q
        else []
    )
    products = registry_selectors.products().filter(name__icontains=q)[:20] if q else []
    return render(
        request, "portal/search.html", {"q": q, "enterprises": enterprises, "products": products}
    )


@require_GET
def public_enterprise(request: HttpRequest, enterprise_id: int) -> HttpResponse:
    enterprise = registry_selectors.get_public_enterprise(enterprise_id)
    return render(
        request,
        "portal/public_enterprise.html",
        {
            "enterprise": enterprise,
            "licences": registry_selectors.licences_of(enterprise),
            "ccc_certificates": registry_selectors.ccc_certificates_of(enterprise),
        },
    )


class LoginView(auth_views.LoginView):
    template_name = "portal/login.html"
    authentication_form = LoginForm
    redirect_authenticated_user = True


class LogoutView(auth_views.LogoutView):
    pass


@login_required
@require_GET
def console(request: HttpRequest) -> HttpResponse:
    actor = actor_of(request)
    return render(request, "portal/console.html", consoles.console_for(actor))


@login_required
@require_GET
def enterprise_list(request: HttpRequest) -> HttpResponse | FileResponse:
    actor = actor_of(request)
    filters = {k: request.GET.get(k) or None for k in ("q", "region", "role", "size")}
    enterprises = registry_selectors.filter_enterprises(
        registry_selectors.visible_enterprises(actor), filters
    ).order_by("name", "pk")
    if request.GET.get("format") == "xlsx":
        return xlsx_response(
            "enterprises.xlsx",
            _("Enterprises"),
            [str(c) for c in consoles.ENTERPRISE_COLUMNS],
            consoles.enterprise_rows(enterprises),
        )
    page = Paginator(enterprises, PAGE_SIZE).get_page(request.GET.get("page"))
    partial = request.headers.get("HX-Request") == "true"
    template = "portal/_enterprise_rows.html" if partial else "portal/enterprises.html"
    return render(
        request, template, {"page": page, "filters": filters, "query": request.GET.urlencode()}
    )


@login_required
@require_GET
def enterprise_detail(request: HttpRequest, enterprise_id: int) -> HttpResponse:
    enterprise = registry_selectors.get_enterprise_detail(actor_of(request), enterprise_id)
    return render(request, "portal/enterprise.html", {"enterprise": enterprise})


@login_required
@require_http_methods(["GET", "POST"])
def tokens(request: HttpRequest) -> HttpResponse:
    actor = actor_of(request)
    form = TokenForm(request.POST or None)
    new_token = None
    if request.method == "POST":
        if "revoke" in request.POST:
            try:
                account_services.revoke_token(actor=actor, token_id=int(request.POST["revoke"]))
                messages.success(request, _("The token was revoked."))
            except (DomainError, ValueError):
                messages.error(request, _("No such API token."))
            return redirect("portal:tokens")
        if form.is_valid():
            try:
                _token, new_token = account_services.create_token(
                    actor=actor, name=form.cleaned_data["name"], days=form.cleaned_data["days"]
                )
            except DomainError as exc:
                for problem in exc.problems:
                    form.add_error(None, str(problem.reason))
    return render(
        request,
        "portal/tokens.html",
        {
            "form": form,
            "new_token": new_token,
            "tokens": account_selectors.visible_tokens(actor).filter(user_id=actor.user_id or 0),
        },
    )
