import datetime

from django.db.models import Case, CharField, IntegerField, OuterRef, Q, QuerySet, Subquery, Value, When
from django.utils import timezone

from hoptac.org.permissions import visible
from hoptac.partners.models import LEVEL_RANK, Level, Partner, PartnershipLevel, StatedCount
from hoptac.search.folding import fold, fold_words

SORTS = {
    "name": ("name_vi",),
    "-name": ("-name_vi",),
    "name_en": ("name_en",),
    "-name_en": ("-name_en",),
    "kind": ("kind", "name_vi"),
    "-kind": ("-kind", "name_vi"),
    "country": ("country__name_vi", "name_vi"),
    "-country": ("-country__name_vi", "name_vi"),
    "level": ("level_rank", "name_vi"),
    "-level": ("-level_rank", "name_vi"),
    "updated": ("updated_at",),
    "-updated": ("-updated_at",),
}


def _rank_expression():
    return Case(
        *[When(level=level, then=Value(rank)) for level, rank in LEVEL_RANK.items()],
        output_field=IntegerField(),
    )


def with_level(queryset: QuerySet, as_of: datetime.date | None = None) -> QuerySet:
    """Annotate each partner with the level it held on `as_of` (default today) and its rank."""
    day = as_of or timezone.localdate()
    held = (
        PartnershipLevel.objects.filter(partner=OuterRef("pk"), since__lte=day)
        .annotate(rank=_rank_expression())
        .order_by("-rank", "-since")
    )
    return queryset.annotate(
        level_at=Subquery(held.values("level")[:1], output_field=CharField()),
        level_rank=Subquery(held.values("rank")[:1], output_field=IntegerField()),
    )


def search(queryset: QuerySet, q: str) -> QuerySet:
    """Every word of `q` must start a word of the partner's folded names, acronym or aliases;
    an exact name or acronym comes first."""
    words = fold_words(q)
    if not words:
        return queryset
    for word in words:
        queryset = queryset.filter(search_text__contains=" " + word)
    exact = " ".join(words)
    return queryset.annotate(
        exact=Case(
            When(search_text__contains=f"|{exact}|", then=Value(0)),
            When(search_text__contains=f"|{exact}", then=Value(1)),
            default=Value(2),
            output_field=IntegerField(),
        )
    )


def partner_list(
    user,
    *,
    q: str = "",
    kind: str = "",
    country: str = "",
    level: str = "",
    as_of: datetime.date | None = None,
    parent: int | None = None,
    sort: str = "",
) -> QuerySet:
    queryset = visible(user, Partner.objects.select_related("country", "parent"))
    queryset = with_level(queryset, as_of)
    if kind:
        queryset = queryset.filter(kind=kind)
    if country:
        queryset = queryset.filter(country__iso2=country.upper())
    if parent:
        queryset = queryset.filter(parent_id=parent)
    if level == "none":
        queryset = queryset.filter(level_at__isnull=True)
    elif level:
        queryset = queryset.filter(level_at=level)
    order = list(SORTS.get(sort, ()))
    if fold_words(q):  # "!" or an emoji folds to no word: no search, and no "exact" to order by
        queryset = search(queryset, q)
        order = ["exact", *order] if not sort else order
    return queryset.order_by(*(order or ["name_vi"]), "pk")


def level_counts(as_of: datetime.date | None = None) -> dict[str, int]:
    """How many countries held each level on `as_of`, counted from the itemised, sourced rows."""
    day = as_of or timezone.localdate()
    rows = with_level(Partner.objects.filter(levels__since__lte=day).distinct(), day).values_list("level_at", flat=True)
    counts = {level.value: 0 for level in Level}
    for value in rows:
        if value:
            counts[value] += 1
    return counts


def stated_counts(as_of: datetime.date | None = None) -> list[dict]:
    """Totals that sources state, grouped by source, newest first, up to `as_of`."""
    queryset = StatedCount.objects.all()
    if as_of:
        queryset = queryset.filter(as_of__lte=as_of)
    groups: dict[tuple, dict] = {}
    for row in queryset.order_by("-as_of", "source_title"):
        group = groups.setdefault(
            (row.as_of, row.source_title),
            {"as_of": row.as_of, "source_title": row.source_title, "source_url": row.source_url, "values": {}},
        )
        group["values"][row.subject] = row.value
    return list(groups.values())


def possible_duplicates(
    *, name_vi: str = "", name_en: str = "", acronym: str = "", exclude_pk: int | None = None
) -> QuerySet:
    """Partners whose folded name or acronym equals one of the given ones."""
    keys = {fold(" ".join(fold_words(v))) for v in (name_vi, name_en, acronym) if v and v.strip()}
    if not keys:
        return Partner.objects.none()
    q = Q()
    for key in keys:
        q |= Q(search_text__contains=f"|{key}|")
    queryset = Partner.objects.filter(q)
    if exclude_pk:
        queryset = queryset.exclude(pk=exclude_pk)
    return queryset.order_by("name_vi")[:10]
