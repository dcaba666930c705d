import logging
import time

from django.http import HttpResponseBadRequest, JsonResponse
from django.template.loader import render_to_string
from django.utils.translation import gettext as _

logger = logging.getLogger("hoptac.request")


class RequestLogMiddleware:
    """One log line per request (method, path, status, duration, user) for operators."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        started = time.perf_counter()
        response = self.get_response(request)
        user = getattr(request, "user", None)
        logger.info(
            "%s %s %s",
            request.method,
            request.path,
            response.status_code,
            extra={
                "method": request.method,
                "path": request.path,
                "status": response.status_code,
                "duration_ms": round((time.perf_counter() - started) * 1000, 1),
                "user": user.get_username() if user is not None and user.is_authenticated else "",
            },
        )
        return response


class OverflowMiddleware:
    """SQLite holds no integer past 2**63 and Python no date past 9999. A drop-down's id that
    large, or such a date, comes only from a crafted or damaged request: the client's error, a
    400 that says so, not a 500. Forms and the API bound what people type; this catches the rest
    (Django's multiple-choice fields query the ids before checking them)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        if not isinstance(exception, OverflowError):
            return None
        logger.warning("Out-of-range value in %s %s: %s", request.method, request.path, exception)
        message = _("A number or a date in this request is too large. Go back, reload the page and try again.")
        return HttpResponseBadRequest(render_to_string("web/bad_request.html", {"message": message}, request))


class ApiMethodNotAllowedMiddleware:
    """django-ninja answers a method a route lacks with a plain-text 405; the API's every other
    error is JSON {"message"}, so this one is too (its Allow header kept)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if (
            response.status_code == 405
            and request.path.startswith("/api/")
            and "json" not in response.get("Content-Type", "")
        ):
            allowed = response.get("Allow", "")
            json_response = JsonResponse(
                {"message": _("This method is not allowed here. Allowed: %(methods)s.") % {"methods": allowed}},
                status=405,
            )
            json_response["Allow"] = allowed
            return json_response
        return response
