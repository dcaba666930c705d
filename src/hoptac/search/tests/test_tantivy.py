"""The tantivy backend (HOPTAC_SEARCH_BACKEND=tantivy), each test on its own index folder."""

import logging
import random
import threading
import time

import pytest
from django.db import connection

from hoptac.documents import services
from hoptac.documents.models import SearchEntry
from hoptac.partners.models import Partner
from hoptac.search import tantivy_backend
from hoptac.search.backends import SQLiteFTS5, backend
from hoptac.search.engine import search
from hoptac.search.index import index_object, reindex
from hoptac.search.query import index_words
from hoptac.search.tantivy_backend import Tantivy

pytestmark = pytest.mark.django_db

# The comparisons below read the FTS5 table, which exists on SQLite only; on PostgreSQL the
# rest of this module still runs tantivy against the same rows.
needs_fts5 = pytest.mark.skipif(connection.vendor != "sqlite", reason="compares with SQLite FTS5")


@pytest.fixture
def use_tantivy(settings, tmp_path):
    settings.HOPTAC_SEARCH_BACKEND = "tantivy"
    settings.HOPTAC_SEARCH_INDEX_DIR = tmp_path / "index"
    engine = backend()
    assert isinstance(engine, Tantivy) and engine.directory == tmp_path / "index"
    return engine


def _copy_rows_into(engine):
    """The same SearchEntry rows as the FTS5 table holds, written to tantivy (as bench/search.py does)."""
    with engine.bulk():
        engine.clear()
        engine.write_many(SearchEntry.objects.order_by("pk"))


def _everything(user, q, **filters):
    hits, count, facets = search(user, q, limit=100, **filters)
    return {(h.type, h.id) for h in hits}, int(count), facets


SAME_AS_FTS5 = [
    "hop tac quoc te",  # folding
    "Hợp tác Quốc tế",
    "Vu Chien Thang",
    "Da Nang",
    '"special mechanisms"',  # phrase
    '"women un"',
    "Kasbar",  # prefix
    "franc",
    "UN Wom",  # a short prefix: looked up in the indexed word starts
    "hop t",
    "quoc t",
    "153/NQ-CP",  # document numbers
    "59-NQ/TW",
    "06/2020/QĐ-TTg",
    "international",
    "cooperation ministry",
]


@needs_fts5
@pytest.mark.parametrize("q", SAME_AS_FTS5)
def test_same_hits_counts_and_facets_as_fts5(seeds, viewer, settings, tmp_path, q):
    fts5 = _everything(viewer, q)
    assert backend().name == "sqlite-fts5"
    settings.HOPTAC_SEARCH_BACKEND = "tantivy"
    settings.HOPTAC_SEARCH_INDEX_DIR = tmp_path / "index"
    _copy_rows_into(backend())
    found = _everything(viewer, q)
    assert found == fts5
    assert not search(viewer, q)[1].estimated


@pytest.mark.parametrize(
    "q, seed", [("hop tac quoc te", "002"), ("153/NQ-CP", "003"), ("UN Women", "000"), ("Kasbarian", "001")]
)
def test_the_right_seed_article_comes_first(seeds, viewer, use_tantivy, q, seed):
    reindex()
    hits, count, _ = search(viewer, q)
    assert (hits[0].type, hits[0].id) == ("document", seeds[seed].pk)


def test_documents_rank_before_records_and_pages_continue_across_the_groups(seeds, viewer, use_tantivy):
    reindex()
    hits, count, facets = search(viewer, "viet nam", limit=100)
    types = [h.type for h in hits]
    assert "document" in types and "partner" in types
    assert types == sorted(types, key=lambda t: t != "document")  # every document before any record
    assert count == len(hits)
    pages = [h for offset in range(0, count, 3) for h in search(viewer, "viet nam", limit=3, offset=offset)[0]]
    assert [(h.type, h.id) for h in pages] == [(h.type, h.id) for h in hits]


def test_the_title_weighs_more_than_the_body(viewer, use_tantivy):
    in_title = SearchEntry.objects.create(
        type="document", obj_id=1, title="Mekong", url="/1/", folded_title="mekong", folded_body="a river report"
    )
    in_body = SearchEntry.objects.create(
        type="document", obj_id=2, title="Report", url="/2/", folded_title="report", folded_body="mekong a river"
    )
    use_tantivy.write_many([in_body, in_title])
    assert [h.id for h in search(viewer, "mekong")[0]] == [1, 2]


