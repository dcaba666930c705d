"""A tantivy index (PyPI `tantivy`) behind the search Backend interface, for large collections.

`documents.SearchEntry` stays the source of truth; the index holds, per entry, its id, the folded
title and body (already split into words by hoptac.search.query.index_words, so the tokenizer only
splits on spaces) and the filter/facet fields as fast fields. Chosen with HOPTAC_SEARCH_BACKEND=tantivy.

Why it is fast at 1,000,000 entries where FTS5 is not: the page is a top-k search that does not
count, and that ranks the entries with a query word in the title first when that is provably
enough (_top_title_first); and when a query matches more than EXACT_UP_TO entries the count and
the facets are computed in a sample index (the entries of 4 of 64 hash buckets of the entry id, a
sixteenth) and scaled up; the result says it is estimated.

Several processes (application server workers) share one index folder: each write takes tantivy's
writer lock, commits and releases it (waiting briefly while another process holds it), and every
search reloads the reader first so that another process's commit is seen."""

import logging
import math
import threading
import time
from contextlib import contextmanager
from pathlib import Path

import tantivy
from tantivy import Occur, Query

from hoptac.search.backends import Backend, Count
from hoptac.search.query import Term

log = logging.getLogger(__name__)

BUCKET_BITS = 6
BUCKETS = 1 << BUCKET_BITS  # 64
SAMPLE_BUCKETS = 4  # the sample index holds 4 of the 64 buckets: 1/16 of the entries
# Matches counted exactly; above, count and facets are estimated from at least 20,000/16 = 1,250
# matches in the sample (about 3 % error on the count).
EXACT_UP_TO = 20_000
TITLE_WEIGHT = 10.0  # as bm25(10, 1) in FTS5
BM25_K1 = 1.2  # tantivy's
# Safety on the score bound: deleted entries still count in a word's document frequency until
# segments merge, which can make the idf computed here slightly low.
BOUND_MARGIN = 1.25
FACET_SIZE = 20
WRITE_HEAP = 15_000_000  # one save: a small writer (tantivy's minimum is 3 MB per thread)
BULK_HEAP = 256_000_000  # reindex: fewer, larger segments
LOCK_WAIT_SECONDS = 10.0
TOKENIZER = "hoptac_words"
PREFIX_CHARS = 3  # prefixes up to this long are indexed (word_starts); longer ones are expanded
AGGREGATIONS = {
    "type": {"terms": {"field": "type", "size": 1000}},
    "language": {"terms": {"field": "language", "size": 1000}},
    "year": {"terms": {"field": "year", "size": 1000}},
    # asked for more than shown so that ties at the 20th place are cut the same way as FTS5's
    "partner": {"terms": {"field": "partner", "size": 200}},
    "field": {"terms": {"field": "field", "size": 200}},
}


def bucket_of(entry_id: int) -> int:
    """The top bits of a Fibonacci hash: entry ids are handed out in creation order (reindex writes
    one type after another), so a plain `id % 64` could line up with a periodic pattern."""
    return ((entry_id * 2654435761) & 0xFFFFFFFF) >> (32 - BUCKET_BITS)


def _schema():
    builder = tantivy.SchemaBuilder()
    for name in ("id", "year", "partner", "field"):
        builder.add_integer_field(name, indexed=True, fast=True)
    builder.add_text_field("title", tokenizer_name=TOKENIZER)
    builder.add_text_field("body", tokenizer_name=TOKENIZER)
    for name in ("title_prefix", "body_prefix"):  # which entries have a word starting so: no counts
        builder.add_text_field(name, tokenizer_name=TOKENIZER, index_option="basic")
    builder.add_text_field("type", tokenizer_name="raw", fast=True)
    builder.add_text_field("language", tokenizer_name="raw", fast=True)
    return builder.build()


def word_starts(folded: str) -> str:
    """Every beginning of up to PREFIX_CHARS characters of the words: a short prefix typed in the
    search box is one term to look up instead of every word of the index that starts with it."""
    words = set(folded.split())
    starts = set()
    for n in range(1, PREFIX_CHARS + 1):
        starts.update({word[:n] for word in words})  # a shorter word is its own start
    return " ".join(starts)


def _filter(query):
    """A condition that must hold without adding to the score."""
    return Query.const_score_query(query, 0.0)


def _all(clauses: list) -> object:
    return clauses[0] if len(clauses) == 1 else Query.boolean_query([(Occur.Must, c) for c in clauses])


