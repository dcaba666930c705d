"""Snippets with <mark>: found in the original text around the first match, everything escaped."""

import re

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

from hoptac.search.folding import fold
from hoptac.search.query import Term


class _FoldTable(dict):
    """str.translate table folding one character at a time (filled as characters are met)."""

    def __missing__(self, code: int) -> str:
        ch = chr(code)
        folded = ch.lower() if ch.isascii() else fold(ch)
        self[code] = folded
        return folded


_TABLE = _FoldTable()


def folded_with_offsets(text: str) -> tuple[str, list[int] | None]:
    """The folded text and, for each folded character, the index of the original one it came from
    (None when folding kept every character one-for-one, the usual case)."""
    folded = text.translate(_TABLE)
    if len(folded) == len(text):
        return folded, None
    out: list[str] = []
    origin: list[int] = []
    for i, ch in enumerate(text):
        f = _TABLE[ord(ch)]
        out.append(f)
        origin.extend([i] * len(f))
    return "".join(out), origin


def _pattern(terms: list[Term]) -> re.Pattern:
    parts = []
    for term in terms:
        body = r"[\W_]+".join(re.escape(w) for w in term.words)
        parts.append(rf"(?<![^\W_]){body}" + (r"[^\W_]*" if term.prefix else r"(?![^\W_])"))
    return re.compile("|".join(parts))


def match_spans(text: str, terms: list[Term], start: int = 0, end: int | None = None) -> list[tuple[int, int]]:
    """Original-text spans of words (and phrases) that match the terms."""
    if not terms:
        return []
    folded, origin = folded_with_offsets(text)
    pattern = _pattern(terms)
    spans = []
    for m in pattern.finditer(folded):
        s, e = m.start(), m.end()
        if origin is not None:
            s, e = origin[s], origin[e - 1] + 1
        spans.append((s, e))
    return spans


def snippet(text: str, terms: list[Term], width: int = 240) -> SafeString:
    text = text or ""
    first = None
    spans: list[tuple[int, int]] = []
    if terms:
        folded, origin = folded_with_offsets(text)
        pattern = _pattern(terms)
        found = pattern.search(folded)
        if found:
            first = found.start() if origin is None else origin[found.start()]
    start = 0
    if first is not None:
        start = max(0, first - width // 3)
        if start > 0:
            space = text.rfind(" ", 0, start)
            start = space + 1 if space >= 0 and first - space < width // 2 else start
    end = min(len(text), start + width)
    if end < len(text):
        space = text.rfind(" ", start, end)
        end = space if space > start + width // 2 else end
    if first is not None:
        spans = match_spans(text[start:end], terms)
    parts = ["…" if start > 0 else ""]
    pos = 0
    window = text[start:end]
    for s, e in spans:
        if s < pos:
            continue
        parts.append(escape(window[pos:s]))
        parts.append(f"<mark>{escape(window[s:e])}</mark>")
        pos = e
    parts.append(escape(window[pos:]))
    if end < len(text):
        parts.append("…")
    return mark_safe(" ".join("".join(parts).split()).strip())
