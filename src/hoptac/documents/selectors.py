from django.db.models import Count, Q, QuerySet

from hoptac.documents.models import Document
from hoptac.org.permissions import visible

SORTS = {
    "title": ("title",),
    "-title": ("-title",),
    "published": ("published_on", "pk"),
    "-published": ("-published_on", "-pk"),
    "added": ("created_at",),
    "-added": ("-created_at",),
    "kind": ("kind", "-published_on"),
    "-kind": ("-kind", "-published_on"),
}


def document_list(
    user,
    *,
    q: str = "",
    kind: str = "",
    language: str = "",
    owner_unit: int | None = None,
    year: int | None = None,
    partner: int | None = None,
    sort: str = "",
) -> QuerySet:
    queryset = visible(user, Document.objects.select_related("owner_unit")).defer("text")
    if kind:
        queryset = queryset.filter(kind=kind)
    if language:
        queryset = queryset.filter(language=language)
    if owner_unit:
        queryset = queryset.filter(owner_unit_id=owner_unit)
    if year:
        queryset = queryset.filter(published_on__year=year)
    if partner:
        queryset = queryset.filter(mentions__partner_id=partner).exclude(mentions__status="rejected").distinct()
    queryset = queryset.annotate(
        mention_count=Count("mentions", filter=Q(mentions__status__in=["proposed", "accepted"]))
    )
    if q:
        from hoptac.search.engine import search

        hits, _, _ = search(user, q, types=["document"], limit=10_000)
        ids = [h.id for h in hits]
        queryset = queryset.filter(pk__in=ids)
        if not sort:
            order = {pk: i for i, pk in enumerate(ids)}
            return sorted(queryset, key=lambda d: order[d.pk])  # type: ignore[return-value]
    return queryset.order_by(*SORTS.get(sort, ("-published_on", "-created_at")), "pk")


def documents_mentioning(partner_id: int, user) -> QuerySet:
    """Documents with a mention linked to this partner (not rejected): 'records list the documents
    that mention them'."""
    return (
        visible(user, Document.objects.all())
        .filter(mentions__partner_id=partner_id)
        .exclude(mentions__status="rejected")
        .distinct()
        .defer("text")
        .order_by("-published_on", "-pk")
    )
