"""Search benchmark: generate N documents from the seed articles' vocabulary, index them, and time
a fixed query mix against a baseline measured in the same run (Django icontains on the same rows).

    .venv/bin/python bench/search.py --n 20000          # quick (a minute or two)
    .venv/bin/python bench/search.py                    # full size: 1,000,000 documents

It works in a throw-away data directory (a fresh SQLite database) unless DATABASE_URL is set, in
which case the PostgreSQL backend is measured (its tables are emptied first: use a scratch database).
"""

import argparse
import os
import random
import re
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SEEDS = ROOT / "src" / "hoptac" / "reference" / "data" / "seeds"

QUERIES = [
    # common words, AND
    "hop tac", "quoc te", "international cooperation", "hội nhập quốc tế", "ministry home affairs",
    "labor market", "bo noi vu", "gender equality", "digital transformation", "policy dialogue",
    # rare words and names
    "Kasbarian", "Vu Chien Thang", "Ha Thi Minh Duc", "Nguyen Minh Vu", "Francophonie", "chrysanthemum",
    # phrases
    '"hop tac quoc te"', '"administrative reform"', '"two-level local government"', '"United Nations agencies"',
    # prefixes while typing
    "hop t", "integ", "administrative ref", "UN Wom", "dig",
    # document numbers
    "153/NQ-CP", "59-NQ/TW", "57-KL/TW", "06/2020/QĐ-TTg", "70/2020/QH14",
    # acronyms and places
    "UNDP", "ILO IOM", "ASEAN", "Da Nang", "Hanoi",
]  # fmt: skip


def setup_django(data_dir: str) -> None:
    sys.path.insert(0, str(ROOT / "src"))
    os.environ["HOPTAC_DATA_DIR"] = data_dir
    os.environ.setdefault("HOPTAC_DEBUG", "1")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "hoptac.config.settings")
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", interactive=False, verbosity=0)


def vocabulary() -> tuple[list[str], list[str]]:
    """Sentences and words of the seed articles."""
    sentences, words = [], []
    for path in sorted(SEEDS.glob("*.txt")):
        text = path.read_text(encoding="utf-8")
        for sentence in re.split(r"(?<=[.!?])\s+|\n+", text):
            sentence = sentence.strip()
            if len(sentence) > 30:
                sentences.append(sentence)
                words.extend(sentence.split())
    return sentences, words


def generate(n: int, seed: int = 20251127):
    """~2 KB documents: seed sentences recombined, some words shuffled in, plus names and numbers."""
    rng = random.Random(seed)
    sentences, words = vocabulary()
    extras = ["153/NQ-CP", "59-NQ/TW", "57-KL/TW", "06/2020/QĐ-TTg", "70/2020/QH14", "Vũ Chiến Thắng",
              "Đà Nẵng", "UN Women", "Kasbarian", "Hợp tác quốc tế"]  # fmt: skip
    for i in range(n):
        body: list[str] = []
        size = 0
        while size < 2000:
            if rng.random() < 0.7:
                s = rng.choice(sentences)
            else:
                s = " ".join(rng.choice(words) for _ in range(rng.randint(8, 20))) + "."
            if rng.random() < 0.02:
                s += " " + rng.choice(extras)
            body.append(s)
            size += len(s) + 1
        title = " ".join(rng.choice(words) for _ in range(rng.randint(5, 10)))
        yield i + 1, title, " ".join(body), rng.choice(["vi", "en"]), rng.choice([2023, 2024, 2025])


