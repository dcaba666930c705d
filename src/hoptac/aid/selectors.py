"""Reads of projects and transactions, used by the pages, the API, the export and reports.

Figures: committed = outgoing commitments; disbursed = disbursements + expenditure; the
disbursement rate = disbursed / committed (None when nothing is committed). Each in VND and USD,
from the converted amounts stored with each transaction."""

import datetime
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from django.db.models import DecimalField, OuterRef, Q, QuerySet, Subquery, Sum, Value
from django.db.models.functions import Coalesce

from hoptac.aid.models import COMMITTED_TYPES, DISBURSED_TYPES, TRANSACTION_CODES, Project, Transaction, money
from hoptac.org.permissions import visible
from hoptac.search.folding import fold_words

SORTS = {
    "title": ("title_vi",),
    "-title": ("-title_vi",),
    "start": ("planned_start",),
    "-start": ("-planned_start",),
    "status": ("status", "title_vi"),
    "-status": ("-status", "title_vi"),
    "kind": ("kind", "title_vi"),
    "-kind": ("-kind", "title_vi"),
    "committed": ("committed_usd",),
    "-committed": ("-committed_usd",),
    "disbursed": ("disbursed_usd",),
    "-disbursed": ("-disbursed_usd",),
    "updated": ("updated_at",),
    "-updated": ("-updated_at",),
}
MONEY = DecimalField(max_digits=26, decimal_places=2)


def _sum(types, column: str):
    rows = (
        Transaction.objects.filter(project=OuterRef("pk"), type_code__in=types)
        .order_by()
        .values("project")
        .annotate(total=Sum(column))
        .values("total")
    )
    return Coalesce(Subquery(rows, output_field=MONEY), Value(Decimal("0"), output_field=MONEY))


def with_figures(queryset: QuerySet) -> QuerySet:
    return queryset.annotate(
        committed_vnd=_sum(COMMITTED_TYPES, "value_vnd"),
        committed_usd=_sum(COMMITTED_TYPES, "value_usd"),
        disbursed_vnd=_sum(DISBURSED_TYPES, "value_vnd"),
        disbursed_usd=_sum(DISBURSED_TYPES, "value_usd"),
    )


def project_list(
    user,
    *,
    q: str = "",
    donor: int | None = None,
    kind: str = "",
    sector: str = "",
    field: int | None = None,
    province: int | None = None,
    unit: int | None = None,
    status: str = "",
    year: int | None = None,
    parent: int | None = None,
    published: bool | None = None,
    sort: str = "",
) -> QuerySet:
    queryset = visible(user, Project.objects.select_related("owner_unit", "parent"))
    if q:
        for word in fold_words(q):
            queryset = queryset.filter(search_text__contains=" " + word)
    if donor:
        queryset = queryset.filter(organisations__partner_id=donor, organisations__role="1")
    if kind:
        queryset = queryset.filter(kind=kind)
    if sector:
        queryset = queryset.filter(
            Q(sectors__code=sector) | Q(sectors__code__startswith=sector, sectors__vocabulary="1")
        )
    if field:
        queryset = queryset.filter(fields__field_id=field)
    if province:
        queryset = queryset.filter(locations__province_id=province)
    if unit:  # the Vietnamese unit that owns or implements it
        queryset = queryset.filter(Q(owner_unit_id=unit) | Q(implementing_units=unit))
    if status:
        queryset = queryset.filter(status=status)
    if year:
        queryset = active_in_year(queryset, year)
    if parent:
        queryset = queryset.filter(parent_id=parent)
    if published is not None:
        queryset = queryset.filter(is_published=published)
    if donor or sector or field or province or unit:
        queryset = queryset.distinct()
    queryset = with_figures(queryset)
    order = list(SORTS.get(sort, ()))
    return queryset.order_by(*(order or ["-planned_start", "title_vi"]), "pk")


def agreement_projects(user, agreement) -> QuerySet:
    """The projects under an agreement that the user may see, with their figures."""
    queryset = visible(user, Project.objects.filter(agreement=agreement).select_related("owner_unit"))
    return with_figures(queryset).order_by("-planned_start", "title_vi", "pk")


