"""/api/v1/programmes and /api/v1/tasks (with their progress reports and history)."""

import datetime
from typing import Literal

from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404
from django.utils import timezone
from ninja import Field, FilterSchema, Query, Router, Schema, Status
from ninja.pagination import paginate

from hoptac.audit.history import history_json
from hoptac.fields.models import Field as CoopField
from hoptac.org.models import Unit
from hoptac.org.permissions import can_view, check
from hoptac.programmes import selectors, services
from hoptac.programmes.deadlines import State, programme_rounds, task_state
from hoptac.programmes.models import Programme, ProgressReport, ReportingCycle, Task
from hoptac.web.params import Day, Id, Pagination

router = Router(tags=["programmes"])

StatusLiteral = Literal[tuple(Task.Status.values)]  # type: ignore[valid-type]
DeadlineLiteral = Literal[tuple(Task.DeadlineKind.values)]  # type: ignore[valid-type]
StateLiteral = Literal[tuple(State.LABELS)]  # type: ignore[valid-type]
KindLiteral = Literal[tuple(ProgressReport.Kind.values)]  # type: ignore[valid-type]
FrequencyLiteral = Literal[tuple(ReportingCycle.Frequency.values)]  # type: ignore[valid-type]


# ---- schemas ------------------------------------------------------------------------------


class CycleOut(Schema):
    id: int
    frequency: str
    due_day: int
    due_month_offset: int
    opens_days_before: int
    remind_days_before: int
    remind_days_after: list
    basis: str


class ProgrammeOut(Schema):
    id: int
    version: int
    url: str
    title: str
    title_en: str
    document_number: str
    document_date: datetime.date | None
    issuer: str
    implements_number: str
    implements_date: datetime.date | None
    implements_issuer: str
    implements_title: str
    period_start: datetime.date | None
    period_end: datetime.date | None
    fields: list[str]
    parent: int | None
    owner_unit: int | None
    summary: str
    source_url: str
    created_at: datetime.datetime
    updated_at: datetime.datetime

    @staticmethod
    def resolve_url(obj) -> str:
        return obj.get_absolute_url()

    @staticmethod
    def resolve_fields(obj) -> list[str]:
        return [f.code for f in obj.fields.all()]

    @staticmethod
    def resolve_parent(obj) -> int | None:
        return obj.parent_id

    @staticmethod
    def resolve_owner_unit(obj) -> int | None:
        return obj.owner_unit_id


class ProgrammeDetailOut(ProgrammeOut):
    notes: str
    cycles: list[CycleOut]
    task_count: int
    states: dict[str, int]

    @staticmethod
    def resolve_cycles(obj) -> list:
        return list(obj.cycles.all())

    @staticmethod
    def resolve_task_count(obj) -> int:
        return obj.tasks.count()

    @staticmethod
    def resolve_states(obj, context) -> dict[str, int]:
        request = context["request"]
        tasks = selectors.task_list(request.user, today=timezone.localdate(), programme=obj.pk)
        return dict(selectors.state_counts(tasks))


class ProgrammeFilters(FilterSchema):
    q: str = ""
    field: str | None = Field(None, description="a cooperation field's code")
    parent: Id | None = None


class ProgrammeIn(Schema):
    title: str = Field(..., min_length=1, max_length=500)
    title_en: str = Field("", max_length=500)
    document_number: str = Field("", max_length=64)
    document_date: Day | None = None
    issuer: str = Field("", max_length=255)
    implements_number: str = Field("", max_length=64)
    implements_date: Day | None = None
    implements_issuer: str = Field("", max_length=255)
    implements_title: str = Field("", max_length=500)
    period_start: Day | None = None
    period_end: Day | None = None
    fields: list[str] = Field([], description="cooperation field codes")
    parent: Id | None = None
    owner_unit: Id | None = None
    summary: str = ""
    source_url: str = ""
    notes: str = ""


