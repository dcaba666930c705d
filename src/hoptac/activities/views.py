import calendar as pycalendar
import datetime

from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from hoptac.activities import ics, lifecycle, selectors, services
from hoptac.activities.forms import (
    CalendarFilterForm,
    DelegationFilterForm,
    DelegationForm,
    EventFilterForm,
    EventForm,
    FollowUpFormSet,
    LegFormSet,
    MemberFormSet,
    ParticipantFormSet,
    TransitionForm,
)
from hoptac.activities.models import CalendarFeed, Delegation, Event, FollowUpAction
from hoptac.audit.history import history_entries
from hoptac.audit.services import ConflictError
from hoptac.org.permissions import can_approve, can_change, can_create, can_delete, can_view, check
from hoptac.web.exports import export_response
from hoptac.web.params import EARLIEST_DATE, LATEST_DATE, positive_int

PAGE_SIZE = 50


def _list_context(request, form, queryset, sorts) -> dict:
    page = Paginator(queryset, PAGE_SIZE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    query_without_sort = query.copy()
    query_without_sort.pop("sort", None)
    return {
        "form": form,
        "page_obj": page,
        "items": page.object_list,
        "query_without_page": query.urlencode(),
        "query_without_sort": query_without_sort.urlencode(),
        "current_sort": (form.cleaned_data.get("sort") if form.is_valid() else "") or "",
        "lang": get_language(),
        "today": timezone.localdate(),
    }


def _filters(form) -> dict:
    return form.cleaned_data if form.is_valid() else {}


def _pk(obj):
    return obj.pk if obj else None


# ---- events -------------------------------------------------------------------------------


def event_list(request):
    form = EventFilterForm(request.GET or None)
    f = _filters(form)
    today = timezone.localdate()
    events = selectors.event_list(
        request.user,
        q=f.get("q") or "",
        kind=f.get("kind") or "",
        status=f.get("status") or "",
        unit=_pk(f.get("unit")),
        partner=_pk(f.get("partner")),
        field=_pk(f.get("field")),
        year=f.get("year"),
        date_from=f.get("date_from"),
        date_to=f.get("date_to"),
        report_late_on=today if f.get("report_late") else None,
        sort=f.get("sort") or "",
    )
    export = request.GET.get("export")
    if export in ("csv", "xlsx"):
        return _export_events(export, events, today)
    context = _list_context(request, form, events, selectors.EVENT_SORTS)
    context["can_create"] = can_create(request.user, Event)
    template = "activities/_event_results.html" if request.headers.get("HX-Request") else "activities/event_list.html"
    return render(request, template, context)


def _export_events(fmt, events, today):
    headers = [
        _("id"),
        _("kind"),
        _("title (Vietnamese)"),
        _("title (English)"),
        _("start date"),
        _("end date"),
        _("place"),
        _("organiser unit"),
        _("co-organising partners"),
        _("international participants"),
        _("status"),
        _("approval decision number"),
        _("report due date"),
        _("report filed on"),
        _("report late"),
    ]
    rows = (
        [
            e.pk,
            e.get_kind_display(),
            e.title_vi,
            e.title_en,
            e.start_date,
            e.end_date,
            e.place_display(),
            e.organiser_unit.name_vi,
            [str(p) for p in e.co_organisers.all()],
            [str(p) for p in e.participants.all()],
            e.get_status_display(),
            e.approval_decision,
            e.report_due(),
            e.report_filed_on,
            _("yes") if e.report_late(today) else "",
        ]
        for e in events
    )
    return export_response(fmt, "events", headers, rows)


def _event(request, pk) -> Event:
    event = get_object_or_404(Event.objects.select_related("organiser_unit", "country"), pk=pk)
    check(can_view(request.user, event))
    return event


def _transition_context(obj, user) -> list[dict]:
    labels = dict(type(obj).Status.choices)
    needs = lifecycle.requirements_for(obj)
    return [
        {
            "status": s,
            "label": labels[s],
            "need": needs.get(s, ""),
            "allowed": s not in lifecycle.APPROVAL_STEPS or can_approve(user, obj),
        }
        for s in lifecycle.allowed_next(obj)
    ]


def event_detail(request, pk: int):
    event = _event(request, pk)
    tab = request.GET.get("tab", "overview")
    today = timezone.localdate()
    context = {
        "event": event,
        "tab": tab,
        "today": today,
        "lang": get_language(),
        "participants": event.participants.select_related("partner"),
        "follow_ups": event.follow_ups.select_related("owner_unit"),
        "history": history_entries(event, children=("participants", "follow_ups")) if tab == "history" else [],
        "can_change": can_change(request.user, event),
        "can_delete": can_delete(request.user, event),
        "transitions": _transition_context(event, request.user),
        "report_due": event.report_due(),
        "report_late": event.report_late(today),
    }
    return render(request, "activities/event_detail.html", context)


def _participants(formset):
    return [
        services.Participant(f.cleaned_data["partner"], f.cleaned_data.get("people"), f.cleaned_data.get("note", ""))
        for f in formset.forms
        if f.cleaned_data and not f.cleaned_data.get("DELETE") and f.cleaned_data.get("partner")
    ]


def _follow_ups(formset):
    return [
        services.FollowUp(
            f.cleaned_data["description"],
            f.cleaned_data.get("owner_unit"),
            f.cleaned_data.get("due_date"),
            bool(f.cleaned_data.get("done")),
        )
        for f in formset.forms
        if f.cleaned_data and not f.cleaned_data.get("DELETE") and f.cleaned_data.get("description")
    ]


def _add_service_errors(form, exc: ValidationError):
    if hasattr(exc, "error_dict"):
        for field, errors in exc.message_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, exc.messages)


