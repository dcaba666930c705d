"""/api/v1/projects, /api/v1/transactions and /api/v1/projects.iati.xml."""

import datetime
from decimal import Decimal
from typing import Literal

from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import get_object_or_404
from ninja import Field, FilterSchema, Query, Router, Schema, Status
from ninja.pagination import paginate

from hoptac.agreements.models import Agreement
from hoptac.aid import selectors, services
from hoptac.aid.models import (
    TRANSACTION_CODES,
    Kind,
    OrgRole,
    Project,
    Transaction,
)
from hoptac.aid.models import (
    Status as ProjectStatus,
)
from hoptac.audit.history import history_json
from hoptac.fields.models import Field as CoopField
from hoptac.org.models import Unit
from hoptac.org.permissions import can_view, check, visible
from hoptac.partners.models import Partner
from hoptac.web.params import Day, Id, Pagination, Year

router = Router(tags=["projects"])

KindLiteral = Literal[tuple(Kind.values)]  # type: ignore[valid-type]
StatusLiteral = Literal[tuple(ProjectStatus.values)]  # type: ignore[valid-type]
TypeLiteral = Literal[tuple(TRANSACTION_CODES)]  # type: ignore[valid-type]
ROLE_NAMES = {r.value: r.name.lower() for r in OrgRole}
ROLE_CODES = {name: code for code, name in ROLE_NAMES.items()}
RoleLiteral = Literal[tuple(ROLE_CODES)]  # type: ignore[valid-type]


class OrganisationIO(Schema):
    role: RoleLiteral
    partner: Id | None = None
    name: str = ""
    ref: str = ""
    org_type: str = ""


class SectorIO(Schema):
    vocabulary: str = "1"
    code: str = Field(..., min_length=1, max_length=32)
    name: str = ""
    percentage: Decimal | None = None


class FieldShareIO(Schema):
    field: str = Field(..., description="Cooperation field code")
    percentage: Decimal


class LocationIO(Schema):
    province: Id | None = Field(None, description="Id of a provincial unit")
    name: str = ""
    percentage: Decimal | None = None


class BudgetIO(Schema):
    budget_type: str = "1"
    budget_status: str = "1"
    period_start: datetime.date
    period_end: datetime.date
    value: Decimal
    currency: str = ""
    value_date: datetime.date


class IndicatorIO(Schema):
    title: str
    measure: str = "1"
    baseline_year: Year | None = None
    baseline_value: str = ""
    period_start: datetime.date | None = None
    period_end: datetime.date | None = None
    target_value: str = ""
    actual_value: str = ""


class ResultIO(Schema):
    result_type: str = "1"
    title: str
    description: str = ""
    indicators: list[IndicatorIO] = []


class ProjectOut(Schema):
    id: int
    version: int
    url: str
    code: str
    iati_identifier: str
    title_vi: str
    title_en: str
    kind: str
    status: str
    status_code: str
    aid_type: str
    finance_type: str
    flow_type: str
    default_currency: str
    parent: int | None
    owner_unit: int | None
    agreement_id: int | None
    agreement_number: str
    planned_start: datetime.date | None
    planned_end: datetime.date | None
    actual_start: datetime.date | None
    actual_end: datetime.date | None
    is_published: bool
    committed_vnd: Decimal
    committed_usd: Decimal
    disbursed_vnd: Decimal
    disbursed_usd: Decimal
    disbursement_rate: Decimal | None
    created_at: datetime.datetime
    updated_at: datetime.datetime

    @staticmethod
    def resolve_url(obj) -> str:
        return obj.get_absolute_url()

    @staticmethod
    def resolve_parent(obj) -> int | None:
        return obj.parent_id

    @staticmethod
    def resolve_owner_unit(obj) -> int | None:
        return obj.owner_unit_id

    @staticmethod
    def resolve_disbursement_rate(obj) -> Decimal | None:
        return selectors.rate(obj.disbursed_usd, obj.committed_usd)


class ProjectDetailOut(ProjectOut):
    description_vi: str
    description_en: str
    reporting_org_ref: str
    reporting_org_name: str
    notes: str
    implementing_units: list[int]
    organisations: list[OrganisationIO]
    sectors: list[SectorIO]
    fields: list[FieldShareIO]
    locations: list[LocationIO]
    budgets: list[BudgetIO]
    results: list[ResultIO]

    @staticmethod
    def resolve_implementing_units(obj) -> list[int]:
        return [u.pk for u in obj.implementing_units.all()]

    @staticmethod
    def resolve_organisations(obj) -> list[dict]:
        return [
            {
                "role": ROLE_NAMES.get(o.role, o.role),
                "partner": o.partner_id,
                "name": o.name,
                "ref": o.ref,
                "org_type": o.org_type,
            }
            for o in obj.organisations.all()
        ]

    @staticmethod
    def resolve_sectors(obj) -> list:
        return list(obj.sectors.all())

    @staticmethod
    def resolve_fields(obj) -> list[dict]:
        return [{"field": f.field.code, "percentage": f.percentage} for f in obj.fields.select_related("field")]

    @staticmethod
    def resolve_locations(obj) -> list[dict]:
        return [
            {"province": loc.province_id, "name": str(loc), "percentage": loc.percentage}
            for loc in obj.locations.select_related("province")
        ]

    @staticmethod
    def resolve_budgets(obj) -> list:
        return list(obj.budgets.all())

    @staticmethod
    def resolve_results(obj) -> list[dict]:
        return [
            {
                "result_type": r.result_type,
                "title": r.title,
                "description": r.description,
                "indicators": list(r.indicators.all()),
            }
            for r in obj.results.prefetch_related("indicators")
        ]


