from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from hoptac.notifications.due import due_items_for
from hoptac.notifications.models import Notification
from hoptac.notifications.services import notifications_mark_read


def my_due_items(request):
    """The signed-in user's due and late items, and the reminders they were sent."""
    page = Paginator(Notification.objects.filter(user=request.user), 30).get_page(request.GET.get("page"))
    return render(
        request,
        "notifications/my.html",
        {"items": due_items_for(request.user, timezone.localdate()), "page_obj": page, "query_without_page": ""},
    )


@require_POST
def mark_read(request):
    notifications_mark_read(request.user)
    return redirect("notifications:my")
