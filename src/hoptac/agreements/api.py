"""/api/v1/agreements: list, detail, create, change, delete, history, lifecycle steps,
implementation activities and consultations."""

import datetime
from typing import Literal

from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404
from django.utils import timezone
from ninja import Field, FilterSchema, Query, Router, Schema, Status
from ninja.pagination import paginate

from hoptac.agreements import lifecycle, selectors, services
from hoptac.agreements.models import (
    Agreement,
    Consultation,
    DatePrecision,
    ImplementationActivity,
    Signatory,
    State,
)
from hoptac.audit.history import history_json
from hoptac.fields.models import Field as CoopField
from hoptac.org.models import Unit
from hoptac.org.permissions import can_view, check
from hoptac.partners.models import Partner
from hoptac.reference.models import Country
from hoptac.web.params import Day, Id, Pagination, positive_int

router = Router(tags=["agreements"])

KindLiteral = Literal[tuple(Agreement.Kind.values)]  # type: ignore[valid-type]
LevelLiteral = Literal[tuple(Agreement.Level.values)]  # type: ignore[valid-type]
StatusLiteral = Literal[tuple(Agreement.Status.values)]  # type: ignore[valid-type]
StateLiteral = Literal[tuple(State.values)]  # type: ignore[valid-type]
PrecisionLiteral = Literal[tuple(DatePrecision.values)]  # type: ignore[valid-type]
SideLiteral = Literal[tuple(Signatory.Side.values)]  # type: ignore[valid-type]
ActivityStatusLiteral = Literal[tuple(ImplementationActivity.Status.values)]  # type: ignore[valid-type]
AnswerLiteral = Literal[tuple(Consultation.Answer.values)]  # type: ignore[valid-type]


# ---- schemas ----------------------------------------------------------------------------


class SignatoryOut(Schema):
    side: str
    name: str
    title: str
    unit: int | None = Field(None, alias="unit_id")
    partner: int | None = Field(None, alias="partner_id")


class AgreementOut(Schema):
    id: int
    version: int
    url: str
    kind: str
    level: str
    number: str
    title_vi: str
    title_en: str
    owner_unit: int | None
    vietnamese_parties: list[int]
    parties: list[int]
    signed_on: datetime.date | None
    signed_on_precision: str
    signed_at_city: str
    signed_at_country: str | None
    in_force_from: datetime.date | None
    valid_until: datetime.date | None
    automatic_renewal: bool
    renewal_period_months: int | None
    notice_period_days: int | None
    fields: list[str]
    status: str
    state: str = Field(..., description="Derived from status and dates today: " + ", ".join(State.values))
    term_end: datetime.date | None = Field(None, description="Last day of the term running today (None: open-ended)")
    days_left: int | None = None
    superseded_by: int | None
    is_published: bool
    created_at: datetime.datetime
    updated_at: datetime.datetime

    @staticmethod
    def resolve_url(obj) -> str:
        return obj.get_absolute_url()

    @staticmethod
    def resolve_owner_unit(obj) -> int | None:
        return obj.owner_unit_id

    @staticmethod
    def resolve_vietnamese_parties(obj) -> list[int]:
        return [u.pk for u in obj.vietnamese_parties.all()]

    @staticmethod
    def resolve_parties(obj) -> list[int]:
        return [p.pk for p in obj.parties.all()]

    @staticmethod
    def resolve_signed_at_country(obj) -> str | None:
        return obj.signed_at_country_id

    @staticmethod
    def resolve_fields(obj) -> list[str]:
        return [f.code for f in obj.fields.all()]

    @staticmethod
    def resolve_state(obj) -> str:
        return obj.state_on(timezone.localdate())

    @staticmethod
    def resolve_term_end(obj) -> datetime.date | None:
        return obj.term_end(timezone.localdate())

    @staticmethod
    def resolve_days_left(obj) -> int | None:
        return obj.days_left(timezone.localdate())

    @staticmethod
    def resolve_superseded_by(obj) -> int | None:
        return obj.superseded_by_id