def _event_form(request, event: Event | None):
    data = request.POST or None
    can_publish = can_approve(request.user, event)
    form = EventForm(data, instance=event, user=request.user, can_publish=can_publish)
    p_initial = f_initial = None
    if event is not None:
        p_initial = [{"partner": p.partner_id, "people": p.people, "note": p.note} for p in event.participants.all()]
        f_initial = [
            {"description": f.description, "owner_unit": f.owner_unit_id, "due_date": f.due_date, "done": f.done}
            for f in event.follow_ups.all()
        ]
    participants = ParticipantFormSet(data, prefix="participants", initial=p_initial)
    follow_ups = FollowUpFormSet(data, prefix="follow_ups", initial=f_initial)
    return form, participants, follow_ups


def _render_event_form(request, form, participants, follow_ups, event=None, conflict=None):
    return render(
        request,
        "activities/event_form.html",
        {"form": form, "participants": participants, "follow_ups": follow_ups, "event": event, "conflict": conflict},
    )


def event_create(request):
    check(can_create(request.user, Event))
    form, participants, follow_ups = _event_form(request, None)
    if request.method == "POST" and form.is_valid() and participants.is_valid() and follow_ups.is_valid():
        try:
            event = services.event_create(
                user=request.user,
                participants=_participants(participants),
                follow_ups=_follow_ups(follow_ups),
                **form.values(),
            )
        except ValidationError as exc:
            _add_service_errors(form, exc)
        else:
            messages.success(request, _("Event saved."))
            return redirect(event)
    return _render_event_form(request, form, participants, follow_ups)


def event_edit(request, pk: int):
    event = _event(request, pk)
    check(can_change(request.user, event))
    form, participants, follow_ups = _event_form(request, event)
    conflict = None
    if request.method == "POST" and form.is_valid() and participants.is_valid() and follow_ups.is_valid():
        values = form.values()
        if not can_approve(request.user, event):
            values.pop("is_published", None)
        try:
            event = services.event_update(
                Event.objects.get(pk=pk),
                user=request.user,
                version=form.cleaned_data.get("version"),
                participants=_participants(participants),
                follow_ups=_follow_ups(follow_ups),
                **values,
            )
        except ConflictError as exc:
            conflict = exc
            data = request.POST.copy()
            data["version"] = exc.current.version
            form = EventForm(data, instance=exc.current, user=request.user, can_publish=can_approve(request.user))
            form.is_valid()
        except ValidationError as exc:
            _add_service_errors(form, exc)
        else:
            messages.success(request, _("Event saved."))
            return redirect(event)
    return _render_event_form(request, form, participants, follow_ups, event, conflict)


