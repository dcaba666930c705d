"""/api/v1/events and /api/v1/delegations: lists with filters, detail, create, PATCH with
`version` (409 when stale), delete, lifecycle steps and history."""

import datetime
from decimal import Decimal
from typing import Literal

from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404
from django.utils import timezone
from ninja import Field, FilterSchema, Query, Router, Schema, Status
from ninja.pagination import paginate

from hoptac.activities import lifecycle, selectors, services
from hoptac.activities.models import Delegation, Event
from hoptac.audit.history import history_json
from hoptac.org.models import Unit
from hoptac.org.permissions import can_view, check
from hoptac.partners.models import Partner
from hoptac.reference.models import Country, Currency
from hoptac.web.params import Day, Id, Pagination

router = Router(tags=["events and delegations"])

EventKind = Literal[tuple(Event.Kind.values)]  # type: ignore[valid-type]
EventStatus = Literal[tuple(Event.Status.values)]  # type: ignore[valid-type]
Direction = Literal[tuple(Delegation.Direction.values)]  # type: ignore[valid-type]
DelegationStatus = Literal[tuple(Delegation.Status.values)]  # type: ignore[valid-type]
Funding = Literal[tuple(Delegation.Funding.values)]  # type: ignore[valid-type]


# ---- schemas ------------------------------------------------------------------------------


class EventParticipantIO(Schema):
    partner: Id
    people: int | None = Field(None, ge=0)
    note: str = Field("", max_length=255)


class EventFollowUpIO(Schema):
    description: str = Field(..., min_length=1, max_length=500)
    owner_unit: Id | None = None
    due_date: datetime.date | None = None
    done: bool = False


class DelegationMemberIO(Schema):
    name: str = Field(..., min_length=1, max_length=255)
    title: str = Field("", max_length=255)
    unit: Id | None = None
    organisation: str = Field("", max_length=255)


class DelegationLegIO(Schema):
    country: str = Field(..., min_length=2, max_length=2, description="ISO 3166-1 alpha-2")
    city: str = Field("", max_length=128)
    start_date: datetime.date
    end_date: datetime.date


def _report(obj) -> dict:
    today = timezone.localdate()
    due = obj.report_due()
    return {
        "due_date": due.isoformat() if due else None,
        "filed_on": obj.report_filed_on.isoformat() if obj.report_filed_on else None,
        "owed": obj.report_owed(),
        "late": obj.report_late(today),
        "filed_late": obj.report_filed_late(),
    }


class EventOut(Schema):
    id: int
    version: int
    url: str
    kind: str
    title_vi: str
    title_en: str
    start_date: datetime.date
    end_date: datetime.date
    venue: str
    city: str
    country: str | None
    online: bool
    organiser_unit: int
    co_organisers: list[int]
    participants: list[EventParticipantIO]
    fields: list[int]
    documents: list[int]
    agenda: str
    approver: str
    approval_decision: str
    approval_date: datetime.date | None
    status: str
    allowed_next: list[str]
    outcome_summary: str
    follow_ups: list[dict]
    report: dict
    is_published: bool
    created_at: datetime.datetime
    updated_at: datetime.datetime

    @staticmethod
    def resolve_url(obj) -> str:
        return obj.get_absolute_url()

    @staticmethod
    def resolve_country(obj) -> str | None:
        return obj.country_id

    @staticmethod
    def resolve_organiser_unit(obj) -> int:
        return obj.organiser_unit_id

    @staticmethod
    def resolve_co_organisers(obj) -> list[int]:
        return [p.pk for p in obj.co_organisers.all()]

    @staticmethod
    def resolve_participants(obj) -> list[dict]:
        return [{"partner": p.partner_id, "people": p.people, "note": p.note} for p in obj.participants.all()]

    @staticmethod
    def resolve_fields(obj) -> list[int]:
        return [f.pk for f in obj.fields.all()]

    @staticmethod
    def resolve_documents(obj) -> list[int]:
        return [d.pk for d in obj.documents.all()]

    @staticmethod
    def resolve_allowed_next(obj) -> list[str]:
        return list(lifecycle.allowed_next(obj))

    @staticmethod
    def resolve_follow_ups(obj) -> list[dict]:
        today = timezone.localdate()
        return [
            {
                "id": f.pk,
                "description": f.description,
                "owner_unit": f.owner_unit_id,
                "due_date": f.due_date.isoformat() if f.due_date else None,
                "done": f.done,
                "overdue": f.overdue(today),
            }
            for f in obj.follow_ups.all()
        ]

    @staticmethod
    def resolve_report(obj) -> dict:
        return _report(obj)