class AgreementDetailOut(AgreementOut):
    summary: str
    notes: str
    signatories: list[SignatoryOut]
    allowed_next: list[str]
    notice_deadline: datetime.date | None = None

    @staticmethod
    def resolve_signatories(obj) -> list:
        return list(obj.signatories.all())

    @staticmethod
    def resolve_allowed_next(obj) -> list[str]:
        return list(lifecycle.allowed_next(obj.status))

    @staticmethod
    def resolve_notice_deadline(obj) -> datetime.date | None:
        return obj.notice_deadline(timezone.localdate())


class AgreementFilters(FilterSchema):
    q: str = ""
    partner: Id | None = Field(None, description="Partner id (its child organisations included)")
    country: str | None = Field(None, min_length=2, max_length=2, description="ISO 3166-1 alpha-2 of a foreign party")
    kind: KindLiteral | None = None
    level: LevelLiteral | None = None
    status: StatusLiteral | None = None
    field: str | None = Field(None, description="Cooperation field code (or id)")
    unit: Id | None = Field(None, description="Responsible unit or Vietnamese party (id)")
    year: int | None = Field(None, ge=1945, le=2100, description="Year signed")
    state: StateLiteral | None = Field(None, description="Derived state today (or on `as_of`)")
    as_of: Day | None = None
    expiring_days: int = Field(90, ge=0, le=3650)
    sort: Literal[tuple(selectors.SORTS)] | None = None  # type: ignore[valid-type]


class SignatoryIn(Schema):
    side: SideLiteral
    name: str = Field(..., min_length=1, max_length=255)
    title: str = Field("", max_length=255)
    unit: Id | None = None
    partner: Id | None = None


class AgreementIn(Schema):
    kind: KindLiteral
    level: LevelLiteral = Agreement.Level.MINISTRY
    number: str = Field("", max_length=100)
    title_vi: str = Field(..., min_length=1, max_length=500)
    title_en: str = Field("", max_length=500)
    owner_unit: Id | None = Field(None, description="Responsible unit (default: your unit)")
    vietnamese_parties: list[Id] = []
    parties: list[Id] = Field(..., min_length=1, description="Foreign parties (partner ids), at least one")
    signatories: list[SignatoryIn] = []
    signed_on: Day | None = None
    signed_on_precision: PrecisionLiteral = DatePrecision.DAY
    signed_at_city: str = Field("", max_length=128)
    signed_at_country: str | None = Field(None, description="ISO 3166-1 alpha-2")
    in_force_from: Day | None = None
    valid_until: Day | None = Field(None, description="Empty: open-ended")
    automatic_renewal: bool = False
    renewal_period_months: int | None = Field(None, ge=1, le=1200)
    notice_period_days: int | None = Field(None, ge=0, le=3650)
    fields: list[Id | str] = Field([], description="Cooperation field codes or ids")
    summary: str = ""
    notes: str = ""
    status: StatusLiteral = Agreement.Status.PROPOSED
    superseded_by: Id | None = None
    is_published: bool = False


class AgreementPatch(Schema):
    version: Id = Field(..., description="The version this change is based on; a stale one gets 409")
    kind: KindLiteral | None = None
    level: LevelLiteral | None = None
    number: str | None = Field(None, max_length=100)
    title_vi: str | None = Field(None, min_length=1, max_length=500)
    title_en: str | None = Field(None, max_length=500)
    owner_unit: Id | None = None
    vietnamese_parties: list[Id] | None = None
    parties: list[Id] | None = Field(None, min_length=1)
    signatories: list[SignatoryIn] | None = None
    signed_on: Day | None = None
    signed_on_precision: PrecisionLiteral | None = None
    signed_at_city: str | None = Field(None, max_length=128)
    signed_at_country: str | None = None
    in_force_from: Day | None = None
    valid_until: Day | None = None
    automatic_renewal: bool | None = None
    renewal_period_months: int | None = Field(None, ge=1, le=1200)
    notice_period_days: int | None = Field(None, ge=0, le=3650)
    fields: list[Id | str] | None = None
    summary: str | None = None
    notes: str | None = None
    status: StatusLiteral | None = Field(None, description="Only through /transitions; here it must stay the same")
    superseded_by: Id | None = None
    is_published: bool | None = None


