import tempfile
from pathlib import Path

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import Prefetch
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import get_language, ngettext
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from hoptac.audit.history import history_entries
from hoptac.audit.services import ConflictError
from hoptac.org.permissions import can_approve, can_change, can_delete, can_view, check
from hoptac.programmes import importer, selectors, services
from hoptac.programmes.deadlines import State, current_round, task_state
from hoptac.programmes.forms import (
    CloseForm,
    CycleForm,
    ProgrammeForm,
    ReportForm,
    ReviewForm,
    StatusForm,
    TaskFilterForm,
    TaskForm,
    TaskImportForm,
)
from hoptac.programmes.models import Programme, ProgressReport, ReportAttachment, ReportingCycle, Task
from hoptac.web.exports import export_response
from hoptac.web.files import download
from hoptac.web.params import error_summary, positive_int

PAGE_SIZE = 100


def _today(request):
    return timezone.localdate()


def _states():
    return [(code, State.LABELS[code]) for code in selectors.STATE_ORDER]


def _export(fmt: str, name: str, tasks: list[Task]):
    headers = [
        _("No."),
        _("Task"),
        _("Field"),
        _("Lead unit"),
        _("Coordinating units"),
        _("Deadline"),
        _("Expected product"),
        _("Status"),
        _("State"),
        _("Latest progress"),
        _("Difficulties and proposals"),
    ]
    return export_response(fmt, name, headers, selectors.progress_report_rows(tasks, get_language()))


# ---- programmes ---------------------------------------------------------------------------


def programme_list(request):
    today = _today(request)
    programmes = list(selectors.programme_list(request.user, q=request.GET.get("q", "")))
    tasks = selectors.task_list(request.user, today=today)
    by_programme: dict[int, list[Task]] = {}
    for task in tasks:
        by_programme.setdefault(task.programme_id, []).append(task)
    rows = []
    for programme in programmes:
        mine = by_programme.get(programme.pk, [])
        counts = selectors.state_counts(mine)
        rows.append(
            {
                "programme": programme,
                "total": len(mine),
                "state_rows": selectors.state_rows(counts),
                "group": _group(mine),
            }
        )
    context = {
        "rows": rows,
        "today": today,
        "can_create": services.is_writer(request.user),
        "overdue_count": sum(1 for t in tasks if t.st.overdue),
        "lang": get_language(),
        "states": _states(),
        "q": request.GET.get("q", ""),
    }
    return render(request, "programmes/list.html", context)


def _group(tasks):
    group = selectors.Group(None)
    for task in tasks:
        group.tasks.append(task)
        group.counts[task.st.code] += 1
    return group


def _get_programme(request, pk) -> Programme:
    programme = get_object_or_404(
        Programme.objects.select_related("parent", "owner_unit").prefetch_related("fields", "cycles", "children"), pk=pk
    )
    check(can_view(request.user, programme))
    return programme


def programme_detail(request, pk: int):
    programme = _get_programme(request, pk)
    today = _today(request)
    tab = request.GET.get("tab", "tasks")
    form = TaskFilterForm(request.GET or None, with_programme=False)
    filters = {**form.filters(), "programme": programme.pk}
    tasks = selectors.task_list(request.user, today=today, **filters)
    export = request.GET.get("export")
    if export in ("csv", "xlsx"):
        return _export(export, f"tasks-{programme.document_number or programme.pk}".replace("/", "-"), tasks)
    context = {
        "programme": programme,
        "tab": tab,
        "form": form,
        "today": today,
        "groups": selectors.grouped_by_field(tasks),
        "total": len(tasks),
        "state_rows": selectors.state_rows(selectors.state_counts(tasks)),
        "states": _states(),
        "query": request.GET.urlencode(),
        "lang": get_language(),
        "can_edit": services.is_writer(request.user),
        "can_delete": can_delete(request.user, programme),
    }
    if tab == "rounds":
        context["rounds"] = selectors.rounds_overview(programme, today)
        context["cycle_form"] = CycleForm()
    elif tab == "history":
        context["history"] = history_entries(programme, children=("cycles",))
    elif tab == "matrix":
        context["matrix"] = selectors.status_matrix(tasks)
    return render(request, "programmes/detail.html", context)


def programme_create(request):
    check(services.is_writer(request.user))
    form = ProgrammeForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        programme = services.programme_create(user=request.user, **form.values())
        messages.success(request, _("Programme saved."))
        return redirect(programme)
    return render(request, "programmes/programme_form.html", {"form": form})


