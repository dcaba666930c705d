import datetime

from django.utils import timezone
from ninja import Router, Schema
from ninja.pagination import paginate

from hoptac.notifications.due import due_items_for
from hoptac.notifications.models import Notification
from hoptac.web.params import Pagination

router = Router(tags=["notifications"])


class NotificationOut(Schema):
    id: int
    title: str
    url: str
    due_date: datetime.date | None
    sent_on: datetime.date
    read_at: datetime.datetime | None


class DueItemOut(Schema):
    key: str
    kind: str
    title: str
    url: str
    due_date: datetime.date | None
    overdue: bool


@router.get("notifications", response=list[NotificationOut])
@paginate(Pagination)
def my_notifications(request, unread: bool | None = None):
    queryset = Notification.objects.filter(user=request.user)
    if unread:
        queryset = queryset.filter(read_at__isnull=True)
    return queryset


@router.get("my/due", response=list[DueItemOut])
def my_due(request):
    """What falls due or is late for the signed-in user, late items first."""
    return due_items_for(request.user, timezone.localdate())