class ProjectFilters(FilterSchema):
    q: str = ""
    donor: Id | None = Field(None, description="Partner id of a funding organisation")
    kind: KindLiteral | None = None
    sector: str = Field("", description="DAC code (5 digits, or a 3-digit category)")
    field: Id | None = Field(None, description="Cooperation field id")
    province: Id | None = Field(None, description="Provincial unit id")
    unit: Id | None = Field(None, description="Vietnamese unit id: the owner or an implementing unit")
    status: StatusLiteral | None = None
    year: Year | None = Field(None, description="Projects running during this year")
    parent: Id | None = None
    published: bool | None = None
    sort: Literal[tuple(selectors.SORTS)] | None = None  # type: ignore[valid-type]


class ProjectIn(Schema):
    code: str = Field("", max_length=64)
    iati_identifier: str = Field("", max_length=255)
    title_vi: str = Field("", max_length=500)
    title_en: str = Field("", max_length=500)
    description_vi: str = ""
    description_en: str = ""
    kind: KindLiteral = "other"
    status: StatusLiteral = "pipeline"
    aid_type: str = ""
    finance_type: str = ""
    flow_type: str = ""
    default_currency: str = Field("", max_length=3)
    parent: Id | None = None
    owner_unit: Id | None = None
    implementing_units: list[Id] = []
    agreement_id: Id | None = Field(
        None, description="Id of the linked agreement; when empty, the agreement whose number is agreement_number"
    )
    agreement_number: str = ""
    planned_start: Day | None = None
    planned_end: Day | None = None
    actual_start: Day | None = None
    actual_end: Day | None = None
    reporting_org_ref: str = ""
    reporting_org_name: str = ""
    notes: str = ""
    is_published: bool = False
    organisations: list[OrganisationIO] = []
    sectors: list[SectorIO] = []
    fields: list[FieldShareIO] = []
    locations: list[LocationIO] = []
    budgets: list[BudgetIO] = []
    results: list[ResultIO] = []


class ProjectPatch(Schema):
    version: Id = Field(..., description="The version this change is based on; a stale one gets 409")
    code: str | None = Field(None, max_length=64)
    iati_identifier: str | None = Field(None, max_length=255)
    title_vi: str | None = Field(None, max_length=500)
    title_en: str | None = Field(None, max_length=500)
    description_vi: str | None = None
    description_en: str | None = None
    kind: KindLiteral | None = None
    status: StatusLiteral | None = None
    aid_type: str | None = None
    finance_type: str | None = None
    flow_type: str | None = None
    default_currency: str | None = Field(None, max_length=3)
    parent: Id | None = None
    owner_unit: Id | None = None
    implementing_units: list[Id] | None = None
    agreement_id: Id | None = Field(None, description="Id of the linked agreement; null unlinks it")
    agreement_number: str | None = None
    planned_start: Day | None = None
    planned_end: Day | None = None
    actual_start: Day | None = None
    actual_end: Day | None = None
    reporting_org_ref: str | None = None
    reporting_org_name: str | None = None
    notes: str | None = None
    is_published: bool | None = None
    organisations: list[OrganisationIO] | None = None
    sectors: list[SectorIO] | None = None
    fields: list[FieldShareIO] | None = None
    locations: list[LocationIO] | None = None
    budgets: list[BudgetIO] | None = None
    results: list[ResultIO] | None = None


