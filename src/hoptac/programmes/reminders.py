"""What programme tasks owe, and to whom (the people of the lead unit):

- a task whose deadline in force is within REMIND_DAYS ("task:12:due-2025-12-15") or passed
  ("task:12:overdue-2025-12-15");
- a report round: from `remind_days_before` days before its due day until the due day
  ("round:3:2025-06-30:unit:7:due"), and after it while the unit has not reported on every task
  ("round:3:2025-06-30:unit:7:late").

Keys are stable per item and reason; the notifications table keeps one per user, key and day,
so `hoptac remind` run twice on a day sends each once."""

import datetime

from django.utils.translation import gettext as _

from hoptac.notifications.due import DueItem
from hoptac.org.models import User
from hoptac.programmes.deadlines import programme_rounds, task_state
from hoptac.programmes.models import Programme, ReportingCycle, Task
from hoptac.programmes.selectors import attach_report_dates, round_status, with_last_report

REMIND_DAYS = 7
LATE_ROUND_DAYS = 60  # stop reminding about a round this long after its due day
RESPONSIBLE_ROLES = (User.Role.ADMIN, User.Role.APPROVER, User.Role.EDITOR, User.Role.CONTRIBUTOR)


def _unit_users(unit_ids: set[int]) -> dict[int, list[int]]:
    by_unit: dict[int, list[int]] = {}
    rows = User.objects.filter(is_active=True, unit_id__in=unit_ids, role__in=RESPONSIBLE_ROLES).values_list(
        "unit_id", "pk"
    )
    for unit_id, pk in rows:
        by_unit.setdefault(unit_id, []).append(pk)
    return by_unit


def _fmt(day: datetime.date) -> str:
    return day.strftime("%d/%m/%Y")


def _short(text: str, n: int = 120) -> str:
    return text if len(text) <= n else text[: n - 1] + "…"


def task_items(today: datetime.date) -> list[DueItem]:
    tasks = attach_report_dates(
        list(
            with_last_report(
                Task.objects.filter(lead_unit__isnull=False)
                .exclude(status__in=[*Task.CLOSED, Task.Status.SUSPENDED])
                .select_related("programme", "reporting_cycle")
            ).prefetch_related("programme__cycles")
        )
    )
    by_unit = _unit_users({t.lead_unit_id for t in tasks})
    items = []
    for task in tasks:
        state = task_state(task, today)
        if not state.due or not (state.overdue or (state.days_left is not None and state.days_left <= REMIND_DAYS)):
            continue
        if state.overdue:
            title = _("Task overdue since %(date)s (%(days)s days): %(task)s")
            reason = f"overdue-{state.due.isoformat()}"
        else:
            title = _("Task due %(date)s: %(task)s")
            reason = f"due-{state.due.isoformat()}"
        for user_id in by_unit.get(task.lead_unit_id, []):
            items.append(
                DueItem(
                    user_id=user_id,
                    key=f"task:{task.pk}:{reason}",
                    title=title % {"date": _fmt(state.due), "days": state.days_late, "task": _short(str(task))},
                    url=task.get_absolute_url(),
                    due_date=state.due,
                    kind="task",
                    overdue=state.overdue,
                )
            )
    return items


def round_items(today: datetime.date) -> list[DueItem]:
    programme_ids = ReportingCycle.objects.values_list("programme_id", flat=True).distinct()
    items = []
    for programme in Programme.objects.filter(pk__in=programme_ids).prefetch_related("cycles"):
        by_cycle: dict[int, int] = {c.pk: c.remind_days_before for c in programme.cycles.all()}
        for rnd in programme_rounds(programme, today, past=2):
            days_left = (rnd.due_date - today).days
            if not rnd.is_open(today) or days_left > by_cycle.get(rnd.cycle_id, REMIND_DAYS):
                continue
            if days_left < -LATE_ROUND_DAYS:
                continue
            rows = [row for row in round_status(programme, rnd) if row.missing]
            by_unit = _unit_users({row.unit.pk for row in rows})
            late = days_left < 0
            for row in rows:
                title = (
                    _("Progress report late (due %(date)s): %(n)s tasks of %(programme)s, %(period)s")
                    if late
                    else _("Progress report due %(date)s: %(n)s tasks of %(programme)s, %(period)s")
                )
                for user_id in by_unit.get(row.unit.pk, []):
                    items.append(
                        DueItem(
                            user_id=user_id,
                            key=f"round:{programme.pk}:{rnd.key}:unit:{row.unit.pk}:{'late' if late else 'due'}",
                            title=title
                            % {
                                "date": _fmt(rnd.due_date),
                                "n": len(row.missing),
                                "programme": programme.document_number or _short(programme.title, 60),
                                "period": rnd.label(),
                            },
                            url=programme.get_absolute_url() + "?tab=rounds",
                            due_date=rnd.due_date,
                            kind="task_report",
                            overdue=late,
                        )
                    )
    return items


def due_items(today: datetime.date) -> list[DueItem]:
    """Items of this app that fall due or are late on `today`, one per responsible user."""
    seen: set[tuple[int, str]] = set()
    items = []
    for item in task_items(today) + round_items(today):
        if (item.user_id, item.key) not in seen:  # a yearly and a six-monthly round can share a period
            seen.add((item.user_id, item.key))
            items.append(item)
    return items
