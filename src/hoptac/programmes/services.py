"""Writes to programmes, tasks and progress reports. Each runs in one transaction with the
acting user and refuses an edit based on a stale version.

Who may do what (on top of hoptac.org.permissions):
- editors, approvers and admins change programmes and tasks, file reports for any unit;
- a contributor of the lead unit (or a unit below it) files reports on the task and may close it
  through a report that says the task is done; it may set the task in progress or suspended;
- a contributor of a coordinating unit files contributions, nothing else: it cannot close the task;
- approvers accept a report or return it with a comment; accepting a report that says the task is
  done closes it (completed, or completed late when done after the deadline).

`user=None` is the system itself (the command line: `hoptac demo`, `hoptac import-tasks`); pages
and the API always pass the signed-in user."""

import datetime
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from hoptac.audit.services import record_create, record_delete, record_update
from hoptac.org.permissions import (
    Role,
    allowed_owner_units,
    can_approve,
    can_change,
    can_create,
    can_delete,
    can_view,
    check,
    role_of,
    unit_scope,
)
from hoptac.programmes.deadlines import closing_status
from hoptac.programmes.models import Programme, ProgressReport, ReportAttachment, ReportingCycle, Task
from hoptac.search.index import index_after_commit, unindex_after_commit

_WRITERS = {Role.ADMIN, Role.APPROVER, Role.EDITOR}


def is_writer(user) -> bool:
    return role_of(user) in _WRITERS


def leads(user, task: Task) -> bool:
    """The user's unit (or one below it) leads the task."""
    return bool(task.lead_unit_id and task.lead_unit_id in unit_scope(user))


def coordinates(user, task: Task) -> bool:
    scope = unit_scope(user)
    return any(u.pk in scope for u in task.coordinating_units.all())


def can_report(user, task: Task) -> bool:
    """May file the lead unit's progress report."""
    if is_writer(user):
        return True
    return role_of(user) == Role.CONTRIBUTOR and leads(user, task)


def can_contribute(user, task: Task) -> bool:
    """May file a coordinating unit's contribution."""
    if is_writer(user):
        return True
    return role_of(user) == Role.CONTRIBUTOR and coordinates(user, task) and not leads(user, task)


def can_edit_task(user, task: Task) -> bool:
    return is_writer(user) and can_change(user, task)


def can_set_status(user, task: Task) -> bool:
    return is_writer(user) or (role_of(user) == Role.CONTRIBUTOR and leads(user, task))


# ---- programmes ---------------------------------------------------------------------------


def _check_owner_unit(user, unit) -> None:
    if unit is not None:
        check(allowed_owner_units(user).filter(pk=unit.pk).exists())


def programme_create(*, user, fields: Any = None, **data: Any) -> Programme:
    check(user is None or (can_create(user, Programme) and is_writer(user)))
    programme = Programme(**data)
    if programme.owner_unit_id is None and getattr(user, "unit_id", None):
        programme.owner_unit_id = user.unit_id
    if user is not None:
        _check_owner_unit(user, programme.owner_unit)
    programme = record_create(programme, user=user, m2m={"fields": fields} if fields is not None else None)
    index_after_commit(programme)
    return programme


def programme_update(
    programme: Programme, *, user, version: int | None, fields: Any = None, **changes: Any
) -> Programme:
    check(is_writer(user) and can_change(user, programme))
    if "owner_unit" in changes:
        _check_owner_unit(user, changes["owner_unit"])
    programme = record_update(
        programme,
        user=user,
        expected_version=version,
        changes=changes,
        m2m={"fields": fields} if fields is not None else None,
    )
    index_after_commit(programme)
    return programme


def programme_delete(programme: Programme, *, user, version: int | None = None) -> None:
    check(can_delete(user, programme))
    pk, task_ids = programme.pk, list(programme.tasks.values_list("pk", flat=True))
    record_delete(programme, user=user, expected_version=version)
    unindex_after_commit("programme", pk)
    for task_id in task_ids:
        unindex_after_commit("task", task_id)


def cycle_create(*, user, programme: Programme, **data: Any) -> ReportingCycle:
    check(user is None or (is_writer(user) and can_change(user, programme)))
    cycle = ReportingCycle(programme=programme, **data)
    with transaction.atomic():
        cycle.full_clean()
        cycle._history_user = user
        cycle.save()
    return cycle


def cycle_delete(cycle: ReportingCycle, *, user) -> None:
    check(is_writer(user) and can_change(user, cycle.programme))
    cycle._history_user = user
    cycle.delete()


# ---- tasks --------------------------------------------------------------------------------


def _check_task_refs(task: Task) -> None:
    errors = {}
    if task.upper_task_id:
        upper = Task.objects.filter(pk=task.upper_task_id).select_related("programme").first()
        if upper is None:
            errors["upper_task"] = _("No such task.")
        elif task.programme_id and upper.programme_id == task.programme_id:
            errors["upper_task"] = _("The upper task belongs to an upper programme, not this one.")
    if task.reporting_cycle_id and task.reporting_cycle.programme_id != task.programme_id:
        errors["reporting_cycle"] = _("The reporting cycle belongs to another programme.")
    if errors:
        raise ValidationError(errors)


