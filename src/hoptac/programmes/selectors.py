"""Reads for pages, API, reminders and reports: filters are plain keyword arguments.

Derived state (overdue, due soon) needs `today`; filters on it are applied in Python after one
query that annotates each task with the date of its last lead-unit report."""

import datetime
from collections import Counter, OrderedDict
from dataclasses import dataclass, field

from django.db.models import Max, Prefetch, Q, QuerySet

from hoptac.org.models import Unit
from hoptac.org.permissions import unit_scope, visible
from hoptac.programmes.deadlines import Round, State, TaskState, deadline_in_force, programme_rounds, task_state
from hoptac.programmes.models import Programme, ProgressReport, ReportingCycle, Task
from hoptac.search.folding import fold_words

STATUS_ORDER = [s.value for s in Task.Status]
STATE_ORDER = [
    State.OVERDUE,
    State.DUE_SOON,
    State.ON_TRACK,
    State.NO_DEADLINE,
    State.SUSPENDED,
    State.COMPLETED_LATE,
    State.COMPLETED,
]

TASK_SORTS = {
    "code": ("programme_id", "position", "pk"),
    "deadline": ("deadline", "position", "pk"),
    "-deadline": ("-deadline", "position", "pk"),
    "status": ("status", "position", "pk"),
    "unit": ("lead_unit__name_vi", "position", "pk"),
    "updated": ("updated_at",),
    "-updated": ("-updated_at",),
}


def _lead_reports() -> Q:
    return Q(reports__kind=ProgressReport.Kind.REPORT) & ~Q(reports__status=ProgressReport.Status.RETURNED)


def with_last_report(queryset: QuerySet) -> QuerySet:
    return queryset.annotate(last_report_on=Max("reports__reported_on", filter=_lead_reports()))


def attach_report_dates(tasks: list[Task]) -> list[Task]:
    """Give each recurring task `report_dates` (its lead reports, not returned) in one query."""
    recurring = {t.pk: t for t in tasks if t.deadline_kind in ("yearly", "quarterly", "regular")}
    for task in recurring.values():
        task.report_dates = []
    if recurring:
        rows = (
            ProgressReport.objects.filter(task_id__in=list(recurring), kind=ProgressReport.Kind.REPORT)
            .exclude(status=ProgressReport.Status.RETURNED)
            .order_by("reported_on")
            .values_list("task_id", "reported_on")
        )
        for task_id, day in rows:
            recurring[task_id].report_dates.append(day)
    return tasks


def _cycles_prefetch() -> Prefetch:
    return Prefetch("programme__cycles", queryset=ReportingCycle.objects.order_by("pk"))


def programme_list(user, *, q: str = "", field: int | None = None, parent: int | None = None) -> QuerySet:
    queryset = visible(user, Programme.objects.select_related("parent", "owner_unit")).prefetch_related("fields")
    if field:
        queryset = queryset.filter(fields__pk=field)
    if parent:
        queryset = queryset.filter(parent_id=parent)
    for word in fold_words(q):
        queryset = queryset.filter(
            Q(title__icontains=word) | Q(title_en__icontains=word) | Q(document_number__icontains=word)
        )
    return queryset.order_by("-document_date", "title", "pk").distinct()


def task_queryset(user) -> QuerySet:
    """Tasks the user may see (every task with user=None), with what their state needs."""
    queryset = Task.objects.all() if user is None else visible(user, Task.objects.all())
    return with_last_report(
        queryset.select_related("programme", "field", "lead_unit", "reporting_cycle", "upper_task")
    ).prefetch_related("coordinating_units", _cycles_prefetch())


def unit_and_below(unit: Unit | int) -> set[int]:
    class _Holder:
        pass

    holder = _Holder()
    holder.unit_id = unit.pk if isinstance(unit, Unit) else unit  # type: ignore[attr-defined]
    return unit_scope(holder)


def task_list(
    user,
    *,
    today: datetime.date,
    q: str = "",
    programme: int | None = None,
    field: int | None = None,
    unit: int | None = None,
    role: str = "",
    status: str = "",
    state: str = "",
    due_from: datetime.date | None = None,
    due_to: datetime.date | None = None,
    sort: str = "",
) -> list[Task]:
    """Tasks the user may see, filtered; each carries `.st` (its TaskState on `today`).

    `unit` keeps tasks that unit (or a unit below it) leads, or coordinates too with role="any";
    `state` is a derived state (overdue, due_soon...); `due_from`/`due_to` bound the deadline in force."""
    queryset = task_queryset(user)
    if programme:
        queryset = queryset.filter(programme_id=programme)
    if field:
        queryset = queryset.filter(field_id=field)
    if unit:
        scope = unit_and_below(unit)
        if role == "any":
            queryset = queryset.filter(Q(lead_unit__in=scope) | Q(coordinating_units__in=scope)).distinct()
        elif role == "coordinating":
            queryset = queryset.filter(coordinating_units__in=scope).distinct()
        else:
            queryset = queryset.filter(lead_unit__in=scope)
    if status:
        queryset = queryset.filter(status=status)
    for word in fold_words(q):
        queryset = queryset.filter(
            Q(title__icontains=word) | Q(code__iexact=word) | Q(expected_product__icontains=word)
        )
    queryset = queryset.order_by(*TASK_SORTS.get(sort, ("programme_id", "position", "pk")))
    tasks = []
    for task in attach_report_dates(list(queryset)):
        task.st = task_state(task, today)
        if state and task.st.code != state:
            continue
        if due_from or due_to:
            due = task.st.due if task.st.overdue else deadline_in_force(task, today)
            if due is None or (due_from and due < due_from) or (due_to and due > due_to):
                continue
        tasks.append(task)
    return tasks