class EventIn(Schema):
    kind: EventKind
    title_vi: str = Field(..., min_length=1, max_length=500)
    title_en: str = Field("", max_length=500)
    start_date: Day
    end_date: Day | None = Field(None, description="Defaults to the start date (a one-day event)")
    venue: str = Field("", max_length=255)
    city: str = Field("", max_length=128)
    country: str | None = Field(None, description="ISO 3166-1 alpha-2")
    online: bool = False
    organiser_unit: Id | None = Field(None, description="Defaults to the user's unit")
    co_organisers: list[Id] = []
    participants: list[EventParticipantIO] = []
    fields: list[Id] = []
    documents: list[Id] = []
    agenda: str = ""
    approver: str = Field("", max_length=255)
    approval_decision: str = Field("", max_length=128)
    approval_date: Day | None = None
    status: EventStatus = Event.Status.PLANNED
    outcome_summary: str = ""
    follow_ups: list[EventFollowUpIO] = []
    report_due_on: Day | None = None
    report_filed_on: Day | None = None
    report_summary: str = ""
    is_published: bool = False
    notes: str = ""


class EventPatch(Schema):
    version: Id = Field(..., description="The version this change is based on; a stale one gets 409")
    kind: EventKind | None = None
    title_vi: str | None = Field(None, min_length=1, max_length=500)
    title_en: str | None = Field(None, max_length=500)
    start_date: Day | None = None
    end_date: Day | None = None
    venue: str | None = Field(None, max_length=255)
    city: str | None = Field(None, max_length=128)
    country: str | None = None
    online: bool | None = None
    organiser_unit: Id | None = None
    co_organisers: list[Id] | None = None
    participants: list[EventParticipantIO] | None = None
    fields: list[Id] | None = None
    documents: list[Id] | None = None
    agenda: str | None = None
    approver: str | None = Field(None, max_length=255)
    approval_decision: str | None = Field(None, max_length=128)
    approval_date: Day | None = None
    status: EventStatus | None = None
    outcome_summary: str | None = None
    follow_ups: list[EventFollowUpIO] | None = None
    report_due_on: Day | None = None
    report_filed_on: Day | None = None
    report_summary: str | None = None
    is_published: bool | None = None
    notes: str | None = None


class EventFilters(FilterSchema):
    q: str = ""
    kind: EventKind | None = None
    status: EventStatus | None = None
    unit: Id | None = None
    partner: Id | None = Field(None, description="Partner id; its child organisations are included")
    country: str | None = Field(None, min_length=2, max_length=2)
    field: Id | None = None
    year: int | None = Field(None, ge=1900, le=2200)
    date_from: Day | None = None
    date_to: Day | None = None
    report_late: bool | None = Field(None, description="Only events whose post-event report is late today")
    published: bool | None = None
    sort: Literal[tuple(selectors.EVENT_SORTS)] | None = None  # type: ignore[valid-type]


class ActivityTransitionIn(Schema):
    version: Id
    status: str
    on: Day | None = Field(None, description="Approval date, or the date the report was filed")
    decision: str = Field("", max_length=128)
    approver: str = Field("", max_length=255)


class DelegationOut(Schema):
    id: int
    version: int
    url: str
    direction: str
    title_vi: str
    title_en: str
    owner_unit: int
    leader_name: str
    leader_title: str
    start_date: datetime.date
    end_date: datetime.date
    members: list[DelegationMemberIO]
    legs: list[DelegationLegIO]
    purpose: str
    partners_met: list[int]
    funding_source: str
    project: int | None
    project_ref: str
    cost: Decimal | None
    cost_currency: str | None
    approver: str
    approval_decision: str
    approval_date: datetime.date | None
    status: str
    allowed_next: list[str]
    outcomes: str
    agreements: list[int]
    report: dict
    created_at: datetime.datetime
    updated_at: datetime.datetime

    @staticmethod
    def resolve_url(obj) -> str:
        return obj.get_absolute_url()

    @staticmethod
    def resolve_owner_unit(obj) -> int:
        return obj.owner_unit_id

    @staticmethod
    def resolve_members(obj) -> list[dict]:
        return [
            {"name": m.name, "title": m.title, "unit": m.unit_id, "organisation": m.organisation}
            for m in obj.members.all()
        ]

    @staticmethod
    def resolve_legs(obj) -> list[dict]:
        return [
            {"country": g.country_id, "city": g.city, "start_date": g.start_date, "end_date": g.end_date}
            for g in obj.legs.all()
        ]

    @staticmethod
    def resolve_partners_met(obj) -> list[int]:
        return [p.pk for p in obj.partners_met.all()]

    @staticmethod
    def resolve_project(obj) -> int | None:
        return obj.project_id

    @staticmethod
    def resolve_cost_currency(obj) -> str | None:
        return obj.cost_currency_id

    @staticmethod
    def resolve_allowed_next(obj) -> list[str]:
        return list(lifecycle.allowed_next(obj))

    @staticmethod
    def resolve_agreements(obj) -> list[int]:
        return [a.pk for a in obj.agreements.all()]

    @staticmethod
    def resolve_report(obj) -> dict:
        return _report(obj)


