from pathlib import PurePath

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from hoptac.agreements import lifecycle, selectors, services
from hoptac.agreements.forms import (
    ActivityForm,
    AgreementFilterForm,
    AgreementForm,
    ConsultationForm,
    SignatoryFormSet,
    TextForm,
    TransitionForm,
    signatory_initial,
    signatory_values,
)
from hoptac.agreements.models import Agreement, AgreementText, Consultation, ImplementationActivity, State
from hoptac.audit.history import history_entries
from hoptac.audit.services import ConflictError
from hoptac.documents.models import Document
from hoptac.org.permissions import can_approve, can_change, can_create, can_delete, can_view, check, visible
from hoptac.web.exports import export_response
from hoptac.web.files import download
from hoptac.web.params import positive_int

PAGE_SIZE = 50
EXPIRING_DAYS = 90


def agreement_list(request):
    form = AgreementFilterForm(request.GET or None, years=selectors.signed_years(request.user))
    filters = form.cleaned_data if form.is_valid() else {}
    today = filters.get("as_of") or timezone.localdate()
    agreements = selectors.agreement_list(
        request.user,
        q=filters.get("q") or "",
        partner=filters["partner"].pk if filters.get("partner") else None,
        country=filters["country"].iso2 if filters.get("country") else "",
        kind=filters.get("kind") or "",
        level=filters.get("level") or "",
        status=filters.get("status") or "",
        state=filters.get("state") or "",
        field=filters["field"].pk if filters.get("field") else None,
        unit=filters["unit"].pk if filters.get("unit") else None,
        year=filters.get("year"),
        today=today,
        expiring_days=EXPIRING_DAYS,
        sort=filters.get("sort") or "",
    ).prefetch_related("parties")
    export = request.GET.get("export")
    if export in ("csv", "xlsx"):
        return _export(export, agreements, today)
    page = Paginator(agreements, PAGE_SIZE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    rows = [(a, State(a.state_on(today, EXPIRING_DAYS))) for a in page.object_list]
    context = {
        "form": form,
        "page_obj": page,
        "rows": rows,
        "query_without_page": query.urlencode(),
        "can_create": can_create(request.user, Agreement),
        "lang": get_language(),
        "current_sort": filters.get("sort") or "",
    }
    template = "agreements/_results.html" if request.headers.get("HX-Request") else "agreements/list.html"
    return render(request, template, context)


def _export(fmt: str, agreements, today):
    headers = [
        _("id"),
        _("kind"),
        _("level"),
        _("number or code"),
        _("title (Vietnamese)"),
        _("title (English)"),
        _("foreign parties"),
        _("Vietnamese parties"),
        _("responsible unit"),
        _("signed on"),
        _("signed at (city)"),
        _("signed at (country)"),
        _("in force from"),
        _("valid until"),
        _("renewed automatically"),
        _("status"),
        _("state today"),
        _("fields"),
    ]
    agreements = agreements.prefetch_related("vietnamese_parties", "fields")
    rows = (
        [
            a.pk,
            a.get_kind_display(),
            a.get_level_display(),
            a.number,
            a.title_vi,
            a.title_en,
            [p.acronym or p.name_en for p in a.parties.all()],
            [u.short_name or u.name_vi for u in a.vietnamese_parties.all()],
            a.owner_unit.name_vi if a.owner_unit else "",
            a.signed_on,
            a.signed_at_city,
            a.signed_at_country_id or "",
            a.in_force_from,
            a.valid_until or _("open-ended"),
            _("yes") if a.automatic_renewal else _("no"),
            a.get_status_display(),
            str(State(a.state_on(today, EXPIRING_DAYS)).label),
            [f.name_vi for f in a.fields.all()],
        ]
        for a in agreements
    )
    return export_response(fmt, "agreements", headers, rows)


def _get_visible(request, pk) -> Agreement:
    agreement = get_object_or_404(
        Agreement.objects.select_related("owner_unit", "signed_at_country", "superseded_by", "created_by"), pk=pk
    )
    check(can_view(request.user, agreement))
    return agreement


def agreement_detail(request, pk: int):
    agreement = _get_visible(request, pk)
    today = timezone.localdate()
    tab = request.GET.get("tab", "overview")
    if tab not in ("overview", "implementation", "history"):
        tab = "overview"
    labels = dict(Agreement.Status.choices)
    context = {
        "agreement": agreement,
        "tab": tab,
        "lang": get_language(),
        "today": today,
        "state": State(agreement.state_on(today, EXPIRING_DAYS)),
        "term_end": agreement.term_end(today),
        "days_left": agreement.days_left(today),
        "notice_deadline": agreement.notice_deadline(today),
        "parties": agreement.parties.select_related("country").all(),
        "vietnamese_parties": agreement.vietnamese_parties.all(),
        "fields": agreement.fields.all(),
        "signatories": agreement.signatories.all(),
        "texts": agreement.texts.select_related("document").all(),
        "supersedes": agreement.supersedes.all(),
        "allowed_next": [(s, labels[s]) for s in lifecycle.allowed_next(agreement.status)],
        "can_change": can_change(request.user, agreement),
        "can_delete": can_delete(request.user, agreement),
    }
    if tab == "overview":
        from hoptac.aid.selectors import agreement_projects, rate

        context["projects"] = [
            (p, rate(p.disbursed_usd, p.committed_usd)) for p in agreement_projects(request.user, agreement)
        ]
    if tab == "implementation":
        # A contributor of the implementing unit may report on its activity without owning the agreement.
        context["activities"] = [
            (a, a.is_overdue(today), context["can_change"] or can_change(request.user, a))
            for a in agreement.activities.select_related("owner_unit").all()
        ]
        context["consultations"] = agreement.consultations.select_related("agency").all()
    if tab == "history":
        context["steps"] = agreement.status_changes.select_related("user").all()
        context["history"] = history_entries(
            agreement, children=("signatories", "consultations", "activities", "texts")
        )
    return render(request, "agreements/detail.html", context)


def _signatory_formset(request, agreement=None):
    return SignatoryFormSet(request.POST or None, prefix="sig", initial=signatory_initial(agreement))


def agreement_create(request):
    check(can_create(request.user, Agreement))
    initial = {}
    if partner_id := positive_int(request.GET.get("partner")):
        initial["parties"] = [partner_id]
    form = AgreementForm(request.POST or None, user=request.user, initial=initial)
    signatories = _signatory_formset(request)
    if request.method == "POST" and form.is_valid() and signatories.is_valid():
        try:
            agreement = services.agreement_create(
                user=request.user, signatories=signatory_values(signatories), **form.values()
            )
        except ValidationError as exc:
            _form_errors(form, exc)
        else:
            messages.success(request, _("Agreement saved."))
            return redirect(agreement)
    return render(request, "agreements/form.html", {"form": form, "signatories": signatories})


def _form_errors(form, exc: ValidationError) -> None:
    if hasattr(exc, "error_dict"):
        for field, errors in exc.message_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, exc.messages)