class TransitionIn(Schema):
    status: StatusLiteral
    date: Day | None = Field(None, description="Default: today")
    decision_number: str = Field("", max_length=100)
    note: str = ""
    superseded_by: Id | None = None
    valid_until: Day | None = Field(None, description="New end date with this step (an extension)")
    version: Id | None = None


class StatusChangeOut(Schema):
    from_status: str
    to_status: str
    date: datetime.date
    decision_number: str
    note: str
    user: str | None
    recorded_at: datetime.datetime

    @staticmethod
    def resolve_user(obj) -> str | None:
        return str(obj.user) if obj.user else None

    @staticmethod
    def resolve_recorded_at(obj) -> datetime.datetime:
        return obj.created_at


class ActivityOut(Schema):
    id: int
    version: int
    title: str
    owner_unit: int | None = Field(None, alias="owner_unit_id")
    due_date: datetime.date | None
    status: str
    completed_on: datetime.date | None
    result: str
    overdue: bool

    @staticmethod
    def resolve_overdue(obj) -> bool:
        return obj.is_overdue(timezone.localdate())


class ActivityIn(Schema):
    title: str = Field(..., min_length=1, max_length=500)
    owner_unit: Id | None = None
    due_date: Day | None = None
    status: ActivityStatusLiteral = ImplementationActivity.Status.PLANNED
    completed_on: Day | None = None
    result: str = ""


class ActivityPatch(Schema):
    version: Id
    title: str | None = Field(None, min_length=1, max_length=500)
    owner_unit: Id | None = None
    due_date: Day | None = None
    status: ActivityStatusLiteral | None = None
    completed_on: Day | None = None
    result: str | None = None


class ConsultationOut(Schema):
    id: int
    version: int
    agency: int | None = Field(None, alias="agency_id")
    agency_name: str
    requested_on: datetime.date | None
    answered_on: datetime.date | None
    answer: str
    answer_text: str
    document_number: str


class ConsultationIn(Schema):
    agency: Id | None = None
    agency_name: str = Field("", max_length=255)
    requested_on: Day | None = None
    answered_on: Day | None = None
    answer: AnswerLiteral = Consultation.Answer.PENDING
    answer_text: str = ""
    document_number: str = Field("", max_length=100)


# ---- helpers ------------------------------------------------------------------------------


def _ids(model, pks, field: str, errors: dict, label: str) -> list:
    pks = list(dict.fromkeys(pks))
    found = model.objects.in_bulk(pks)
    missing = [pk for pk in pks if pk not in found]
    if missing:
        errors[field] = [f"No {label} with id {', '.join(str(m) for m in missing)}."]
    return [found[pk] for pk in pks if pk in found]


def _fields(values, errors: dict) -> list:
    result, missing = [], []
    for value in values:
        pk = value if isinstance(value, int) else positive_int(value)
        if pk:
            obj = CoopField.objects.filter(pk=pk).first()
        else:
            obj = CoopField.objects.filter(code=value).first()
        (result.append(obj) if obj else missing.append(str(value)))
    if missing:
        errors["fields"] = [f"Unknown cooperation field: {', '.join(missing)}."]
    return result


