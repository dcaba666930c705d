import datetime
import logging

from django.conf import settings
from django.core.mail import send_mail
from django.db import IntegrityError, transaction
from django.utils import timezone

from hoptac.notifications.due import DueItem, all_due_items
from hoptac.notifications.models import Notification
from hoptac.org.models import User

log = logging.getLogger(__name__)


def notification_send(item: DueItem, *, today: datetime.date, users: dict[int, User]) -> bool:
    """Record and e-mail one reminder; False if this user already got it today."""
    user = users.get(item.user_id)
    if user is None or not user.is_active:
        return False
    try:
        with transaction.atomic():
            notification = Notification.objects.create(
                user=user, key=item.key, sent_on=today, title=item.title, url=item.url, due_date=item.due_date
            )
    except IntegrityError:
        return False
    if user.email:
        try:
            send_mail(
                subject=f"[hoptac] {item.title}",
                message=f"{item.title}\n\n{settings.HOPTAC_BASE_URL.rstrip('/')}{item.url}",
                from_email=None,
                recipient_list=[user.email],
            )
        except OSError as exc:  # the in-app notification stands; mail is retried tomorrow
            log.warning("reminder e-mail to %s failed: %s", user.email, exc)
        else:
            Notification.objects.filter(pk=notification.pk).update(emailed=True)
    return True


def reminders_send(today: datetime.date | None = None) -> int:
    today = today or timezone.localdate()
    items = all_due_items(today)
    users = User.objects.in_bulk({item.user_id for item in items})
    return sum(notification_send(item, today=today, users=users) for item in items)


def notifications_mark_read(user, ids: list[int] | None = None) -> int:
    queryset = Notification.objects.filter(user=user, read_at__isnull=True)
    if ids is not None:
        queryset = queryset.filter(pk__in=ids)
    return queryset.update(read_at=timezone.now())