def active_in_year(queryset: QuerySet, year: int) -> QuerySet:
    """Projects running at some time during `year` (start before its end, end after its start;
    a missing start or end does not exclude)."""
    first, last = datetime.date(year, 1, 1), datetime.date(year, 12, 31)
    started = Q(actual_start__lte=last) | Q(actual_start__isnull=True, planned_start__lte=last)
    started |= Q(actual_start__isnull=True, planned_start__isnull=True)
    not_ended = Q(actual_end__gte=first) | Q(actual_end__isnull=True, planned_end__gte=first)
    not_ended |= Q(actual_end__isnull=True, planned_end__isnull=True)
    return queryset.filter(started & not_ended)


def rate(disbursed: Decimal | None, committed: Decimal | None) -> Decimal | None:
    """Disbursed as a percentage of committed, 1 decimal; None when nothing is committed."""
    if not committed:
        return None
    return (Decimal(disbursed or 0) * 100 / Decimal(committed)).quantize(Decimal("0.1"), ROUND_HALF_UP)


@dataclass
class Figures:
    committed_vnd: Decimal
    committed_usd: Decimal
    disbursed_vnd: Decimal
    disbursed_usd: Decimal
    unconverted: int = 0  # transactions counted in neither figure for want of a rate

    @property
    def disbursement_rate(self) -> Decimal | None:
        return rate(self.disbursed_usd, self.committed_usd)


def figures(transactions: QuerySet) -> Figures:
    sums = transactions.aggregate(
        committed_vnd=Sum("value_vnd", filter=Q(type_code__in=COMMITTED_TYPES)),
        committed_usd=Sum("value_usd", filter=Q(type_code__in=COMMITTED_TYPES)),
        disbursed_vnd=Sum("value_vnd", filter=Q(type_code__in=DISBURSED_TYPES)),
        disbursed_usd=Sum("value_usd", filter=Q(type_code__in=DISBURSED_TYPES)),
    )
    unconverted = transactions.filter(
        type_code__in=(*COMMITTED_TYPES, *DISBURSED_TYPES), value_vnd__isnull=True
    ).count()
    return Figures(**{k: money(v or Decimal(0)) for k, v in sums.items()}, unconverted=unconverted)


def project_figures(project: Project) -> Figures:
    return figures(Transaction.objects.filter(project=project))


def descendant_ids(project: Project) -> set[int]:
    """The project and every project below it (a programme's projects, theirs, ...)."""
    ids, frontier = {project.pk}, [project.pk]
    while frontier:
        frontier = list(Project.objects.filter(parent_id__in=frontier).exclude(pk__in=ids).values_list("pk", flat=True))
        ids.update(frontier)
    return ids


def programme_figures(project: Project) -> Figures | None:
    """Figures of a programme with all its projects; None for a project without children."""
    ids = descendant_ids(project)
    if len(ids) == 1:
        return None
    return figures(Transaction.objects.filter(project_id__in=ids))


def totals(projects: QuerySet) -> Figures:
    """Figures of a filtered set of projects (each transaction once)."""
    ids = projects.order_by().values("pk")
    return figures(Transaction.objects.filter(project_id__in=ids))


def transaction_list(
    user,
    *,
    project: int | None = None,
    type: str = "",
    currency: str = "",
    year: int | None = None,
    date_from: datetime.date | None = None,
    date_to: datetime.date | None = None,
) -> QuerySet:
    queryset = visible(user, Transaction.objects.select_related("project"))
    if project:
        queryset = queryset.filter(project_id=project)
    if type:
        queryset = queryset.filter(type_code=TRANSACTION_CODES.get(type, type))
    if currency:
        queryset = queryset.filter(currency=currency.upper())
    if year:
        queryset = queryset.filter(date__year=year)
    if date_from:
        queryset = queryset.filter(date__gte=date_from)
    if date_to:
        queryset = queryset.filter(date__lte=date_to)
    return queryset.order_by("-date", "-pk")
