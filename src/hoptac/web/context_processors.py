from hoptac.org.permissions import can_manage_users
from hoptac.web.navigation import AREAS


def navigation(request):
    path = request.path
    current = next((a.key for a in AREAS[1:] if path.startswith(a.url)), "dashboard" if path == "/" else "")
    user = getattr(request, "user", None)
    unread = 0
    if user and user.is_authenticated:
        from hoptac.notifications.models import Notification

        unread = Notification.objects.filter(user=user, read_at__isnull=True).count()
    return {
        "nav_unread": unread,
        "nav_areas": [a for a in AREAS if a.key not in ("portal",)],
        "nav_current": current,
        "nav_is_admin": bool(user and user.is_authenticated and (user.is_staff or can_manage_users(user))),
    }
