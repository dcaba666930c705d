"""A search box's text → terms: words, "quoted phrases", document numbers, a prefix for the last word.

Both sides of a match are folded the same way (hoptac.search.folding), so the query is folded here
and the index holds folded words."""

import re
from dataclasses import dataclass

from hoptac.search.folding import fold_words

_CHUNKS = re.compile(r'"([^"]*)"?|(\S+)')


def index_words(text: str | None) -> str:
    """The folded words of a text joined by single spaces: what the full-text index stores."""
    return " ".join(w for word in fold_words(text) for w in word.split("_") if w)


@dataclass(frozen=True)
class Term:
    words: tuple[str, ...]  # one word, or several for a phrase
    prefix: bool = False


def parse(q: str) -> list[Term]:
    """Unquoted words are required terms (AND); "quoted text" and tokens like 153/NQ-CP are phrases;
    the last unquoted word matches as a prefix unless the query ends with a space."""
    terms: list[Term] = []
    q = q or ""
    for match in _CHUNKS.finditer(q):
        quoted, bare = match.group(1), match.group(2)
        words = tuple(index_words(quoted if quoted is not None else bare).split())
        if words:
            terms.append(Term(words))
    if terms:
        last = list(_CHUNKS.finditer(q))[-1]
        if last.group(2) is not None and not q.endswith((" ", '"')) and len(terms[-1].words) == 1:
            terms[-1] = Term(terms[-1].words, prefix=True)
    return terms