class ProgrammePatch(Schema):
    version: Id = Field(..., description="The version this change is based on; a stale one gets 409")
    title: str | None = Field(None, min_length=1, max_length=500)
    title_en: str | None = Field(None, max_length=500)
    document_number: str | None = Field(None, max_length=64)
    document_date: Day | None = None
    issuer: str | None = Field(None, max_length=255)
    implements_number: str | None = Field(None, max_length=64)
    implements_date: Day | None = None
    implements_issuer: str | None = Field(None, max_length=255)
    implements_title: str | None = Field(None, max_length=500)
    period_start: Day | None = None
    period_end: Day | None = None
    fields: list[str] | None = None
    parent: Id | None = None
    owner_unit: Id | None = None
    summary: str | None = None
    source_url: str | None = None
    notes: str | None = None


class CycleIn(Schema):
    frequency: FrequencyLiteral
    due_day: int = Field(..., ge=1, le=31)
    due_month_offset: int = Field(0, ge=0, le=3)
    opens_days_before: int = Field(30, ge=0, le=366)
    remind_days_before: int = Field(7, ge=0, le=366)
    remind_days_after: list[int] = [1, 7]
    basis: str = Field("", max_length=500)


class TaskOut(Schema):
    id: int
    version: int
    url: str
    programme: int
    code: str
    position: int
    title: str
    description: str
    field: str | None
    lead_unit: int | None
    lead_unit_name: str | None
    coordinating_units: list[int]
    deadline_kind: str
    deadline: datetime.date | None
    deadline_month: int | None
    deadline_day: int | None
    reporting_cycle: int | None
    expected_product: str
    status: str
    completed_on: datetime.date | None
    upper_task: int | None
    state: str
    due: datetime.date | None
    days_late: int
    last_report_on: datetime.date | None
    created_at: datetime.datetime
    updated_at: datetime.datetime

    @staticmethod
    def resolve_url(obj) -> str:
        return obj.get_absolute_url()

    @staticmethod
    def resolve_programme(obj) -> int:
        return obj.programme_id

    @staticmethod
    def resolve_field(obj) -> str | None:
        return obj.field.code if obj.field_id else None

    @staticmethod
    def resolve_lead_unit(obj) -> int | None:
        return obj.lead_unit_id

    @staticmethod
    def resolve_lead_unit_name(obj) -> str | None:
        return obj.lead_unit.name_vi if obj.lead_unit_id else None

    @staticmethod
    def resolve_coordinating_units(obj) -> list[int]:
        return [u.pk for u in obj.coordinating_units.all()]

    @staticmethod
    def resolve_reporting_cycle(obj) -> int | None:
        return obj.reporting_cycle_id

    @staticmethod
    def resolve_upper_task(obj) -> int | None:
        return obj.upper_task_id

    @staticmethod
    def _state(obj):
        if not hasattr(obj, "st"):
            obj.st = task_state(obj, timezone.localdate())
        return obj.st

    @staticmethod
    def resolve_state(obj) -> str:
        return TaskOut._state(obj).code

    @staticmethod
    def resolve_due(obj) -> datetime.date | None:
        return TaskOut._state(obj).due

    @staticmethod
    def resolve_days_late(obj) -> int:
        return TaskOut._state(obj).days_late

    @staticmethod
    def resolve_last_report_on(obj) -> datetime.date | None:
        from hoptac.programmes.deadlines import last_report_on

        return last_report_on(obj)


class TaskFilters(FilterSchema):
    q: str = ""
    programme: Id | None = None
    field: str | None = Field(None, description="a cooperation field's code")
    unit: Id | None = Field(None, description="lead unit id (and the units below it)")
    role: Literal["lead", "coordinating", "any"] | None = Field(None, description="with `unit`: which role")
    status: StatusLiteral | None = None
    state: StateLiteral | None = Field(None, description="derived on `today`: overdue, due_soon, on_track...")
    due_from: Day | None = None
    due_to: Day | None = None
    today: Day | None = Field(None, description="the day states are computed for (default today)")
    sort: Literal[tuple(selectors.TASK_SORTS)] | None = None  # type: ignore[valid-type]


