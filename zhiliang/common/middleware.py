"""Refuse oversized bodies before anything reads them (413, not a 500 or a silent truncation)."""

from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.utils.translation import gettext as _

from zhiliang.common.errors import DomainError


class BodySizeLimitMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        # Views that stream their bodies (EPCIS capture, code registration) set their own limits.
        if request.path.startswith(settings.BODY_SIZE_LIMIT_OWN_PATHS):
            return self.get_response(request)
        limit = settings.DATA_UPLOAD_MAX_MEMORY_SIZE
        try:
            length = int(request.META.get("CONTENT_LENGTH") or 0)
        except ValueError:
            length = 0
        if limit is not None and length > limit:
            reason = _("The request body is larger than %(limit)d bytes.") % {"limit": limit}
            problem = {
                "field": "body",
                "code": "too_large",
                "reason": reason,
                "detail": {"limit": limit},
            }
            return JsonResponse({"errors": [problem]}, status=413)
        return self.get_response(request)


class DomainErrorPageMiddleware:
    """Pages show a refusal a view did not handle as an error page with its status (404 for
    objects the caller may not see), never as a 500."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        if not isinstance(exception, DomainError):
            return None
        template = "404.html" if exception.status == 404 else "error.html"
        return render(request, template, {"problems": exception.problems}, status=exception.status)