def programme_edit(request, pk: int):
    programme = _get_programme(request, pk)
    check(services.is_writer(request.user))
    form = ProgrammeForm(request.POST or None, instance=programme, user=request.user)
    conflict = None
    if request.method == "POST" and form.is_valid():
        try:
            programme = services.programme_update(
                Programme.objects.get(pk=pk),
                user=request.user,
                version=form.cleaned_data.get("version"),
                **form.values(),
            )
        except ConflictError as exc:
            conflict = exc
            data = request.POST.copy()
            data["version"] = exc.current.version
            form = ProgrammeForm(data, instance=exc.current, user=request.user)
            form.is_valid()
        else:
            messages.success(request, _("Programme saved."))
            return redirect(programme)
    return render(
        request, "programmes/programme_form.html", {"form": form, "programme": programme, "conflict": conflict}
    )


@require_POST
def programme_delete(request, pk: int):
    programme = _get_programme(request, pk)
    try:
        services.programme_delete(programme, user=request.user, version=positive_int(request.POST.get("version")))
    except ConflictError:
        messages.error(
            request, _("This programme was changed while you were looking at it; review it before deleting.")
        )
        return redirect(programme)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
        return redirect(programme)
    messages.success(request, _("Programme deleted."))
    return redirect("programmes:list")


@require_POST
def cycle_create(request, pk: int):
    programme = _get_programme(request, pk)
    form = CycleForm(request.POST)
    if form.is_valid():
        data = dict(form.cleaned_data)
        services.cycle_create(user=request.user, programme=programme, **data)
        messages.success(request, _("Reporting cycle added."))
    else:
        messages.error(request, _("The reporting cycle was not added: %(errors)s") % {"errors": error_summary(form)})
    return redirect(programme.get_absolute_url() + "?tab=rounds")


@require_POST
def cycle_delete(request, pk: int):
    cycle = get_object_or_404(ReportingCycle.objects.select_related("programme"), pk=pk)
    services.cycle_delete(cycle, user=request.user)
    messages.success(request, _("Reporting cycle removed."))
    return redirect(cycle.programme.get_absolute_url() + "?tab=rounds")


# ---- task lists ---------------------------------------------------------------------------