class DelegationIn(Schema):
    direction: Direction
    title_vi: str = Field(..., min_length=1, max_length=500)
    title_en: str = Field("", max_length=500)
    owner_unit: Id | None = Field(None, description="Defaults to the user's unit")
    leader_name: str = Field("", max_length=255)
    leader_title: str = Field("", max_length=255)
    start_date: Day
    end_date: Day
    members: list[DelegationMemberIO] = []
    legs: list[DelegationLegIO] = []
    purpose: str = ""
    partners_met: list[Id] = []
    funding_source: Funding = Delegation.Funding.STATE_BUDGET
    project: Id | None = Field(None, description="Aid project id, for a project-funded delegation")
    project_ref: str = Field("", max_length=64, description="Code of a project not registered here")
    cost: Decimal | None = Field(None, ge=0, max_digits=18, decimal_places=2)
    cost_currency: str | None = Field(None, min_length=3, max_length=3)
    approver: str = Field("", max_length=255)
    approval_decision: str = Field("", max_length=128)
    approval_date: Day | None = None
    status: DelegationStatus = Delegation.Status.PROPOSED
    outcomes: str = ""
    agreements: list[Id] = []
    report_due_on: Day | None = None
    report_filed_on: Day | None = None
    report_summary: str = ""
    notes: str = ""


class DelegationPatch(Schema):
    version: Id = Field(..., description="The version this change is based on; a stale one gets 409")
    direction: Direction | None = None
    title_vi: str | None = Field(None, min_length=1, max_length=500)
    title_en: str | None = Field(None, max_length=500)
    owner_unit: Id | None = None
    leader_name: str | None = Field(None, max_length=255)
    leader_title: str | None = Field(None, max_length=255)
    start_date: Day | None = None
    end_date: Day | None = None
    members: list[DelegationMemberIO] | None = None
    legs: list[DelegationLegIO] | None = None
    purpose: str | None = None
    partners_met: list[Id] | None = None
    funding_source: Funding | None = None
    project: Id | None = None
    project_ref: str | None = Field(None, max_length=64)
    cost: Decimal | None = Field(None, ge=0, max_digits=18, decimal_places=2)
    cost_currency: str | None = None
    approver: str | None = Field(None, max_length=255)
    approval_decision: str | None = Field(None, max_length=128)
    approval_date: Day | None = None
    status: DelegationStatus | None = None
    outcomes: str | None = None
    agreements: list[Id] | None = None
    report_due_on: Day | None = None
    report_filed_on: Day | None = None
    report_summary: str | None = None
    notes: str | None = None


class DelegationFilters(FilterSchema):
    q: str = ""
    direction: Direction | None = None
    status: DelegationStatus | None = None
    unit: Id | None = None
    partner: Id | None = None
    country: str | None = Field(None, min_length=2, max_length=2, description="A country visited")
    funding_source: Funding | None = None
    year: int | None = Field(None, ge=1900, le=2200)
    date_from: Day | None = None
    date_to: Day | None = None
    report_late: bool | None = None
    sort: Literal[tuple(selectors.DELEGATION_SORTS)] | None = None  # type: ignore[valid-type]


# ---- turning ids into objects -------------------------------------------------------------


class _Refs:
    """Collects unknown ids as field errors, raised together."""

    def __init__(self):
        self.errors: dict[str, list[str]] = {}

    def one(self, model, pk, field: str, what: str):
        if pk in (None, ""):
            return None
        obj = model.objects.filter(pk=pk.upper() if isinstance(pk, str) else pk).first()
        if obj is None:
            self.errors.setdefault(field, []).append(f"No {what} with id {pk!r}.")
        return obj

    def many(self, model, pks, field: str, what: str) -> list:
        pks = list(dict.fromkeys(pks or []))  # null in a PATCH clears the list
        found = model.objects.in_bulk(pks)
        missing = [pk for pk in pks if pk not in found]
        if missing:
            self.errors.setdefault(field, []).append(f"No {what} with id {', '.join(map(str, missing))}.")
        return [found[pk] for pk in pks if pk in found]

    def raise_if_any(self):
        if self.errors:
            raise ValidationError(self.errors)


