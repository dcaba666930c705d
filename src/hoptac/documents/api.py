import datetime
import json
from typing import Literal

import pydantic
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404
from ninja import Field, FilterSchema, Query, Router, Schema, Status
from ninja.pagination import paginate

from hoptac.audit.history import history_json
from hoptac.documents import selectors, services
from hoptac.documents.models import Document, Language, Mention
from hoptac.org.models import Unit
from hoptac.org.permissions import can_view, check
from hoptac.partners.models import Partner
from hoptac.web.params import Day, Id, Pagination, Year, positive_int

router = Router(tags=["documents"])

KindLiteral = Literal[tuple(Document.Kind.values)]  # type: ignore[valid-type]
LanguageLiteral = Literal[tuple(Language.values)]  # type: ignore[valid-type]


class DocumentOut(Schema):
    id: int
    version: int
    url: str
    title: str
    language: str
    kind: str
    source: str
    source_url: str
    published_on: datetime.date | None
    owner_unit: int | None
    file_name: str
    format: str
    size: int
    content_hash: str
    created_at: datetime.datetime
    updated_at: datetime.datetime

    @staticmethod
    def resolve_url(obj) -> str:
        return obj.get_absolute_url()

    @staticmethod
    def resolve_owner_unit(obj) -> int | None:
        return obj.owner_unit_id


class DocumentDetailOut(DocumentOut):
    text: str
    file_url: str | None

    @staticmethod
    def resolve_file_url(obj) -> str | None:
        return f"{obj.get_absolute_url()}file/" if obj.file else None


class MentionOut(Schema):
    id: int
    type: str
    text: str
    start: int
    end: int
    confidence: float
    value: dict | str | None
    status: str
    partner: int | None

    @staticmethod
    def resolve_partner(obj) -> int | None:
        return obj.partner_id


class DocumentFilters(FilterSchema):
    q: str = ""
    kind: KindLiteral | None = None
    language: LanguageLiteral | None = None
    owner_unit: Id | None = None
    year: int | None = Field(None, ge=1900, le=2200)
    partner: Id | None = Field(None, description="Documents with a (not rejected) mention linked to this partner")
    sort: Literal[tuple(selectors.SORTS)] | None = None  # type: ignore[valid-type]


class DocumentTextIn(Schema):
    title: str = Field("", max_length=500)
    text: str = Field(..., min_length=1)
    source_url: str = Field("", max_length=1000)
    kind: KindLiteral = "news"
    language: LanguageLiteral | None = None
    source: str = Field("", max_length=255)
    published_on: Day | None = None
    owner_unit: Id | None = None


class DocumentPatch(Schema):
    version: Id = Field(..., description="The version this change is based on; a stale one gets 409")
    title: str | None = Field(None, min_length=1, max_length=500)
    language: LanguageLiteral | None = None
    kind: KindLiteral | None = None
    source: str | None = Field(None, max_length=255)
    source_url: str | None = Field(None, max_length=1000)
    published_on: Day | None = None
    owner_unit: Id | None = None


class MentionDecision(Schema):
    status: Literal["accepted", "rejected", "proposed"]
    partner: Id | None = None
    value: dict | str | None = Field(None, description="A corrected value (same shape as the type's), with `accepted`")


def _unit(pk: int | str | None) -> Unit | None:
    if not pk:
        return None
    unit = Unit.objects.filter(pk=pk).first() if isinstance(pk, int) else None
    if unit is None:
        raise ValidationError({"owner_unit": [f"No unit with id {pk}."]})
    return unit


@router.get("documents", response=list[DocumentOut])
@paginate(Pagination)
def list_documents(request, filters: Query[DocumentFilters]):
    """Documents, filtered; `q` searches their text without diacritics (best first unless `sort`)."""
    return selectors.document_list(
        request.user,
        q=filters.q,
        kind=filters.kind or "",
        language=filters.language or "",
        owner_unit=filters.owner_unit,
        year=filters.year,
        partner=filters.partner,
        sort=filters.sort or "",
    )


def _form_meta(data) -> dict:
    meta = {
        "title": (data.get("title") or "").strip(),
        "kind": data.get("kind") or Document.Kind.NEWS,
        "language": data.get("language") or "",
        "source": data.get("source") or "",
        "source_url": data.get("source_url") or "",
        "owner_unit": _unit(positive_int(data.get("owner_unit")) or data.get("owner_unit") or None),
    }
    errors = {}
    if meta["kind"] not in Document.Kind.values:
        errors["kind"] = [f"Must be one of {', '.join(Document.Kind.values)}."]
    if meta["language"] and meta["language"] not in Language.values:
        errors["language"] = ["Must be vi or en."]
    published = data.get("published_on")
    if published:
        try:
            meta["published_on"] = datetime.date.fromisoformat(str(published))
        except ValueError:
            errors["published_on"] = ["Use YYYY-MM-DD."]
    if errors:
        raise ValidationError(errors)
    return meta


