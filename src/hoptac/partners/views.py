from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from hoptac.audit.history import history_entries
from hoptac.audit.services import ConflictError
from hoptac.documents.selectors import documents_mentioning
from hoptac.org.permissions import can_change, can_create, can_delete, can_view, check
from hoptac.partners import selectors, services
from hoptac.partners.forms import ContactForm, PartnerFilterForm, PartnerForm
from hoptac.partners.models import Contact, Level, Partner, PartnershipLevel
from hoptac.partners.timeline import TIMELINE_KINDS, all_entries, counts_per_year
from hoptac.web.exports import export_response
from hoptac.web.params import positive_int

PAGE_SIZE = 50


def _level_rows(as_of):
    counts = selectors.level_counts(as_of)
    return [(level.value, level.label, counts[level.value]) for level in Level]


def partner_list(request):
    form = PartnerFilterForm(request.GET or None)
    filters = form.cleaned_data if form.is_valid() else {}
    as_of = filters.get("as_of")
    partners = selectors.partner_list(
        request.user,
        q=filters.get("q") or "",
        kind=filters.get("kind") or "",
        country=filters["country"].iso2 if filters.get("country") else "",
        level=filters.get("level") or "",
        as_of=as_of,
        # Alphabetical in the language the person reads.
        sort=filters.get("sort") or ("name_en" if get_language() == "en" and not filters.get("q") else ""),
    )
    export = request.GET.get("export")
    if export in ("csv", "xlsx"):
        return _export(export, partners)
    page = Paginator(partners, PAGE_SIZE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    context = {
        "form": form,
        "page_obj": page,
        "partners": page.object_list,
        "query_without_page": query.urlencode(),
        "can_create": can_create(request.user, Partner),
        "lang": get_language(),
        "as_of": as_of or timezone.localdate(),
        "as_of_param": as_of.isoformat() if as_of else "",
        "level_rows": _level_rows(as_of),
        "stated_counts": selectors.stated_counts(as_of),
        "sorts": selectors.SORTS,
        "current_sort": filters.get("sort") or "",
    }
    template = "partners/_results.html" if request.headers.get("HX-Request") else "partners/list.html"
    return render(request, template, context)


def _export(fmt: str, partners):
    headers = [
        _("id"),
        _("kind"),
        _("name (Vietnamese)"),
        _("name (English)"),
        _("acronym"),
        _("aliases"),
        _("country"),
        _("parent organisation"),
        _("partnership level"),
        _("website"),
    ]
    labels = dict(Level.choices)
    rows = (
        [
            p.pk,
            p.get_kind_display(),
            p.name_vi,
            p.name_en,
            p.acronym,
            p.aliases,
            p.country_id or "",
            p.parent.name_en if p.parent else "",
            labels.get(p.level_at, ""),
            p.website,
        ]
        for p in partners.iterator(chunk_size=500)
    )
    return export_response(fmt, "partners", headers, rows)


def _get_visible(request, pk) -> Partner:
    partner = get_object_or_404(Partner.objects.select_related("country", "parent", "owner_unit"), pk=pk)
    check(can_view(request.user, partner))
    return partner


def partner_detail(request, pk: int):
    partner = _get_visible(request, pk)
    today = timezone.localdate()
    levels = list(PartnershipLevel.objects.filter(partner=partner).order_by("since"))
    current = max((lv for lv in levels if lv.since <= today), key=lambda lv: lv.since, default=None)
    tab = request.GET.get("tab", "overview")
    context = {
        "partner": partner,
        "levels": levels,
        "current_level": current,
        "children": partner.children.order_by("name_vi"),
        "contacts": partner.contacts.all(),
        "tab": tab,
        "history": history_entries(partner, children=("levels", "contacts")) if tab == "history" else [],
        "documents": documents_mentioning(partner.pk, request.user)[:100] if tab == "documents" else [],
        "can_change": can_change(request.user, partner),
        "can_delete": can_delete(request.user, partner),
        "lang": get_language(),
    }
    if tab == "timeline":
        everything = all_entries(partner, request.user)
        kind, year = request.GET.get("kind", ""), _int(request.GET.get("year"))
        context.update(
            timeline=[e for e in everything if (not kind or e.kind == kind) and (not year or e.date.year == year)],
            timeline_years=counts_per_year(everything),
            timeline_kinds=TIMELINE_KINDS,
            timeline_kind=kind,
            timeline_year=year,
        )
    return render(request, "partners/detail.html", context)


def _int(value) -> int | None:
    return positive_int(value)


def _form_values(form: PartnerForm) -> dict:
    data = {name: form.cleaned_data[name] for name in form.Meta.fields}
    return data


def partner_create(request):
    check(can_create(request.user, Partner))
    # A document's review page links here with the organisation it found (?name_en=…&acronym=…).
    keys = ("name_vi", "name_en", "acronym", "kind", "country")
    prefill = {k: request.GET[k][:255] for k in keys if request.GET.get(k)}
    form = PartnerForm(request.POST or None, user=request.user, initial=prefill)
    if request.method == "POST" and form.is_valid():
        partner = services.partner_create(user=request.user, **_form_values(form))
        messages.success(request, _("Partner saved."))
        return redirect(partner)
    return render(request, "partners/form.html", {"form": form, "duplicates": form.duplicates})


def partner_edit(request, pk: int):
    partner = _get_visible(request, pk)
    check(can_change(request.user, partner))
    form = PartnerForm(request.POST or None, instance=partner, user=request.user)
    conflict = None
    if request.method == "POST" and form.is_valid():
        try:
            partner = services.partner_update(
                Partner.objects.get(pk=pk),
                user=request.user,
                version=form.cleaned_data.get("version"),
                **_form_values(form),
            )
        except ConflictError as exc:
            conflict = exc
            # Let the person re-submit knowingly on top of the newer version.
            data = request.POST.copy()
            data["version"] = exc.current.version
            form = PartnerForm(data, instance=exc.current, user=request.user)
            form.is_valid()
        else:
            messages.success(request, _("Partner saved."))
            return redirect(partner)
    return render(
        request,
        "partners/form.html",
        {"form": form, "partner": partner, "conflict": conflict, "duplicates": form.duplicates},
    )


@require_POST
def partner_delete(request, pk: int):
    partner = _get_visible(request, pk)
    try:
        services.partner_delete(partner, user=request.user, version=positive_int(request.POST.get("version")))
    except ConflictError:
        messages.error(request, _("This partner was changed while you were looking at it; review it before deleting."))
        return redirect(partner)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
        return redirect(partner)
    messages.success(request, _("Partner deleted."))
    return redirect("partners:list")


def partner_duplicates(request):
    """htmx: partners that the name or acronym being typed would duplicate."""
    duplicates = selectors.possible_duplicates(
        name_vi=request.GET.get("name_vi", ""),
        name_en=request.GET.get("name_en", ""),
        acronym=request.GET.get("acronym", ""),
        exclude_pk=positive_int(request.GET.get("partner_id")),
    )
    return render(request, "partners/_duplicates.html", {"duplicates": duplicates})


def contact_create(request, pk: int):
    partner = _get_visible(request, pk)
    check(can_change(request.user, partner))
    form = ContactForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = {k: v for k, v in form.cleaned_data.items() if k != "version"}
        services.contact_create(user=request.user, partner=partner, **data)
        messages.success(request, _("Contact saved."))
        return redirect(partner)
    return render(request, "partners/contact_form.html", {"form": form, "partner": partner})


def contact_edit(request, pk: int):
    contact = get_object_or_404(Contact.objects.select_related("partner"), pk=pk)
    check(can_change(request.user, contact.partner))
    form = ContactForm(request.POST or None, instance=contact)
    conflict = None
    if request.method == "POST" and form.is_valid():
        data = {k: v for k, v in form.cleaned_data.items() if k != "version"}
        try:
            services.contact_update(contact, user=request.user, version=form.cleaned_data.get("version"), **data)
        except ConflictError as exc:
            conflict = exc
            post = request.POST.copy()
            post["version"] = exc.current.version
            form = ContactForm(post, instance=exc.current)
            form.is_valid()
        else:
            messages.success(request, _("Contact saved."))
            return redirect(contact.partner)
    return render(
        request,
        "partners/contact_form.html",
        {"form": form, "partner": contact.partner, "contact": contact, "conflict": conflict},
    )


@require_POST
def contact_delete(request, pk: int):
    contact = get_object_or_404(Contact.objects.select_related("partner"), pk=pk)
    services.contact_delete(contact, user=request.user)
    messages.success(request, _("Contact deleted."))
    return redirect(contact.partner)
