"""What events and delegations owe, and to whom: post-event and post-trip reports due within
REPORT_WARNING_DAYS or late, and follow-up actions past their due date.

Keys are stable per item and reason ("event:12:report-due", "event:12:report-late",
"delegation:3:report-late", "followup:7:overdue"); the notifications table keeps one per user,
key and day, so `hoptac remind` run twice on a day sends each once."""

import datetime

from django.utils.translation import gettext as _

from hoptac.activities.models import Delegation, Event, FollowUpAction
from hoptac.notifications.due import DueItem
from hoptac.org.models import Unit, User

REPORT_WARNING_DAYS = 7
RESPONSIBLE_ROLES = (User.Role.ADMIN, User.Role.APPROVER, User.Role.EDITOR, User.Role.CONTRIBUTOR)


def _unit_users(unit_ids: set[int]) -> dict[int, list[int]]:
    """Active users who can act, by unit: the unit's own people are responsible for its records.
    A unit with none of its own (a ministry whose work its departments do) falls back to the
    admins, approvers and editors of the units below it."""
    users = list(
        User.objects.filter(is_active=True, unit_id__isnull=False, role__in=RESPONSIBLE_ROLES).values_list(
            "unit_id", "pk", "role"
        )
    )
    own: dict[int, list[int]] = {}
    for unit_id, pk, _role in users:
        own.setdefault(unit_id, []).append(pk)
    missing = {u for u in unit_ids if u and u not in own}
    by_unit = {u: own[u] for u in unit_ids if u in own}
    if missing:
        children: dict[int | None, list[int]] = {}
        for pk, parent_id in Unit.objects.values_list("pk", "parent_id"):
            children.setdefault(parent_id, []).append(pk)
        for unit_id in missing:
            below, stack = set(), list(children.get(unit_id, []))
            while stack:
                pk = stack.pop()
                if pk not in below:
                    below.add(pk)
                    stack.extend(children.get(pk, []))
            found = [pk for u, pk, role in users if u in below and role != User.Role.CONTRIBUTOR]
            if found:
                by_unit[unit_id] = found
    return by_unit


def _recipients(unit_id: int | None, created_by_id: int | None, by_unit: dict[int, list[int]]) -> list[int]:
    users = list(by_unit.get(unit_id, [])) if unit_id else []
    if created_by_id and created_by_id not in users:
        users.append(created_by_id)
    return users


def _fmt(day: datetime.date) -> str:
    return day.strftime("%d/%m/%Y")


def _report_items(records, kind: str, today: datetime.date, unit_attr: str, by_unit) -> list[DueItem]:
    items = []
    for obj in records:
        due = obj.report_due()
        if due is None or not obj.report_owed():
            continue
        days_left = (due - today).days
        if days_left > REPORT_WARNING_DAYS:
            continue
        late = days_left < 0
        if kind == "event":
            title = (
                _("Post-event report late (due %(date)s): %(title)s")
                if late
                else _("Post-event report due %(date)s: %(title)s")
            )
        else:
            title = (
                _("Post-trip report late (due %(date)s): %(title)s")
                if late
                else _("Post-trip report due %(date)s: %(title)s")
            )
        reason = "report-late" if late else "report-due"
        for user_id in _recipients(getattr(obj, f"{unit_attr}_id"), obj.created_by_id, by_unit):
            items.append(
                DueItem(
                    user_id=user_id,
                    key=f"{kind}:{obj.pk}:{reason}",
                    title=title % {"date": _fmt(due), "title": obj.title_vi},
                    url=obj.get_absolute_url(),
                    due_date=due,
                    kind=f"{kind}_report",
                    overdue=late,
                )
            )
    return items


def due_items(today: datetime.date) -> list[DueItem]:
    """Items of this app that fall due or are late on `today`, one per responsible user."""
    # Reports are owed once the event was held / the delegation returned; a report can be due at
    # most max(settings) days after the end, but a per-record due date may be anything, so the
    # candidates are simply every record still owing one.
    events = list(Event.objects.filter(status__in=Event.REPORT_OWED_STATUSES, report_filed_on__isnull=True))
    delegations = list(
        Delegation.objects.filter(status__in=Delegation.REPORT_OWED_STATUSES, report_filed_on__isnull=True)
    )
    actions = list(
        FollowUpAction.objects.filter(done=False, due_date__lt=today)
        .exclude(event__status=Event.Status.CANCELLED)
        .select_related("event")
    )
    unit_ids = (
        {e.organiser_unit_id for e in events}
        | {d.owner_unit_id for d in delegations}
        | {a.owner_unit_id or a.event.organiser_unit_id for a in actions}
    )
    by_unit = _unit_users(unit_ids)
    items = _report_items(events, "event", today, "organiser_unit", by_unit)
    items += _report_items(delegations, "delegation", today, "owner_unit", by_unit)
    for action in actions:
        unit_id = action.owner_unit_id or action.event.organiser_unit_id
        for user_id in _recipients(unit_id, action.event.created_by_id if not action.owner_unit_id else None, by_unit):
            items.append(
                DueItem(
                    user_id=user_id,
                    key=f"followup:{action.pk}:overdue",
                    title=_("Follow-up action overdue (due %(date)s): %(action)s — %(event)s")
                    % {"date": _fmt(action.due_date), "action": action.description, "event": action.event.title_vi},
                    url=action.event.get_absolute_url() + "?tab=outcome",
                    due_date=action.due_date,
                    kind="event_follow_up",
                    overdue=True,
                )
            )
    return items
