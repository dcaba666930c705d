"""Deadlines, report rounds and a task's derived state on a given day.

Nothing here reads the clock or writes: every function takes `today`. A task's state
(overdue, due soon, on track...) comes from its deadline, its status and the date of its last
report by the lead unit that was not returned; it is never stored.

Recurring deadlines (yearly, quarterly, regular) fall due again and again. Each report meets one
occurrence: a report between two occurrences meets the earlier one (filed late) if that one was
missed and the report came in the first half of the interval, else the later one (on time), so a
late report does not also meet the next occurrence.
A task is overdue when the latest occurrence before today was not met (days late count from the
first of the missed occurrences in a row); it is due soon when the next one is within
`due_soon_days()` and not met yet. Occurrences count only from the programme's start (its period
start, else its document date) to a year after its period end."""

import calendar
import datetime
import os
from dataclasses import dataclass

from django.conf import settings
from django.utils.translation import gettext_lazy as _

DEFAULT_DUE_SOON_DAYS = 30


def due_soon_days() -> int:
    """Days before a deadline a task counts as due soon: HOPTAC_TASK_DUE_SOON_DAYS (default 30)."""
    value = getattr(settings, "HOPTAC_TASK_DUE_SOON_DAYS", None) or os.environ.get("HOPTAC_TASK_DUE_SOON_DAYS")
    try:
        return max(int(value), 0) if value not in (None, "") else DEFAULT_DUE_SOON_DAYS
    except (TypeError, ValueError):
        return DEFAULT_DUE_SOON_DAYS


def clamp_date(year: int, month: int, day: int) -> datetime.date:
    """The day in that month, or its last day (31 → 30 June, 29 February → 28 in common years)."""
    return datetime.date(year, month, min(day, calendar.monthrange(year, month)[1]))


def add_months(year: int, month: int, months: int) -> tuple[int, int]:
    index = year * 12 + (month - 1) + months
    return index // 12, index % 12 + 1


# ---- report rounds ------------------------------------------------------------------------