def _resolve_project_refs(data: dict, user, project: Project | None = None) -> dict:
    """Turn ids and codes into objects; unknown ones are field errors (so is an agreement the
    user may not see, unless it is the one already linked: its existence is not revealed)."""
    errors: dict[str, list[str]] = {}
    if "agreement_id" in data:
        pk = data.pop("agreement_id")
        agreements = Agreement.objects.filter(pk=pk)
        if project is None or project.agreement_id != pk:
            agreements = visible(user, agreements)
        data["agreement"] = agreements.first() if pk else None
        if pk and data["agreement"] is None:
            errors["agreement_id"] = [f"No agreement with id {pk}."]
    if "parent" in data:
        pk = data.pop("parent")
        data["parent"] = Project.objects.filter(pk=pk).first() if pk else None
        if pk and data["parent"] is None:
            errors["parent"] = [f"No project with id {pk}."]
    if "owner_unit" in data:
        pk = data.pop("owner_unit")
        data["owner_unit"] = Unit.objects.filter(pk=pk).first() if pk else None
        if pk and data["owner_unit"] is None:
            errors["owner_unit"] = [f"No unit with id {pk}."]
    if data.get("implementing_units") is not None:
        ids = data["implementing_units"]
        units = list(Unit.objects.filter(pk__in=ids))
        if len(units) != len(set(ids)):
            errors["implementing_units"] = ["Unknown unit id."]
        data["implementing_units"] = units
    if data.get("organisations") is not None:
        orgs = []
        for i, o in enumerate(data["organisations"]):
            partner = Partner.objects.filter(pk=o["partner"]).first() if o.get("partner") else None
            if o.get("partner") and partner is None:
                errors[f"organisations.{i}.partner"] = [f"No partner with id {o['partner']}."]
            orgs.append({**o, "role": ROLE_CODES[o["role"]], "partner": partner})
        data["organisations"] = orgs
    if data.get("fields") is not None:
        shares = []
        for i, f in enumerate(data["fields"]):
            field = CoopField.objects.filter(code=f["field"]).first()
            if field is None:
                errors[f"fields.{i}.field"] = [f"Unknown cooperation field '{f['field']}'."]
            shares.append({"field": field, "percentage": f["percentage"]})
        data["fields"] = shares
    if data.get("locations") is not None:
        locations = []
        for i, loc in enumerate(data["locations"]):
            province = None
            if loc.get("province"):
                province = Unit.objects.filter(pk=loc["province"], kind=Unit.Kind.PROVINCE).first()
                if province is None:
                    errors[f"locations.{i}.province"] = [f"No provincial unit with id {loc['province']}."]
            locations.append({"province": province, "name": loc.get("name", ""), "percentage": loc.get("percentage")})
        data["locations"] = locations
    if errors:
        raise ValidationError(errors)
    return data


@router.get("/projects", response=list[ProjectOut])
@paginate(Pagination)
def list_projects(request, filters: Query[ProjectFilters]):
    """Projects with their figures (committed, disbursed, disbursement rate in VND and USD)."""
    return selectors.project_list(request.user, **_filter_args(filters))


def _filter_args(filters: ProjectFilters) -> dict:
    data = filters.dict()
    return {k: (v if v is not None else ("" if k in ("kind", "status", "sort") else None)) for k, v in data.items()}


@router.get("/projects/figures")
def project_totals(request, filters: Query[ProjectFilters]):
    """Totals of the filtered set: committed, disbursed and the disbursement rate, in VND and USD."""
    projects = selectors.project_list(request.user, **_filter_args(filters))
    figures = selectors.totals(projects)
    return {
        "count": projects.count(),
        "committed_vnd": str(figures.committed_vnd),
        "committed_usd": str(figures.committed_usd),
        "disbursed_vnd": str(figures.disbursed_vnd),
        "disbursed_usd": str(figures.disbursed_usd),
        "disbursement_rate": str(figures.disbursement_rate) if figures.disbursement_rate is not None else None,
        "unconverted_transactions": figures.unconverted,
    }


@router.get("/projects.iati.xml", response={200: None})
def projects_iati(request, filters: Query[ProjectFilters]):
    """The projects the filters select, as IATI 2.03 activity XML."""
    from hoptac.aid.iati_export import export_activities

    projects = selectors.project_list(request.user, **_filter_args(filters))
    response = HttpResponse(content_type="application/xml; charset=utf-8")
    export_activities(projects, response)
    return response


@router.post("/projects", response={201: ProjectDetailOut})
def create_project(request, payload: ProjectIn):
    project = services.project_create(user=request.user, **_resolve_project_refs(payload.dict(), request.user))
    return Status(201, _get(request, project.pk))


def _get(request, project_id: int) -> Project:
    project = get_object_or_404(selectors.with_figures(Project.objects.select_related("owner_unit")), pk=project_id)
    check(can_view(request.user, project))
    return project


@router.get("/projects/{int:project_id}", response=ProjectDetailOut)
def get_project(request, project_id: Id):
    return _get(request, project_id)


@router.api_operation(["PATCH", "PUT"], "/projects/{int:project_id}", response=ProjectDetailOut)
def update_project(request, project_id: Id, payload: ProjectPatch):
    """Change a project. Send the `version` you read; if someone saved since, the answer is 409.
    A list (sectors, fields...) sent replaces the stored one."""
    project = _get(request, project_id)
    data = payload.dict(exclude_unset=True)
    version = data.pop("version")
    services.project_update(
        project, user=request.user, version=version, **_resolve_project_refs(data, request.user, project)
    )
    return _get(request, project_id)