@router.post("documents", response={201: DocumentDetailOut, 409: dict})
def create_document(request):
    """Create a document: either multipart/form-data with `file` (txt, html, docx, pdf) and optional
    `title`, `kind`, `language`, `source`, `source_url`, `published_on`, `owner_unit`; or JSON
    `{"title", "text", "source_url", ...}` for a web address with its pasted text. The same bytes
    (or text) twice → 409 with `duplicate_of`."""
    try:
        if request.content_type and request.content_type.startswith("multipart/"):
            upload = request.FILES.get("file")
            meta = _form_meta(request.POST)
            if upload is not None:
                meta.pop("source_url") if not meta["source_url"] else None
                document = services.document_create_from_file(
                    user=request.user, name=upload.name, data=upload.read(), **meta
                )
            elif request.POST.get("text"):
                document = services.document_create_from_text(user=request.user, text=request.POST["text"], **meta)
            else:
                raise ValidationError({"file": ["Send a file, or a text."]})
        else:
            try:
                raw = json.loads(request.body or b"{}")
            except (json.JSONDecodeError, RecursionError) as exc:
                raise ValidationError({"__all__": [f"The body is not JSON: {exc}"]}) from exc
            if not isinstance(raw, dict):
                raise ValidationError({"__all__": ["Send a JSON object."]})
            try:
                payload = DocumentTextIn(**raw)
            except pydantic.ValidationError as exc:
                errors: dict[str, list[str]] = {}
                for item in exc.errors():
                    errors.setdefault(".".join(str(p) for p in item["loc"]) or "__all__", []).append(item["msg"])
                raise ValidationError(errors) from exc
            data = payload.dict()
            data["owner_unit"] = _unit(data["owner_unit"])
            data["language"] = data["language"] or ""
            document = services.document_create_from_text(user=request.user, **data)
    except services.DuplicateDocument as exc:
        return Status(
            409,
            {"message": str(exc), "duplicate_of": {"id": exc.existing.pk, "url": exc.existing.get_absolute_url()}},
        )
    return Status(201, document)


def _get(request, document_id: int) -> Document:
    document = get_object_or_404(Document, pk=document_id)
    check(can_view(request.user, document))
    return document


@router.get("documents/{int:document_id}", response=DocumentDetailOut)
def get_document(request, document_id: Id):
    return _get(request, document_id)


@router.patch("documents/{int:document_id}", response=DocumentDetailOut)
def update_document(request, document_id: Id, payload: DocumentPatch):
    """Change a document's title, language, kind, source, web address, date or owner unit.
    Send the `version` you read; if someone saved since, the answer is 409."""
    document = _get(request, document_id)
    data = payload.dict(exclude_unset=True)
    version = data.pop("version")
    if "owner_unit" in data:
        data["owner_unit"] = _unit(data["owner_unit"])
    return services.document_update(document, user=request.user, version=version, **data)


@router.delete("documents/{int:document_id}", response={204: None})
def delete_document(request, document_id: Id, version: Id | None = None):
    services.document_delete(_get(request, document_id), user=request.user, version=version)
    return Status(204, None)


@router.get("documents/{int:document_id}/history")
def document_history(request, document_id: Id):
    document = _get(request, document_id)
    return history_json(document)


@router.get("documents/{int:document_id}/mentions", response=list[MentionOut])
def document_mentions(request, document_id: Id, status: Literal["proposed", "accepted", "rejected"] | None = None):
    """What extraction found, in the contract's shape {type, text, start, end, confidence, value},
    plus the review `status`, the linked `partner` and the mention's `id`."""
    qs = _get(request, document_id).mentions.all()
    if status:
        qs = qs.filter(status=status)
    return qs


@router.post("mentions/{int:mention_id}", response=MentionOut)
def decide_mention(request, mention_id: Id, payload: MentionDecision):
    """Review a mention: accept it (optionally linking `partner`), reject it, or reopen it."""
    mention = get_object_or_404(Mention.objects.select_related("document"), pk=mention_id)
    check(can_view(request.user, mention.document))
    if payload.status == "accepted":
        partner = None
        if payload.partner:
            partner = Partner.objects.filter(pk=payload.partner).first()
            if partner is None:
                raise ValidationError({"partner": [f"No partner with id {payload.partner}."]})
        if "value" in payload.model_fields_set:
            return services.mention_accept(mention, user=request.user, partner=partner, value=payload.value)
        return services.mention_accept(mention, user=request.user, partner=partner)
    if payload.status == "rejected":
        return services.mention_reject(mention, user=request.user)
    return services.mention_reopen(mention, user=request.user)


class SearchItem(Schema):
    type: str
    id: int
    title: str
    url: str
    snippet: str


class SearchOut(Schema):
    items: list[SearchItem]
    count: int
    # True when count and facets were scaled up from a sample (tantivy backend, many matches).
    count_estimated: bool = False
    facets: dict[str, list[list]]


class SearchParams(pydantic.BaseModel):
    q: str = Field("", max_length=500)
    types: str = Field("", alias="type", description="Comma-separated record types: document, partner, ...")
    language: LanguageLiteral | None = None
    year: Year | None = None
    partner: Id | None = None
    field: Id | None = None
    limit: int = Field(20, ge=1, le=100)
    offset: int = Field(0, ge=0)


@router.get("search", response=SearchOut)
def search(request, params: Query[SearchParams]):
    """Search every record type, best first. Folded on both sides (no diacritics needed);
    "quotes" for a phrase; the last word matches as a prefix. Snippets are HTML-escaped
    text with <mark> around matches. Facets: [value, count] pairs. With many matches on the
    tantivy backend, `count_estimated` is true: count and facets are estimates ("about N")."""
    from hoptac.search.engine import search as run

    p = params
    hits, count, facets = run(
        request.user,
        p.q,
        types=[t for t in p.types.split(",") if t] or None,
        language=p.language or "",
        year=p.year,
        partner=p.partner,
        field=p.field,
        limit=p.limit,
        offset=p.offset,
    )
    return {
        "items": [
            {"type": h.type, "id": h.id, "title": h.title, "url": h.url, "snippet": str(h.snippet)} for h in hits
        ],
        "count": count,
        "count_estimated": count.estimated,
        "facets": {k: [list(pair) for pair in v] for k, v in facets.items()},
    }
