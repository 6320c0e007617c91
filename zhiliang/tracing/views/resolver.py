"""Every code resolves on the platform (T3): GS1 Digital Link paths behave as a GS1-conformant
resolver, the other schemes have short paths, and both lead to the public scan page.

The resolver (GS1 Digital Link standard 1.1, chapter on resolvers; RFC 9264 linksets):
``/.well-known/gs1resolver`` describes it; ``?linkType=all`` or ``Accept:
application/linkset+json`` returns the code's links as a linkset; ``?linkType=gs1:…`` redirects
(307) to that link, or to the default when the code has no such link; any other request
redirects to the default link, the scan page. A malformed URI is a 400 naming the reason; CORS is
open, as the standard requires, so web apps built for Digital Link can call it.
"""

import json
from typing import Any, Final
from urllib.parse import quote

from django.conf import settings
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect, JsonResponse
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods

from zhiliang.core.identifiers import InvalidIdentifier
from zhiliang.core.tracing.codes import Scheme, parse_ccc_unit, parse_ecode, parse_identity_code
from zhiliang.core.tracing.digital_link import CANONICAL_HOST, DigitalLink, parse_digital_link
from zhiliang.tracing.problems import identifier_problem
from zhiliang.tracing.selectors import scan as scan_selectors

GS1_VOC: Final = "https://gs1.org/voc/"
LINKSET: Final = "application/linkset+json"
CONTEXT: Final = "https://ref.gs1.org/standards/resolver/linkset-context"
RESOLVED_KEYS: Final = ("01", "00")
CORS: Final = {
    "Access-Control-Allow-Origin": "*",
    "Access-Control-Allow-Methods": "GET, HEAD, OPTIONS",
    "Access-Control-Allow-Headers": "Accept, Accept-Language",
    "Access-Control-Expose-Headers": "Link, Location",
}


def _cors(response: HttpResponse) -> HttpResponse:
    for name, value in CORS.items():
        response[name] = value
    return response


@require_http_methods(["GET", "HEAD"])
def description(request: HttpRequest) -> JsonResponse:
    """``/.well-known/gs1resolver``: what this resolver answers for."""
    return _cors(
        JsonResponse(
            {
                "name": str(_("Zhiliang traceability resolver")),
                "resolverRoot": settings.PUBLIC_URL,
                "supportedPrimaryKeys": list(RESOLVED_KEYS),
                "supportedLinkType": [{"namespace": GS1_VOC, "prefix": "gs1:"}],
                "linkTypeDefaultCanBeLinkset": False,
                "jsonLdContextLocation": CONTEXT,
                "contact": {"fn": str(_("Market regulation traceability platform"))},
            },
            json_dumps_params={"ensure_ascii": False},
        )
    )  # type: ignore[return-value]


def raw_path(request: HttpRequest) -> str:
    """The path as the client sent it: servers decode PATH_INFO, which would turn a value's
    ``%2F`` into a separator; gunicorn keeps the raw request URI."""
    raw = request.META.get("RAW_URI") or request.META.get("REQUEST_URI")
    if raw:
        return str(raw).split("?", 1)[0]
    return quote(request.path, safe="/%:@!$&'()*+,;=")


def parse_request(request: HttpRequest, prefix: str = "") -> DigitalLink:
    path = raw_path(request)[len(prefix) :]
    query = request.META.get("QUERY_STRING", "")
    return parse_digital_link(settings.PUBLIC_URL + path + (f"?{query}" if query else ""))


def malformed(request: HttpRequest, error: InvalidIdentifier) -> HttpResponse:
    problem = identifier_problem("code", error)
    if scan_selectors_wants_json(request):
        response: HttpResponse = JsonResponse(
            {"status": "malformed", "errors": [problem.as_dict()]},
            status=400,
            json_dumps_params={"ensure_ascii": False},
        )
    else:
        response = render(request, "tracing/malformed.html", {"problem": problem}, status=400)
    return _cors(response)