def overdue_tasks(user, *, today: datetime.date, **filters) -> list[Task]:
    """Overdue tasks, the latest first (most days late)."""
    tasks = task_list(user, today=today, state=State.OVERDUE, **filters)
    return sorted(tasks, key=lambda t: (-t.st.days_late, t.programme_id, t.position, t.pk))


def my_tasks(user, *, today: datetime.date) -> dict[str, list[Task]]:
    """The tasks the user's unit leads and those it coordinates, most urgent first."""
    if not user.unit_id:
        return {"lead": [], "coordinating": []}
    tasks = task_list(user, today=today, unit=user.unit_id, role="any")
    scope = unit_scope(user)
    rank = {code: i for i, code in enumerate(STATE_ORDER)}

    def key(t: Task):
        return (rank[t.st.code], -t.st.days_late, t.st.due or datetime.date.max, t.pk)

    lead = sorted([t for t in tasks if t.lead_unit_id in scope], key=key)
    coordinating = sorted([t for t in tasks if t.lead_unit_id not in scope], key=key)
    return {"lead": lead, "coordinating": coordinating}


@dataclass
class Group:
    """Tasks of one field with their status counts."""

    field: object  # fields.Field or None
    tasks: list = field(default_factory=list)
    counts: Counter = field(default_factory=Counter)

    @property
    def total(self) -> int:
        return len(self.tasks)

    @property
    def done(self) -> int:
        return self.counts[State.COMPLETED] + self.counts[State.COMPLETED_LATE]

    @property
    def percent_done(self) -> int:
        return round(100 * self.done / self.total) if self.total else 0

    def state_rows(self) -> list[tuple[str, str, int]]:
        """(state, label, count) for every state present, in a fixed order."""
        return state_rows(self.counts)

    def bars(self) -> list[tuple[str, int, int]]:
        """(state, count, percent of the group) for the progress bar, in a fixed order."""
        return [(s, self.counts[s], round(100 * self.counts[s] / self.total)) for s in STATE_ORDER if self.counts[s]]


def grouped_by_field(tasks: list[Task]) -> list[Group]:
    """Tasks grouped by field in order of first appearance; tasks without a field last."""
    groups: OrderedDict[object, Group] = OrderedDict()
    for task in tasks:
        group = groups.setdefault(task.field_id, Group(task.field))
        group.tasks.append(task)
        group.counts[task.st.code] += 1
    ordered = [g for k, g in groups.items() if k is not None]
    if None in groups:
        ordered.append(groups[None])
    return ordered


def state_counts(tasks: list[Task]) -> Counter:
    return Counter(t.st.code for t in tasks)


def state_rows(counts: Counter, *, all_states: bool = False) -> list[tuple[str, str, int]]:
    return [(s, str(State.LABELS[s]), counts[s]) for s in STATE_ORDER if all_states or counts[s]]


def status_matrix(tasks: list[Task]) -> list[tuple[object, list[int], int]]:
    """Units × states: one row per lead unit (name order), counts in STATE_ORDER, and the total."""
    rows: dict[int | None, Counter] = {}
    units: dict[int | None, object] = {}
    for task in tasks:
        rows.setdefault(task.lead_unit_id, Counter())[task.st.code] += 1
        units[task.lead_unit_id] = task.lead_unit
    ordered = sorted(rows, key=lambda pk: (pk is None, units[pk].name_vi if units[pk] else ""))
    return [(units[pk], [rows[pk][s] for s in STATE_ORDER], sum(rows[pk].values())) for pk in ordered]


# ---- report rounds ------------------------------------------------------------------------


@dataclass
class UnitRound:
    unit: object
    required: list = field(default_factory=list)
    reported: list = field(default_factory=list)

    @property
    def missing(self) -> list:
        done = {t.pk for t in self.reported}
        return [t for t in self.required if t.pk not in done]

    @property
    def complete(self) -> bool:
        return not self.missing


