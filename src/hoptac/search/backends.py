"""The two full-text backends behind one interface: SQLite FTS5 (default) and PostgreSQL full-text.

Both hold the same folded words (hoptac.search.query.index_words) and are asked with the same
parsed terms, so they find the same rows; only the ranking function differs (bm25 / ts_rank)."""

import json
from abc import ABC, abstractmethod
from contextlib import nullcontext

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.db import connection

from hoptac.search.query import Term

FTS_TABLE = "documents_search_fts"
ENTRY_TABLE = "documents_searchentry"


class Count(int):
    """A number of matches; `estimated` when it was scaled up from a sample (tantivy, large results),
    to be shown as "about N". Still an int everywhere else (arithmetic, JSON)."""

    estimated: bool

    def __new__(cls, value: int, estimated: bool = False):
        count = super().__new__(cls, value)
        count.estimated = estimated
        return count


class Backend(ABC):
    """What every search backend provides: writing the index, matching, and the ranked page with
    its count and facets."""

    name = "base"
    # True: the index lives in the database and is written in the entry's own transaction;
    # False (tantivy): it is written after the database commit, and a failed write is only logged.
    in_database = True

    @abstractmethod
    def write(self, entry) -> None:
        """Index one documents.SearchEntry (already saved: its id is the index's key)."""

    def write_many(self, entries) -> None:
        for entry in entries:
            self.write(entry)

    def bulk(self):
        """A context in which many writes are committed together (reindex); nothing by default."""
        return nullcontext()

    @abstractmethod
    def remove(self, entry_ids: list[int]) -> None: ...

    @abstractmethod
    def clear(self) -> None: ...

    def match(self, terms: list[Term]) -> list[tuple[int, float]]:
        """(entry id, score) of every matching entry, best first (higher score is better)."""
        return [(row[0], row[-1]) for row in self.match_rows(terms)]

    @abstractmethod
    def match_rows(self, terms: list[Term], *, types=None, language: str = "", year: int | None = None) -> list[tuple]:
        """(entry id, type, obj_id, language, year, partner_ids JSON, field_ids JSON, score) of every
        matching entry that passes the filters; higher score is better."""

    def size_bytes(self) -> int | None:
        return None

    @abstractmethod
    def ranked(
        self,
        terms: list[Term],
        *,
        types=None,
        language: str = "",
        year: int | None = None,
        partner: int | None = None,
        field: int | None = None,
        first_types: list[str] = (),
        limit: int = 20,
        offset: int = 0,
    ) -> tuple[list[tuple], int, dict[str, list[tuple]]]:
        """The page of (entry id, type, obj_id, score), best first (`first_types` before the others),
        the count of matches (an int, or a Count with `estimated` set), and the facets."""