def agreement_edit(request, pk: int):
    agreement = _get_visible(request, pk)
    check(can_change(request.user, agreement))
    form = AgreementForm(request.POST or None, instance=agreement, user=request.user)
    signatories = _signatory_formset(request, agreement)
    conflict = None
    if request.method == "POST" and form.is_valid() and signatories.is_valid():
        try:
            agreement = services.agreement_update(
                Agreement.objects.get(pk=pk),
                user=request.user,
                version=form.cleaned_data.get("version"),
                signatories=signatory_values(signatories),
                **form.values(),
            )
        except ConflictError as exc:
            conflict = exc
            data = request.POST.copy()
            data["version"] = exc.current.version
            form = AgreementForm(data, instance=exc.current, user=request.user)
            form.is_valid()
        except ValidationError as exc:
            _form_errors(form, exc)
        else:
            messages.success(request, _("Agreement saved."))
            return redirect(agreement)
    return render(
        request,
        "agreements/form.html",
        {"form": form, "agreement": agreement, "conflict": conflict, "signatories": signatories},
    )


def agreement_transition(request, pk: int):
    agreement = _get_visible(request, pk)
    check(can_change(request.user, agreement))
    form = TransitionForm(request.POST or None, agreement=agreement, initial={"date": timezone.localdate()})
    conflict = None
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.agreement_transition(
                agreement,
                user=request.user,
                to_status=data["to_status"],
                date=data["date"],
                decision_number=data["decision_number"],
                note=data["note"],
                superseded_by=data.get("superseded_by"),
                valid_until=data.get("valid_until"),
                version=data.get("version"),
            )
        except ConflictError as exc:
            conflict = exc
            post = request.POST.copy()
            post["version"] = exc.current.version
            agreement = exc.current
            form = TransitionForm(post, agreement=agreement)
            form.is_valid()
        except ValidationError as exc:
            _form_errors(form, exc)
        else:
            messages.success(request, _("Status changed."))
            return redirect(f"{agreement.get_absolute_url()}?tab=history")
    steps = dict(lifecycle.STEP_EFFECTS)
    return render(
        request,
        "agreements/transition_form.html",
        {
            "form": form,
            "agreement": agreement,
            "conflict": conflict,
            "approval_steps": lifecycle.APPROVAL_STEPS,
            "allowed_labels": [dict(Agreement.Status.choices)[s] for s in form.allowed],
            "can_approve": can_approve(request.user, agreement),
            "effects": [(dict(Agreement.Status.choices)[s], steps[s]) for s in form.allowed if s in steps],
        },
    )


