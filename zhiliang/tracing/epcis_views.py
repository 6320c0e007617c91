"""The EPCIS 2.0 REST binding under /epcis/ (GS1 EPCIS 2.0 section 12, REST Bindings openapi).

Existing EPCIS clients work unchanged: ``POST /capture`` answers 202 with the capture job's
Location, ``GET /capture/{captureID}`` reports it (running, success, captureErrorBehaviour,
errors), ``POST /events`` captures one event (201, or 409 when it exists), ``GET /events`` runs
the simple event query with the standard's parameters and pages with ``Link: <…>; rel="next"``.
Errors are RFC 7807 ``application/problem+json`` with the standard's exception types. Capture is
synchronous: when 202 is sent the events are committed, so an acknowledged event survives a crash.
"""

from collections.abc import Callable
from datetime import timedelta
from functools import wraps
from typing import Any, Final
from urllib.parse import quote, urlencode

from django.http import HttpRequest, HttpResponse, JsonResponse, QueryDict
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt

from zhiliang.accounts.roles import Role
from zhiliang.common.errors import DomainError
from zhiliang.core.tracing.epcis import collector
from zhiliang.core.tracing.epcis.model import Document, EpcisInvalid
from zhiliang.core.tracing.epcis.query import QueryParameterError, parse_query
from zhiliang.core.tracing.epcis.validation import parse_document, parse_event
from zhiliang.tracing import scopes
from zhiliang.tracing.http import (
    CAPTURE_MAX_BYTES,
    CAPTURE_MAX_EVENTS,
    EPCIS_HEADERS,
    HttpProblem,
    caller,
    from_domain_error,
    json_body,
    limited,
    problem,
)
from zhiliang.tracing.ratelimit import CAPTURE_PER_MINUTE
from zhiliang.tracing.selectors import captures as capture_selectors
from zhiliang.tracing.selectors import events as event_selectors
from zhiliang.tracing.services.capture import CaptureRefused, capture

CAPTURERS: Final = (Role.ENTERPRISE_MEMBER, Role.PLATFORM_OPERATOR, Role.CONNECTED_SYSTEM)
READERS: Final = (*CAPTURERS, Role.REGULATOR, Role.DEPARTMENT_READER, Role.ADMIN)
CONTEXT: Final = "https://ref.gs1.org/standards/epcis/2.0.0/epcis-context.jsonld"
View = Callable[..., HttpResponse]


def epcis(methods: str) -> Callable[[View], View]:
    """Allowed methods (OPTIONS answers discovery), problem responses, the standard headers."""
    allowed = [m.strip() for m in methods.split(",")]

    def decorate(view: View) -> View:
        @csrf_exempt
        @wraps(view)
        def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
            if request.method == "OPTIONS":
                response = HttpResponse(status=204)
                response["Allow"] = ", ".join(["OPTIONS", *allowed])
                response["GS1-EPCIS-Min"] = response["GS1-EPCIS-Max"] = "2.0.0"
                response["GS1-CBV-Min"] = response["GS1-CBV-Max"] = "2.0.0"
                if "POST" in allowed:
                    response["GS1-EPCIS-Capture-Limit"] = str(CAPTURE_MAX_EVENTS)
                    response["GS1-EPCIS-Capture-File-Size-Limit"] = str(CAPTURE_MAX_BYTES)
                    response["GS1-Capture-Error-Behaviour"] = "rollback, proceed"
            elif request.method not in allowed:
                response = problem(405, "ImplementationException", _("Method not allowed"))
                response["Allow"] = ", ".join(["OPTIONS", *allowed])
            else:
                try:
                    response = view(request, *args, **kwargs)
                except HttpProblem as exc:
                    response = exc.response
                except DomainError as exc:
                    response = from_domain_error(exc)
            for name, value in EPCIS_HEADERS.items():
                response.setdefault(name, value)
            return response

        return wrapper

    return decorate


def _invalid(error: EpcisInvalid) -> HttpResponse:
    first = error.problems[0]
    where = f"event {first.event}" if first.event is not None else _("the document")
    return problem(
        400,
        "ValidationException",
        _("The EPCIS document is invalid"),
        f"{where}, {first.field}: {first.message}",
        errors=[p.as_dict() for p in error.problems],
    )


def _refused(error: CaptureRefused) -> HttpResponse:
    status = error.status
    kind = {400: "ValidationException", 403: "SecurityException"}.get(
        status, "ResourceAlreadyExistsException"
    )
    first = error.refusals[0].problem
    return problem(
        status,
        kind,
        _("Nothing was captured"),
        f"event {first.event}, {first.field}: {first.message}",
        errors=[r.problem.as_dict() | {"status": r.status} for r in error.refusals],
    )


@epcis("GET")
def top_level(request: HttpRequest) -> HttpResponse:
    return JsonResponse(
        {
            "@context": CONTEXT,
            "type": "Collection",
            "member": [
                "capture",
                "events",
                "eventTypes",
                "epcs",
                "bizSteps",
                "bizLocations",
                "readPoints",
                "dispositions",
            ],
        }
    )


