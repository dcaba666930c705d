"""search(user, q, ...) → (hits, count, facets): one interface over every indexed record type."""

import json
from collections import Counter
from dataclasses import dataclass

from django.utils.safestring import SafeString

from hoptac.org.permissions import Role, role_of, visible
from hoptac.search import registry
from hoptac.search.backends import Count, backend
from hoptac.search.query import parse
from hoptac.search.snippets import snippet


@dataclass
class Hit:
    type: str
    id: int
    title: str
    url: str
    snippet: SafeString
    score: float
    language: str = ""
    year: int | None = None


FACETS = ("type", "language", "year", "partner", "field")


def _allowed(user, rows: list[dict]) -> list[dict]:
    """Drop what the user may not see: contributors see only their units' records (shared
    registries excepted); `user=None` means the system itself (benchmarks, commands)."""
    if user is None:
        return rows
    role = role_of(user)
    if role is None:
        return []
    if role != Role.CONTRIBUTOR:
        return rows
    keep: dict[str, set[int]] = {}
    by_type: dict[str, list[int]] = {}
    for row in rows:
        by_type.setdefault(row["type"], []).append(row["obj_id"])
    for type_name, ids in by_type.items():
        entry = registry.entry_for_type(type_name)
        if entry is None:
            keep[type_name] = set()
            continue
        keep[type_name] = set(
            visible(user, entry.model._default_manager.filter(pk__in=ids)).values_list("pk", flat=True)
        )
    return [row for row in rows if row["obj_id"] in keep[row["type"]]]


def _ids(raw) -> list[int]:
    if not raw or raw == "[]":
        return []
    return json.loads(raw) if isinstance(raw, str) else list(raw)


def search(
    user,
    q: str,
    *,
    types: list[str] | None = None,
    language: str = "",
    year: int | None = None,
    partner: int | None = None,
    field: int | None = None,
    limit: int = 20,
    offset: int = 0,
) -> tuple[list[Hit], int, dict[str, list[tuple]]]:
    """Ranked hits (best first) with highlighted snippets, the total count, and facets
    {"type": [(value, count)], "language": ..., "year": ..., "partner": ..., "field": ...}
    counted over all matches that pass the filters. The count is a `Count` (an int): with the
    tantivy backend and many matches, `count.estimated` is True and count and facets are scaled
    up from a sample (show "about N")."""

    terms = parse(q)
    facets: dict[str, list[tuple]] = {name: [] for name in FACETS}
    if not terms:
        return [], Count(0), facets
    engine = backend()
    if user is not None and role_of(user) is None:
        return [], Count(0), facets
    if user is None or role_of(user) != Role.CONTRIBUTOR:
        # Everyone but contributors sees every record: rank, count and facet in the database.
        first = [e.type for e in registry.entries() if e.group == 0]
        page_rows, count, facets = engine.ranked(
            terms, types=types, language=language, year=year, partner=partner, field=field,
            first_types=first, limit=limit, offset=offset,
        )  # fmt: skip
        hits = _hits([{"id": r[0], "score": r[3]} for r in page_rows], terms)
        return hits, count if isinstance(count, Count) else Count(count), facets
    matched = engine.match_rows(terms, types=types, language=language, year=year)
    if not matched:
        return [], Count(0), facets
    rows = [
        {
            "id": r[0],
            "type": r[1],
            "obj_id": r[2],
            "language": r[3],
            "year": r[4],
            "partner_ids": _ids(r[5]),
            "field_ids": _ids(r[6]),
            "score": r[7],
        }
        for r in matched
    ]
    if partner:
        rows = [r for r in rows if partner in r["partner_ids"]]
    if field:
        rows = [r for r in rows if field in r["field_ids"]]
    rows = _allowed(user, rows)
    groups = {e.type: e.group for e in registry.entries()}
    rows.sort(key=lambda r: (groups.get(r["type"], 1), -r["score"], r["id"]))
    counters = {name: Counter() for name in FACETS}
    for row in rows:
        counters["type"][row["type"]] += 1
        if row["language"]:
            counters["language"][row["language"]] += 1
        if row["year"]:
            counters["year"][row["year"]] += 1
        for pk in row["partner_ids"]:
            counters["partner"][pk] += 1
        for pk in row["field_ids"]:
            counters["field"][pk] += 1
    facets = {name: sorted(c.items(), key=lambda kv: (-kv[1], kv[0]))[:20] for name, c in counters.items()}
    facets["year"] = sorted(counters["year"].items(), reverse=True)
    return _hits(rows[offset : offset + limit], terms), Count(len(rows)), facets


def _hits(page: list[dict], terms) -> list[Hit]:
    from hoptac.documents.models import SearchEntry

    details = SearchEntry.objects.defer("folded_title", "folded_body").in_bulk([r["id"] for r in page])
    hits = []
    for row in page:
        entry = details.get(row["id"])
        if entry is None:  # removed from the database after the index answered
            continue
        hits.append(
            Hit(
                type=entry.type,
                id=entry.obj_id,
                title=entry.title,
                url=entry.url,
                snippet=snippet(entry.text, terms),
                score=row["score"],
                language=entry.language,
                year=entry.year,
            )
        )
    return hits