class DatabaseBackend(Backend):
    """A backend whose index is in the database: ranking, counting and facets are SQL, shared by
    FTS5 and PostgreSQL; each supplies its match source and JSON helpers."""

    @staticmethod
    def _filters(types, language, year, alias: str = "e") -> tuple[str, list]:
        sql, params = [], []
        if types:
            sql.append(f"{alias}.type IN ({', '.join(['%s'] * len(types))})")
            params.extend(types)
        if language:
            sql.append(f"{alias}.language = %s")
            params.append(language)
        if year:
            sql.append(f"{alias}.year = %s")
            params.append(year)
        return "".join(f" AND {part}" for part in sql), params

    @abstractmethod
    def _source(self, terms: list[Term]) -> tuple[str, str, list, list, str]:
        """(FROM clause, WHERE condition, FROM params, WHERE params, score expression)."""

    @abstractmethod
    def _contains(self, column: str, value: int) -> tuple[str, list]: ...

    @abstractmethod
    def _elements(self, column: str) -> str:
        """A FROM item yielding the JSON array's elements as `j.value`."""

    def ranked(
        self,
        terms: list[Term],
        *,
        types=None,
        language: str = "",
        year: int | None = None,
        partner: int | None = None,
        field: int | None = None,
        first_types: list[str] = (),
        limit: int = 20,
        offset: int = 0,
    ) -> tuple[list[tuple], int, dict[str, list[tuple]]]:
        """The page of (entry id, type, obj_id, score), best first (`first_types` before the others),
        the count of matches, and the facets — all computed by the database."""
        source, condition, source_params, condition_params, score = self._source(terms)
        where, params = self._filters(types, language, year)
        for column, value in (("partner_ids", partner), ("field_ids", field)):
            if value:
                sql, extra = self._contains(column, value)
                where += f" AND {sql}"
                params += extra
        base = f"FROM {source} WHERE {condition}{where}"
        base_params = [*source_params, *condition_params, *params]
        first = list(first_types) or ["-"]
        with connection.cursor() as cursor:
            cursor.execute(
                f"SELECT e.id, e.type, e.obj_id, {score} AS score {base} "
                f"ORDER BY CASE WHEN e.type IN ({', '.join(['%s'] * len(first))}) THEN 0 ELSE 1 END, "
                "score DESC, e.id LIMIT %s OFFSET %s",
                [*base_params, *first, limit, offset],
            )
            page = [(*row[:3], float(row[3])) for row in cursor.fetchall()]
            cursor.execute(
                f"SELECT e.type, e.language, e.year, COUNT(*) {base} GROUP BY e.type, e.language, e.year", base_params
            )
            groups = cursor.fetchall()
            facets: dict[str, list[tuple]] = {}
            for name, column in (("partner", "partner_ids"), ("field", "field_ids")):
                cursor.execute(
                    f"SELECT j.value, COUNT(*) AS n FROM {source}, {self._elements(column)} WHERE {condition}{where} "
                    "GROUP BY j.value ORDER BY n DESC, CAST(j.value AS INTEGER) LIMIT 20",
                    base_params,
                )
                facets[name] = [(int(v), n) for v, n in cursor.fetchall()]
        count = 0
        by: dict[str, dict] = {"type": {}, "language": {}, "year": {}}
        for type_, lang, yr, n in groups:
            count += n
            by["type"][type_] = by["type"].get(type_, 0) + n
            if lang:
                by["language"][lang] = by["language"].get(lang, 0) + n
            if yr:
                by["year"][yr] = by["year"].get(yr, 0) + n
        facets["type"] = sorted(by["type"].items(), key=lambda kv: (-kv[1], kv[0]))
        facets["language"] = sorted(by["language"].items(), key=lambda kv: (-kv[1], kv[0]))
        facets["year"] = sorted(by["year"].items(), reverse=True)
        return page, count, facets