@dataclass(frozen=True)
class Round:
    """One reporting period of a cycle and the day its reports are due."""

    cycle_id: int
    frequency: str
    period_start: datetime.date
    period_end: datetime.date
    due_date: datetime.date
    opens_on: datetime.date

    @property
    def key(self) -> str:
        return self.period_end.isoformat()

    def label(self) -> str:
        start, end = self.period_start, self.period_end
        if self.frequency == "yearly":
            return str(_("Year %(year)s")) % {"year": end.year}
        if self.frequency == "six_monthly":
            half = _("first half") if end.month == 6 else _("second half")
            return f"{half} {end.year}"
        if self.frequency == "quarterly":
            return str(_("Quarter %(q)s/%(year)s")) % {"q": (end.month - 1) // 3 + 1, "year": end.year}
        return f"{start:%m/%Y}"

    def is_open(self, today: datetime.date) -> bool:
        return self.opens_on <= today


def cycle_rounds(cycle, first: datetime.date, last: datetime.date) -> list[Round]:
    """The rounds of `cycle` whose due date falls between `first` and `last` (inclusive).
    Periods follow the calendar year: quarters end in March, June..., half-years in June and December."""
    months = cycle.months
    rounds = []
    for year in range(first.year - 1, last.year + 2):
        for k in range(1, 12 // months + 1):
            end_month = k * months
            period_start = datetime.date(year, end_month - months + 1, 1)
            period_end = clamp_date(year, end_month, 31)
            due_year, due_month = add_months(year, end_month, cycle.due_month_offset)
            due = clamp_date(due_year, due_month, cycle.due_day)
            if first <= due <= last:
                opens = due - datetime.timedelta(days=cycle.opens_days_before)
                rounds.append(Round(cycle.pk, cycle.frequency, period_start, period_end, due, opens))
    return sorted(rounds, key=lambda r: (r.due_date, r.period_end))


def programme_bounds(programme) -> tuple[datetime.date | None, datetime.date | None]:
    return (programme.period_start or programme.document_date, programme.period_end)


def programme_rounds(programme, today: datetime.date, *, past: int = 4) -> list[Round]:
    """The last `past` rounds already open on `today` and the next one to open, per cycle,
    newest first; within the programme's period."""
    start, end = programme_bounds(programme)
    first = max(start or today - datetime.timedelta(days=800), today - datetime.timedelta(days=800))
    last = today + datetime.timedelta(days=400)
    if end:
        last = min(last, end + datetime.timedelta(days=400))
    result: list[Round] = []
    for cycle in programme.cycles.all():
        rounds = [r for r in cycle_rounds(cycle, first, last) if not end or r.period_start <= end]
        opened = [r for r in rounds if r.is_open(today)]
        upcoming = [r for r in rounds if not r.is_open(today)][:1]
        result.extend(opened[-past:] + upcoming)
    return sorted(result, key=lambda r: (r.due_date, r.frequency), reverse=True)


def current_round(programme, today: datetime.date) -> Round | None:
    """The open round due soonest (or most recently due) on `today`: what a report answers by default."""
    rounds = [r for r in programme_rounds(programme, today, past=1) if r.is_open(today)]
    if not rounds:
        return None
    return min(rounds, key=lambda r: (abs((r.due_date - today).days), r.frequency))


# ---- task deadlines -----------------------------------------------------------------------


def _cycle_of(task):
    if task.reporting_cycle_id:
        return task.reporting_cycle
    cycles = list(task.programme.cycles.all())
    return cycles[0] if cycles else None


def occurrences(task, first: datetime.date, last: datetime.date) -> list[datetime.date]:
    """The days a recurring task falls due between `first` and `last` (no programme bounds)."""
    kind = task.deadline_kind
    days: list[datetime.date] = []
    if kind == "yearly" and task.deadline_month and task.deadline_day:
        days = [clamp_date(y, task.deadline_month, task.deadline_day) for y in range(first.year, last.year + 1)]
    elif kind == "quarterly" and task.deadline_day:
        phase = (task.deadline_month or 3) % 3
        days = [
            clamp_date(y, m, task.deadline_day)
            for y in range(first.year, last.year + 1)
            for m in range(1, 13)
            if m % 3 == phase
        ]
    elif kind == "regular":
        cycle = _cycle_of(task)
        if cycle is not None:
            days = [r.due_date for r in cycle_rounds(cycle, first, last)]
    return sorted(d for d in days if first <= d <= last)


class State:
    ON_TRACK = "on_track"
    DUE_SOON = "due_soon"
    OVERDUE = "overdue"
    NO_DEADLINE = "no_deadline"
    COMPLETED = "completed"
    COMPLETED_LATE = "completed_late"
    SUSPENDED = "suspended"

    LABELS = {
        ON_TRACK: _("On time"),
        DUE_SOON: _("Due soon"),
        OVERDUE: _("Overdue"),
        NO_DEADLINE: _("No deadline"),
        COMPLETED: _("Completed"),
        COMPLETED_LATE: _("Completed late"),
        SUSPENDED: _("Suspended"),
    }


@dataclass(frozen=True)
class TaskState:
    code: str
    due: datetime.date | None = None  # the missed occurrence when overdue, else the next deadline
    days_late: int = 0
    days_left: int | None = None

    @property
    def overdue(self) -> bool:
        return self.code == State.OVERDUE

    @property
    def due_soon(self) -> bool:
        return self.code == State.DUE_SOON

    @property
    def label(self) -> str:
        return str(State.LABELS[self.code])


def _lead_reports(task):
    from hoptac.programmes.models import ProgressReport

    return task.reports.filter(kind=ProgressReport.Kind.REPORT).exclude(status=ProgressReport.Status.RETURNED)


def last_report_on(task) -> datetime.date | None:
    """The date of the lead unit's last report that was not returned (annotated by the selectors)."""
    if hasattr(task, "last_report_on"):
        return task.last_report_on
    report = _lead_reports(task).order_by("-reported_on").first()
    return report.reported_on if report else None


def report_dates(task) -> list[datetime.date]:
    """Dates of the lead unit's reports that were not returned, oldest first (attached by the selectors)."""
    if hasattr(task, "report_dates"):
        return task.report_dates
    return sorted(_lead_reports(task).values_list("reported_on", flat=True))


SPAN = datetime.timedelta(days=800)


def _counted(task, today: datetime.date) -> tuple[list[datetime.date], list[datetime.date]]:
    """(every occurrence near today, unbounded; those that count: within the programme's period)."""
    every = occurrences(task, today - SPAN, today + SPAN)
    start, end = programme_bounds(task.programme)
    counted = [d for d in every if (not start or d >= start) and (not end or d <= end + datetime.timedelta(days=366))]
    return every, counted


def _met(task, today: datetime.date) -> tuple[list[datetime.date], list[datetime.date], dict[datetime.date, bool]]:
    """Which occurrences were met. Each report meets one occurrence: a report between D1 and D2
    meets D1 (late) when D1 was missed and the report came in the first half of the interval,
    else D2 (on time) if it is still open, else D1."""
    every, counted = _counted(task, today)
    past = [d for d in counted if d < today]
    future = [d for d in counted if d >= today][:1]
    met: dict[datetime.date, bool] = dict.fromkeys(past + future, False)
    for day in report_dates(task):
        k = next((i for i, d in enumerate(every) if d >= day), None)
        if k is None:
            continue
        on_time = every[k]
        before = every[k - 1] if k > 0 else None
        missed = before is not None and met.get(before) is False
        if missed and (day - before) * 2 <= (on_time - before):
            met[before] = True
        elif met.get(on_time) is False:
            met[on_time] = True
        elif missed:
            met[before] = True
    return past, future, met


def deadline_in_force(task, today: datetime.date) -> datetime.date | None:
    """The date a task must be done by (date kind) or its next occurrence on or after `today`."""
    if task.deadline_kind == "date":
        return task.deadline
    if task.deadline_kind == "none":
        return None
    _every, counted = _counted(task, today)
    future = [d for d in counted if d >= today]
    return future[0] if future else None


def task_state(task, today: datetime.date, *, soon: int | None = None) -> TaskState:
    soon = due_soon_days() if soon is None else soon
    status = task.status
    if status in ("completed", "completed_late"):
        return TaskState(status, due=task.deadline if task.deadline_kind == "date" else None)
    if status == "suspended":
        return TaskState(State.SUSPENDED)
    kind = task.deadline_kind
    if kind == "date" and task.deadline:
        left = (task.deadline - today).days
        if left < 0:
            return TaskState(State.OVERDUE, task.deadline, days_late=-left, days_left=left)
        return TaskState(State.DUE_SOON if left <= soon else State.ON_TRACK, task.deadline, days_left=left)
    if kind in ("yearly", "quarterly", "regular"):
        past, future, met = _met(task, today)
        if past and not met[past[-1]]:
            # Late since the first of the missed occurrences in a row.
            since = past[-1]
            for day in reversed(past):
                if met[day]:
                    break
                since = day
            late = (today - since).days
            return TaskState(State.OVERDUE, since, days_late=late, days_left=-late)
        if not future:
            return TaskState(State.NO_DEADLINE)
        nxt = future[0]
        left = (nxt - today).days
        if left <= soon and not met[nxt]:
            return TaskState(State.DUE_SOON, nxt, days_left=left)
        return TaskState(State.ON_TRACK, nxt, days_left=left)
    return TaskState(State.NO_DEADLINE)


def closing_status(task, completed_on: datetime.date) -> str:
    """completed or completed_late: late when done after the deadline in force when it was done."""
    if task.deadline_kind == "date" and task.deadline:
        return "completed_late" if completed_on > task.deadline else "completed"
    state = task_state(task, completed_on)
    return "completed_late" if state.overdue else "completed"
