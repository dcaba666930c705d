"""The two full-text backends behind one interface: SQLite FTS5 (default) and PostgreSQL full-text.

Both hold the same folded words (hoptac.search.query.index_words) and are asked with the same
parsed terms, so they find the same rows; only the ranking function differs (bm25 / ts_rank)."""

from django.db import connection

from hoptac.search.query import Term

FTS_TABLE = "documents_search_fts"
ENTRY_TABLE = "documents_searchentry"


class Backend:
    name = "base"

    def write(self, entry_id: int, folded_title: str, folded_body: str) -> None:
        raise NotImplementedError

    def remove(self, entry_ids: list[int]) -> None:
        raise NotImplementedError

    def clear(self) -> None:
        raise NotImplementedError

    def match(self, terms: list[Term]) -> list[tuple[int, float]]:
        """(entry id, score) of every matching entry, best first (higher score is better)."""
        return [(row[0], row[-1]) for row in self.match_rows(terms)]

    def match_rows(self, terms: list[Term], *, types=None, language: str = "", year: int | None = None) -> list[tuple]:
        """(entry id, type, obj_id, language, year, partner_ids JSON, field_ids JSON, score) of every
        matching entry that passes the filters; higher score is better."""
        raise NotImplementedError

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

    def size_bytes(self) -> int | None:
        return None


class SQLiteFTS5(Backend):
    name = "sqlite-fts5"

    def write(self, entry_id, folded_title, folded_body):
        with connection.cursor() as cursor:
            cursor.execute(f"DELETE FROM {FTS_TABLE} WHERE rowid = %s", [entry_id])
            cursor.execute(
                f"INSERT INTO {FTS_TABLE} (rowid, folded_title, folded_body) VALUES (%s, %s, %s)",
                [entry_id, folded_title, folded_body],
            )

    def write_many(self, rows: list[tuple[int, str, str]]) -> None:
        with connection.cursor() as cursor:
            cursor.executemany(f"DELETE FROM {FTS_TABLE} WHERE rowid = %s", [[r[0]] for r in rows])
            cursor.executemany(
                f"INSERT INTO {FTS_TABLE} (rowid, folded_title, folded_body) VALUES (%s, %s, %s)",
                [list(r) for r in rows],
            )

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

    def size_bytes(self):
        with connection.cursor() as cursor:
            try:
                cursor.execute("SELECT SUM(pgsize) FROM dbstat WHERE name LIKE %s", [FTS_TABLE + "%"])
                return int(cursor.fetchone()[0] or 0)
            except Exception:  # dbstat is an optional SQLite module
                return None


class PostgresFullText(Backend):
    """A generated tsvector column over the folded words ('simple' configuration), GIN-indexed."""

    name = "postgresql"

    def write(self, entry_id, folded_title, folded_body):
        pass  # the tsvector column is generated from the row itself

    def write_many(self, rows):
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
                f"ts_rank(e.tsv, q) FROM {ENTRY_TABLE} e, to_tsquery('simple', %s) q WHERE e.tsv @@ q{where}",
                [self.expression(terms), *params],
            )
            return [(*row[:-1], float(row[-1])) for row in cursor.fetchall()]

    def size_bytes(self):
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_relation_size('documents_searchentry_tsv')")
            return int(cursor.fetchone()[0])


def backend() -> Backend:
    return PostgresFullText() if connection.vendor == "postgresql" else SQLiteFTS5()