def build(n: int, batch: int = 2000) -> float:
    from django.db import connection, transaction

    from hoptac.documents.models import SearchEntry
    from hoptac.search.backends import backend
    from hoptac.search.query import index_words

    engine = backend()
    SearchEntry.objects.all().delete()
    engine.clear()
    start = time.perf_counter()
    rows = []

    def flush():
        with transaction.atomic():
            created = SearchEntry.objects.bulk_create(rows)
            if connection.vendor == "sqlite":
                if created and created[0].pk is None:
                    ids = list(SearchEntry.objects.order_by("-pk").values_list("pk", flat=True)[: len(created)])[::-1]
                else:
                    ids = [e.pk for e in created]
                engine.write_many([(pk, e.folded_title, e.folded_body) for pk, e in zip(ids, created, strict=True)])
        rows.clear()

    for i, title, text, lang, year in generate(n):
        rows.append(
            SearchEntry(
                type="document", obj_id=i, title=title, text=text, url=f"/documents/{i}/", language=lang, year=year,
                folded_title=index_words(title), folded_body=index_words(text),
            )  # fmt: skip
        )
        if len(rows) >= batch:
            flush()
            done = i
            rate = done / (time.perf_counter() - start)
            print(f"\rindexed {done:,}/{n:,} ({rate:,.0f} docs/s)", end="", file=sys.stderr, flush=True)
    if rows:
        flush()
    elapsed = time.perf_counter() - start
    print(file=sys.stderr)
    if connection.vendor == "sqlite":
        with connection.cursor() as cursor:
            cursor.execute("INSERT INTO documents_search_fts(documents_search_fts) VALUES ('optimize')")
    return elapsed


def index_size() -> str:
    from django.db import connection

    from hoptac.search.backends import backend

    size = backend().size_bytes()
    if size is None and connection.vendor == "sqlite":
        return "n/a"
    return f"{size / 1024 / 1024:,.0f} MB"


def baseline(q: str, limit: int = 20):
    """What a plain Django filter would do: every word icontains the folded text (no ranking)."""
    from django.db.models import Q

    from hoptac.documents.models import SearchEntry
    from hoptac.search.query import parse

    qs = SearchEntry.objects.all()
    for term in parse(q):
        qs = qs.filter(Q(folded_body__icontains=" ".join(term.words)) | Q(folded_title__icontains=" ".join(term.words)))
    return list(qs.order_by("pk").values_list("pk", "title")[:limit]), qs.count()


class TantivyComparison:
    """The same documents and the same folded words in a tantivy index (PyPI `tantivy`), asked the
    same parsed terms: a measurement for choosing a top-k engine, not (yet) an application backend."""

    def __init__(self, directory: str):
        import tantivy

        self.tantivy = tantivy
        builder = tantivy.SchemaBuilder()
        builder.add_integer_field("id", stored=True, indexed=True, fast=True)
        builder.add_text_field("title", stored=False)
        builder.add_text_field("body", stored=False)
        self.schema = builder.build()
        self.directory = directory
        self.index = tantivy.Index(self.schema, path=directory)

    def build(self, n: int) -> float:
        from hoptac.search.query import index_words

        writer = self.index.writer(256_000_000, 1)
        start = time.perf_counter()
        for i, title, text, _lang, _year in generate(n):
            writer.add_document(self.tantivy.Document(id=i, title=index_words(title), body=index_words(text)))
            if i % 20000 == 0:
                print(f"\rtantivy indexed {i:,}/{n:,}", end="", file=sys.stderr, flush=True)
        writer.commit()
        writer.wait_merging_threads()
        self.index.reload()
        print(file=sys.stderr)
        return time.perf_counter() - start

    def size(self) -> str:
        total = sum(f.stat().st_size for f in Path(self.directory).rglob("*") if f.is_file())
        return f"{total / 1024 / 1024:,.0f} MB"

    def query(self, terms):
        from tantivy import Occur, Query

        def either(make):
            return Query.boolean_query([(Occur.Should, make("title")), (Occur.Should, make("body"))])

        musts = []
        for term in terms:
            if len(term.words) > 1:
                q = either(lambda f, w=list(term.words): Query.phrase_query(self.schema, f, w))
            elif term.prefix:
                q = either(lambda f, w=term.words[0]: Query.regex_query(self.schema, f, re.escape(w) + ".*"))
            else:
                q = either(lambda f, w=term.words[0]: Query.term_query(self.schema, f, w))
            musts.append((Occur.Must, q))
        return Query.boolean_query(musts)

    def search(self, q: str, limit: int = 20):
        """Top 20 with their count, and snippets cut from the stored text like the application does."""
        from hoptac.documents.models import SearchEntry
        from hoptac.search.query import parse
        from hoptac.search.snippets import snippet

        terms = parse(q)
        if not terms:
            return [], 0
        searcher = self.index.searcher()
        result = searcher.search(self.query(terms), limit, count=True)
        ids = [searcher.doc(address)["id"][0] for _score, address in result.hits]
        texts = dict(SearchEntry.objects.filter(obj_id__in=ids).values_list("obj_id", "text"))
        return [(i, snippet(texts.get(i, ""), terms)) for i in ids], result.count


