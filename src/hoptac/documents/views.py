from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.html import escape
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from hoptac.audit.history import history_entries
from hoptac.audit.services import ConflictError
from hoptac.documents import selectors, services
from hoptac.documents.forms import DocumentFilterForm, DocumentForm, SearchForm, TextForm, UploadForm
from hoptac.documents.models import Document, Mention
from hoptac.org.permissions import can_change, can_create, can_delete, can_view, check
from hoptac.partners.models import Partner
from hoptac.web import params
from hoptac.web.exports import export_response
from hoptac.web.files import download
from hoptac.web.params import positive_int

PAGE_SIZE = 50


def document_list(request):
    form = DocumentFilterForm(request.GET or None)
    filters = form.cleaned_data if form.is_valid() else {}
    documents = selectors.document_list(
        request.user,
        q=filters.get("q") or "",
        kind=filters.get("kind") or "",
        language=filters.get("language") or "",
        owner_unit=filters["owner_unit"].pk if filters.get("owner_unit") else None,
        year=filters.get("year"),
        partner=positive_int(request.GET.get("partner")),
        sort=filters.get("sort") or "",
    )
    export = request.GET.get("export")
    if export in ("csv", "xlsx"):
        return _export(export, documents)
    page = Paginator(documents, PAGE_SIZE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    query.pop("sort", None)
    return render(
        request,
        "documents/list.html",
        {
            "form": form,
            "page_obj": page,
            "documents": page.object_list,
            "query_without_page": query.urlencode(),
            "current_sort": filters.get("sort") or "",
            "can_create": can_create(request.user, Document),
        },
    )


def _export(fmt: str, documents):
    headers = [
        _("id"), _("title"), _("kind"), _("language"), _("source"), _("web address"), _("published on"),
        _("owner unit"), _("file name"), _("format"), _("size (bytes)"), _("content hash (SHA-256)"),
    ]  # fmt: skip
    rows = (
        [
            d.pk,
            d.title,
            d.get_kind_display(),
            d.language,
            d.source,
            d.source_url,
            d.published_on,
            str(d.owner_unit or ""),
            d.file_name,
            d.format,
            d.size,
            d.content_hash,
        ]  # fmt: skip
        for d in documents
    )
    return export_response(fmt, "documents", headers, rows)


def _meta(cleaned: dict) -> dict:
    return {
        "title": cleaned.get("title") or "",
        "kind": cleaned["kind"],
        "language": cleaned.get("language") or "",
        "source": cleaned.get("source") or "",
        "published_on": cleaned.get("published_on"),
        "owner_unit": cleaned.get("owner_unit"),
    }


def document_upload(request):
    check(can_create(request.user, Document))
    form = UploadForm(request.POST or None, request.FILES or None, user=request.user)
    results = []
    if request.method == "POST" and form.is_valid():
        meta = _meta(form.cleaned_data)
        for upload in form.cleaned_data["files"]:
            data = upload.read()
            try:
                doc = services.document_create_from_file(
                    user=request.user,
                    name=upload.name,
                    data=data,
                    **dict(meta, title=meta["title"] if len(form.cleaned_data["files"]) == 1 else ""),
                )
            except services.DuplicateDocument as exc:
                results.append({"name": upload.name, "status": "duplicate", "document": exc.existing})
            except ValidationError as exc:
                results.append({"name": upload.name, "status": "failed", "reason": " ".join(exc.messages)})
            else:
                results.append({"name": upload.name, "status": "added", "document": doc})
        added = [r for r in results if r["status"] == "added"]
        if len(results) == 1 and added:
            messages.success(request, _("Document added. Review the mentions found in it."))
            return redirect(added[0]["document"])
    return render(request, "documents/upload.html", {"form": form, "results": results})


def document_register(request):
    check(can_create(request.user, Document))
    form = TextForm(request.POST or None, user=request.user)
    duplicate = None
    if request.method == "POST" and form.is_valid():
        meta = _meta(form.cleaned_data)
        try:
            doc = services.document_create_from_text(
                user=request.user,
                text=form.cleaned_data["text"],
                source_url=form.cleaned_data.get("source_url") or "",
                **meta,
            )
        except services.DuplicateDocument as exc:
            duplicate = exc.existing
        except ValidationError as exc:
            for field, errors in exc.message_dict.items():
                form.add_error(field if field in form.fields else None, errors)
        else:
            messages.success(request, _("Document added. Review the mentions found in it."))
            return redirect(doc)
    return render(request, "documents/register.html", {"form": form, "duplicate": duplicate})


def _get_visible(request, pk) -> Document:
    document = get_object_or_404(Document.objects.select_related("owner_unit", "created_by"), pk=pk)
    check(can_view(request.user, document))
    return document


def highlighted(text: str, mentions) -> str:
    """The text, escaped, with each (non-overlapping) mention wrapped in <mark> by its offsets."""
    parts, pos = [], 0
    for m in sorted(mentions, key=lambda m: (m.start, -m.end)):
        if m.status == Mention.Status.REJECTED or m.start < pos or m.end > len(text):
            continue
        parts.append(escape(text[pos : m.start]))
        parts.append(
            f'<mark class="mention mention-{m.type} status-{m.status}" id="m{m.pk}" '
            f'title="{escape(m.get_type_display())}" data-testid="mention-mark">{escape(text[m.start : m.end])}</mark>'
        )
        pos = m.end
    parts.append(escape(text[pos:]))
    return mark_safe("".join(parts))


def _candidates(request, mention: Mention) -> list[Partner]:
    if mention.type not in (Mention.Type.ORGANISATION, Mention.Type.COUNTRY):
        return []
    from hoptac.partners.selectors import partner_list

    found = []
    if mention.partner_id:
        found.append(mention.partner)
    names = [mention.text]
    if isinstance(mention.value, dict):
        names += [mention.value.get("acronym") or "", mention.value.get("name_en") or ""]
    elif isinstance(mention.value, str) and mention.type == Mention.Type.COUNTRY:
        found += list(Partner.objects.filter(reference_key=f"country:{mention.value}"))
    for name in names:
        if name:
            found += list(partner_list(request.user, q=name)[:5])
    seen, unique = set(), []
    for p in found:
        if p.pk not in seen:
            seen.add(p.pk)
            unique.append(p)
    return unique[:6]


def _display_value(mention: Mention) -> str:
    """The value as a person reads it: dates in the local short format, a document number's type and issuer."""
    import datetime

    from django.utils.formats import date_format

    from hoptac.documents.extraction import describe_number

    value = mention.value

    def day(iso):
        try:
            return date_format(datetime.date.fromisoformat(iso), "SHORT_DATE_FORMAT")
        except (TypeError, ValueError):
            return str(iso)

    if mention.type == Mention.Type.DATE:
        if isinstance(value, dict):
            return f"{day(value.get('start'))} – {day(value.get('end'))}"
        return day(value)
    if mention.type == Mention.Type.DOCUMENT_NUMBER and isinstance(value, str):
        info = describe_number(value)
        return f"{value} · {info['type']} · {info['issuer']}"
    if mention.type == Mention.Type.AMOUNT and isinstance(value, dict):
        return f"{value.get('amount')} {value.get('currency')}"
    if mention.type == Mention.Type.COUNT and isinstance(value, dict):
        return f"{value.get('count')} × {value.get('of')}"
    if mention.type == Mention.Type.PERSON and isinstance(value, dict):
        return f"{value.get('name')} — {value['title']}" if value.get("title") else str(value.get("name"))
    if mention.type == Mention.Type.ORGANISATION and isinstance(value, dict):
        acronym = value.get("acronym")
        return (
            f"{value.get('name_en')} ({acronym})"
            if acronym and acronym != value.get("name_en")
            else str(value.get("name_en"))
        )
    return "" if value is None else str(value)


def document_detail(request, pk: int):
    document = _get_visible(request, pk)
    tab = request.GET.get("tab", "text")
    mentions = list(document.mentions.select_related("partner", "decided_by"))
    cache: dict = {}
    for m in mentions:
        m.display_value = _display_value(m)
        m.candidates = []
        if tab == "text" and m.status == Mention.Status.PROPOSED:
            key = (m.type, m.text, m.partner_id)
            if key not in cache:
                cache[key] = _candidates(request, m)
            m.candidates = cache[key]
    context = {
        "document": document,
        "tab": tab,
        "mentions": mentions,
        "highlighted": highlighted(document.text, mentions),
        "history": history_entries(document) if tab == "history" else [],
        "can_change": can_change(request.user, document),
        "can_delete": can_delete(request.user, document),
    }
    return render(request, "documents/detail.html", context)


def document_file(request, pk: int):
    """The original file, always as a download (never rendered in the browser)."""
    document = _get_visible(request, pk)
    return download(document.file, document.file_name or "document")


def document_edit(request, pk: int):
    document = _get_visible(request, pk)
    check(can_change(request.user, document))
    form = DocumentForm(request.POST or None, instance=document, user=request.user)
    conflict = None
    if request.method == "POST" and form.is_valid():
        changes = {name: form.cleaned_data[name] for name in form.Meta.fields}
        try:
            document = services.document_update(
                Document.objects.get(pk=pk), user=request.user, version=form.cleaned_data.get("version"), **changes
            )
        except ConflictError as exc:
            conflict = exc
            data = request.POST.copy()
            data["version"] = exc.current.version
            form = DocumentForm(data, instance=exc.current, user=request.user)
            form.is_valid()
        else:
            messages.success(request, _("Document saved."))
            return redirect(document)
    return render(request, "documents/form.html", {"form": form, "document": document, "conflict": conflict})


@require_POST
def document_delete(request, pk: int):
    document = _get_visible(request, pk)
    try:
        services.document_delete(document, user=request.user, version=positive_int(request.POST.get("version")))
    except ConflictError:
        messages.error(request, _("This document was changed while you were looking at it; review it before deleting."))
        return redirect(document)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
        return redirect(document)
    messages.success(request, _("Document deleted."))
    return redirect("documents:list")


@require_POST
def mention_decide(request, pk: int, action: str):
    mention = get_object_or_404(Mention.objects.select_related("document", "partner"), pk=pk)
    check(can_view(request.user, mention.document))
    if action == "accept":
        partner = None
        partner_id = positive_int(request.POST.get("partner"))
        if partner_id:
            partner = get_object_or_404(Partner, pk=partner_id)
        services.mention_accept(mention, user=request.user, partner=partner)
        messages.success(request, _("Mention accepted."))
    elif action == "reject":
        services.mention_reject(mention, user=request.user)
        messages.success(request, _("Mention rejected."))
    elif action == "reopen":
        services.mention_reopen(mention, user=request.user)
    else:
        raise Http404
    return redirect(f"{mention.document.get_absolute_url()}#mention-{mention.pk}")


def search_page(request):
    from hoptac.search import registry
    from hoptac.search.engine import search

    form = SearchForm(request.GET or None)
    filters = {}
    if form.is_bound:
        form.is_valid()  # cleaned_data keeps the good fields: a bad one is left out, and said so
        filters = form.cleaned_data
    q = filters.get("q") or ""
    page_number = params.page_number(request.GET.get("page"))
    per_page = 20
    types = [t for t in (filters.get("type") or "").split(",") if t]
    hits, count, facets = search(
        request.user,
        q,
        types=types or None,
        language=filters.get("language") or "",
        year=filters.get("year"),
        partner=filters.get("partner"),
        field=filters.get("field"),
        limit=per_page,
        offset=(max(page_number, 1) - 1) * per_page,
    )
    labels = {e.type: e.label for e in registry.entries()}
    partner_names = dict(
        Partner.objects.filter(pk__in=[pk for pk, _n in facets["partner"]]).values_list("pk", "name_vi")
    )
    field_names = {}
    if facets["field"]:
        from hoptac.fields.models import Field

        field_names = dict(Field.objects.filter(pk__in=[pk for pk, _n in facets["field"]]).values_list("pk", "name_vi"))
    base = request.GET.copy()
    base.pop("page", None)

    def link(**changes):
        query = base.copy()
        for key, value in changes.items():
            if value in (None, ""):
                query.pop(key, None)
            else:
                query[key] = value
        return "?" + query.urlencode()

    facet_groups = [
        (_("Type"), "type", [(labels.get(v, v), n, link(type=v), v in types) for v, n in facets["type"]]),
        (
            _("Language"),
            "language",
            [(v.upper(), n, link(language=v), v == filters.get("language")) for v, n in facets["language"]],
        ),
        (_("Year"), "year", [(v, n, link(year=v), v == filters.get("year")) for v, n in facets["year"]]),
        (
            _("Partner"),
            "partner",
            [(partner_names.get(v, v), n, link(partner=v), v == filters.get("partner")) for v, n in facets["partner"]],
        ),
        (
            _("Field"),
            "field",
            [(field_names.get(v, v), n, link(field=v), v == filters.get("field")) for v, n in facets["field"]],
        ),
    ]
    active = [
        (key, link(**{key: None}))
        for key in ("type", "language", "year", "partner", "field")
        if filters.get(key) not in (None, "")
    ]
    pages = (count + per_page - 1) // per_page
    context = {
        "form": form,
        "q": q,
        "hits": hits,
        "count": count,
        "count_estimated": count.estimated,
        "facet_groups": facet_groups,
        "active_filters": active,
        "labels": labels,
        "page": page_number,
        "pages": pages,
        "first_link": link(page=None),
        "prev_link": link(page=page_number - 1) if page_number > 1 else "",
        "next_link": link(page=page_number + 1) if page_number < pages else "",
    }
    template = "documents/_search_results.html" if request.headers.get("HX-Request") else "documents/search.html"
    return render(request, template, context)