@require_POST
def event_transition(request, pk: int):
    event = _event(request, pk)
    return _transition(request, event, services.event_transition)


def _transition(request, obj, service):
    form = TransitionForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("The status change was not understood."))
        return redirect(obj)
    data = form.cleaned_data
    try:
        service(
            type(obj).objects.get(pk=obj.pk),
            user=request.user,
            version=data["version"],
            status=data["status"],
            on=data.get("on"),
            decision=data.get("decision") or "",
            approver=data.get("approver") or "",
        )
    except ConflictError:
        messages.error(request, _("This record was changed while you were looking at it; review it and try again."))
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, _("Status changed."))
    return redirect(obj)


@require_POST
def event_delete(request, pk: int):
    event = _event(request, pk)
    try:
        services.event_delete(event, user=request.user, version=positive_int(request.POST.get("version")))
    except ConflictError:
        messages.error(request, _("This event was changed while you were looking at it; review it before deleting."))
        return redirect(event)
    messages.success(request, _("Event deleted."))
    return redirect("activities:event_list")


@require_POST
def follow_up_done(request, pk: int):
    action = get_object_or_404(FollowUpAction.objects.select_related("event"), pk=pk)
    check(can_view(request.user, action.event))
    services.follow_up_set_done(action, user=request.user, done=request.POST.get("done") == "1")
    return redirect(action.event)


# ---- delegations --------------------------------------------------------------------------


def delegation_list(request):
    form = DelegationFilterForm(request.GET or None)
    f = _filters(form)
    today = timezone.localdate()
    delegations = selectors.delegation_list(
        request.user,
        q=f.get("q") or "",
        direction=f.get("direction") or "",
        status=f.get("status") or "",
        unit=_pk(f.get("unit")),
        partner=_pk(f.get("partner")),
        country=f["country"].iso2 if f.get("country") else "",
        funding_source=f.get("funding_source") or "",
        year=f.get("year"),
        date_from=f.get("date_from"),
        date_to=f.get("date_to"),
        report_late_on=today if f.get("report_late") else None,
        sort=f.get("sort") or "",
    )
    export = request.GET.get("export")
    if export in ("csv", "xlsx"):
        return _export_delegations(export, delegations, today)
    context = _list_context(request, form, delegations, selectors.DELEGATION_SORTS)
    context["can_create"] = can_create(request.user, Delegation)
    template = (
        "activities/_delegation_results.html"
        if request.headers.get("HX-Request")
        else "activities/delegation_list.html"
    )
    return render(request, template, context)


def _export_delegations(fmt, delegations, today):
    headers = [
        _("id"),
        _("direction"),
        _("title (Vietnamese)"),
        _("title (English)"),
        _("start date"),
        _("end date"),
        _("leader"),
        _("leader's title"),
        _("unit in charge"),
        _("legs"),
        _("partners met"),
        _("funding source"),
        _("project"),
        _("cost"),
        _("currency"),
        _("status"),
        _("approval decision number"),
        _("report due date"),
        _("report filed on"),
        _("report late"),
    ]
    rows = (
        [
            d.pk,
            d.get_direction_display(),
            d.title_vi,
            d.title_en,
            d.start_date,
            d.end_date,
            d.leader_name,
            d.leader_title,
            d.owner_unit.name_vi,
            [str(g) for g in d.legs.all()],
            [str(p) for p in d.partners_met.all()],
            d.get_funding_source_display(),
            str(d.project) if d.project else d.project_ref,
            d.cost,
            d.cost_currency_id or "",
            d.get_status_display(),
            d.approval_decision,
            d.report_due(),
            d.report_filed_on,
            _("yes") if d.report_late(today) else "",
        ]
        for d in delegations
    )
    return export_response(fmt, "delegations", headers, rows)