def task_create(*, user, coordinating_units: Any = None, **data: Any) -> Task:
    programme = data.get("programme")
    check(user is None or (is_writer(user) and (programme is None or can_change(user, programme))))
    task = Task(**data)
    if not task.position and task.programme_id:
        last = Task.objects.filter(programme_id=task.programme_id).order_by("-position").first()
        task.position = (last.position + 1) if last else 1
    if task.status in Task.CLOSED and task.completed_on:
        task.status = closing_status(task, task.completed_on)
    _check_task_refs(task)
    task = record_create(task, user=user, m2m={"coordinating_units": coordinating_units or []})
    index_after_commit(task)
    return task


def task_update(task: Task, *, user, version: int | None, coordinating_units: Any = None, **changes: Any) -> Task:
    """Writers change anything; a lead-unit contributor changes only the status (not to closed:
    a task is closed by an accepted report, or with task_close)."""
    if not is_writer(user):
        check(can_set_status(user, task) and set(changes) <= {"status"})
        check(changes.get("status", task.status) not in Task.CLOSED)
        check(coordinating_units is None)
    else:
        check(can_change(user, task))
    preview = Task(**{f.attname: getattr(task, f.attname) for f in Task._meta.concrete_fields})
    for name, value in changes.items():
        setattr(preview, name, value)
    if preview.status in Task.CLOSED and preview.completed_on:
        changes["status"] = closing_status(preview, preview.completed_on)
    if preview.status not in Task.CLOSED and "status" in changes:
        changes["completed_on"] = None
    _check_task_refs(preview)
    task = record_update(
        task,
        user=user,
        expected_version=version,
        changes=changes,
        m2m={"coordinating_units": coordinating_units} if coordinating_units is not None else None,
    )
    index_after_commit(task)
    return task


def task_close(task: Task, *, user, completed_on: datetime.date, version: int | None = None) -> Task:
    """Mark a task done on `completed_on`: completed, or completed late after its deadline.
    Only writers and the lead unit may; a coordinating unit cannot."""
    check(is_writer(user) or (role_of(user) == Role.CONTRIBUTOR and leads(user, task)))
    status = closing_status(task, completed_on)
    task = record_update(
        task, user=user, expected_version=version, changes={"status": status, "completed_on": completed_on}
    )
    index_after_commit(task)
    return task


def task_delete(task: Task, *, user, version: int | None = None) -> None:
    check(can_delete(user, task))
    pk = task.pk
    record_delete(task, user=user, expected_version=version)
    unindex_after_commit("task", pk)


# ---- progress reports ---------------------------------------------------------------------


def report_submit(
    *,
    user,
    task: Task,
    kind: str = ProgressReport.Kind.REPORT,
    unit=None,
    attachments: list | None = None,
    **data: Any,
) -> ProgressReport:
    """File a report (lead unit) or a contribution (coordinating unit) on a task.

    A contribution never closes the task; a closed task takes no more reports."""
    check(can_view(user, task))
    if kind == ProgressReport.Kind.REPORT:
        check(can_report(user, task))
        unit = unit or task.lead_unit
    else:
        check(can_contribute(user, task))
        if unit is None:
            scope = unit_scope(user)
            unit = next((u for u in task.coordinating_units.all() if u.pk in scope), None)
        if data.get("completes_task"):
            raise PermissionDenied(_("A coordinating unit contributes to a task but cannot close it."))
    if unit is None:
        raise ValidationError({"unit": _("Say which unit reports.")})
    if not is_writer(user):
        allowed = (
            {task.lead_unit_id} if kind == ProgressReport.Kind.REPORT else {u.pk for u in task.coordinating_units.all()}
        )
        check(unit.pk in allowed and unit.pk in unit_scope(user))
    if task.is_closed:
        raise ValidationError(_("This task is closed; it takes no more reports."))
    data.setdefault("reported_on", timezone.localdate())
    report = ProgressReport(task=task, kind=kind, unit=unit, submitted_by=user, **data)
    with transaction.atomic():
        report = record_create(report, user=user)
        for upload in attachments or []:
            ReportAttachment.objects.create(report=report, file=upload, name=getattr(upload, "name", "file")[:255])
        if kind == ProgressReport.Kind.REPORT and task.status == Task.Status.NOT_STARTED:
            record_update(task, user=user, expected_version=None, changes={"status": Task.Status.IN_PROGRESS})
    index_after_commit(task)
    return report


def _review(report: ProgressReport, *, user, version: int | None, status: str, comment: str) -> ProgressReport:
    check(can_approve(user, report))
    if report.status != ProgressReport.Status.SUBMITTED:
        raise ValidationError(_("This report was already reviewed."))
    return record_update(
        report,
        user=user,
        expected_version=version,
        changes={"status": status, "review_comment": comment, "reviewed_by": user, "reviewed_at": timezone.now()},
    )


def report_accept(report: ProgressReport, *, user, version: int | None = None, comment: str = "") -> ProgressReport:
    """Accept a report; one that says the task is done closes the task on the report's date."""
    with transaction.atomic():
        report = _review(report, user=user, version=version, status=ProgressReport.Status.ACCEPTED, comment=comment)
        task = report.task
        if report.completes_task and report.kind == ProgressReport.Kind.REPORT and not task.is_closed:
            record_update(
                task,
                user=user,
                expected_version=None,
                changes={"status": closing_status(task, report.reported_on), "completed_on": report.reported_on},
            )
    index_after_commit(report.task)
    return report


def report_return(report: ProgressReport, *, user, comment: str, version: int | None = None) -> ProgressReport:
    """Send a report back to its unit with a comment saying what to change."""
    if not (comment or "").strip():
        raise ValidationError({"review_comment": _("Say why the report is returned.")})
    return _review(report, user=user, version=version, status=ProgressReport.Status.RETURNED, comment=comment.strip())