def _corpus(n: int, seed: int = 7) -> list[SearchEntry]:
    """n entries: every one says "common"; about half "half"; languages, years, partners and fields
    drawn at random with known odds."""
    rng = random.Random(seed)
    rows = []
    for i in range(n):
        words = ["common", rng.choice(["alpha", "beta", "gamma"])]
        if rng.random() < 0.5:
            words.append("half")
        rows.append(
            SearchEntry(
                type=rng.choice(["document", "document", "document", "partner"]),
                obj_id=i + 1,
                title=f"Entry {i}",
                url=f"/e/{i}/",
                language=rng.choice(["vi", "en"]),
                year=rng.choice([2023, 2024, 2025]),
                partner_ids=rng.sample([1, 2, 3, 4], rng.randint(0, 2)),
                field_ids=[rng.choice([10, 11])],
                folded_title=index_words(f"entry {i}"),
                folded_body=" ".join(words),
            )  # fmt: skip
        )
    created = SearchEntry.objects.bulk_create(rows)
    if created[0].pk is None:  # an old SQLite does not return the new ids
        ids = list(SearchEntry.objects.order_by("pk").values_list("pk", flat=True))
        for entry, pk in zip(created, ids, strict=True):
            entry.pk = pk
    return created


@needs_fts5
def test_filters_and_facets_match_fts5_on_a_generated_corpus(viewer, settings, tmp_path):
    entries = _corpus(600)
    SQLiteFTS5().write_many(entries)
    fts5 = {
        "all": _everything(viewer, "common half"),
        "vi 2024": _everything(viewer, "common", language="vi", year=2024),
        "partner 3": _everything(viewer, "alpha", partner=3),
        "field 11 partner": _everything(viewer, "half", field=11, types=["partner"]),
    }
    settings.HOPTAC_SEARCH_BACKEND = "tantivy"
    settings.HOPTAC_SEARCH_INDEX_DIR = tmp_path / "index"
    backend().write_many(entries)
    assert fts5["all"][1] > 200 and fts5["partner 3"][1] > 20 and fts5["field 11 partner"][1] > 10
    assert {name: v[1:] for name, v in fts5.items()} == {
        "all": _everything(viewer, "common half")[1:],
        "vi 2024": _everything(viewer, "common", language="vi", year=2024)[1:],
        "partner 3": _everything(viewer, "alpha", partner=3)[1:],
        "field 11 partner": _everything(viewer, "half", field=11, types=["partner"])[1:],
    }
    assert _everything(viewer, "alpha", partner=3)[0] == fts5["partner 3"][0]  # all 100 fit on the page


def test_large_results_are_estimated_within_tolerance(viewer, use_tantivy, monkeypatch):
    # The thresholds scaled with the corpus: 6,000 entries stand for a million, the sample holds a
    # quarter of them (1/16 in the application) so that it holds as many matches as at full size.
    monkeypatch.setattr(tantivy_backend, "EXACT_UP_TO", 1_000)
    monkeypatch.setattr(tantivy_backend, "SAMPLE_BUCKETS", 16)
    entries = _corpus(6_000)
    use_tantivy.write_many(entries)
    exact = {
        "count": len(entries),
        "half": sum("half" in e.folded_body for e in entries),
        "vi": sum(e.language == "vi" for e in entries),
        "partner": sum(e.type == "partner" for e in entries),
        "field 10": sum(10 in e.field_ids for e in entries),
    }
    hits, count, facets = search(viewer, "common")
    assert count.estimated and len(hits) == 20
    estimates = {
        "count": count,
        "half": search(viewer, "common half")[1],
        "vi": dict(facets["language"])["vi"],
        "partner": dict(facets["type"])["partner"],
        "field 10": dict(facets["field"])[10],
    }
    # Stated tolerance: 10 % with ~1,500 matches in the sample (at least 1,250 in the application).
    for name, value in estimates.items():
        assert abs(value - exact[name]) <= 0.10 * exact[name], (name, value, exact[name])
    n = search(viewer, "common alpha", partner=4, year=2023)[1]  # well under the threshold: exact
    assert not n.estimated and n == sum(
        "alpha" in e.folded_body and 4 in e.partner_ids and e.year == 2023 for e in entries
    )


