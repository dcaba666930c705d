"""What falls due on agreements, and for whom.

Responsible users (documented in docs/agreements.md):
- for an agreement: every active user of its responsible unit (`owner_unit`, that unit only)
  whose role may change records (admin, approver, editor, contributor; viewers are not asked to
  act), plus the user who registered it (`created_by`) if still active;
- for an implementation activity: the same rule applied to the activity's owner unit (the
  agreement's responsible unit when the activity names none), plus the agreement's creator.

Reasons and keys (stable per item and reason, so `hoptac remind` sends each once a day):
- `agreement:<id>:expires-in-90|30|7` — in force and the current term ends within that many days
  (the smallest window that applies; automatically renewed agreements count from the end of the
  running term, and the title says when notice must be given);
- `agreement:<id>:expired` — still recorded as signed/in force but its term has ended: record
  the step (expired, or extended);
- `agreement-activity:<id>:overdue` — a planned or running implementation activity past its due date.
"""

import datetime

from django.utils.translation import gettext as _

from hoptac.agreements.models import Agreement, ImplementationActivity, State
from hoptac.agreements.selectors import ACTIVE_STATUSES
from hoptac.notifications.due import DueItem
from hoptac.org.models import User

WINDOWS = (7, 30, 90)
_ACTING_ROLES = (User.Role.ADMIN, User.Role.APPROVER, User.Role.EDITOR, User.Role.CONTRIBUTOR)


def _unit_users(unit_ids: set[int]) -> dict[int, list[int]]:
    users: dict[int, list[int]] = {}
    rows = User.objects.filter(unit_id__in=unit_ids, is_active=True, role__in=_ACTING_ROLES).values_list(
        "unit_id", "pk"
    )
    for unit_id, pk in rows:
        users.setdefault(unit_id, []).append(pk)
    return users


def _active_ids(ids: set[int]) -> set[int]:
    return set(User.objects.filter(pk__in=ids, is_active=True).values_list("pk", flat=True))


def responsible_users(unit_id: int | None, creator_id: int | None, unit_users, active) -> list[int]:
    ids = list(unit_users.get(unit_id, [])) if unit_id else []
    if creator_id and creator_id in active and creator_id not in ids:
        ids.append(creator_id)
    return ids


def _expiring(today: datetime.date) -> list[tuple[Agreement, str, datetime.date, bool]]:
    """(agreement, reason, due date, overdue) for agreements that near or passed their end."""
    horizon = today + datetime.timedelta(days=max(WINDOWS))
    candidates = Agreement.objects.filter(
        status__in=ACTIVE_STATUSES, in_force_from__lte=today, valid_until__isnull=False
    ).exclude(automatic_renewal=False, valid_until__gt=horizon)
    found = []
    for agreement in candidates:
        end = agreement.term_end(today)
        state = agreement.state_on(today, expiring_days=max(WINDOWS))
        if state == State.EXPIRED:
            found.append((agreement, "expired", end, True))
        elif state == State.EXPIRING:
            days = (end - today).days
            window = next(w for w in WINDOWS if days <= w)
            found.append((agreement, f"expires-in-{window}", end, False))
    return found


def due_items(today: datetime.date) -> list[DueItem]:
    """Items of this app that fall due or are late on `today`, one per responsible user."""
    expiring = _expiring(today)
    activities = list(
        ImplementationActivity.objects.filter(
            status__in=ImplementationActivity.OPEN, due_date__lt=today
        ).select_related("agreement")
    )
    unit_ids = {a.owner_unit_id for a, *_ in expiring} | {
        act.owner_unit_id or act.agreement.owner_unit_id for act in activities
    }
    unit_users = _unit_users({u for u in unit_ids if u})
    creators = {a.created_by_id for a, *_ in expiring} | {act.agreement.created_by_id for act in activities}
    active = _active_ids({c for c in creators if c})

    items: list[DueItem] = []
    for agreement, reason, end, overdue in expiring:
        if reason == "expired":
            title = _("Agreement “%(title)s” ended on %(date)s: record that it expired or was extended") % {
                "title": agreement.title_vi,
                "date": f"{end:%d/%m/%Y}",
            }
        else:
            title = _("Agreement “%(title)s” expires on %(date)s") % {
                "title": agreement.title_vi,
                "date": f"{end:%d/%m/%Y}",
            }
            deadline = agreement.notice_deadline(today)
            if agreement.automatic_renewal:
                title += " " + _("(renewed automatically unless notice is given)")
            if deadline:
                title += " — " + _("notice by %(date)s") % {"date": f"{deadline:%d/%m/%Y}"}
        for user_id in responsible_users(agreement.owner_unit_id, agreement.created_by_id, unit_users, active):
            items.append(
                DueItem(
                    user_id=user_id,
                    key=f"agreement:{agreement.pk}:{reason}",
                    title=title,
                    url=agreement.get_absolute_url(),
                    due_date=end,
                    kind="agreement",
                    overdue=overdue,
                )
            )
    for activity in activities:
        agreement = activity.agreement
        title = _("Overdue activity “%(activity)s” of agreement “%(title)s” (due %(date)s)") % {
            "activity": activity.title,
            "title": agreement.title_vi,
            "date": f"{activity.due_date:%d/%m/%Y}",
        }
        unit_id = activity.owner_unit_id or agreement.owner_unit_id
        for user_id in responsible_users(unit_id, agreement.created_by_id, unit_users, active):
            items.append(
                DueItem(
                    user_id=user_id,
                    key=f"agreement-activity:{activity.pk}:overdue",
                    title=title,
                    url=f"{agreement.get_absolute_url()}?tab=implementation",
                    due_date=activity.due_date,
                    kind="agreement_activity",
                    overdue=True,
                )
            )
    return items
