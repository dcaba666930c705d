import unicodedata

from hypothesis import given
from hypothesis import strategies as st

from hoptac.search.folding import _LATIN, _fold_by_steps, fold, fold_words, search_blob

VIETNAMESE_LETTERS = "aàáảãạăằắẳẵặâầấẩẫậbcdđeèéẻẽẹêềếểễệghiìíỉĩịklmnoòóỏõọôồốổỗộơờớởỡợpqrstuùúủũụưừứửữựvxyỳýỷỹỵ"
LETTERS = VIETNAMESE_LETTERS + VIETNAMESE_LETTERS.upper()


def test_examples_from_the_design():
    assert fold("Hợp tác Quốc tế") == "hop tac quoc te"
    assert fold("Đà Nẵng") == "da nang"
    assert fold("Vũ Chiến Thắng") == "vu chien thang"
    assert fold("Liên Hợp Quốc") == "lien hop quoc"


def test_decomposed_input_folds_like_composed():
    text = "Thứ trưởng Nội vụ"
    assert fold(unicodedata.normalize("NFD", text)) == fold(text) == "thu truong noi vu"


@given(st.text(alphabet=LETTERS, min_size=1))
def test_every_vietnamese_letter_folds_to_ascii(text):
    assert fold(text).isascii()


@given(st.text())
def test_folding_is_idempotent(text):
    assert fold(fold(text)) == fold(text)


@given(st.text(alphabet=LETTERS + " ,.-/", max_size=40))
def test_words_are_folded_and_free_of_punctuation(text):
    for word in fold_words(text):
        assert word == fold(word)
        assert word.isalnum()


def test_search_blob_joins_multiword_names_so_acronym_prefixes_match():
    blob = search_blob("UN Women")
    assert " un " in blob and " women " in blob and " unwomen " in blob


@given(st.text(alphabet=st.characters(max_codepoint=127)))
def test_ascii_text_takes_a_shortcut_to_the_same_result(text):
    # A non-ASCII letter at the end sends the text through the full normalisation; ASCII
    # characters fold the same wherever they stand, so the two must agree.
    assert fold(text) + "e" == fold(text + "É")


TABLE_TEXT = st.text(alphabet=st.sampled_from(sorted(chr(c) for c in _LATIN) + [chr(c) for c in range(128)]))


@given(TABLE_TEXT)
def test_latin_text_folds_by_table_as_by_the_steps(text):
    assert fold(text) == _fold_by_steps(text)


def test_every_pair_of_table_characters_folds_as_by_the_steps():
    # No two of them combine (the table's premise): checked exhaustively, pair by pair.
    chars = sorted(chr(c) for c in _LATIN) + [chr(c) for c in range(32, 128)]
    wrong = [a + b for a in chars for b in chars if fold(a + b) != _fold_by_steps(a + b)]
    assert wrong == []


def test_text_beyond_the_table_is_folded_by_the_steps():
    # Hangul jamo compose across characters: no table of single characters gives this.
    assert fold("\u1100\u1161 Hà") == "\uac00 ha"
    assert fold("Hợp tác\u0301") == "hop tac"