def _delegation(request, pk) -> Delegation:
    delegation = get_object_or_404(Delegation.objects.select_related("owner_unit", "cost_currency"), pk=pk)
    check(can_view(request.user, delegation))
    return delegation


def delegation_detail(request, pk: int):
    delegation = _delegation(request, pk)
    tab = request.GET.get("tab", "overview")
    today = timezone.localdate()
    context = {
        "delegation": delegation,
        "tab": tab,
        "today": today,
        "lang": get_language(),
        "members": delegation.members.select_related("unit"),
        "legs": delegation.legs.select_related("country"),
        "agreements": delegation.agreements.all(),
        "history": history_entries(delegation, children=("members", "legs")) if tab == "history" else [],
        "can_change": can_change(request.user, delegation),
        "can_delete": can_delete(request.user, delegation),
        "transitions": _transition_context(delegation, request.user),
        "report_due": delegation.report_due(),
        "report_late": delegation.report_late(today),
    }
    return render(request, "activities/delegation_detail.html", context)


def _delegation_form(request, delegation: Delegation | None):
    data = request.POST or None
    form = DelegationForm(data, instance=delegation, user=request.user)
    m_initial = l_initial = None
    if delegation is not None:
        m_initial = [
            {"name": m.name, "title": m.title, "unit": m.unit_id, "organisation": m.organisation}
            for m in delegation.members.all()
        ]
        l_initial = [
            {"country": g.country_id, "city": g.city, "start_date": g.start_date, "end_date": g.end_date}
            for g in delegation.legs.all()
        ]
    members = MemberFormSet(data, prefix="members", initial=m_initial)
    legs = LegFormSet(data, prefix="legs", initial=l_initial)
    return form, members, legs


def _members(formset):
    return [
        services.Member(
            f.cleaned_data["name"],
            f.cleaned_data.get("title", ""),
            f.cleaned_data.get("unit"),
            f.cleaned_data.get("organisation", ""),
        )
        for f in formset.forms
        if f.cleaned_data and not f.cleaned_data.get("DELETE") and f.cleaned_data.get("name")
    ]


def _legs(formset):
    return [
        services.Leg(
            f.cleaned_data["country"],
            f.cleaned_data["start_date"],
            f.cleaned_data["end_date"],
            f.cleaned_data.get("city", ""),
        )
        for f in formset.forms
        if f.cleaned_data and not f.cleaned_data.get("DELETE") and f.cleaned_data.get("country")
    ]


def _render_delegation_form(request, form, members, legs, delegation=None, conflict=None):
    return render(
        request,
        "activities/delegation_form.html",
        {"form": form, "members": members, "legs": legs, "delegation": delegation, "conflict": conflict},
    )


def delegation_create(request):
    check(can_create(request.user, Delegation))
    form, members, legs = _delegation_form(request, None)
    if request.method == "POST" and form.is_valid() and members.is_valid() and legs.is_valid():
        try:
            delegation = services.delegation_create(
                user=request.user, members=_members(members), legs=_legs(legs), **form.values()
            )
        except ValidationError as exc:
            _add_service_errors(form, exc)
        else:
            messages.success(request, _("Delegation saved."))
            return redirect(delegation)
    return _render_delegation_form(request, form, members, legs)


def delegation_edit(request, pk: int):
    delegation = _delegation(request, pk)
    check(can_change(request.user, delegation))
    form, members, legs = _delegation_form(request, delegation)
    conflict = None
    if request.method == "POST" and form.is_valid() and members.is_valid() and legs.is_valid():
        try:
            delegation = services.delegation_update(
                Delegation.objects.get(pk=pk),
                user=request.user,
                version=form.cleaned_data.get("version"),
                members=_members(members),
                legs=_legs(legs),
                **form.values(),
            )
        except ConflictError as exc:
            conflict = exc
            data = request.POST.copy()
            data["version"] = exc.current.version
            form = DelegationForm(data, instance=exc.current, user=request.user)
            form.is_valid()
        except ValidationError as exc:
            _add_service_errors(form, exc)
        else:
            messages.success(request, _("Delegation saved."))
            return redirect(delegation)
    return _render_delegation_form(request, form, members, legs, delegation, conflict)


