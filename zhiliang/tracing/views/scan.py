"""The public scan page (HTML, mobile first) and its JSON twin (``Accept: application/json``).

``status`` is one of ok, unknown, sold, possible_clone, recalled, with every warning that applies
listed; a logged-in seller who expects the unit also gets "confirm receipt".
"""

import json
from typing import Any, Final

from django.contrib import messages
from django.core.serializers.json import DjangoJSONEncoder
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import get_language, gettext_lazy
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods, require_POST

from zhiliang.accounts.actors import actor_of
from zhiliang.accounts.roles import Role
from zhiliang.common.errors import DomainError
from zhiliang.core.identifiers import InvalidIdentifier
from zhiliang.core.tracing.clone import CloneVerdict
from zhiliang.core.tracing.codes import Scheme
from zhiliang.registry import selectors as registry
from zhiliang.tracing import ratelimit
from zhiliang.tracing.http import HttpProblem
from zhiliang.tracing.models import ScanVerdict
from zhiliang.tracing.selectors import scan as selectors
from zhiliang.tracing.services import scans
from zhiliang.tracing.services.capture import CaptureRefused
from zhiliang.tracing.views.resolver import (
    SHORT_PARSERS,
    malformed,
    parse_request,
    scan_selectors_wants_json,
)

WARNINGS: Final[dict[str, Any]] = {
    ScanVerdict.UNKNOWN: gettext_lazy(
        "This code is not known to the platform. The product may be counterfeit, or its producer "
        "has not reported it."
    ),
    ScanVerdict.SOLD: gettext_lazy(
        "This unit was already sold to a consumer. If you are buying it new, ask the seller why."
    ),
    ScanVerdict.POSSIBLE_CLONE: gettext_lazy(
        "This code has been scanned in places or at speeds that one unit cannot be: the label may "
        "have been copied."
    ),
    ScanVerdict.RECALLED: gettext_lazy(
        "This product is under recall. Stop using it and contact the seller or producer."
    ),
}
STEP_LABELS: Final[dict[str, Any]] = {
    "commissioning": gettext_lazy("Coded at production"),
    "packing": gettext_lazy("Packed"),
    "shipping": gettext_lazy("Shipped"),
    "receiving": gettext_lazy("Received"),
    "unpacking": gettext_lazy("Unpacked"),
    "retail_selling": gettext_lazy("Sold to a consumer"),
    "destroying": gettext_lazy("Destroyed"),
    "inspecting": gettext_lazy("Inspected"),
}
STATUS_LABELS: Final[dict[str, Any]] = {
    ScanVerdict.OK: gettext_lazy("Record found"),
    ScanVerdict.UNKNOWN: gettext_lazy("Unknown code"),
    ScanVerdict.SOLD: gettext_lazy("Already sold"),
    ScanVerdict.POSSIBLE_CLONE: gettext_lazy("Possible clone"),
    ScanVerdict.RECALLED: gettext_lazy("Under recall"),
}


def _float(value: str | None) -> float | None:
    try:
        return float(value) if value else None
    except ValueError:
        return None


def _limited(request: HttpRequest) -> None:
    who = ratelimit.client_address(request.META)
    verdict = ratelimit.hit("scan", who, ratelimit.SCANS_PER_MINUTE)
    if not verdict.allowed:
        response = HttpResponse(_("Too many scans from your address; wait a minute."), status=429)
        response["Retry-After"] = str(verdict.retry_after)
        raise HttpProblem(response)


@require_http_methods(["GET", "HEAD"])
def scan_gs1(request: HttpRequest, rest: str) -> HttpResponse:
    try:
        link = parse_request(request, prefix="/scan/gs1")
    except InvalidIdentifier as exc:
        return malformed(request, exc)
    identity = selectors.identity_of(link)
    if identity is None:
        model = selectors.model_by_gtin(link.gtin)
        data = selectors.product_card(model) if model else {"code": link.canonical_uri}
        status = ScanVerdict.OK if model else ScanVerdict.UNKNOWN
        return _respond(request, data | {"level": "product"}, status, [], None)
    return _scan(request, *identity, display=link.canonical_uri)


@require_http_methods(["GET", "HEAD"])
def scan_short(request: HttpRequest, scheme: str, value: str) -> HttpResponse:
    try:
        SHORT_PARSERS[scheme](value)
    except InvalidIdentifier as exc:
        return malformed(request, exc)
    return _scan(request, scheme, value, display=value)


def _scan(request: HttpRequest, scheme: str, value: str, display: str) -> HttpResponse:
    try:
        _limited(request)
    except HttpProblem as exc:
        return exc.response
    found, recent = selectors.find_for_scan(scheme, value)
    code = found.code
    if code is None:
        return _respond(request, {"code": display, "scheme": scheme}, ScanVerdict.UNKNOWN, [], None)
    actor = actor_of(request)
    seller = actor.role in (Role.ENTERPRISE_MEMBER, Role.PLATFORM_OPERATOR)
    if seller:
        place = scans.seller_place(actor)
    elif request.META.get("QUERY_STRING"):
        place = scans.place_of(_float(request.GET.get("lat")), _float(request.GET.get("lng")))
    else:
        place = scans.NOWHERE
    card_key, data = selectors.card_with_key(code)
    recalled = data.get("recall") is not None
    scan, verdict = scans.record_scan(
        code=code, actor=actor, place=place, recalled=recalled, recent=recent
    )
    extra = {
        "display": display,
        "scannedAt": timezone.localtime(scan.at).isoformat(timespec="seconds"),
        "canConfirmReceipt": scans.can_confirm_receipt(actor, code),
        "codeId": str(code.pk),
        "positionToken": scans.position_token(scan) if not place.known else "",
    }
    status = scans.status_of(code, verdict, recalled=recalled)
    warnings = _warnings(code.state, data, verdict)
    return _respond(request, data, status, warnings, verdict, extra=extra, card_key=card_key)


