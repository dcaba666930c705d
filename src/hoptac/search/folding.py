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
    decomposed = unicodedata.normalize("NFKD", text.casefold().translate(_EXTRA))
    stripped = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    # Compatibility decomposition can itself produce letters that fold further.
    return unicodedata.normalize("NFKC", stripped).casefold().translate(_EXTRA)


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