@require_POST
def agreement_delete(request, pk: int):
    agreement = _get_visible(request, pk)
    try:
        services.agreement_delete(agreement, user=request.user, version=positive_int(request.POST.get("version")))
    except ConflictError:
        messages.error(
            request, _("This agreement was changed while you were looking at it; review it before deleting.")
        )
        return redirect(agreement)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
        return redirect(agreement)
    messages.success(request, _("Agreement deleted."))
    return redirect("agreements:list")


# ---- implementation activities, consultations, texts -------------------------------------


def _implementation(agreement) -> str:
    return f"{agreement.get_absolute_url()}?tab=implementation"


def activity_create(request, pk: int):
    agreement = _get_visible(request, pk)
    check(can_change(request.user, agreement))
    form = ActivityForm(request.POST or None, initial={"owner_unit": agreement.owner_unit_id})
    if request.method == "POST" and form.is_valid():
        data = {k: v for k, v in form.cleaned_data.items() if k != "version"}
        services.activity_create(user=request.user, agreement=agreement, **data)
        messages.success(request, _("Activity saved."))
        return redirect(_implementation(agreement))
    return render(
        request, "agreements/child_form.html", {"form": form, "agreement": agreement, "heading": _("New activity")}
    )


def activity_edit(request, pk: int):
    activity = get_object_or_404(ImplementationActivity.objects.select_related("agreement"), pk=pk)
    agreement = activity.agreement
    check(
        can_view(request.user, agreement)
        and (can_change(request.user, agreement) or can_change(request.user, activity))
    )
    form = ActivityForm(request.POST or None, instance=activity)
    conflict = None
    if request.method == "POST" and form.is_valid():
        data = {k: v for k, v in form.cleaned_data.items() if k != "version"}
        try:
            services.activity_update(
                ImplementationActivity.objects.get(pk=pk),
                user=request.user,
                version=form.cleaned_data.get("version"),
                **data,
            )
        except ConflictError as exc:
            conflict = exc
            post = request.POST.copy()
            post["version"] = exc.current.version
            form = ActivityForm(post, instance=exc.current)
            form.is_valid()
        else:
            messages.success(request, _("Activity saved."))
            return redirect(_implementation(agreement))
    return render(
        request,
        "agreements/child_form.html",
        {"form": form, "agreement": agreement, "conflict": conflict, "heading": _("Edit activity")},
    )


def consultation_create(request, pk: int):
    agreement = _get_visible(request, pk)
    check(can_change(request.user, agreement))
    form = ConsultationForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = {k: v for k, v in form.cleaned_data.items() if k != "version"}
        services.consultation_create(user=request.user, agreement=agreement, **data)
        messages.success(request, _("Consultation saved."))
        return redirect(_implementation(agreement))
    return render(
        request,
        "agreements/child_form.html",
        {"form": form, "agreement": agreement, "heading": _("Record a consultation")},
    )


def consultation_edit(request, pk: int):
    consultation = get_object_or_404(Consultation.objects.select_related("agreement"), pk=pk)
    agreement = consultation.agreement
    check(can_view(request.user, agreement) and can_change(request.user, agreement))
    form = ConsultationForm(request.POST or None, instance=consultation)
    conflict = None
    if request.method == "POST" and form.is_valid():
        data = {k: v for k, v in form.cleaned_data.items() if k != "version"}
        try:
            services.consultation_update(
                Consultation.objects.get(pk=pk), user=request.user, version=form.cleaned_data.get("version"), **data
            )
        except ConflictError as exc:
            conflict = exc
            post = request.POST.copy()
            post["version"] = exc.current.version
            form = ConsultationForm(post, instance=exc.current)
            form.is_valid()
        else:
            messages.success(request, _("Consultation saved."))
            return redirect(_implementation(agreement))
    return render(
        request,
        "agreements/child_form.html",
        {"form": form, "agreement": agreement, "conflict": conflict, "heading": _("Edit consultation")},
    )


def text_add(request, pk: int):
    agreement = _get_visible(request, pk)
    check(can_change(request.user, agreement))
    form = TextForm(request.POST or None, request.FILES or None)
    form.fields["document"].queryset = visible(request.user, Document.objects.order_by("-created_at"))
    if request.method == "POST" and form.is_valid():
        services.text_add(user=request.user, agreement=agreement, **form.cleaned_data)
        messages.success(request, _("Text attached."))
        return redirect(agreement)
    return render(
        request,
        "agreements/child_form.html",
        {"form": form, "agreement": agreement, "heading": _("Attach a text"), "multipart": True},
    )


@require_POST
def text_delete(request, pk: int):
    text = get_object_or_404(AgreementText.objects.select_related("agreement"), pk=pk)
    services.text_delete(text, user=request.user)
    messages.success(request, _("Text removed."))
    return redirect(text.agreement)


def text_file(request, pk: int):
    text = get_object_or_404(AgreementText.objects.select_related("agreement"), pk=pk)
    check(can_view(request.user, text.agreement))
    return download(text.file, PurePath(text.file.name).name if text.file else "")