class TaskIn(Schema):
    programme: Id
    code: str = Field("", max_length=32)
    position: int = 0
    title: str = Field(..., min_length=1)
    description: str = ""
    field: str | None = None
    lead_unit: Id | None = None
    coordinating_units: list[Id] = []
    deadline_kind: DeadlineLiteral = "none"
    deadline: Day | None = None
    deadline_month: int | None = Field(None, ge=1, le=12)
    deadline_day: int | None = Field(None, ge=1, le=31)
    reporting_cycle: Id | None = None
    expected_product: str = Field("", max_length=500)
    status: StatusLiteral = "not_started"
    completed_on: Day | None = None
    upper_task: Id | None = None
    notes: str = ""


class TaskPatch(Schema):
    version: Id = Field(..., description="The version this change is based on; a stale one gets 409")
    code: str | None = Field(None, max_length=32)
    position: int | None = None
    title: str | None = Field(None, min_length=1)
    description: str | None = None
    field: str | None = None
    lead_unit: Id | None = None
    coordinating_units: list[Id] | None = None
    deadline_kind: DeadlineLiteral | None = None
    deadline: Day | None = None
    deadline_month: int | None = Field(None, ge=1, le=12)
    deadline_day: int | None = Field(None, ge=1, le=31)
    reporting_cycle: Id | None = None
    expected_product: str | None = Field(None, max_length=500)
    status: StatusLiteral | None = None
    completed_on: Day | None = None
    upper_task: Id | None = None
    notes: str | None = None


class ReportOut(Schema):
    id: int
    version: int
    task: int
    kind: str
    unit: int
    unit_name: str
    reported_on: datetime.date
    period_end: datetime.date | None
    percent: int | None
    milestone: str
    narrative: str
    difficulties: str
    proposals: str
    completes_task: bool
    status: str
    review_comment: str
    reviewed_by: str | None
    reviewed_at: datetime.datetime | None
    attachments: list[str]

    @staticmethod
    def resolve_task(obj) -> int:
        return obj.task_id

    @staticmethod
    def resolve_unit(obj) -> int:
        return obj.unit_id

    @staticmethod
    def resolve_unit_name(obj) -> str:
        return obj.unit.name_vi

    @staticmethod
    def resolve_reviewed_by(obj) -> str | None:
        return str(obj.reviewed_by) if obj.reviewed_by_id else None

    @staticmethod
    def resolve_attachments(obj) -> list[str]:
        return [a.get_absolute_url() for a in obj.attachments.all()]


class ReportIn(Schema):
    kind: KindLiteral = "report"
    unit: Id | None = Field(None, description="the reporting unit (default: the lead unit, or yours)")
    reported_on: Day | None = None
    period_end: Day | None = None
    percent: int | None = Field(None, ge=0, le=100)
    milestone: str = Field("", max_length=500)
    narrative: str = Field(..., min_length=1)
    difficulties: str = ""
    proposals: str = ""
    completes_task: bool = False


class ReviewIn(Schema):
    version: Id | None = None
    comment: str = ""


# ---- helpers ------------------------------------------------------------------------------


def _resolve(data: dict) -> dict:
    """Ids and codes of a payload to objects; unknown ones are field errors."""
    errors: dict[str, list[str]] = {}

    def one(name, model, lookup="pk"):
        if name in data:
            value = data.pop(name)
            data[name] = model.objects.filter(**{lookup: value}).first() if value not in (None, "") else None
            if value not in (None, "") and data[name] is None:
                errors[name] = [f"Unknown {name.replace('_', ' ')} {value!r}."]

    one("programme", Programme)
    one("parent", Programme)
    one("owner_unit", Unit)
    one("lead_unit", Unit)
    one("field", CoopField, "code")
    one("upper_task", Task)
    one("reporting_cycle", ReportingCycle)
    for name, model, lookup in (("fields", CoopField, "code"), ("coordinating_units", Unit, "pk")):
        if name in data and data[name] is not None:
            values = data[name]
            found = list(model.objects.filter(**{f"{lookup}__in": values}))
            known = {getattr(o, lookup) for o in found}
            unknown = [v for v in values if v not in known]
            if unknown:
                errors[name] = [f"Unknown: {', '.join(str(v) for v in unknown)}."]
            data[name] = found
    if errors:
        raise ValidationError(errors)
    return data