@router.delete("/projects/{int:project_id}", response={204: None})
def delete_project(request, project_id: Id, version: Id | None = None):
    services.project_delete(_get(request, project_id), user=request.user, version=version)
    return Status(204, None)


@router.get("/projects/{int:project_id}/history")
def project_history(request, project_id: Id):
    """Every change: who, when, which fields, old and new values."""
    return history_json(_get(request, project_id))


# ---- transactions -------------------------------------------------------------------------


class TransactionOut(Schema):
    id: int
    version: int
    url: str
    project: int
    type: str
    ref: str
    date: datetime.date
    value: Decimal
    currency: str
    value_date: datetime.date
    description: str
    provider_name: str
    provider_ref: str
    receiver_name: str
    receiver_ref: str
    rate_month: datetime.date | None
    rate_vnd: Decimal | None
    rate_usd: Decimal | None
    value_vnd: Decimal | None
    value_usd: Decimal | None

    @staticmethod
    def resolve_url(obj) -> str:
        return obj.get_absolute_url()

    @staticmethod
    def resolve_project(obj) -> int:
        return obj.project_id

    @staticmethod
    def resolve_type(obj) -> str:
        return obj.type_name


class TransactionFilters(FilterSchema):
    project: Id | None = None
    type: TypeLiteral | None = None
    currency: str = ""
    year: Year | None = None
    date_from: Day | None = None
    date_to: Day | None = None


class TransactionIn(Schema):
    project: Id
    type: TypeLiteral
    ref: str = ""
    date: Day
    value: Decimal = Field(..., max_digits=22, decimal_places=2)
    currency: str = Field("", max_length=3, description="ISO 4217; the project's default currency when empty")
    value_date: Day | None = None
    description: str = ""
    provider_name: str = ""
    provider_ref: str = ""
    receiver_name: str = ""
    receiver_ref: str = ""


class TransactionPatch(Schema):
    version: Id
    type: TypeLiteral | None = None
    ref: str | None = None
    date: Day | None = None
    value: Decimal | None = Field(None, max_digits=22, decimal_places=2)
    currency: str | None = Field(None, max_length=3)
    value_date: Day | None = None
    description: str | None = None
    provider_name: str | None = None
    provider_ref: str | None = None
    receiver_name: str | None = None
    receiver_ref: str | None = None
    reconvert: bool = Field(False, description="Convert again at the rate table's current rate")


@router.get("/transactions", response=list[TransactionOut])
@paginate(Pagination)
def list_transactions(request, filters: Query[TransactionFilters]):
    return selectors.transaction_list(
        request.user,
        project=filters.project,
        type=filters.type or "",
        currency=filters.currency,
        year=filters.year,
        date_from=filters.date_from,
        date_to=filters.date_to,
    )


def _tx_data(data: dict) -> dict:
    if "type" in data:
        value = data.pop("type")
        if value is not None:
            data["type_code"] = TRANSACTION_CODES[value]
    if data.get("currency"):
        data["currency"] = data["currency"].upper()
    return {k: v for k, v in data.items() if v is not None}


@router.post("/transactions", response={201: TransactionOut})
def create_transaction(request, payload: TransactionIn):
    data = payload.dict()
    project = _get(request, data.pop("project"))
    data = _tx_data(data)
    if not data.get("currency"):
        data.pop("currency", None)
    tx = services.transaction_create(user=request.user, project=project, **data)
    return Status(201, _get_tx(request, tx.pk))


def _get_tx(request, tx_id: int) -> Transaction:
    tx = get_object_or_404(Transaction.objects.select_related("project"), pk=tx_id)
    check(can_view(request.user, tx))
    return tx


@router.get("/transactions/{int:tx_id}", response=TransactionOut)
def get_transaction(request, tx_id: Id):
    return _get_tx(request, tx_id)


@router.api_operation(["PATCH", "PUT"], "/transactions/{int:tx_id}", response=TransactionOut)
def update_transaction(request, tx_id: Id, payload: TransactionPatch):
    tx = _get_tx(request, tx_id)
    data = payload.dict(exclude_unset=True)
    version, reconvert = data.pop("version"), data.pop("reconvert", False)
    services.transaction_update(tx, user=request.user, version=version, reconvert=reconvert, **_tx_data(data))
    return _get_tx(request, tx_id)


@router.delete("/transactions/{int:tx_id}", response={204: None})
def delete_transaction(request, tx_id: Id, version: Id | None = None):
    services.transaction_delete(_get_tx(request, tx_id), user=request.user, version=version)
    return Status(204, None)


@router.get("/transactions/{int:tx_id}/history")
def transaction_history(request, tx_id: Id):
    return history_json(_get_tx(request, tx_id))