def _open(directory: Path):
    directory.mkdir(parents=True, exist_ok=True)
    index = tantivy.Index(_schema(), path=str(directory), reuse=True)
    index.register_tokenizer(TOKENIZER, tantivy.TextAnalyzerBuilder(tantivy.Tokenizer.whitespace()).build())
    # Manual: every search reloads first, so a commit by another process is seen at once.
    index.config_reader("Manual")
    return index


def in_sample(entry_id: int) -> bool:
    return bucket_of(entry_id) < SAMPLE_BUCKETS


class _Writers:
    """The writers of the full index and of the sample index, used as one."""

    def __init__(self, full, sample):
        self.full, self.sample = full, sample

    def put(self, entry_id: int, document, replace: bool) -> None:
        for writer in (self.full, self.sample) if in_sample(entry_id) else (self.full,):
            if replace:
                writer.delete_documents_by_term("id", entry_id)
            writer.add_document(document)

    def delete(self, entry_id: int) -> None:
        for writer in (self.full, self.sample) if in_sample(entry_id) else (self.full,):
            writer.delete_documents_by_term("id", entry_id)

    def delete_all(self) -> None:
        self.full.delete_all_documents()
        self.sample.delete_all_documents()

    def commit(self) -> None:
        self.full.commit()
        self.sample.commit()

    def rollback(self) -> None:
        self.full.rollback()
        self.sample.rollback()

    def release(self) -> None:
        """Finish merges and release both locks."""
        self.full.wait_merging_threads()
        self.sample.wait_merging_threads()


