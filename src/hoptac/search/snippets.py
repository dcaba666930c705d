"""Snippets with <mark>: found in the original text around the first match, everything escaped."""

import re

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

from hoptac.search.folding import fold
from hoptac.search.query import Term

_WORD = re.compile(r"[^\W_]+")


def folded_with_offsets(text: str) -> tuple[str, list[int]]:
    """Fold character by character, remembering which original character each folded one came from."""
    out: list[str] = []
    origin: list[int] = []
    for i, ch in enumerate(text):
        f = fold(ch) if not ch.isascii() else ch.lower()
        out.append(f)
        origin.extend([i] * len(f))
    return "".join(out), origin


def match_spans(text: str, terms: list[Term]) -> list[tuple[int, int]]:
    """Original-text spans of words (and phrases) that match the terms."""
    folded, origin = folded_with_offsets(text)
    words = [(m.group(), m.start(), m.end()) for m in _WORD.finditer(folded)]
    spans: list[tuple[int, int]] = []
    for i in range(len(words)):
        for term in terms:
            n = len(term.words)
            window = words[i : i + n]
            if len(window) < n:
                continue
            ok = all(w[0] == t for w, t in zip(window[:-1], term.words[:-1], strict=True))
            last_word, last_term = window[-1][0], term.words[-1]
            ok = ok and (last_word.startswith(last_term) if term.prefix else last_word == last_term)
            if ok:
                spans.append((origin[window[0][1]], origin[window[-1][2] - 1] + 1))
                break
    return spans


def snippet(text: str, terms: list[Term], width: int = 240) -> SafeString:
    text = text or ""
    spans = match_spans(text, terms) if terms else []
    if spans:
        first = spans[0][0]
        start = max(0, first - width // 3)
        # Start at a word boundary.
        if start > 0:
            space = text.rfind(" ", 0, start)
            start = space + 1 if space >= 0 and first - space < width // 2 else start
    else:
        start = 0
    end = min(len(text), start + width)
    if end < len(text):
        space = text.rfind(" ", start, end)
        end = space if space > start + width // 2 else end
    parts = ["…" if start > 0 else ""]
    pos = start
    for s, e in spans:
        if e <= start or s >= end:
            continue
        s, e = max(s, start), min(e, end)
        if s < pos:
            continue
        parts.append(escape(text[pos:s]))
        parts.append(f"<mark>{escape(text[s:e])}</mark>")
        pos = e
    parts.append(escape(text[pos:end]))
    if end < len(text):
        parts.append("…")
    return mark_safe(" ".join("".join(parts).split()).strip())
