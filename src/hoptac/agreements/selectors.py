"""Reads of agreements: one filtered, sorted queryset for the list page, the API, exports,
and later the dashboard and reports. Filters are plain keyword arguments."""

import datetime

from django.db.models import Q, QuerySet
from django.utils import timezone

from hoptac.agreements.models import Agreement, ImplementationActivity, State
from hoptac.org.permissions import visible
from hoptac.search.folding import fold_words

SORTS = {
    "signed": ("signed_on", "title_vi"),
    "-signed": ("-signed_on", "title_vi"),
    "title": ("title_vi",),
    "-title": ("-title_vi",),
    "kind": ("kind", "title_vi"),
    "-kind": ("-kind", "title_vi"),
    "status": ("status", "title_vi"),
    "-status": ("-status", "title_vi"),
    "valid_until": ("valid_until", "title_vi"),
    "-valid_until": ("-valid_until", "title_vi"),
    "updated": ("updated_at",),
    "-updated": ("-updated_at",),
}

ACTIVE_STATUSES = (Agreement.Status.SIGNED, Agreement.Status.IN_FORCE)


def _state_q(state: str, today: datetime.date, expiring_days: int) -> Q:
    """Rows whose derived state on `today` may be `state` (automatically renewed agreements
    are settled in Python afterwards, since their term rolls over)."""
    S = Agreement.Status
    started = Q(status__in=ACTIVE_STATUSES, in_force_from__lte=today)
    if state == State.ENDED:
        return Q(status__in=(S.TERMINATED, S.SUPERSEDED))
    if state == State.SUSPENDED:
        return Q(status=S.SUSPENDED)
    if state == State.NOT_IN_FORCE:
        return ~Q(status__in=(*ACTIVE_STATUSES, S.TERMINATED, S.SUPERSEDED, S.SUSPENDED, S.EXPIRED)) | Q(
            status__in=ACTIVE_STATUSES
        ) & (Q(in_force_from__isnull=True) | Q(in_force_from__gt=today))
    if state == State.EXPIRED:
        return Q(status=S.EXPIRED) | started & Q(valid_until__lt=today)
    horizon = today + datetime.timedelta(days=expiring_days)
    if state == State.EXPIRING:
        return started & (Q(valid_until__gte=today, valid_until__lte=horizon) | Q(automatic_renewal=True))
    if state == State.IN_FORCE:  # in force, expiring ones included
        return started & (Q(valid_until__isnull=True) | Q(valid_until__gte=today) | Q(automatic_renewal=True))
    return Q()


def agreement_list(
    user,
    *,
    q: str = "",
    partner: int | None = None,
    country: str = "",
    kind: str = "",
    level: str = "",
    status: str = "",
    field: int | None = None,
    unit: int | None = None,
    year: int | None = None,
    state: str = "",
    today: datetime.date | None = None,
    expiring_days: int = 90,
    sort: str = "",
) -> QuerySet:
    """Visible agreements matching every given filter. `partner` includes its child
    organisations; `country` (alpha-2) matches a foreign party of that country or the
    country itself; `state` is the derived state on `today`."""
    queryset = visible(user, Agreement.objects.select_related("owner_unit", "signed_at_country"))
    if q:
        for word in fold_words(q):
            queryset = queryset.filter(search_text__contains=" " + word)
    if partner:
        from hoptac.partners.models import Partner
        from hoptac.partners.timeline import family_ids

        family = family_ids(Partner(pk=partner))
        queryset = queryset.filter(pk__in=Agreement.objects.filter(parties__in=family).values("pk"))
    if country:
        code = country.upper()
        queryset = queryset.filter(
            pk__in=Agreement.objects.filter(Q(parties__country_id=code) | Q(parties__parent__country_id=code)).values(
                "pk"
            )
        )
    if kind:
        queryset = queryset.filter(kind=kind)
    if level:
        queryset = queryset.filter(level=level)
    if status:
        queryset = queryset.filter(status=status)
    if field:
        queryset = queryset.filter(pk__in=Agreement.objects.filter(fields__pk=field).values("pk"))
    if unit:
        queryset = queryset.filter(
            pk__in=Agreement.objects.filter(Q(owner_unit_id=unit) | Q(vietnamese_parties__pk=unit)).values("pk")
        )
    if year:
        queryset = queryset.filter(signed_on__year=year)
    if state:
        day = today or timezone.localdate()
        queryset = queryset.filter(_state_q(state, day, expiring_days))
        renewing = [
            a.pk
            for a in queryset.filter(automatic_renewal=True)
            if a.state_on(day, expiring_days) != state
            and not (state == State.IN_FORCE and a.state_on(day, expiring_days) == State.EXPIRING)
        ]
        if renewing:
            queryset = queryset.exclude(pk__in=renewing)
    order = SORTS.get(sort) or ("-signed_on", "title_vi")
    return queryset.order_by(*order, "pk")


def signed_years(user) -> list[int]:
    dates = visible(user, Agreement.objects.filter(signed_on__isnull=False)).dates("signed_on", "year", order="DESC")
    return [d.year for d in dates]


def overdue_activities(today: datetime.date) -> QuerySet:
    return ImplementationActivity.objects.filter(
        status__in=ImplementationActivity.OPEN, due_date__lt=today
    ).select_related("agreement", "owner_unit")


# ---- for the dashboard and periodic reports -------------------------------------------------


def agreements_signed_between(
    user,
    *,
    date_from: datetime.date,
    date_to: datetime.date,
    unit: int | None = None,
    partner: int | None = None,
    field: int | None = None,
) -> QuerySet:
    """Visible agreements signed in the period (both days included), with the usual filters."""
    return agreement_list(user, unit=unit, partner=partner, field=field).filter(
        signed_on__gte=date_from, signed_on__lte=date_to
    )


def agreements_in_force_during(
    user, *, date_from: datetime.date, date_to: datetime.date, unit: int | None = None, partner: int | None = None
) -> QuerySet:
    """Visible agreements signed or in force whose first term overlaps the period (automatically
    renewed ones count while their status says they run)."""
    return agreement_list(user, unit=unit, partner=partner).filter(
        Q(status__in=(*ACTIVE_STATUSES, Agreement.Status.SUSPENDED, Agreement.Status.EXPIRED)),
        Q(in_force_from__lte=date_to),
        Q(valid_until__isnull=True) | Q(valid_until__gte=date_from) | Q(automatic_renewal=True),
    )


def state_counts(queryset: QuerySet, today: datetime.date, expiring_days: int = 90) -> dict[str, int]:
    """How many agreements of `queryset` are in each derived state on `today`."""
    counts = dict.fromkeys(State.values, 0)
    for agreement in queryset.order_by():
        counts[agreement.state_on(today, expiring_days)] += 1
    return counts


def agreement_countries(queryset: QuerySet) -> list[tuple[int, str]]:
    """(agreement id, ISO alpha-2) for each country among an agreement's foreign parties: the
    party's own country, or its parent's (an agency under its country)."""
    pairs = set()
    rows = (
        Agreement.objects.filter(pk__in=queryset.values("pk"))
        .values_list("pk", "parties__country_id", "parties__parent__country_id")
        .order_by()
    )
    for pk, own, parent in rows:
        if own or parent:
            pairs.add((pk, own or parent))
    return sorted(pairs)