def _warnings(state: str, data: dict[str, Any], verdict: CloneVerdict) -> list[str]:
    found: list[str] = []
    if data.get("recall"):
        found.append(ScanVerdict.RECALLED)
    if verdict.possible_clone:
        found.append(ScanVerdict.POSSIBLE_CLONE)
    if state == "sold":
        found.append(ScanVerdict.SOLD)
    return found


def _respond(
    request: HttpRequest,
    data: dict[str, Any],
    status: str,
    warnings: list[str],
    verdict: CloneVerdict | None,
    *,
    extra: dict[str, Any] | None = None,
    card_key: str | None = None,
) -> HttpResponse:
    """The page or its JSON: the card (with each step's label and the proofs counted) and what
    this scan found. The card's part of the JSON is encoded once per card and language."""
    if status == ScanVerdict.UNKNOWN:
        warnings = [ScanVerdict.UNKNOWN]
    labels, warning_texts = _texts()
    found = {
        **(extra or {}),
        "status": status,
        "statusLabel": labels[status],
        "warnings": [{"code": w, "message": warning_texts[w]} for w in warnings],
        "clone": {"reason": verdict.reason, **verdict.detail}
        if verdict and verdict.possible_clone
        else None,
    }
    response: HttpResponse
    if not scan_selectors_wants_json(request):
        response = render(request, "tracing/scan.html", {"scan": _card_body(data) | found})
    elif card_key is None:
        response = JsonResponse(_card_body(data) | found, json_dumps_params=_JSON_PARAMS)
    else:
        fragment = _card_json(card_key, data)
        response = HttpResponse(
            fragment + "," + _ENCODE(found)[1:],
            content_type="application/json",
        )
    response["Vary"] = "Accept"
    response["Cache-Control"] = "no-store"
    return response


_JSON_PARAMS: Final[dict[str, Any]] = {"ensure_ascii": False}
_ENCODE: Final = DjangoJSONEncoder(ensure_ascii=False).encode
_FRAGMENTS: dict[tuple[str, str], str] = {}
_TEXTS: dict[str, tuple[dict[str, str], dict[str, str]]] = {}


def _texts() -> tuple[dict[str, str], dict[str, str]]:
    """The status labels and warning messages in the request's language, translated once."""
    language = get_language()
    found = _TEXTS.get(language)
    if found is None:
        found = _TEXTS[language] = (
            {status: str(label) for status, label in STATUS_LABELS.items()},
            {warning: str(message) for warning, message in WARNINGS.items()},
        )
    return found


def _card_json(card_key: str, data: dict[str, Any]) -> str:
    """The card's JSON without its closing brace, kept per card and language."""
    key = (card_key, get_language())
    fragment = _FRAGMENTS.get(key)
    if fragment is None:
        if len(_FRAGMENTS) >= selectors.CARDS_KEPT:
            _FRAGMENTS.clear()
        encoded = json.dumps(_card_body(data), ensure_ascii=False, cls=DjangoJSONEncoder)
        fragment = _FRAGMENTS[key] = encoded[:-1]
    return fragment


def _card_body(data: dict[str, Any]) -> dict[str, Any]:
    chain = [
        step | {"stepLabel": str(STEP_LABELS.get(step["step"], step["step"]))}
        for step in data.get("chain", [])
    ]
    states = [p["state"] for p in data.get("proofs", [])]
    return {
        **data,
        "chain": chain,
        "proofSummary": {
            "total": len(states),
            "verified": states.count("verified"),
            "pending": states.count("pending"),
            "failed": states.count("failed"),
        },
    }


@require_POST
def confirm_receipt(request: HttpRequest, code_id: str) -> HttpResponse:
    actor = actor_of(request)
    code = selectors.find_by_id(code_id)
    back = request.POST.get("next") or reverse("portal:console")
    if code is None or not scans.can_confirm_receipt(actor, code):
        messages.error(request, _("You cannot confirm the receipt of this unit."))
        return redirect(back)
    enterprise = registry.get_enterprise(actor, actor.enterprise_id or 0)
    try:
        scans.confirm_receipt(actor=actor, code=code, credit_code=enterprise.credit_code)
    except (CaptureRefused, DomainError):
        messages.error(request, _("The receipt could not be recorded."))
        return redirect(back)
    messages.success(request, _("Receipt confirmed: the unit is now recorded as held by you."))
    return redirect(back if back.startswith("/") else "/")


@csrf_exempt
@require_POST
def position(request: HttpRequest) -> HttpResponse:
    """The scan page's script adds the phone's approximate position (a signed scan token, no
    cookie: nothing else can be changed through it)."""
    lat, lng = _float(request.POST.get("lat")), _float(request.POST.get("lng"))
    token = request.POST.get("token", "")
    if lat is None or lng is None or not token:
        return HttpResponse(status=400)
    scan = scans.attach_position(token=token, lat=lat, lng=lng)
    return HttpResponse(status=204 if scan else 404)


SCHEME_PATHS: Final = {"e": Scheme.ECODE, "i": Scheme.DIC, "ccc": Scheme.CCC}
