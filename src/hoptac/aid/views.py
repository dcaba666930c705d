from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from hoptac.aid import selectors, services
from hoptac.aid.forms import ProjectFilterForm, ProjectForm, TransactionForm
from hoptac.aid.models import OrgRole, Project, Transaction
from hoptac.audit.history import history_entries
from hoptac.audit.services import ConflictError
from hoptac.org.permissions import can_change, can_create, can_delete, can_view, check
from hoptac.web.exports import export_response
from hoptac.web.params import positive_int

PAGE_SIZE = 50


def _filters(form: ProjectFilterForm) -> dict:
    f = form.cleaned_data if form.is_valid() else {}
    return {
        "q": f.get("q") or "",
        "donor": f["donor"].pk if f.get("donor") else None,
        "kind": f.get("kind") or "",
        "sector": f.get("sector") or "",
        "field": f["field"].pk if f.get("field") else None,
        "province": f["province"].pk if f.get("province") else None,
        "unit": f["unit"].pk if f.get("unit") else None,
        "status": f.get("status") or "",
        "year": f.get("year"),
        "sort": f.get("sort") or "",
    }


def project_list(request):
    form = ProjectFilterForm(request.GET or None)
    filters = _filters(form)
    projects = selectors.project_list(request.user, **filters)
    export = request.GET.get("export")
    if export in ("csv", "xlsx"):
        return _export(export, projects)
    if export == "iati":
        from hoptac.aid.iati_export import export_activities

        response = HttpResponse(content_type="application/xml; charset=utf-8")
        response["Content-Disposition"] = 'attachment; filename="projects-iati.xml"'
        export_activities(projects, response)
        return response
    page = Paginator(projects, PAGE_SIZE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    query.pop("sort", None)
    context = {
        "form": form,
        "page_obj": page,
        "projects": page.object_list,
        "totals": selectors.totals(projects),
        "query_without_page": query.urlencode(),
        "current_sort": filters["sort"],
        "can_create": can_create(request.user, Project),
        "lang": get_language(),
    }
    template = "aid/_results.html" if request.headers.get("HX-Request") else "aid/list.html"
    return render(request, template, context)


def _export(fmt: str, projects):
    headers = [
        _("id"),
        _("code"),
        _("IATI identifier"),
        _("title (Vietnamese)"),
        _("title (English)"),
        _("kind"),
        _("status"),
        _("donors"),
        _("planned start"),
        _("planned end"),
        _("committed (VND)"),
        _("committed (USD)"),
        _("disbursed (VND)"),
        _("disbursed (USD)"),
        _("disbursement rate (%)"),
    ]
    projects = projects.prefetch_related("organisations__partner")

    def rows():
        for p in projects:
            donors = [str(o) for o in p.organisations.all() if o.role == OrgRole.FUNDING]
            yield [
                p.pk,
                p.code,
                p.iati_identifier,
                p.title_vi,
                p.title_en,
                p.get_kind_display(),
                p.get_status_display(),
                donors,
                p.planned_start,
                p.planned_end,
                p.committed_vnd,
                p.committed_usd,
                p.disbursed_vnd,
                p.disbursed_usd,
                selectors.rate(p.disbursed_usd, p.committed_usd),
            ]

    return export_response(fmt, "projects", headers, rows())


def _get_visible(request, pk) -> Project:
    project = get_object_or_404(Project.objects.select_related("owner_unit", "parent", "agreement"), pk=pk)
    check(can_view(request.user, project))
    return project


def project_detail(request, pk: int):
    project = _get_visible(request, pk)
    tab = request.GET.get("tab", "overview")
    # The agreement is shown only to those who may see it; others see the number as recorded.
    agreement = project.agreement if project.agreement_id and can_view(request.user, project.agreement) else None
    context = {
        "project": project,
        "agreement": agreement,
        "figures": selectors.project_figures(project),
        "programme_figures": selectors.programme_figures(project),
        "tab": tab,
        "organisations": project.organisations.select_related("partner"),
        "sectors": project.sectors.all(),
        "fields": project.fields.select_related("field"),
        "locations": project.locations.select_related("province"),
        "implementing_units": project.implementing_units.all(),
        "children": selectors.project_list(request.user, parent=project.pk),
        "budgets": project.budgets.all(),
        "transactions": project.transactions.all() if tab == "transactions" else [],
        "results": project.results.prefetch_related("indicators") if tab == "results" else [],
        "history": history_entries(project, children=("transactions",)) if tab == "history" else [],
        "can_change": can_change(request.user, project),
        "can_delete": can_delete(request.user, project),
        "lang": get_language(),
    }
    return render(request, "aid/detail.html", context)


def project_create(request):
    check(can_create(request.user, Project))
    form = ProjectForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            project = services.project_create(user=request.user, **form.service_values())
        except ValidationError as exc:
            _add_errors(form, exc)
        else:
            messages.success(request, _("Project saved."))
            return redirect(project)
    return render(request, "aid/form.html", {"form": form})


def _add_errors(form, exc: ValidationError) -> None:
    target = {"sectors": "sectors_text", "fields": "fields_text", "locations": "locations_text"}
    if hasattr(exc, "error_dict"):
        for name, errors in exc.message_dict.items():
            form.add_error(target.get(name, name) if target.get(name, name) in form.fields else None, errors)
    else:
        form.add_error(None, exc.messages)


def project_edit(request, pk: int):
    project = _get_visible(request, pk)
    check(can_change(request.user, project))
    form = ProjectForm(request.POST or None, instance=project, user=request.user)
    conflict = None
    if request.method == "POST" and form.is_valid():
        try:
            project = services.project_update(
                Project.objects.get(pk=pk),
                user=request.user,
                version=form.cleaned_data.get("version"),
                **form.service_values(),
            )
        except ConflictError as exc:
            conflict = exc
            data = request.POST.copy()
            data["version"] = exc.current.version
            form = ProjectForm(data, instance=exc.current, user=request.user)
            form.is_valid()
        except ValidationError as exc:
            _add_errors(form, exc)
        else:
            messages.success(request, _("Project saved."))
            return redirect(project)
    return render(request, "aid/form.html", {"form": form, "project": project, "conflict": conflict})


@require_POST
def project_delete(request, pk: int):
    project = _get_visible(request, pk)
    try:
        services.project_delete(project, user=request.user, version=positive_int(request.POST.get("version")))
    except ConflictError:
        messages.error(request, _("This project was changed while you were looking at it; review it before deleting."))
        return redirect(project)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
        return redirect(project)
    messages.success(request, _("Project deleted."))
    return redirect("aid:list")


def _tab(project) -> str:
    return project.get_absolute_url() + "?tab=transactions"


def transaction_create(request, pk: int):
    project = _get_visible(request, pk)
    check(can_change(request.user, project))
    form = TransactionForm(request.POST or None, project=project)
    if request.method == "POST" and form.is_valid():
        try:
            services.transaction_create(user=request.user, project=project, **form.service_values())
        except ValidationError as exc:
            _add_errors(form, exc)
        else:
            messages.success(request, _("Transaction saved."))
            return redirect(_tab(project))
    return render(request, "aid/transaction_form.html", {"form": form, "project": project})


def transaction_edit(request, pk: int):
    tx = get_object_or_404(Transaction.objects.select_related("project"), pk=pk)
    project = tx.project
    check(can_change(request.user, project))
    form = TransactionForm(request.POST or None, instance=tx, project=project)
    conflict = None
    if request.method == "POST" and form.is_valid():
        try:
            services.transaction_update(
                Transaction.objects.get(pk=pk),
                user=request.user,
                version=form.cleaned_data.get("version"),
                **form.service_values(),
            )
        except ConflictError as exc:
            conflict = exc
            data = request.POST.copy()
            data["version"] = exc.current.version
            form = TransactionForm(data, instance=exc.current, project=project)
            form.is_valid()
        except ValidationError as exc:
            _add_errors(form, exc)
        else:
            messages.success(request, _("Transaction saved."))
            return redirect(_tab(project))
    return render(
        request,
        "aid/transaction_form.html",
        {"form": form, "project": project, "transaction": tx, "conflict": conflict},
    )


@require_POST
def transaction_delete(request, pk: int):
    tx = get_object_or_404(Transaction.objects.select_related("project"), pk=pk)
    services.transaction_delete(tx, user=request.user)
    messages.success(request, _("Transaction deleted."))
    return redirect(_tab(tx.project))