def task_list(request):
    today = _today(request)
    form = TaskFilterForm(request.GET or None)
    tasks = selectors.task_list(request.user, today=today, **form.filters())
    export = request.GET.get("export")
    if export in ("csv", "xlsx"):
        return _export(export, "tasks", tasks)
    page = Paginator(tasks, PAGE_SIZE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    context = {
        "form": form,
        "tasks": page.object_list,
        "page_obj": page,
        "query_without_page": query.urlencode(),
        "state_rows": selectors.state_rows(selectors.state_counts(tasks)),
        "total": len(tasks),
        "today": today,
        "lang": get_language(),
    }
    return render(request, "programmes/tasks.html", context)


def my_tasks(request):
    today = _today(request)
    groups = selectors.my_tasks(request.user, today=today)
    pending = selectors.pending_reports(request.user) if can_approve(request.user) else []
    context = {"groups": groups, "today": today, "lang": get_language(), "pending": pending}
    return render(request, "programmes/my_tasks.html", context)


def overdue(request):
    today = _today(request)
    form = TaskFilterForm(request.GET or None)
    filters = {k: v for k, v in form.filters().items() if k not in ("state", "status")}
    tasks = selectors.overdue_tasks(request.user, today=today, **filters)
    export = request.GET.get("export")
    if export in ("csv", "xlsx"):
        return _export(export, "overdue-tasks", tasks)
    context = {"tasks": tasks, "today": today, "form": form, "lang": get_language(), "query": request.GET.urlencode()}
    return render(request, "programmes/overdue.html", context)


def matrix(request):
    today = _today(request)
    form = TaskFilterForm(request.GET or None)
    tasks = selectors.task_list(request.user, today=today, **form.filters())
    context = {
        "matrix": selectors.status_matrix(tasks),
        "states": _states(),
        "state_rows": selectors.state_rows(selectors.state_counts(tasks), all_states=True),
        "total": len(tasks),
        "today": today,
        "form": form,
        "lang": get_language(),
        "query": request.GET.urlencode(),
    }
    return render(request, "programmes/matrix.html", context)


# ---- one task -----------------------------------------------------------------------------


def _get_task(request, pk) -> Task:
    task = get_object_or_404(
        selectors.task_queryset(None).prefetch_related(
            Prefetch(
                "reports",
                queryset=selectors.ProgressReport.objects.select_related(
                    "unit", "submitted_by", "reviewed_by"
                ).prefetch_related("attachments"),
            )
        ),
        pk=pk,
    )
    check(can_view(request.user, task))
    return task


def task_detail(request, pk: int):
    task = _get_task(request, pk)
    today = _today(request)
    tab = request.GET.get("tab", "overview")
    user = request.user
    current = current_round(task.programme, today)
    initial = {"reported_on": today, "period_end": current.period_end if current else None}
    context = {
        "task": task,
        "state": task_state(task, today),
        "today": today,
        "tab": tab,
        "reports": list(task.reports.all()),
        "lower_tasks": task.lower_tasks.select_related("programme", "lead_unit"),
        "can_edit": services.can_edit_task(user, task),
        "can_delete": can_delete(user, task),
        "can_report": services.can_report(user, task) and not task.is_closed,
        "can_contribute": services.can_contribute(user, task) and not task.is_closed,
        "can_set_status": services.can_set_status(user, task) and not task.is_closed,
        "can_close": services.can_set_status(user, task) and not task.is_closed,
        "can_approve": can_approve(user),
        "report_form": ReportForm(initial=initial, kind=ProgressReport.Kind.REPORT),
        "contribution_form": ReportForm(initial=initial, kind=ProgressReport.Kind.CONTRIBUTION),
        "status_form": StatusForm(initial={"status": task.status, "version": task.version}),
        "close_form": CloseForm(initial={"completed_on": today, "version": task.version}),
        "current_round": current,
        "lang": get_language(),
    }
    if tab == "history":
        context["history"] = history_entries(task, children=("reports",))
    return render(request, "programmes/task_detail.html", context)


def task_create(request, pk: int):
    programme = _get_programme(request, pk)
    check(services.is_writer(request.user))
    form = TaskForm(request.POST or None, programme=programme)
    if request.method == "POST" and form.is_valid():
        try:
            task = services.task_create(user=request.user, programme=programme, **form.values())
        except ValidationError as exc:
            _form_errors(form, exc)
        else:
            messages.success(request, _("Task saved."))
            return redirect(task)
    return render(request, "programmes/task_form.html", {"form": form, "programme": programme})


def task_import(request, pk: int):
    """The spreadsheet import of `hoptac import-tasks`, from the browser: every row is checked, and
    nothing is imported unless every row is good."""
    programme = _get_programme(request, pk)
    check(services.is_writer(request.user) and can_change(request.user, programme))
    form = TaskImportForm(request.POST or None, request.FILES or None)
    errors: list[tuple[int, str]] = []
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        with tempfile.TemporaryDirectory() as folder:
            path = Path(folder) / ("tasks" + Path(upload.name).suffix.lower())
            with path.open("wb") as out:
                for chunk in upload.chunks():
                    out.write(chunk)
            try:
                result = importer.import_tasks(path, programme, user=request.user)
            except importer.UnreadableFile as exc:
                form.add_error("file", str(exc))
            except ValidationError as exc:
                form.add_error(None, exc.messages)
            else:
                if result.ok:
                    messages.success(
                        request,
                        ngettext("%(count)d task imported.", "%(count)d tasks imported.", len(result.created))
                        % {"count": len(result.created)},
                    )
                    return redirect(programme)
                errors = result.errors
    context = {
        "form": form,
        "programme": programme,
        "errors": errors,
        "bad_rows": len({number for number, _reason in errors}),
        "template": importer.TEMPLATE,
    }
    return render(request, "programmes/task_import.html", context)


def task_import_template(request):
    """An empty spreadsheet whose first row names the columns, in the reader's language."""
    check(services.is_writer(request.user))
    vietnamese = get_language() != "en"
    headers = [vi if vietnamese else en for en, vi, _required in importer.TEMPLATE]
    return export_response("xlsx", "tasks-template", headers, [])


def _form_errors(form, exc: ValidationError) -> None:
    if hasattr(exc, "error_dict"):
        for name, errors in exc.message_dict.items():
            form.add_error(name if name in form.fields else None, errors)
    else:
        form.add_error(None, exc.messages)


def task_edit(request, pk: int):
    task = _get_task(request, pk)
    check(services.can_edit_task(request.user, task))
    form = TaskForm(request.POST or None, instance=task, programme=task.programme)
    conflict = None
    if request.method == "POST" and form.is_valid():
        try:
            task = services.task_update(
                Task.objects.get(pk=pk), user=request.user, version=form.cleaned_data.get("version"), **form.values()
            )
        except ConflictError as exc:
            conflict = exc
            data = request.POST.copy()
            data["version"] = exc.current.version
            form = TaskForm(data, instance=exc.current, programme=task.programme)
            form.is_valid()
        except ValidationError as exc:
            _form_errors(form, exc)
        else:
            messages.success(request, _("Task saved."))
            return redirect(task)
    return render(
        request,
        "programmes/task_form.html",
        {"form": form, "programme": task.programme, "task": task, "conflict": conflict},
    )


@require_POST
def task_delete(request, pk: int):
    task = _get_task(request, pk)
    programme = task.programme
    try:
        services.task_delete(task, user=request.user, version=positive_int(request.POST.get("version")))
    except ConflictError:
        messages.error(request, _("This task was changed while you were looking at it; review it before deleting."))
        return redirect(task)
    messages.success(request, _("Task deleted."))
    return redirect(programme)


@require_POST
def task_status(request, pk: int):
    task = _get_task(request, pk)
    form = StatusForm(request.POST)
    if form.is_valid():
        try:
            services.task_update(
                task, user=request.user, version=form.cleaned_data.get("version"), status=form.cleaned_data["status"]
            )
        except ConflictError:
            messages.error(request, _("This task was changed while you were looking at it; review it and try again."))
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
        else:
            messages.success(request, _("Status changed."))
    else:
        messages.error(request, _("The status was not changed: %(errors)s") % {"errors": error_summary(form)})
    return redirect(task)


@require_POST
def task_close(request, pk: int):
    task = _get_task(request, pk)
    form = CloseForm(request.POST)
    if form.is_valid():
        try:
            task = services.task_close(
                task,
                user=request.user,
                completed_on=form.cleaned_data["completed_on"],
                version=form.cleaned_data.get("version"),
            )
        except ConflictError:
            messages.error(request, _("This task was changed while you were looking at it; review it and try again."))
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
        else:
            messages.success(request, _("Task closed: %(status)s.") % {"status": task.get_status_display()})
    else:
        messages.error(request, _("The task was not closed: %(errors)s") % {"errors": error_summary(form)})
    return redirect(task)


def report_create(request, pk: int):
    task = _get_task(request, pk)
    kind = request.GET.get("kind") or request.POST.get("kind") or ProgressReport.Kind.REPORT
    if kind not in ProgressReport.Kind.values:
        kind = ProgressReport.Kind.REPORT
    allowed = services.can_report if kind == ProgressReport.Kind.REPORT else services.can_contribute
    check(allowed(request.user, task))
    today = _today(request)
    current = current_round(task.programme, today)
    initial = {"reported_on": today, "period_end": current.period_end if current else None}
    form = ReportForm(request.POST or None, request.FILES or None, initial=initial, kind=kind)
    if request.method == "POST" and form.is_valid():
        try:
            services.report_submit(
                user=request.user,
                task=task,
                kind=kind,
                attachments=form.cleaned_data.get("attachments") or [],
                **form.values(),
            )
        except ValidationError as exc:
            _form_errors(form, exc)
        except PermissionDenied as exc:
            form.add_error(None, str(exc) or _("You are not allowed to do this."))
        else:
            messages.success(request, _("Report submitted."))
            return redirect(task)
    return render(request, "programmes/report_form.html", {"form": form, "task": task, "kind": kind})


def attachment_file(request, pk: int):
    attachment = get_object_or_404(ReportAttachment.objects.select_related("report__task"), pk=pk)
    check(can_view(request.user, attachment.report.task))
    return download(attachment.file, attachment.name)


def _get_report(request, pk) -> ProgressReport:
    report = get_object_or_404(ProgressReport.objects.select_related("task", "unit"), pk=pk)
    check(can_view(request.user, report.task))
    return report


@require_POST
def report_review(request, pk: int, decision: str):
    report = _get_report(request, pk)
    form = ReviewForm(request.POST)
    form.is_valid()
    comment = form.cleaned_data.get("comment") or ""
    version = form.cleaned_data.get("version")
    try:
        if decision == "accept":
            services.report_accept(report, user=request.user, version=version, comment=comment)
            messages.success(request, _("Report accepted."))
        else:
            services.report_return(report, user=request.user, version=version, comment=comment)
            messages.success(request, _("Report returned to the unit."))
    except ConflictError:
        messages.error(request, _("This report was changed while you were looking at it; review it and try again."))
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    return redirect(report.task)