@require_POST
def delegation_transition(request, pk: int):
    return _transition(request, _delegation(request, pk), services.delegation_transition)


@require_POST
def delegation_delete(request, pk: int):
    delegation = _delegation(request, pk)
    try:
        services.delegation_delete(delegation, user=request.user, version=positive_int(request.POST.get("version")))
    except ConflictError:
        messages.error(
            request, _("This delegation was changed while you were looking at it; review it before deleting.")
        )
        return redirect(delegation)
    messages.success(request, _("Delegation deleted."))
    return redirect("activities:delegation_list")


# ---- calendar -----------------------------------------------------------------------------


def _month(value: str | None, today: datetime.date) -> datetime.date:
    if value:
        try:
            year, month = (int(x) for x in value.split("-"))
            chosen = datetime.date(year, month, 1)
        except ValueError:
            pass
        else:
            # the grid shows the days around the month and links to its neighbours
            if EARLIEST_DATE <= chosen <= LATEST_DATE.replace(day=1):
                return chosen
    return today.replace(day=1)


def _shift(month: datetime.date, delta: int) -> datetime.date:
    index = month.year * 12 + month.month - 1 + delta
    return datetime.date(index // 12, index % 12 + 1, 1)


def calendar_month(request):
    form = CalendarFilterForm(request.GET or None)
    f = _filters(form)
    today = timezone.localdate()
    month = _month(f.get("month") or request.GET.get("month"), today)
    weeks_dates = pycalendar.Calendar(firstweekday=0).monthdatescalendar(month.year, month.month)
    first, last = weeks_dates[0][0], weeks_dates[-1][-1]
    items = selectors.calendar_items(
        request.user,
        date_from=first,
        date_to=last,
        unit=_pk(f.get("unit")),
        partner=_pk(f.get("partner")),
        language=get_language(),
    )
    weeks = [
        [
            {"date": day, "in_month": day.month == month.month, "items": [i for i in items if i.start <= day <= i.end]}
            for day in week
        ]
        for week in weeks_dates
    ]
    query = request.GET.copy()
    query.pop("month", None)
    month_items = [i for i in items if i.end >= month and i.start <= _shift(month, 1) - datetime.timedelta(days=1)]
    return render(
        request,
        "activities/calendar.html",
        {
            "form": form,
            "month": month,
            "weeks": weeks,
            "items": month_items,
            "today": today,
            "previous": _shift(month, -1),
            "next": _shift(month, 1),
            "query": query.urlencode(),
            "weekdays": [datetime.date(2024, 1, d) for d in range(1, 8)],  # 1/1/2024 was a Monday
        },
    )


def calendar_feed_page(request):
    """The user's subscription address; POST makes a new one (the old stops working)."""
    if request.method == "POST":
        services.calendar_feed_for(request.user, reset=True)
        messages.success(request, _("A new calendar address was made; the old one no longer works."))
        return redirect("activities:calendar_feed")
    feed = services.calendar_feed_for(request.user)
    url = request.build_absolute_uri(reverse("activities:calendar_ics", args=[feed.token]))
    return render(request, "activities/calendar_feed.html", {"feed_url": url})


@login_not_required
def calendar_ics(request, token: str):
    """The iCalendar feed of one user: what that user may see, a year back and two ahead."""
    feed = CalendarFeed.objects.select_related("user").filter(token=token).first()
    if feed is None or not feed.user.is_active:
        raise Http404
    today = timezone.localdate()
    items = selectors.calendar_items(
        feed.user,
        date_from=today - datetime.timedelta(days=366),
        date_to=today + datetime.timedelta(days=731),
    )
    body = ics.calendar(items, base_url=request.build_absolute_uri("/").rstrip("/"), now=timezone.now())
    response = HttpResponse(body, content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = 'inline; filename="hoptac.ics"'
    response["Cache-Control"] = "private, max-age=900"
    return response