def _resolve(data: dict, agreement: Agreement | None = None) -> dict:
    """Ids and codes of a payload → objects; unknown ones are field errors (422)."""
    errors: dict[str, list[str]] = {}
    if "owner_unit" in data:
        pk = data.pop("owner_unit")
        if pk is None:
            if agreement is None:
                data["owner_unit"] = None
        else:
            data["owner_unit"] = Unit.objects.filter(pk=pk).first()
            if data["owner_unit"] is None:
                errors["owner_unit"] = [f"No unit with id {pk}."]
        if agreement is None and data.get("owner_unit") is None:
            data.pop("owner_unit", None)
    if data.get("parties") is not None:
        data["parties"] = _ids(Partner, data["parties"], "parties", errors, "partner")
    if data.get("vietnamese_parties") is not None:
        data["vietnamese_parties"] = _ids(Unit, data["vietnamese_parties"], "vietnamese_parties", errors, "unit")
    if data.get("fields") is not None:
        data["fields"] = _fields(data["fields"], errors)
    if "signed_at_country" in data:
        code = data.pop("signed_at_country")
        data["signed_at_country"] = Country.objects.filter(iso2=code.upper()).first() if code else None
        if code and data["signed_at_country"] is None:
            errors["signed_at_country"] = [f"Unknown country code '{code}'."]
    if "superseded_by" in data:
        pk = data.pop("superseded_by")
        data["superseded_by"] = Agreement.objects.filter(pk=pk).first() if pk else None
        if pk and data["superseded_by"] is None:
            errors["superseded_by"] = [f"No agreement with id {pk}."]
    if data.get("signatories") is not None:
        sigs = []
        for i, sig in enumerate(data["signatories"]):
            sig = dict(sig)
            for key, model, label in (("unit", Unit, "unit"), ("partner", Partner, "partner")):
                pk = sig.pop(key, None)
                sig[key] = model.objects.filter(pk=pk).first() if pk else None
                if pk and sig[key] is None:
                    errors[f"signatories.{i}.{key}"] = [f"No {label} with id {pk}."]
            sigs.append(sig)
        data["signatories"] = sigs
    for name in ("title_en", "number", "signed_at_city", "summary", "notes"):
        if name in data and data[name] is None:
            data[name] = ""
    if errors:
        raise ValidationError(errors)
    return data


def _transition_refused(exc: services.TransitionError):
    return Status(
        422,
        {
            "message": exc.messages[0],
            "errors": {"status": exc.messages},
            "current": exc.current,
            "allowed_next": exc.allowed,
        },
    )


def _get(request, agreement_id: int) -> Agreement:
    agreement = get_object_or_404(Agreement, pk=agreement_id)
    check(can_view(request.user, agreement))
    return agreement


def _prefetched():
    return ("parties", "vietnamese_parties", "fields")


# ---- endpoints ----------------------------------------------------------------------------


@router.get("/agreements", response=list[AgreementOut])
@paginate(Pagination)
def list_agreements(request, filters: Query[AgreementFilters]):
    """Agreements you may see, filtered. `state` is derived from the status and the dates."""
    field = None
    if filters.field:
        obj = (
            CoopField.objects.filter(pk=positive_int(filters.field)).first()
            or CoopField.objects.filter(code=filters.field).first()
        )
        if obj is None:
            raise ValidationError({"field": [f"Unknown cooperation field: {filters.field}."]})
        field = obj.pk
    return selectors.agreement_list(
        request.user,
        q=filters.q,
        partner=filters.partner,
        country=filters.country or "",
        kind=filters.kind or "",
        level=filters.level or "",
        status=filters.status or "",
        field=field,
        unit=filters.unit,
        year=filters.year,
        state=filters.state or "",
        today=filters.as_of or timezone.localdate(),
        expiring_days=filters.expiring_days,
        sort=filters.sort or "",
    ).prefetch_related(*_prefetched())


@router.post("/agreements", response={201: AgreementDetailOut})
def create_agreement(request, payload: AgreementIn):
    """Register an agreement; `parties` (partner ids) needs at least one."""
    data = _resolve(payload.dict())
    agreement = services.agreement_create(user=request.user, **data)
    return Status(201, agreement)


@router.get("/agreements/{int:agreement_id}", response=AgreementDetailOut)
def get_agreement(request, agreement_id: Id):
    return _get(request, agreement_id)


@router.api_operation(["PATCH", "PUT"], "/agreements/{int:agreement_id}", response={200: AgreementDetailOut, 422: dict})
def update_agreement(request, agreement_id: Id, payload: AgreementPatch):
    """Change an agreement. Send the `version` you read (409 if stale). The status changes only
    through POST /agreements/{id}/transitions."""
    agreement = _get(request, agreement_id)
    data = payload.dict(exclude_unset=True)
    version = data.pop("version")
    try:
        return services.agreement_update(agreement, user=request.user, version=version, **_resolve(data, agreement))
    except services.TransitionError as exc:
        return _transition_refused(exc)