def _programme(request, pk: int) -> Programme:
    programme = get_object_or_404(Programme, pk=pk)
    check(can_view(request.user, programme))
    return programme


def _task(request, pk: int) -> Task:
    task = get_object_or_404(selectors.task_queryset(None), pk=pk)
    check(can_view(request.user, task))
    return task


# ---- programmes ---------------------------------------------------------------------------


@router.get("/programmes", response=list[ProgrammeOut])
@paginate(Pagination)
def list_programmes(request, filters: Query[ProgrammeFilters]):
    """Action programmes and plans; `q` matches the title or document number."""
    field_id = None
    if filters.field:
        field_obj = CoopField.objects.filter(code=filters.field).first()
        field_id = field_obj.pk if field_obj else -1
    return selectors.programme_list(request.user, q=filters.q, field=field_id, parent=filters.parent)


@router.post("/programmes", response={201: ProgrammeDetailOut})
def create_programme(request, payload: ProgrammeIn):
    data = _resolve(payload.dict())
    programme = services.programme_create(user=request.user, **data)
    return Status(201, programme)


@router.get("/programmes/{int:programme_id}", response=ProgrammeDetailOut)
def get_programme(request, programme_id: Id):
    return _programme(request, programme_id)


@router.api_operation(["PATCH", "PUT"], "/programmes/{int:programme_id}", response=ProgrammeDetailOut)
def update_programme(request, programme_id: Id, payload: ProgrammePatch):
    programme = _programme(request, programme_id)
    data = payload.dict(exclude_unset=True)
    version = data.pop("version")
    return services.programme_update(programme, user=request.user, version=version, **_resolve(data))


@router.delete("/programmes/{int:programme_id}", response={204: None})
def delete_programme(request, programme_id: Id, version: Id | None = None):
    services.programme_delete(_programme(request, programme_id), user=request.user, version=version)
    return Status(204, None)


@router.get("/programmes/{int:programme_id}/history")
def programme_history(request, programme_id: Id):
    return history_json(_programme(request, programme_id))


@router.post("/programmes/{int:programme_id}/cycles", response={201: CycleOut})
def add_cycle(request, programme_id: Id, payload: CycleIn):
    cycle = services.cycle_create(user=request.user, programme=_programme(request, programme_id), **payload.dict())
    return Status(201, cycle)


@router.get("/programmes/{int:programme_id}/rounds")
def programme_report_rounds(request, programme_id: Id, today: Day | None = None):
    """Report rounds (recent and next), and per lead unit the tasks still to report on."""
    programme = _programme(request, programme_id)
    day = today or timezone.localdate()
    result = []
    for rnd in programme_rounds(programme, day):
        units = selectors.round_status(programme, rnd) if rnd.is_open(day) else []
        result.append(
            {
                "frequency": rnd.frequency,
                "label": rnd.label(),
                "period_start": rnd.period_start.isoformat(),
                "period_end": rnd.period_end.isoformat(),
                "due_date": rnd.due_date.isoformat(),
                "opens_on": rnd.opens_on.isoformat(),
                "open": rnd.is_open(day),
                "units": [
                    {
                        "unit": row.unit.pk,
                        "name": row.unit.name_vi,
                        "required": len(row.required),
                        "reported": len(row.reported),
                        "missing": [t.pk for t in row.missing],
                    }
                    for row in units
                ],
            }
        )
    return result


# ---- tasks --------------------------------------------------------------------------------


def _task_filters(filters: TaskFilters) -> dict:
    field_id = None
    if filters.field:
        field_obj = CoopField.objects.filter(code=filters.field).first()
        field_id = field_obj.pk if field_obj else -1
    return {
        "q": filters.q,
        "programme": filters.programme,
        "field": field_id,
        "unit": filters.unit,
        "role": filters.role or "",
        "status": filters.status or "",
        "state": filters.state or "",
        "due_from": filters.due_from,
        "due_to": filters.due_to,
        "sort": filters.sort or "",
    }