def timed(fn, queries, rounds):
    times = []
    for _ in range(rounds):
        for q in queries:
            t = time.perf_counter()
            fn(q)
            times.append((time.perf_counter() - t) * 1000)
    times.sort()
    return statistics.median(times), times[int(len(times) * 0.95) - 1]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--n", type=int, default=1_000_000, help="documents to generate (default 1,000,000)")
    parser.add_argument("--rounds", type=int, default=3, help="times the query mix is run")
    parser.add_argument("--baseline-rounds", type=int, default=1)
    parser.add_argument("--data-dir", default="", help="where the SQLite database goes (default: a temporary folder)")
    parser.add_argument("--tantivy", action="store_true", help="also measure a tantivy index of the same documents")
    args = parser.parse_args()
    data_dir = args.data_dir or tempfile.mkdtemp(prefix="hoptac-bench-")
    setup_django(data_dir)

    from django.db import connection

    from hoptac.search.backends import backend
    from hoptac.search.engine import search

    print(f"backend {backend().name}, {args.n:,} documents, data in {data_dir}", file=sys.stderr)
    seconds = build(args.n)
    size = index_size()
    counts = {q: search(None, q, limit=20)[1] for q in QUERIES}
    p50, p95 = timed(lambda q: search(None, q, limit=20), QUERIES, args.rounds)
    b50, b95 = timed(baseline, QUERIES, args.baseline_rounds)
    print(f"\n{len(QUERIES)} queries x {args.rounds} rounds, top 20 with snippets and facets")
    print("| engine | documents | build | index | p50 | p95 |")
    print("|---|---|---|---|---|---|")
    print(f"| {backend().name} via hoptac.search | {args.n:,} | {args.n / seconds:,.0f} docs/s | {size} | "
          f"{p50:,.1f} ms | {p95:,.1f} ms |")  # fmt: skip
    print(f"| baseline: Django icontains on the folded text ({connection.vendor}) | {args.n:,} | - | - | "
          f"{b50:,.1f} ms | {b95:,.1f} ms |")  # fmt: skip
    if args.tantivy:
        engine = TantivyComparison(tempfile.mkdtemp(prefix="tantivy-", dir=data_dir))
        t_seconds = engine.build(args.n)
        t_counts = {q: engine.search(q)[1] for q in QUERIES}
        t50, t95 = timed(engine.search, QUERIES, args.rounds)
        print(f"| tantivy (same folded words, top 20 + count + snippets, no facets) | {args.n:,} | "
              f"{args.n / t_seconds:,.0f} docs/s | {engine.size()} | {t50:,.1f} ms | {t95:,.1f} ms |")  # fmt: skip
        differ = {q: (counts[q], t_counts[q]) for q in QUERIES if counts[q] != t_counts[q]}
        print(f"\ntantivy hit counts equal to FTS5's for {len(QUERIES) - len(differ)} of {len(QUERIES)} queries"
              + (f"; differ: {differ}" if differ else ""))  # fmt: skip
    print("\nmatches per query: " + ", ".join(f"{q!r}: {n}" for q, n in counts.items()))


if __name__ == "__main__":
    main()
