"""Vietnamese folding: the one normal form both sides of every text match use.

Lower-case, strip tone and vowel marks, đ→d: "Hợp tác Quốc tế" → "hop tac quoc te".
"""

import re
import unicodedata

_EXTRA = str.maketrans({"đ": "d", "Đ": "d", "ð": "d", "ı": "i", "ø": "o", "ß": "ss", "æ": "ae", "œ": "oe"})
_NON_WORD = re.compile(r"[^\w]+", re.UNICODE)


def fold(text: str | None) -> str:
    if not text:
        return ""
    if text.isascii():
        return text.lower()  # what the steps below give for ASCII, ~100x faster
    if _OUTSIDE_TABLE.search(text) is None:
        return text.translate(_LATIN)  # what the steps give for Latin text (Vietnamese), ~7x faster
    return _fold_by_steps(text)


def _fold_by_steps(text: str) -> str:
    decomposed = unicodedata.normalize("NFKD", text.casefold().translate(_EXTRA))
    stripped = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    # Compatibility decomposition can itself produce letters that fold further.
    return unicodedata.normalize("NFKC", stripped).casefold().translate(_EXTRA)


# Precomposed Latin letters (Vietnamese's among them) and punctuation fold one by one: no
# combining mark is left to compose across two of them, so a table of each one's fold gives what
# the steps give for a whole text made of them (tested against the steps on such texts).
_TABLE_RANGES = ((0x41, 0x5B), (0x80, 0x250), (0x1E00, 0x1F00), (0x2000, 0x2070))
_LATIN = {c: _fold_by_steps(chr(c)) for start, end in _TABLE_RANGES for c in range(start, end)}
_OUTSIDE_TABLE = re.compile("[^\x00-\u024f\u1e00-\u1eff\u2000-\u206f]")


def fold_words(text: str | None) -> list[str]:
    """Folded words, punctuation dropped: the tokens a search matches."""
    return [w for w in _NON_WORD.sub(" ", fold(text)).split() if w]


def search_blob(*parts: str | None) -> str:
    """A folded text to match against: words joined by spaces, plus each part without spaces
    so that "unw" finds "UN Women" and "unwomen" finds it too."""
    words: list[str] = []
    for part in parts:
        tokens = fold_words(part)
        words.extend(tokens)
        if len(tokens) > 1:
            words.append("".join(tokens))
    return " " + " ".join(words) + " "