class SQLiteFTS5(DatabaseBackend):
    name = "sqlite-fts5"

    def write(self, entry):
        self.write_many([entry])

    def write_many(self, entries) -> None:
        rows = [[e.pk, e.folded_title, e.folded_body] for e in entries]
        with connection.cursor() as cursor:
            cursor.executemany(f"DELETE FROM {FTS_TABLE} WHERE rowid = %s", [[r[0]] for r in rows])
            cursor.executemany(f"INSERT INTO {FTS_TABLE} (rowid, folded_title, folded_body) VALUES (%s, %s, %s)", rows)

    def remove(self, entry_ids):
        with connection.cursor() as cursor:
            cursor.executemany(f"DELETE FROM {FTS_TABLE} WHERE rowid = %s", [[i] for i in entry_ids])

    def clear(self):
        with connection.cursor() as cursor:
            cursor.execute(f"DELETE FROM {FTS_TABLE}")

    @staticmethod
    def expression(terms: list[Term]) -> str:
        parts = []
        for term in terms:
            phrase = '"' + " ".join(term.words) + '"'
            parts.append(phrase + ("*" if term.prefix else ""))
        return " AND ".join(parts)

    def match_rows(self, terms, *, types=None, language="", year=None):
        if not terms:
            return []
        where, params = self._filters(types, language, year)
        with connection.cursor() as cursor:
            # bm25: lower is better; the title weighs ten times the body.
            cursor.execute(
                "SELECT e.id, e.type, e.obj_id, e.language, e.year, e.partner_ids, e.field_ids, "
                f"-bm25({FTS_TABLE}, 10.0, 1.0) FROM {FTS_TABLE} JOIN {ENTRY_TABLE} e ON e.id = {FTS_TABLE}.rowid "
                f"WHERE {FTS_TABLE} MATCH %s{where}",
                [self.expression(terms), *params],
            )
            return cursor.fetchall()

    def _source(self, terms):
        return (
            f"{FTS_TABLE} JOIN {ENTRY_TABLE} e ON e.id = {FTS_TABLE}.rowid",
            f"{FTS_TABLE} MATCH %s",
            [],
            [self.expression(terms)],
            f"-bm25({FTS_TABLE}, 10.0, 1.0)",
        )

    def _contains(self, column, value):
        return f"EXISTS (SELECT 1 FROM json_each(e.{column}) WHERE json_each.value = %s)", [value]

    def _elements(self, column):
        return f"json_each(e.{column}) j"

    def size_bytes(self):
        with connection.cursor() as cursor:
            try:
                cursor.execute("SELECT SUM(pgsize) FROM dbstat WHERE name LIKE %s", [FTS_TABLE + "%"])
                return int(cursor.fetchone()[0] or 0)
            except Exception:  # dbstat is an optional SQLite module
                return None


class PostgresFullText(DatabaseBackend):
    """A generated tsvector column over the folded words ('simple' configuration), GIN-indexed."""

    name = "postgresql"

    def write(self, entry):
        pass  # the tsvector column is generated from the row itself

    def write_many(self, entries):
        pass

    def remove(self, entry_ids):
        pass

    def clear(self):
        pass

    @staticmethod
    def expression(terms: list[Term]) -> str:
        parts = []
        for term in terms:
            words = [f"'{w}'" for w in term.words]
            if term.prefix:
                words[-1] += ":*"
            parts.append("(" + " <-> ".join(words) + ")" if len(words) > 1 else words[0])
        return " & ".join(parts)

    def match_rows(self, terms, *, types=None, language="", year=None):
        if not terms:
            return []
        where, params = self._filters(types, language, year)
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT e.id, e.type, e.obj_id, e.language, e.year, e.partner_ids::text, e.field_ids::text, "
                f"ts_rank(e.tsv, q, 1) FROM {ENTRY_TABLE} e, to_tsquery('simple', %s) q WHERE e.tsv @@ q{where}",
                [self.expression(terms), *params],
            )
            return [(*row[:-1], float(row[-1])) for row in cursor.fetchall()]

    def _source(self, terms):
        return (
            f"{ENTRY_TABLE} e CROSS JOIN to_tsquery('simple', %s) q",
            "e.tsv @@ q",
            [self.expression(terms)],
            [],
            "ts_rank(e.tsv, q, 1)",
        )

    def _contains(self, column, value):
        return f"e.{column} @> %s::jsonb", [json.dumps([value])]

    def _elements(self, column):
        return f"jsonb_array_elements_text(e.{column}) AS j(value)"

    def size_bytes(self):
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_relation_size('documents_searchentry_tsv')")
            return int(cursor.fetchone()[0])


def backend() -> Backend:
    """HOPTAC_SEARCH_BACKEND: "" = the database's own full text, "tantivy" = an index on disk."""
    name = settings.HOPTAC_SEARCH_BACKEND
    if name == "tantivy":
        from hoptac.search.tantivy_backend import Tantivy

        return Tantivy.at(settings.HOPTAC_SEARCH_INDEX_DIR)
    if name not in ("", "database"):
        raise ImproperlyConfigured(f"HOPTAC_SEARCH_BACKEND={name!r}: use '' (the database's own) or 'tantivy'")
    return PostgresFullText() if connection.vendor == "postgresql" else SQLiteFTS5()