def reports_in_round(programme: Programme, rnd: Round) -> set[int]:
    """Ids of tasks whose lead unit reported (not returned) in the round: a report for its period,
    or one without a period dated while the round was open."""
    reports = ProgressReport.objects.filter(task__programme=programme, kind=ProgressReport.Kind.REPORT).exclude(
        status=ProgressReport.Status.RETURNED
    )
    late_limit = rnd.due_date + datetime.timedelta(days=60)
    matched = reports.filter(
        Q(period_end=rnd.period_end)
        | Q(period_end__isnull=True, reported_on__gte=rnd.opens_on, reported_on__lte=late_limit)
    )
    return set(matched.values_list("task_id", flat=True))


def round_status(programme: Programme, rnd: Round) -> list[UnitRound]:
    """Per lead unit: the tasks it must report on in the round, and those it has reported on.
    Suspended tasks, and tasks closed by the round's due day (their completion is their report),
    owe nothing."""
    tasks = (
        Task.objects.filter(programme=programme, lead_unit__isnull=False)
        .exclude(status=Task.Status.SUSPENDED)
        .exclude(status__in=Task.CLOSED, completed_on__lte=rnd.due_date)
        .select_related("lead_unit")
        .order_by("lead_unit__name_vi", "position", "pk")
    )
    reported = reports_in_round(programme, rnd)
    units: OrderedDict[int, UnitRound] = OrderedDict()
    for task in tasks:
        row = units.setdefault(task.lead_unit_id, UnitRound(task.lead_unit))
        row.required.append(task)
        if task.pk in reported:
            row.reported.append(task)
    return list(units.values())


def rounds_overview(programme: Programme, today: datetime.date) -> list[tuple[Round, list[UnitRound]]]:
    return [(r, round_status(programme, r) if r.is_open(today) else []) for r in programme_rounds(programme, today)]


def pending_reports(user) -> QuerySet:
    """Reports waiting for an approver's decision."""
    return visible(user, ProgressReport.objects.filter(status=ProgressReport.Status.SUBMITTED)).select_related(
        "task", "unit", "task__programme"
    )


def task_reports(task: Task) -> QuerySet:
    return task.reports.select_related("unit", "submitted_by", "reviewed_by").prefetch_related("attachments")


def latest_accepted(task: Task) -> ProgressReport | None:
    return (
        task.reports.filter(kind=ProgressReport.Kind.REPORT)
        .exclude(status=ProgressReport.Status.RETURNED)
        .order_by("-reported_on", "-pk")
        .first()
    )


def progress_report_rows(tasks: list[Task], language: str = "vi") -> list[list]:
    """One row per task in the shape of a periodic progress report:
    code, task, lead unit, coordinating units, deadline, expected product, status, latest progress, difficulties."""
    latest: dict[int, ProgressReport] = {}
    for report in (
        ProgressReport.objects.filter(task__in=[t.pk for t in tasks], kind=ProgressReport.Kind.REPORT)
        .exclude(status=ProgressReport.Status.RETURNED)
        .order_by("task_id", "-reported_on", "-pk")
    ):
        latest.setdefault(report.task_id, report)
    rows = []
    for t in tasks:
        report = latest.get(t.pk)
        progress = ""
        if report:
            bits = [f"{report.reported_on:%d/%m/%Y}"]
            if report.percent is not None:
                bits.append(f"{report.percent}%")
            if report.milestone:
                bits.append(report.milestone)
            progress = " · ".join(bits) + f": {report.narrative}"
        rows.append(
            [
                t.code,
                t.title,
                t.field.display_name(language) if t.field else "",
                t.lead_unit.display_name(language) if t.lead_unit else "",
                "; ".join(u.display_name(language) for u in t.coordinating_units.all()),
                deadline_text(t),
                t.expected_product,
                t.get_status_display(),
                t.st.label if hasattr(t, "st") else "",
                progress,
                "\n".join(x for x in (report.difficulties, report.proposals) if x) if report else "",
            ]
        )
    return rows


def deadline_text(task: Task) -> str:
    kind = task.deadline_kind
    if kind == Task.DeadlineKind.DATE and task.deadline:
        return f"{task.deadline:%d/%m/%Y}"
    if kind == Task.DeadlineKind.YEARLY and task.deadline_day and task.deadline_month:
        return str(Task.DeadlineKind.YEARLY.label) + f" ({task.deadline_day:02d}/{task.deadline_month:02d})"
    if kind == Task.DeadlineKind.QUARTERLY and task.deadline_day:
        return str(Task.DeadlineKind.QUARTERLY.label) + f" ({task.deadline_day})"
    if kind == Task.DeadlineKind.REGULAR:
        return str(Task.DeadlineKind.REGULAR.label)
    return ""


def state_of(task: Task, today: datetime.date) -> TaskState:
    return task.st if hasattr(task, "st") else task_state(task, today)