def scan_selectors_wants_json(request: HttpRequest) -> bool:
    if request.META.get("HTTP_ACCEPT") == "application/json":
        return True  # what apps send: no need to weigh alternatives
    preferred = request.get_preferred_type(["text/html", "application/json", LINKSET])
    return preferred in ("application/json", LINKSET)


def scan_path(link: DigitalLink) -> str:
    return "/scan/gs1" + link.path


@csrf_exempt
@require_http_methods(["GET", "HEAD", "OPTIONS"])
def resolve(request: HttpRequest, rest: str = "") -> HttpResponse:
    if request.method == "OPTIONS":
        response = HttpResponse(status=204)
        response["Allow"] = "GET, HEAD, OPTIONS"
        return _cors(response)
    try:
        link = parse_request(request)
    except InvalidIdentifier as exc:
        return malformed(request, exc)
    links = links_of(link)
    link_type = request.GET.get("linkType", "")
    linkset = link_type == "all" or request.get_preferred_type(["text/html", LINKSET]) == LINKSET
    if links is None:
        if link_type or linkset or link.primary_key.ai not in RESOLVED_KEYS:
            unknown = {"status": "unknown", "code": link.canonical_uri}
            return _cors(JsonResponse(unknown, status=404))
        # A person scanning an unknown code still lands on the scan page, which warns them.
        redirect = HttpResponseRedirect(scan_path(link))
        redirect.status_code = 307
        return _cors(redirect)
    if linkset:
        body = {"linkset": [{"anchor": link.canonical_uri, **links}]}
        response = HttpResponse(json.dumps(body, ensure_ascii=False), content_type=LINKSET)
        response["Link"] = f'<{CONTEXT}>; rel="http://www.w3.org/ns/json-ld#context"'
        return _cors(response)
    wanted = link_type.replace("gs1:", GS1_VOC) if link_type else GS1_VOC + "defaultLink"
    target = links.get(wanted) or links[GS1_VOC + "defaultLink"]
    response = HttpResponseRedirect(target[0]["href"])
    response.status_code = 307
    response["Link"] = (
        ", ".join(
            f'<{entry["href"]}>; rel="{rel.replace(GS1_VOC, "gs1:")}"'
            for rel, entries in links.items()
            for entry in entries
        )
        + f', <{link.canonical_uri}?linkType=all>; rel="linkset"; type="{LINKSET}"'
    )
    return _cors(response)


def links_of(link: DigitalLink) -> dict[str, list[dict[str, Any]]] | None:
    """The code's links by GS1 link type; None when the platform does not know the code."""
    if link.primary_key.ai not in RESOLVED_KEYS:
        return None
    base = settings.PUBLIC_URL
    scan = {
        "href": base + scan_path(link),
        "title": str(_("Traceability and verification")),
        "type": "text/html",
        "hreflang": ["zh", "en"],
    }
    links: dict[str, list[dict[str, Any]]] = {
        GS1_VOC + "defaultLink": [scan],
        GS1_VOC + "pip": [scan],
    }
    facts = scan_selectors.link_facts(link)
    if facts is None:
        return None
    if facts.grading_url:
        links[GS1_VOC + "certificationInfo"] = [
            {
                "href": base + facts.grading_url,
                "title": str(_("Quality grading record")),
                "type": "text/html",
            }
        ]
    if facts.recall_url:
        links[GS1_VOC + "recallStatus"] = [
            {"href": base + facts.recall_url, "title": str(_("Recall notice")), "type": "text/html"}
        ]
    if facts.epcis:
        links[GS1_VOC + "epcis"] = [
            {
                "href": f"{base}/epcis/events?MATCH_anyEPC="
                + quote(CANONICAL_HOST + link.path, safe=""),
                "title": "EPCIS",
                "type": "application/json",
            }
        ]
    return links


SHORT_PARSERS: Final = {
    Scheme.ECODE: parse_ecode,
    Scheme.DIC: parse_identity_code,
    Scheme.CCC: parse_ccc_unit,
}