def _event_refs(data: dict, *, user, creating: bool) -> dict:
    from hoptac.documents.models import Document
    from hoptac.fields.models import Field as CoopField

    refs = _Refs()
    if "country" in data:
        data["country"] = refs.one(Country, data["country"], "country", "country")
    if "organiser_unit" in data or creating:
        pk = data.pop("organiser_unit", None) or (user.unit_id if creating else None)
        data["organiser_unit"] = refs.one(Unit, pk, "organiser_unit", "unit")
        if data["organiser_unit"] is None and "organiser_unit" not in refs.errors:
            refs.errors["organiser_unit"] = ["An organiser unit is required."]
    if "co_organisers" in data:
        data["co_organisers"] = refs.many(Partner, data["co_organisers"], "co_organisers", "partner")
    if "fields" in data:
        data["fields"] = refs.many(CoopField, data["fields"], "fields", "field")
    if "documents" in data:
        data["documents"] = refs.many(Document, data["documents"], "documents", "document")
    if data.get("participants") is not None:
        partners = refs.many(Partner, [p["partner"] for p in data["participants"]], "participants", "partner")
        by_pk = {p.pk: p for p in partners}
        data["participants"] = [
            services.Participant(by_pk[p["partner"]], p.get("people"), p.get("note", ""))
            for p in data["participants"]
            if p["partner"] in by_pk
        ]
    elif "participants" in data:
        data.pop("participants")
    if data.get("follow_ups") is not None:
        rows = []
        for f in data["follow_ups"]:
            unit = refs.one(Unit, f.get("owner_unit"), "follow_ups", "unit")
            rows.append(services.FollowUp(f["description"], unit, f.get("due_date"), f.get("done", False)))
        data["follow_ups"] = rows
    elif "follow_ups" in data:
        data.pop("follow_ups")
    refs.raise_if_any()
    return data


def _delegation_refs(data: dict, *, user, creating: bool) -> dict:
    refs = _Refs()
    if "owner_unit" in data or creating:
        pk = data.pop("owner_unit", None) or (user.unit_id if creating else None)
        data["owner_unit"] = refs.one(Unit, pk, "owner_unit", "unit")
        if data["owner_unit"] is None and "owner_unit" not in refs.errors:
            refs.errors["owner_unit"] = ["A unit in charge is required."]
    if "project" in data:
        from hoptac.aid.models import Project

        data["project"] = refs.one(Project, data["project"], "project", "project")
    if "cost_currency" in data:
        data["cost_currency"] = refs.one(Currency, data["cost_currency"], "cost_currency", "currency")
    if "partners_met" in data:
        data["partners_met"] = refs.many(Partner, data["partners_met"], "partners_met", "partner")
    if "agreements" in data:
        from hoptac.agreements.models import Agreement

        data["agreements"] = refs.many(Agreement, data["agreements"], "agreements", "agreement")
    if data.get("members") is not None:
        data["members"] = [
            services.Member(
                m["name"],
                m.get("title", ""),
                refs.one(Unit, m.get("unit"), "members", "unit"),
                m.get("organisation", ""),
            )
            for m in data["members"]
        ]
    elif "members" in data:
        data.pop("members")
    if data.get("legs") is not None:
        data["legs"] = [
            services.Leg(
                refs.one(Country, g["country"], "legs", "country"), g["start_date"], g["end_date"], g.get("city", "")
            )
            for g in data["legs"]
        ]
    elif "legs" in data:
        data.pop("legs")
    refs.raise_if_any()
    return data


def _known_status(obj, status: str) -> None:
    if status not in type(obj).Status.values:
        allowed = ", ".join(lifecycle.allowed_next(obj)) or "none"
        raise ValidationError({"status": [f"Unknown status {status!r}. Allowed next: {allowed}."]})


# ---- events -------------------------------------------------------------------------------


@router.get("/events", response=list[EventOut])
@paginate(Pagination)
def list_events(request, filters: Query[EventFilters]):
    """Events, newest first; `partner` includes the partner's child organisations."""
    return selectors.event_list(
        request.user,
        q=filters.q,
        kind=filters.kind or "",
        status=filters.status or "",
        unit=filters.unit,
        partner=filters.partner,
        country=filters.country or "",
        field=filters.field,
        year=filters.year,
        date_from=filters.date_from,
        date_to=filters.date_to,
        report_late_on=timezone.localdate() if filters.report_late else None,
        published=filters.published,
        sort=filters.sort or "",
    )