def test_the_page_and_the_api_say_when_counts_are_estimated(
    viewer, use_tantivy, monkeypatch, logged_in, api, english_messages
):
    monkeypatch.setattr(tantivy_backend, "EXACT_UP_TO", 1_000)
    monkeypatch.setattr(tantivy_backend, "SAMPLE_BUCKETS", 16)
    use_tantivy.write_many(_corpus(6_000))
    body = api(viewer).get("/api/v1/search?q=common").json()
    assert body["count_estimated"] is True and len(body["items"]) == 20
    html = logged_in(viewer).get("/search/?q=common").content.decode()
    assert f"about {body['count']:,} results".replace(",", "") in html.replace(",", "").replace(".", "")
    assert "(estimated)" in html
    # Few matches: exact, said plainly.
    body = api(viewer).get("/api/v1/search?q=common alpha&partner=4&year=2023").json()
    assert body["count_estimated"] is False
    html = logged_in(viewer).get("/search/?q=common+alpha&partner=4&year=2023").content.decode()
    assert "about" not in html.split('data-testid="result-count"')[1][:80]
    assert f"{body['count']} result" in html


def test_the_index_follows_saves_and_deletes(editor, use_tantivy, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        doc = services.document_create_from_text(user=editor, title="Biên bản", text="Làm việc với tỉnh Quảng Ninh")
    assert search(editor, "quang ninh")[1] == 1
    with django_capture_on_commit_callbacks(execute=True):
        services.document_update(doc, user=editor, version=doc.version, title="Biên bản Hạ Long")
    assert search(editor, "ha long")[1] == 1 and search(editor, "bien ban")[1] == 1  # replaced, not added
    with django_capture_on_commit_callbacks(execute=True):
        services.document_delete(doc, user=editor)
    assert search(editor, "quang ninh")[1] == 0


def test_reindex_rebuilds_everything_or_the_named_types(seeds, viewer, use_tantivy):
    assert search(viewer, "Kasbarian")[1] == 0  # seeds were indexed before tantivy was chosen
    counts = reindex()
    assert counts["document"] == 5 and counts["partner"] == Partner.objects.count()
    assert search(viewer, "Kasbarian")[1] == 1 and search(viewer, "franc", types=["partner"])[1] >= 1
    use_tantivy.clear()
    reindex(["partner"])
    assert search(viewer, "Kasbarian")[1] == 0 and search(viewer, "franc", types=["partner"])[1] >= 1
    reindex(["document"])
    assert search(viewer, "Kasbarian")[1] == 1


def test_another_process_sees_a_write_and_waits_for_the_lock(viewer, use_tantivy):
    other = Tantivy(use_tantivy.directory)  # what a second application server opens
    assert other is not use_tantivy and other.index is not use_tantivy.index
    first = SearchEntry.objects.create(type="document", obj_id=1, title="x", url="/1/", folded_body="haiphong")
    use_tantivy.write(first)
    assert other.searcher().search(other.text_query([_word("haiphong")]), 5).count == 1
    second = SearchEntry.objects.create(type="document", obj_id=2, title="y", url="/2/", folded_body="haiphong port")
    done = []
    with use_tantivy.bulk():  # holds the writer lock, as a reindex in another process would
        waiting = threading.Thread(target=lambda: (other.write(second), done.append(True)))
        waiting.start()
        time.sleep(0.3)
        assert not done  # the other writer is waiting for the lock, not failing
    waiting.join(timeout=tantivy_backend.LOCK_WAIT_SECONDS)
    assert done
    assert search(viewer, "haiphong")[1] == 2  # this process sees the other's commit


def _word(w):
    from hoptac.search.query import Term

    return Term((w,))


def test_a_failed_index_write_keeps_the_database_write(editor, use_tantivy, monkeypatch, caplog):
    def locked(self, heap):
        raise ValueError("Failed to acquire Lockfile: LockBusy.")

    monkeypatch.setattr(Tantivy, "_acquire", locked)
    with caplog.at_level(logging.ERROR, logger="hoptac.search.tantivy_backend"):
        doc = services.document_create_from_text(user=editor, title="Biên bản", text="Cảng Hải Phòng")
        index_object(doc)
    assert SearchEntry.objects.filter(type="document", obj_id=doc.pk).exists()
    assert "run `hoptac reindex`" in caplog.text
    assert search(editor, "hai phong")[1] == 0
    monkeypatch.undo()
    reindex(["document"])
    assert search(editor, "hai phong")[1] == 1


def test_a_stale_index_entry_is_left_out(viewer, use_tantivy):
    entry = SearchEntry.objects.create(type="document", obj_id=1, title="x", url="/1/", folded_body="vinh")
    use_tantivy.write(entry)
    SearchEntry.objects.filter(pk=entry.pk).delete()  # the database moved on, the index did not
    assert search(viewer, "vinh")[0] == []


def test_contributors_go_through_match_rows(seeds, contributor, viewer, use_tantivy):
    reindex()
    result = search(contributor, "international")
    assert result[1:] == search(viewer, "international")[1:]
    assert {h.id for h in result[0]} == {h.id for h in search(viewer, "international")[0]}


def test_an_unknown_backend_name_is_refused(settings):
    from django.core.exceptions import ImproperlyConfigured

    settings.HOPTAC_SEARCH_BACKEND = "elastic"
    with pytest.raises(ImproperlyConfigured):
        backend()


def test_title_first_ranking_gives_the_same_page_as_ranking_every_match(use_tantivy):
    from hoptac.search.query import parse

    rng = random.Random(3)
    vocabulary = ["hop", "tac", "quoc", "te", "bo", "noi", "vu", "da", "nang", "ha", "noi", "asean"]
    entries = SearchEntry.objects.bulk_create(
        SearchEntry(
            type="document",
            obj_id=i,
            title=str(i),
            url=f"/{i}/",
            folded_title=" ".join(rng.choices(vocabulary, k=rng.randint(1, 3))),
            folded_body=" ".join(rng.choices(vocabulary, k=rng.randint(5, 40))),
        )  # fmt: skip
        for i in range(1, 1501)
    )
    if entries[0].pk is None:
        for entry, pk in zip(entries, SearchEntry.objects.order_by("pk").values_list("pk", flat=True), strict=True):
            entry.pk = pk
    use_tantivy.write_many(entries)
    searcher = use_tantivy.searcher()
    searches = []
    top = use_tantivy._top
    use_tantivy._top = lambda *args: searches.append(args) or top(*args)
    answered_from_titles = 0
    for q in ["hop", "hop tac", '"quoc te"', "bo noi v", "asean da nang", '"te bo noi"', "t"]:
        terms = parse(q)
        query = use_tantivy._query(terms)
        for limit in (1, 20, 200):
            full = top(searcher, query, limit)
            searches.clear()
            first = use_tantivy._top_title_first(searcher, query, terms, limit)
            answered_from_titles += len(searches) == 1 and not all(t.prefix for t in terms)
            assert [round(score, 4) for _i, score in first] == [round(score, 4) for _i, score in full], (q, limit)
    assert answered_from_titles >= 5  # the shortcut was taken, not only the fallback


def test_title_first_ranking_falls_back_when_a_body_match_can_outrank_the_titles(use_tantivy):
    from hoptac.search.query import parse

    filler = " ".join(f"w{i}" for i in range(200))
    rows = [("hop " + filler, "hop rare " + filler[:300])] * 20  # a weak title match, a weak body
    rows += [("x", "hop rare rare rare rare rare")] * 20  # no title match, a strong body
    rows += [("y", "hop other words here")] * 1000
    entries = SearchEntry.objects.bulk_create(
        SearchEntry(type="document", obj_id=i, title=str(i), url=f"/{i}/", folded_title=t, folded_body=b)
        for i, (t, b) in enumerate(rows, 1)
    )
    if entries[0].pk is None:
        for entry, pk in zip(entries, SearchEntry.objects.order_by("pk").values_list("pk", flat=True), strict=True):
            entry.pk = pk
    use_tantivy.write_many(entries)
    searcher = use_tantivy.searcher()
    terms = parse("hop rare ")
    query = use_tantivy._query(terms)
    best = {entry_id for entry_id, _score in use_tantivy._top(searcher, query, 20)}
    strong = {e.pk for e in entries[20:40]}
    assert best == strong  # the body matches win: the title-first shortcut must not be taken
    assert {i for i, _s in use_tantivy._top_title_first(searcher, query, terms, 20)} == strong


def test_index_many_replaces_entries_in_tantivy_too(seeds, viewer, use_tantivy):
    # What an IATI import uses: batches of records, their old entries removed from the index.
    from hoptac.search import registry
    from hoptac.search.index import index_many

    reindex()
    france = Partner.objects.get(reference_key="country:FR")
    before = search(viewer, "franc", types=["partner"])
    Partner.objects.filter(pk=france.pk).update(name_en="Gallia", name_vi="Gallia")
    pks = Partner.objects.order_by("pk").values_list("pk", flat=True)
    assert index_many(registry.entry_for_model(Partner), pks, batch=60) == len(pks)
    gallia = search(viewer, "gallia", types=["partner"])
    assert gallia[1] == 1 and gallia[0][0].id == france.pk
    assert search(viewer, "franc", types=["partner"])[1] == before[1]  # the old entries are gone
    assert SearchEntry.objects.filter(type="partner").count() == len(pks)
