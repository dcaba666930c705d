"""Search across every record type: hoptac.search.engine.search(user, q, ...) → (hits, count, facets).

Folding (hoptac.search.folding) is importable without Django models; import the engine lazily."""


def search(*args, **kwargs):
    from hoptac.search.engine import search as _search

    return _search(*args, **kwargs)