class Tantivy(Backend):
    """Two tantivy indexes in the folder: `full` (every entry) and `sample` (the entries of
    SAMPLE_BUCKETS of the BUCKETS hash buckets), where large counts and facets are estimated."""

    name = "tantivy"
    in_database = False
    _opened: dict[Path, "Tantivy"] = {}

    def __init__(self, directory: Path | str):
        self.directory = Path(directory)
        self.schema = _schema()
        self.index = _open(self.directory / "full")
        self.sample = _open(self.directory / "sample")
        self._local = threading.local()

    @classmethod
    def at(cls, directory: Path | str) -> "Tantivy":
        """One opened index per folder and process (opening costs more than a query)."""
        key = Path(directory).resolve()
        if key not in cls._opened:
            cls._opened[key] = cls(key)
        return cls._opened[key]

    # -- writing ---------------------------------------------------------------------------

    def _acquire(self, heap: int) -> _Writers:
        """Both writers (the full index's lock first, always): waits while another process writes."""
        deadline = time.monotonic() + LOCK_WAIT_SECONDS
        taken = []
        for index in (self.index, self.sample):
            while True:
                try:
                    taken.append(index.writer(heap, 1))
                    break
                except ValueError as exc:  # another process (or a bulk writer) holds the lock
                    if "LockBusy" not in str(exc) or time.monotonic() > deadline:
                        for writer in taken:
                            writer.wait_merging_threads()
                        raise
                    time.sleep(0.05)
        return _Writers(*taken)

    @contextmanager
    def bulk(self):
        """One writer for everything written inside, committed once at the end (reindex)."""
        if getattr(self._local, "writers", None) is not None:
            yield
            return
        writers = self._acquire(BULK_HEAP)
        self._local.writers = writers
        try:
            yield
            writers.commit()
        except BaseException:
            writers.rollback()
            raise
        finally:
            self._local.writers = None
            self._local.cleared = False
            writers.release()

    @contextmanager
    def _writers(self):
        bulk = getattr(self._local, "writers", None)
        if bulk is not None:
            yield bulk
            return
        writers = self._acquire(WRITE_HEAP)
        try:
            yield writers
            writers.commit()
        except BaseException:
            writers.rollback()
            raise
        finally:
            writers.release()

    def _guarded(self, what: str, operation) -> None:
        """Outside a bulk rebuild a failed index write is logged, not raised: the database write it
        follows must stand, and `hoptac reindex` repairs the index."""
        if getattr(self._local, "writers", None) is not None:
            operation()
            return
        try:
            operation()
        except Exception:
            log.exception("search index: %s failed; run `hoptac reindex`", what)

    def _document(self, entry) -> tantivy.Document:
        fields = {
            "id": entry.pk,
            "title": entry.folded_title or "",
            "body": entry.folded_body or "",
            "title_prefix": word_starts(entry.folded_title or ""),
            "body_prefix": word_starts(entry.folded_body or ""),
            "type": entry.type,
            "language": entry.language or "",
            "partner": [int(v) for v in entry.partner_ids or []],
            "field": [int(v) for v in entry.field_ids or []],
        }
        if entry.year:
            fields["year"] = int(entry.year)
        return tantivy.Document(**fields)

    def write(self, entry) -> None:
        self.write_many([entry], what=f"write of entry {entry.pk}")

    def write_many(self, entries, what: str = "write of many entries") -> None:
        """Add or replace entries; `entries` may be a lazy iterator (reindex streams a million)."""

        def run():
            with self._writers() as writers:
                # Right after clear() in the same bulk there is nothing to replace.
                replace = not getattr(self._local, "cleared", False)
                for entry in entries:
                    writers.put(entry.pk, self._document(entry), replace)

        self._guarded(what, run)

    def remove(self, entry_ids) -> None:
        entry_ids = list(entry_ids)
        if not entry_ids:
            return

        def run():
            with self._writers() as writers:
                for entry_id in entry_ids:
                    writers.delete(entry_id)

        self._guarded(f"removal of entries {entry_ids[:10]}", run)

    def clear(self) -> None:
        def run():
            with self._writers() as writers:
                writers.delete_all()
                self._local.cleared = getattr(self._local, "writers", None) is not None

        self._guarded("clearing", run)

    def size_bytes(self) -> int:
        return sum(f.stat().st_size for f in self.directory.rglob("*") if f.is_file())

    def searcher(self):
        self.index.reload()
        return self.index.searcher()

    def sample_searcher(self):
        self.sample.reload()
        return self.sample.searcher()

    # -- queries ---------------------------------------------------------------------------

    def _term_query(self, term: Term, field: str):
        if len(term.words) > 1:
            return Query.phrase_query(self.schema, field, list(term.words))
        if term.prefix:
            # Scored as a constant either way (as tantivy scores a regex match).
            if len(term.words[0]) <= PREFIX_CHARS:
                return Query.const_score_query(Query.term_query(self.schema, field + "_prefix", term.words[0]), 1.0)
            # A folded word is letters and digits only, so it needs no regex escaping.
            return Query.regex_query(self.schema, field, term.words[0] + ".*")
        return Query.term_query(self.schema, field, term.words[0])

    def text_query(self, terms: list[Term]):
        """Every term must match, in the title (weighing TITLE_WEIGHT) or the body: a word, a phrase,
        or a prefix (matched on the term dictionary; prefix matches score as constants)."""
        return _all(
            [
                Query.boolean_query(
                    [
                        (Occur.Should, Query.boost_query(self._term_query(term, "title"), TITLE_WEIGHT)),
                        (Occur.Should, self._term_query(term, "body")),
                    ]
                )
                for term in terms
            ]
        )

    def _query(self, terms, types=None, language="", year=None, partner=None, field=None):
        clauses = [self.text_query(terms)]
        if types:
            clauses.append(_filter(Query.term_set_query(self.schema, "type", list(types))))
        if language:
            clauses.append(_filter(Query.term_query(self.schema, "language", language)))
        for name, value in (("year", year), ("partner", partner), ("field", field)):
            if value:
                clauses.append(_filter(Query.term_query(self.schema, name, int(value))))
        return _all(clauses)

    def count_and_facets(self, searcher, query) -> tuple[Count, dict[str, list[tuple]]]:
        """Exact when the matches are few; otherwise counted in the sample index and scaled up.

        The sample is a separate index rather than a filter on the full one: tantivy's cost is in
        reading the query words' postings (and expanding prefixes), which a filter does not shrink."""
        sample = self.sample_searcher().aggregate(query, AGGREGATIONS)
        in_sample = sum(b["doc_count"] for b in sample["type"]["buckets"])
        if in_sample * BUCKETS / SAMPLE_BUCKETS <= EXACT_UP_TO:
            result, scale = searcher.aggregate(query, AGGREGATIONS), 1.0
        else:
            result, scale = sample, BUCKETS / SAMPLE_BUCKETS

        def values(name):
            return [(b["key"], round(b["doc_count"] * scale)) for b in result[name]["buckets"] if b["doc_count"]]

        facets = {
            "type": sorted(values("type"), key=lambda kv: (-kv[1], kv[0])),
            "language": sorted([kv for kv in values("language") if kv[0]], key=lambda kv: (-kv[1], kv[0])),
            "year": sorted(((int(k), n) for k, n in values("year") if k), reverse=True),
            "partner": sorted(((int(k), n) for k, n in values("partner")), key=lambda kv: (-kv[1], kv[0]))[:FACET_SIZE],
            "field": sorted(((int(k), n) for k, n in values("field")), key=lambda kv: (-kv[1], kv[0]))[:FACET_SIZE],
        }
        exact = sum(b["doc_count"] for b in result["type"]["buckets"])
        return Count(round(exact * scale), estimated=scale != 1.0), facets

    def _top(self, searcher, query, limit: int, offset: int = 0) -> list[tuple[int, float]]:
        if limit <= 0:
            return []
        # count=False lets tantivy skip blocks of matches that cannot reach the top `limit`.
        hits = searcher.search(query, limit, count=False, offset=offset).hits
        ids = searcher.fast_field_values("id", [address for _score, address in hits])
        return [(entry_id, score) for (score, _address), entry_id in zip(hits, ids, strict=True)]

    def _body_bound(self, searcher, term: Term) -> float:
        """The most a term can add to an entry's score through the body (and, for a prefix, the
        title): BM25 stays below idf * (1 + k1); tantivy scores a phrase with the sum of its words'
        idf, and a prefix match as the constant 1 per field."""
        if term.prefix:
            return 1.0 + TITLE_WEIGHT
        total = max(searcher.num_docs, 1)
        idf = 0.0
        for word in term.words:
            n = searcher.doc_freq("body", word)
            idf += math.log(1.0 + (total - n + 0.5) / (n + 0.5))
        return idf * (1.0 + BM25_K1)

    def _top_title_first(self, searcher, query, terms: list[Term], limit: int) -> list[tuple[int, float]]:
        """The best `limit` matches, exact, without scoring every match when there are many.

        The title weighs ten times the body, so the best entries nearly always match a query word in
        the title. Rank those alone first (few: the title's postings drive the search); an entry
        without a title match scores at most the sum of the terms' body bounds, so when the last of
        the title-first results scores above that, no other entry can take its place. Otherwise
        rank every match."""
        words = [t for t in terms if not t.prefix]
        if not words:  # prefixes alone: their title matches are as many as their matches
            return self._top(searcher, query, limit)
        in_title = Query.boolean_query([(Occur.Should, self._term_query(t, "title")) for t in words])
        head = self._top(searcher, _all([query, _filter(in_title)]), limit)
        if len(head) == limit:
            others = sum(self._body_bound(searcher, t) for t in terms if t in words)
            others += sum(TITLE_WEIGHT + 1.0 for t in terms if t not in words)  # prefixes left out
            if head[-1][1] > others * BOUND_MARGIN:
                return head
        return self._top(searcher, query, limit)

    def ranked(
        self,
        terms,
        *,
        types=None,
        language="",
        year=None,
        partner=None,
        field=None,
        first_types=(),
        limit=20,
        offset=0,
    ):
        searcher = self.searcher()
        query = self._query(terms, types, language, year, partner, field)
        count, facets = self.count_and_facets(searcher, query)
        present = [t for t, _n in searcher.terms_with_prefix("type", "")]
        first = [t for t in present if t in set(first_types)]
        others = [t for t in present if t not in set(first_types)]

        def top(q, n):
            if count > EXACT_UP_TO:
                return self._top_title_first(searcher, q, terms, n)
            return self._top(searcher, q, n)

        if not first or not others:
            page = top(query, offset + limit)[offset:]
        else:
            # Group 0 types before the others: the first group's best (up to offset + limit), and
            # when it runs out the rest from the other types (asked by type, not by exclusion, so
            # that tantivy only walks the few entries of those types).
            def within(names):
                return _all([query, _filter(Query.term_set_query(self.schema, "type", names))])

            head = top(within(first), offset + limit)
            page = head[offset:]
            if len(head) < offset + limit:
                skip = max(0, offset - len(head))
                page += top(within(others), skip + limit - len(page))[skip:]
        return self._details(page), count, facets

    @staticmethod
    def _details(page: list[tuple[int, float]]) -> list[tuple]:
        from hoptac.documents.models import SearchEntry

        rows = SearchEntry.objects.filter(pk__in=[i for i, _s in page]).values_list("pk", "type", "obj_id")
        known = {pk: (type_, obj_id) for pk, type_, obj_id in rows}
        # An entry the index still holds but the database no longer does (a write in flight, or
        # a failed removal) is left out rather than shown broken.
        return [(i, *known[i], score) for i, score in page if i in known]

    def match_rows(self, terms, *, types=None, language="", year=None):
        """Every match with its facet fields, read from SearchEntry (the source of truth)."""
        from hoptac.documents.models import SearchEntry

        if not terms:
            return []
        searcher = self.searcher()
        query = self._query(terms, types, language, year)
        total = searcher.search(query, 1, count=True).count
        scored = self._top(searcher, query, total)
        score_of = dict(scored)
        rows = []
        ids = list(score_of)
        for start in range(0, len(ids), 5000):
            chunk = ids[start : start + 5000]
            for row in SearchEntry.objects.filter(pk__in=chunk).values_list(
                "pk", "type", "obj_id", "language", "year", "partner_ids", "field_ids"
            ):
                rows.append((*row, score_of[row[0]]))
        return rows