def _event(request, pk: int) -> Event:
    event = get_object_or_404(Event, pk=pk)
    check(can_view(request.user, event))
    return event


@router.post("/events", response={201: EventOut})
def create_event(request, payload: EventIn):
    data = payload.dict()
    if data["end_date"] is None:
        data["end_date"] = data["start_date"]
    event = services.event_create(user=request.user, **_event_refs(data, user=request.user, creating=True))
    return Status(201, event)


@router.get("/events/{int:event_id}", response=EventOut)
def get_event(request, event_id: Id):
    return _event(request, event_id)


@router.api_operation(["PATCH", "PUT"], "/events/{int:event_id}", response=EventOut)
def update_event(request, event_id: Id, payload: EventPatch):
    """Change an event. Send the `version` you read (409 if stale). A `status` must follow the
    lifecycle (see `allowed_next`)."""
    event = _event(request, event_id)
    data = payload.dict(exclude_unset=True)
    version = data.pop("version")
    data = _event_refs(data, user=request.user, creating=False)
    return services.event_update(event, user=request.user, version=version, **data)


@router.post("/events/{int:event_id}/transition", response=EventOut)
def transition_event(request, event_id: Id, payload: ActivityTransitionIn):
    """One lifecycle step: `status` one of `allowed_next`; `on` the approval or report date."""
    event = _event(request, event_id)
    _known_status(event, payload.status)
    return services.event_transition(event, user=request.user, **payload.dict())


@router.delete("/events/{int:event_id}", response={204: None})
def delete_event(request, event_id: Id, version: Id | None = None):
    services.event_delete(_event(request, event_id), user=request.user, version=version)
    return Status(204, None)


@router.get("/events/{int:event_id}/history")
def event_history(request, event_id: Id):
    """Every change: who, when, which fields, old and new values."""
    return history_json(_event(request, event_id))


# ---- delegations --------------------------------------------------------------------------


@router.get("/delegations", response=list[DelegationOut])
@paginate(Pagination)
def list_delegations(request, filters: Query[DelegationFilters]):
    return selectors.delegation_list(
        request.user,
        q=filters.q,
        direction=filters.direction or "",
        status=filters.status or "",
        unit=filters.unit,
        partner=filters.partner,
        country=filters.country or "",
        funding_source=filters.funding_source or "",
        year=filters.year,
        date_from=filters.date_from,
        date_to=filters.date_to,
        report_late_on=timezone.localdate() if filters.report_late else None,
        sort=filters.sort or "",
    )


def _delegation(request, pk: int) -> Delegation:
    delegation = get_object_or_404(Delegation, pk=pk)
    check(can_view(request.user, delegation))
    return delegation


@router.post("/delegations", response={201: DelegationOut})
def create_delegation(request, payload: DelegationIn):
    data = _delegation_refs(payload.dict(), user=request.user, creating=True)
    return Status(201, services.delegation_create(user=request.user, **data))


@router.get("/delegations/{int:delegation_id}", response=DelegationOut)
def get_delegation(request, delegation_id: Id):
    return _delegation(request, delegation_id)


@router.api_operation(["PATCH", "PUT"], "/delegations/{int:delegation_id}", response=DelegationOut)
def update_delegation(request, delegation_id: Id, payload: DelegationPatch):
    delegation = _delegation(request, delegation_id)
    data = payload.dict(exclude_unset=True)
    version = data.pop("version")
    data = _delegation_refs(data, user=request.user, creating=False)
    return services.delegation_update(delegation, user=request.user, version=version, **data)


@router.post("/delegations/{int:delegation_id}/transition", response=DelegationOut)
def transition_delegation(request, delegation_id: Id, payload: ActivityTransitionIn):
    delegation = _delegation(request, delegation_id)
    _known_status(delegation, payload.status)
    return services.delegation_transition(delegation, user=request.user, **payload.dict())


@router.delete("/delegations/{int:delegation_id}", response={204: None})
def delete_delegation(request, delegation_id: Id, version: Id | None = None):
    services.delegation_delete(_delegation(request, delegation_id), user=request.user, version=version)
    return Status(204, None)


@router.get("/delegations/{int:delegation_id}/history")
def delegation_history(request, delegation_id: Id):
    return history_json(_delegation(request, delegation_id))
