"""Keeping the search index current: called by services after commit, and by `hoptac reindex`."""

from collections.abc import Callable, Iterable

from django.db import transaction

from hoptac.search import registry
from hoptac.search.backends import backend
from hoptac.search.query import index_words


def _entry_model():
    from hoptac.documents.models import SearchEntry

    return SearchEntry


def index_object(obj, entry: registry.Entry | None = None) -> None:
    """(Re)index one record; a record type without a registry entry is ignored."""
    entry = entry or registry.entry_for_model(type(obj))
    if entry is None:
        return
    indexed = entry.describe(obj)
    SearchEntry = _entry_model()
    folded_title = index_words(indexed.title)
    folded_body = index_words(indexed.text)
    with transaction.atomic():
        row, _ = SearchEntry.objects.update_or_create(
            type=entry.type,
            obj_id=obj.pk,
            defaults={
                "title": indexed.title[:500],
                "text": indexed.text,
                "url": indexed.url,
                "language": indexed.language or "",
                "year": indexed.year,
                "partner_ids": list(indexed.partner_ids),
                "field_ids": list(indexed.field_ids),
                "folded_title": folded_title,
                "folded_body": folded_body,
            },
        )
        backend().write(row.pk, folded_title, folded_body)


def unindex(type_name: str, pk: int) -> None:
    SearchEntry = _entry_model()
    with transaction.atomic():
        ids = list(SearchEntry.objects.filter(type=type_name, obj_id=pk).values_list("pk", flat=True))
        backend().remove(ids)
        SearchEntry.objects.filter(pk__in=ids).delete()


def index_after_commit(obj) -> None:
    """Call from a service inside its transaction: the index follows once the data is committed."""
    model, pk = type(obj), obj.pk

    def run():
        fresh = model._default_manager.filter(pk=pk).first()
        if fresh is not None:
            index_object(fresh)

    transaction.on_commit(run)


def unindex_after_commit(type_name: str, pk: int) -> None:
    transaction.on_commit(lambda: unindex(type_name, pk))


def reindex(
    types: Iterable[str] | None = None, progress: Callable[[str, int, int], None] | None = None, batch: int = 500
) -> dict[str, int]:
    """Rebuild the index for the given record types (default: all), from the database."""
    SearchEntry = _entry_model()
    wanted = set(types) if types else None
    counts: dict[str, int] = {}
    engine = backend()
    for entry in registry.entries():
        if wanted is not None and entry.type not in wanted:
            continue
        with transaction.atomic():
            old = list(SearchEntry.objects.filter(type=entry.type).values_list("pk", flat=True))
            engine.remove(old)
            SearchEntry.objects.filter(type=entry.type).delete()
            qs = entry.queryset().order_by("pk")
            total = qs.count()
            done = 0
            for obj in qs.iterator(chunk_size=batch):
                index_object(obj, entry)
                done += 1
                if progress and (done % batch == 0 or done == total):
                    progress(entry.type, done, total)
            counts[entry.type] = done
    return counts
