import shutil

from django.conf import settings
from django.contrib.auth.decorators import login_not_required
from django.db import connection
from django.http import JsonResponse
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt


@login_not_required
@never_cache
def healthz(request):
    """For a load balancer: 200 when the database answers, 503 when it does not."""
    status = {"database": "ok"}
    code = 200
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
    except Exception as exc:  # any failure to reach the database means unhealthy
        status["database"] = f"error: {exc.__class__.__name__}"
        code = 503
    usage = shutil.disk_usage(settings.DATA_DIR)
    status["disk_free_mb"] = usage.free // (1024 * 1024)
    status["status"] = "ok" if code == 200 else "unavailable"
    return JsonResponse(status, status=code)


@login_not_required
@csrf_exempt  # nothing is written; a POST to a wrong path should read "not found", not a CSRF page
def api_not_found(request, rest=""):
    """A path under /api/ that no endpoint answers: JSON like every other API error, not an HTML page."""
    return JsonResponse({"message": _("Not found.")}, status=404)