@router.delete("/agreements/{int:agreement_id}", response={204: None})
def delete_agreement(request, agreement_id: Id, version: Id | None = None):
    services.agreement_delete(_get(request, agreement_id), user=request.user, version=version)
    return Status(204, None)


@router.get("/agreements/{int:agreement_id}/transitions")
def list_transitions(request, agreement_id: Id):
    """The lifecycle so far, and the states it may go to next."""
    agreement = _get(request, agreement_id)
    return {
        "status": agreement.status,
        "allowed_next": list(lifecycle.allowed_next(agreement.status)),
        "steps": [StatusChangeOut.from_orm(s).dict() for s in agreement.status_changes.select_related("user")],
    }


@router.post("/agreements/{int:agreement_id}/transitions", response={200: AgreementDetailOut, 422: dict})
def transition_agreement(request, agreement_id: Id, payload: TransitionIn):
    """Move the agreement to its next status. Refused (422, with `allowed_next`) if the
    lifecycle does not allow it."""
    agreement = _get(request, agreement_id)
    data = payload.dict()
    successor = None
    if data["superseded_by"]:
        successor = Agreement.objects.filter(pk=data["superseded_by"]).first()
        if successor is None:
            raise ValidationError({"superseded_by": [f"No agreement with id {data['superseded_by']}."]})
    try:
        return services.agreement_transition(
            agreement,
            user=request.user,
            to_status=data["status"],
            date=data["date"],
            decision_number=data["decision_number"],
            note=data["note"],
            superseded_by=successor,
            valid_until=data["valid_until"],
            version=data["version"],
        )
    except services.TransitionError as exc:
        return _transition_refused(exc)


@router.get("/agreements/{int:agreement_id}/history")
def agreement_history(request, agreement_id: Id):
    """Every change (who, when, old and new values) and every lifecycle step."""
    agreement = _get(request, agreement_id)
    return {
        "changes": history_json(agreement),
        "steps": [StatusChangeOut.from_orm(s).dict() for s in agreement.status_changes.select_related("user")],
    }


@router.get("/agreements/{int:agreement_id}/activities", response=list[ActivityOut])
def list_activities(request, agreement_id: Id):
    return list(_get(request, agreement_id).activities.all())


def _activity_refs(data: dict) -> dict:
    if "owner_unit" in data:
        pk = data.pop("owner_unit")
        data["owner_unit"] = Unit.objects.filter(pk=pk).first() if pk else None
        if pk and data["owner_unit"] is None:
            raise ValidationError({"owner_unit": [f"No unit with id {pk}."]})
    if data.get("result") is None and "result" in data:
        data["result"] = ""
    return data


@router.post("/agreements/{int:agreement_id}/activities", response={201: ActivityOut})
def create_activity(request, agreement_id: Id, payload: ActivityIn):
    agreement = _get(request, agreement_id)
    activity = services.activity_create(user=request.user, agreement=agreement, **_activity_refs(payload.dict()))
    return Status(201, activity)


@router.patch("/agreements/{int:agreement_id}/activities/{int:activity_id}", response=ActivityOut)
def update_activity(request, agreement_id: Id, activity_id: Id, payload: ActivityPatch):
    agreement = _get(request, agreement_id)
    activity = get_object_or_404(ImplementationActivity, pk=activity_id, agreement=agreement)
    data = payload.dict(exclude_unset=True)
    version = data.pop("version")
    return services.activity_update(activity, user=request.user, version=version, **_activity_refs(data))


@router.get("/agreements/{int:agreement_id}/consultations", response=list[ConsultationOut])
def list_consultations(request, agreement_id: Id):
    return list(_get(request, agreement_id).consultations.all())


@router.post("/agreements/{int:agreement_id}/consultations", response={201: ConsultationOut})
def create_consultation(request, agreement_id: Id, payload: ConsultationIn):
    agreement = _get(request, agreement_id)
    data = payload.dict()
    pk = data.pop("agency")
    data["agency"] = Unit.objects.filter(pk=pk).first() if pk else None
    if pk and data["agency"] is None:
        raise ValidationError({"agency": [f"No unit with id {pk}."]})
    return Status(201, services.consultation_create(user=request.user, agreement=agreement, **data))