@epcis("GET, POST")
def capture_collection(request: HttpRequest) -> HttpResponse:
    if request.method == "GET":
        actor = caller(request, READERS, scopes.READ)
        jobs = capture_selectors.recent_jobs(actor)
        return JsonResponse([capture_selectors.job_document(j) for j in jobs], safe=False)
    actor = caller(request, CAPTURERS, scopes.CAPTURE)
    limited(request, "capture", str(actor.user_id), CAPTURE_PER_MINUTE)
    behaviour = request.headers.get("GS1-Capture-Error-Behaviour", "rollback").strip().lower()
    if behaviour not in ("rollback", "proceed"):
        return problem(
            400,
            "ValidationException",
            _("Unknown capture error behaviour"),
            _("GS1-Capture-Error-Behaviour is rollback or proceed."),
        )
    with collector.paused():  # the parsed document lives until it is captured (collector.py)
        data, digest = json_body(request, CAPTURE_MAX_BYTES)
        document = _document(data)
        if isinstance(document, HttpResponse):
            return document
        try:
            job = capture(
                actor=actor, document=document, behaviour=behaviour, document_sha256=digest
            )
        except CaptureRefused as exc:
            return _refused(exc)
    response = HttpResponse(status=202)
    response["Location"] = f"/epcis/capture/{job.pk}"
    return response


def _document(data: Any) -> Document | HttpResponse:
    try:
        document = parse_document(data)
    except EpcisInvalid as exc:
        return _invalid(exc)
    if len(document.events) > CAPTURE_MAX_EVENTS:
        response = problem(
            413,
            "CaptureLimitExceededException",
            _("Capture payload too large"),
            _("A capture holds at most %(n)d events.") % {"n": CAPTURE_MAX_EVENTS},
        )
        response["GS1-EPCIS-Capture-Limit"] = str(CAPTURE_MAX_EVENTS)
        return response
    return document


@epcis("GET")
def capture_job(request: HttpRequest, capture_id: str) -> HttpResponse:
    actor = caller(request, READERS, scopes.READ)
    job = capture_selectors.get_job(actor, capture_id)
    return JsonResponse(capture_selectors.job_document(job))


@epcis("GET, POST")
def events(request: HttpRequest) -> HttpResponse:
    if request.method == "POST":
        return _capture_one(request)
    actor = caller(request, READERS, scopes.READ)
    return _query(request, actor, request.GET)


def _capture_one(request: HttpRequest) -> HttpResponse:
    actor = caller(request, CAPTURERS, scopes.CAPTURE)
    limited(request, "capture", str(actor.user_id), CAPTURE_PER_MINUTE)
    data, _digest = json_body(request, CAPTURE_MAX_BYTES)
    try:
        event = parse_event(data)
    except EpcisInvalid as exc:
        return _invalid(exc)
    if event_selectors.event_exists(event.identity):
        return problem(
            409,
            "ResourceAlreadyExistsException",
            _("The event exists"),
            _("An event with this eventID (or hash) was captured before."),
        )
    try:
        job = capture(actor=actor, document=Document("EPCISDocument", (event,)))
    except CaptureRefused as exc:
        return _refused(exc)
    if job.captured == 0:
        return problem(409, "ResourceAlreadyExistsException", _("The event exists"))
    response = JsonResponse(dict(event.raw) | {"eventID": event.identity}, status=201)
    response["Location"] = f"/epcis/events/{quote(event.identity, safe='')}"
    return response


@epcis("GET")
def event_detail(request: HttpRequest, event_id: str) -> HttpResponse:
    actor = caller(request, READERS, scopes.READ)
    event = event_selectors.get_event(actor, event_id)
    return JsonResponse(_query_document([event.body]))


def _query(request: HttpRequest, actor: Any, params: QueryDict, **fixed: str) -> HttpResponse:
    given = {k: params.getlist(k) for k in params}
    for name, value in fixed.items():
        given[name] = [*given.get(name, []), value]
    try:
        query = parse_query(given)
        page = event_selectors.run_query(actor, query)
    except QueryParameterError as exc:
        return problem(
            400,
            "QueryParameterException",
            _("Invalid query parameter"),
            f"{exc.parameter}: {exc.message}",
            parameter=exc.parameter,
        )
    except event_selectors.QueryTooLarge:
        return problem(
            413,
            "QueryTooLargeException",
            _("Query result too large"),
            _("More events match than maxEventCount; narrow the query."),
        )
    response = JsonResponse(_query_document([e.body for e in page.events]))
    if page.next_token:
        kept = [(k, v) for k in params for v in params.getlist(k) if k != "nextPageToken"]
        url = request.path + "?" + urlencode([*kept, ("nextPageToken", page.next_token)])
        response["Link"] = f'<{url}>; rel="next"'
        expires = timezone.now() + timedelta(seconds=event_selectors.TOKEN_MAX_AGE)
        response["GS1-Next-Page-Token-Expires"] = expires.isoformat()
    return response


def _query_document(bodies: list[Any]) -> dict[str, Any]:
    return {
        "@context": [CONTEXT],
        "type": "EPCISQueryDocument",
        "schemaVersion": "2.0",
        "creationDate": timezone.now().isoformat(timespec="milliseconds"),
        "epcisBody": {
            "queryResults": {"queryName": "SimpleEventQuery", "resultsBody": {"eventList": bodies}}
        },
    }


def _resource(parameter: str) -> View:
    @epcis("GET")
    def view(request: HttpRequest, value: str) -> HttpResponse:
        actor = caller(request, READERS, scopes.READ)
        return _query(request, actor, request.GET, **{parameter: value})

    return view


event_type_events = _resource("eventType")
epc_events = _resource("MATCH_anyEPC")
biz_step_events = _resource("EQ_bizStep")
biz_location_events = _resource("EQ_bizLocation")
read_point_events = _resource("EQ_readPoint")
disposition_events = _resource("EQ_disposition")
