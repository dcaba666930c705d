"""Keeping the search index current: called by services after commit, and by `hoptac reindex`."""

from collections.abc import Callable, Iterable
from itertools import islice

from django.db import transaction

from hoptac.search import registry
from hoptac.search.backends import backend
from hoptac.search.query import index_words


def _entry_model():
    from hoptac.documents.models import SearchEntry

    return SearchEntry


def _fields(indexed: registry.Indexed) -> dict:
    """A SearchEntry's values for what a record's describe() says of it."""
    return {
        "title": indexed.title[:500],
        "text": indexed.text,
        "url": indexed.url,
        "language": indexed.language or "",
        "year": indexed.year,
        "partner_ids": list(indexed.partner_ids),
        "field_ids": list(indexed.field_ids),
        "folded_title": index_words(indexed.title),
        "folded_body": index_words(indexed.text),
    }


def index_object(obj, entry: registry.Entry | None = None) -> None:
    """(Re)index one record; a record type without a registry entry is ignored."""
    entry = entry or registry.entry_for_model(type(obj))
    if entry is None:
        return
    SearchEntry = _entry_model()
    engine = backend()
    with transaction.atomic():
        row, _ = SearchEntry.objects.update_or_create(
            type=entry.type, obj_id=obj.pk, defaults=_fields(entry.describe(obj))
        )
        if engine.in_database:
            engine.write(row)
    if not engine.in_database:
        engine.write(row)  # after the row is saved; a failure is logged and reindex repairs it


def index_many(
    entry: registry.Entry, pks: Iterable[int], batch: int = 500, progress: Callable[[int], None] | None = None
) -> int:
    """(Re)index many records of one type (an import's), `batch` at a time: each batch read with
    its related rows in a few queries, its entries replaced and the index written in one
    transaction (index_object per record costs a transaction and several queries each).
    `progress(done)` is called after each batch. Returns how many were indexed."""
    SearchEntry = _entry_model()
    engine = backend()
    done = 0
    pks = iter(pks)
    while chunk := list(islice(pks, batch)):
        rows = _entries(entry, entry.queryset().filter(pk__in=chunk))
        with transaction.atomic():
            stale = SearchEntry.objects.filter(type=entry.type, obj_id__in=chunk)
            old = list(stale.values_list("pk", flat=True))
            if engine.in_database:
                engine.remove(old)
            stale.delete()
            _insert(rows)
            if engine.in_database:
                engine.write_many(rows)
        if not engine.in_database:
            with engine.bulk():  # after the rows are saved, as index_object does
                engine.remove(old)
                engine.write_many(rows)
        done += len(rows)
        if progress:
            progress(done)
    return done


def _entries(entry: registry.Entry, objs: Iterable) -> list:
    """Unsaved SearchEntry rows for what the records' describe() says of them."""
    SearchEntry = _entry_model()
    return [SearchEntry(type=entry.type, obj_id=obj.pk, **_fields(entry.describe(obj))) for obj in objs]


def _insert(rows: list) -> list:
    """Entries of one type inserted together, each given its id (the index is keyed by it).
    Django sets the ids only where the database returns them from a bulk insert (SQLite 3.35 on,
    PostgreSQL); otherwise they are read back."""
    SearchEntry = _entry_model()
    rows = SearchEntry.objects.bulk_create(rows)
    if rows and rows[0].pk is None:
        obj_ids = [row.obj_id for row in rows]
        ids = dict(SearchEntry.objects.filter(type=rows[0].type, obj_id__in=obj_ids).values_list("obj_id", "pk"))
        for row in rows:
            row.pk = ids[row.obj_id]
    return rows


def unindex(type_name: str, pk: int) -> None:
    SearchEntry = _entry_model()
    engine = backend()
    with transaction.atomic():
        ids = list(SearchEntry.objects.filter(type=type_name, obj_id=pk).values_list("pk", flat=True))
        if engine.in_database:
            engine.remove(ids)
        SearchEntry.objects.filter(pk__in=ids).delete()
    if not engine.in_database:
        engine.remove(ids)


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
    """Rebuild the index for the given record types (default: all), from the database.

    An index in the database is rebuilt in each type's transaction. An index outside it (tantivy)
    is rebuilt after the rows are committed, in one writer commit: cleared (or the named types'
    old entries removed) and every new entry written, so searches see the old index until then."""
    SearchEntry = _entry_model()
    wanted = set(types) if types else None
    counts: dict[str, int] = {}
    engine = backend()
    removed: list[int] = []
    for entry in registry.entries():
        if wanted is not None and entry.type not in wanted:
            continue
        with transaction.atomic():
            old = list(SearchEntry.objects.filter(type=entry.type).values_list("pk", flat=True))
            if engine.in_database:
                engine.remove(old)
            removed += old
            SearchEntry.objects.filter(type=entry.type).delete()
            qs = entry.queryset().order_by("pk")
            total = qs.count()
            done = 0
            objs = qs.iterator(chunk_size=batch)
            # `batch` records at a time, their entries inserted together (the old ones are gone):
            # one update_or_create per record took four times as long.
            while chunk := list(islice(objs, batch)):
                rows = _insert(_entries(entry, chunk))
                if engine.in_database:
                    engine.write_many(rows)
                done += len(rows)
                if progress:
                    progress(entry.type, done, total)
            counts[entry.type] = done
    if not engine.in_database:
        rows = SearchEntry.objects.all() if wanted is None else SearchEntry.objects.filter(type__in=counts)
        with engine.bulk():
            if wanted is None:
                engine.clear()
            else:
                engine.remove(removed)
            engine.write_many(rows.defer("title", "text", "url").order_by("pk").iterator(chunk_size=batch))
    return counts
