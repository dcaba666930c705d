"""What falls due on aid projects, and for whom.

A project still running (status implementation or finalisation) with a planned end and no
actual end is due:
- `project:<id>:ends-<planned end>` — its planned end is within `end_soon_days()` days
  (HOPTAC_PROJECT_END_SOON_DAYS, default 90: closing a project — final report, last
  disbursements, handing over assets — takes months, so a task's 30 days are too few);
- `project:<id>:overdue-<planned end>` — its planned end has passed: record the actual end, or
  the extension as a new planned end (which gives a new key, so the reminder starts again).

Responsible users: the active users of the project's owner unit (that unit only) whose role may
change records (admin, approver, editor, contributor; viewers are not asked to act), as for
agreements. A project without an owner unit reminds nobody. Keys are stable per item and reason,
so `hoptac remind` sends each once a day."""

import datetime
import os

from django.conf import settings
from django.utils.translation import gettext as _

from hoptac.aid.models import Project, Status
from hoptac.notifications.due import DueItem
from hoptac.org.models import User

DEFAULT_END_SOON_DAYS = 90
RUNNING = (Status.IMPLEMENTATION, Status.FINALISATION)
_ACTING_ROLES = (User.Role.ADMIN, User.Role.APPROVER, User.Role.EDITOR, User.Role.CONTRIBUTOR)


def end_soon_days() -> int:
    """Days before its planned end a project is reminded of: settings.HOPTAC_PROJECT_END_SOON_DAYS,
    else the environment variable of the same name, else 90."""
    value = getattr(settings, "HOPTAC_PROJECT_END_SOON_DAYS", None) or os.environ.get("HOPTAC_PROJECT_END_SOON_DAYS")
    try:
        return max(int(value), 0) if value not in (None, "") else DEFAULT_END_SOON_DAYS
    except (TypeError, ValueError):
        return DEFAULT_END_SOON_DAYS


def _unit_users(unit_ids: set[int]) -> dict[int, list[int]]:
    users: dict[int, list[int]] = {}
    rows = User.objects.filter(unit_id__in=unit_ids, is_active=True, role__in=_ACTING_ROLES).values_list(
        "unit_id", "pk"
    )
    for unit_id, pk in rows:
        users.setdefault(unit_id, []).append(pk)
    return users


def due_items(today: datetime.date) -> list[DueItem]:
    """Items of this app that fall due or are late on `today`, one per responsible user."""
    horizon = today + datetime.timedelta(days=end_soon_days())
    projects = list(
        Project.objects.filter(
            status__in=RUNNING,
            planned_end__isnull=False,
            planned_end__lte=horizon,
            actual_end__isnull=True,
            owner_unit__isnull=False,
        ).order_by("planned_end", "pk")
    )
    unit_users = _unit_users({p.owner_unit_id for p in projects})
    items: list[DueItem] = []
    for project in projects:
        end = project.planned_end
        overdue = end < today
        values = {"title": str(project), "date": f"{end:%d/%m/%Y}"}
        if overdue:
            title = (
                _("Project “%(title)s” was planned to end on %(date)s: record its actual end or a new planned end")
                % values
            )
            reason = f"overdue-{end.isoformat()}"
        else:
            title = _("Project “%(title)s” is planned to end on %(date)s") % values
            reason = f"ends-{end.isoformat()}"
        for user_id in unit_users.get(project.owner_unit_id, []):
            items.append(
                DueItem(
                    user_id=user_id,
                    key=f"project:{project.pk}:{reason}",
                    title=title,
                    url=project.get_absolute_url(),
                    due_date=end,
                    kind="project",
                    overdue=overdue,
                )
            )
    return items