@router.get("/tasks", response=list[TaskOut])
@paginate(Pagination)
def list_tasks(request, filters: Query[TaskFilters]):
    """Tasks, filtered; `state` (overdue, due_soon, on_track, no_deadline, completed, completed_late,
    suspended) is derived on `today` from the deadline and the last report, never stored."""
    return selectors.task_list(request.user, today=filters.today or timezone.localdate(), **_task_filters(filters))


@router.get("/tasks/overdue", response=list[TaskOut])
@paginate(Pagination)
def list_overdue(request, today: Day | None = None, programme: Id | None = None):
    """Overdue tasks, most days late first."""
    return selectors.overdue_tasks(request.user, today=today or timezone.localdate(), programme=programme)


@router.post("/tasks", response={201: TaskOut})
def create_task(request, payload: TaskIn):
    data = _resolve(payload.dict())
    if data["programme"] is not None:
        check(can_view(request.user, data["programme"]))
    return Status(201, services.task_create(user=request.user, **data))


@router.get("/tasks/{int:task_id}", response=TaskOut)
def get_task(request, task_id: Id):
    return _task(request, task_id)


@router.api_operation(["PATCH", "PUT"], "/tasks/{int:task_id}", response=TaskOut)
def update_task(request, task_id: Id, payload: TaskPatch):
    """Change a task. Contributors of the lead unit may change only `status` (not to completed)."""
    task = _task(request, task_id)
    data = payload.dict(exclude_unset=True)
    version = data.pop("version")
    services.task_update(task, user=request.user, version=version, **_resolve(data))
    return _task(request, task_id)


@router.delete("/tasks/{int:task_id}", response={204: None})
def delete_task(request, task_id: Id, version: Id | None = None):
    services.task_delete(_task(request, task_id), user=request.user, version=version)
    return Status(204, None)


@router.get("/tasks/{int:task_id}/history")
def task_history(request, task_id: Id):
    return history_json(_task(request, task_id))


@router.get("/tasks/{int:task_id}/reports", response=list[ReportOut])
def list_reports(request, task_id: Id):
    return list(selectors.task_reports(_task(request, task_id)))


@router.post("/tasks/{int:task_id}/reports", response={201: ReportOut})
def submit_report(request, task_id: Id, payload: ReportIn):
    """File a progress report (lead unit) or a contribution (coordinating unit)."""
    task = _task(request, task_id)
    data = payload.dict()
    unit_id = data.pop("unit")
    unit = None
    if unit_id is not None:
        unit = Unit.objects.filter(pk=unit_id).first()
        if unit is None:
            raise ValidationError({"unit": [f"Unknown unit {unit_id}."]})
    if data["reported_on"] is None:
        data.pop("reported_on")
    report = services.report_submit(user=request.user, task=task, unit=unit, **data)
    return Status(201, report)


def _report(request, task_id: int, report_id: int) -> ProgressReport:
    task = _task(request, task_id)
    return get_object_or_404(ProgressReport.objects.select_related("task", "unit"), pk=report_id, task=task)


@router.get("/tasks/{int:task_id}/reports/{int:report_id}", response=ReportOut)
def get_report(request, task_id: Id, report_id: Id):
    return _report(request, task_id, report_id)


@router.post("/tasks/{int:task_id}/reports/{int:report_id}/accept", response=ReportOut)
def accept_report(request, task_id: Id, report_id: Id, payload: ReviewIn):
    """An approver accepts the report; one that says the task is done closes the task."""
    return services.report_accept(
        _report(request, task_id, report_id), user=request.user, version=payload.version, comment=payload.comment
    )


@router.post("/tasks/{int:task_id}/reports/{int:report_id}/return", response=ReportOut)
def return_report(request, task_id: Id, report_id: Id, payload: ReviewIn):
    """An approver returns the report to its unit with a comment (required)."""
    return services.report_return(
        _report(request, task_id, report_id), user=request.user, version=payload.version, comment=payload.comment
    )


@router.get("/tasks/{int:task_id}/reports/{int:report_id}/history")
def report_history(request, task_id: Id, report_id: Id):
    return history_json(_report(request, task_id, report_id))
