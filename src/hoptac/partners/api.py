import datetime
from typing import Literal

from django.shortcuts import get_object_or_404
from django.utils import timezone
from ninja import Field, FilterSchema, Query, Router, Schema, Status
from ninja.pagination import paginate

from hoptac.audit.history import history_json
from hoptac.org.models import Unit
from hoptac.org.permissions import can_view, check, visible
from hoptac.partners import selectors, services
from hoptac.partners.models import Contact, Level, Partner
from hoptac.reference.models import Country
from hoptac.web.params import Day, Id, Pagination

router = Router(tags=["partners"])

KindLiteral = Literal[tuple(Partner.Kind.values)]  # type: ignore[valid-type]
LevelLiteral = Literal[tuple(Level.values)]  # type: ignore[valid-type]


class PartnerOut(Schema):
    id: int
    version: int
    url: str
    kind: str
    name_vi: str
    name_en: str
    acronym: str
    aliases: list[str]
    country: str | None
    parent: int | None
    website: str
    owner_unit: int | None
    partnership_level: str | None
    created_at: datetime.datetime
    updated_at: datetime.datetime

    @staticmethod
    def resolve_url(obj) -> str:
        return obj.get_absolute_url()

    @staticmethod
    def resolve_country(obj) -> str | None:
        return obj.country_id

    @staticmethod
    def resolve_parent(obj) -> int | None:
        return obj.parent_id

    @staticmethod
    def resolve_owner_unit(obj) -> int | None:
        return obj.owner_unit_id

    @staticmethod
    def resolve_partnership_level(obj) -> str | None:
        if hasattr(obj, "level_at"):
            return obj.level_at
        level = obj.level_on(timezone.localdate())
        return level.level if level else None


class LevelOut(Schema):
    level: str
    since: datetime.date
    since_precision: str
    source_url: str
    note: str


class PartnerDetailOut(PartnerOut):
    notes: str
    levels: list[LevelOut]

    @staticmethod
    def resolve_levels(obj) -> list:
        return list(obj.levels.all())


class PartnerFilters(FilterSchema):
    q: str = ""
    kind: KindLiteral | None = None
    country: str | None = Field(None, min_length=2, max_length=2, description="ISO 3166-1 alpha-2")
    level: LevelLiteral | None = None
    as_of: Day | None = Field(None, description="Report the partnership level held on this date")
    parent: Id | None = None
    sort: Literal[tuple(selectors.SORTS)] | None = None  # type: ignore[valid-type]


class PartnerIn(Schema):
    kind: KindLiteral
    name_vi: str = Field(..., min_length=1, max_length=255)
    name_en: str = Field(..., min_length=1, max_length=255)
    acronym: str = Field("", max_length=32)
    aliases: list[str] = []
    country: str | None = Field(None, description="ISO 3166-1 alpha-2")
    parent: Id | None = None
    website: str = ""
    notes: str = ""
    owner_unit: Id | None = None


class PartnerPatch(Schema):
    version: Id = Field(..., description="The version this change is based on; a stale one gets 409")
    kind: KindLiteral | None = None
    name_vi: str | None = Field(None, min_length=1, max_length=255)
    name_en: str | None = Field(None, min_length=1, max_length=255)
    acronym: str | None = Field(None, max_length=32)
    aliases: list[str] | None = None
    country: str | None = None
    parent: Id | None = None
    website: str | None = None
    notes: str | None = None
    owner_unit: Id | None = None


class ContactOut(Schema):
    id: int
    version: int
    name: str
    title: str
    email: str
    phone: str


def _resolve_refs(data: dict) -> dict:
    """Turn the ids and codes of a payload into objects; unknown ones are field errors."""
    from django.core.exceptions import ValidationError

    errors = {}
    if "country" in data:
        code = data.pop("country")
        data["country"] = None
        if code:
            data["country"] = Country.objects.filter(iso2=code.upper()).first()
            if data["country"] is None:
                errors["country"] = [f"Unknown country code '{code}'."]
    if "parent" in data:
        pk = data.pop("parent")
        data["parent"] = Partner.objects.filter(pk=pk).first() if pk else None
        if pk and data["parent"] is None:
            errors["parent"] = [f"No partner with id {pk}."]
    if "owner_unit" in data:
        pk = data.pop("owner_unit")
        data["owner_unit"] = Unit.objects.filter(pk=pk).first() if pk else None
        if pk and data["owner_unit"] is None:
            errors["owner_unit"] = [f"No unit with id {pk}."]
    if errors:
        raise ValidationError(errors)
    return data


@router.get("", response=list[PartnerOut])
@paginate(Pagination)
def list_partners(request, filters: Query[PartnerFilters]):
    """Partners, filtered; `q` searches names, acronyms and aliases without diacritics."""
    return selectors.partner_list(
        request.user,
        q=filters.q,
        kind=filters.kind or "",
        country=filters.country or "",
        level=filters.level or "",
        as_of=filters.as_of,
        parent=filters.parent,
        sort=filters.sort or "",
    )


@router.post("", response={201: PartnerDetailOut})
def create_partner(request, payload: PartnerIn):
    partner = services.partner_create(user=request.user, **_resolve_refs(payload.dict()))
    return Status(201, partner)


@router.get("/level-counts")
def partner_level_counts(request, as_of: Day | None = None):
    """Countries per partnership level on a date, from the sourced rows, beside the totals sources state."""
    return {
        "as_of": (as_of or timezone.localdate()).isoformat(),
        "counts": selectors.level_counts(as_of),
        "stated": [{**g, "as_of": g["as_of"].isoformat()} for g in selectors.stated_counts(as_of)],
    }


def _get(request, partner_id: int) -> Partner:
    partner = get_object_or_404(Partner.objects.select_related("country"), pk=partner_id)
    check(can_view(request.user, partner))
    return partner


@router.get("/{int:partner_id}", response=PartnerDetailOut)
def get_partner(request, partner_id: Id):
    return _get(request, partner_id)


@router.api_operation(["PATCH", "PUT"], "/{int:partner_id}", response=PartnerDetailOut)
def update_partner(request, partner_id: Id, payload: PartnerPatch):
    """Change a partner. Send the `version` you read; if someone saved since, the answer is 409."""
    partner = _get(request, partner_id)
    data = payload.dict(exclude_unset=True)
    version = data.pop("version")
    return services.partner_update(partner, user=request.user, version=version, **_resolve_refs(data))


@router.delete("/{int:partner_id}", response={204: None})
def delete_partner(request, partner_id: Id, version: Id | None = None):
    services.partner_delete(_get(request, partner_id), user=request.user, version=version)
    return Status(204, None)


@router.get("/{int:partner_id}/history")
def partner_history(request, partner_id: Id):
    """Every change: who, when, which fields, old and new values."""
    partner = _get(request, partner_id)
    return history_json(partner)


@router.get("/{int:partner_id}/contacts", response=list[ContactOut])
def partner_contacts(request, partner_id: Id):
    partner = _get(request, partner_id)
    return visible(request.user, Contact.objects.filter(partner=partner))
