"""Rule-based extraction of mentions from a document's text, in English and Vietnamese.

Each mention is the contract's object {"type", "text", "start", "end", "confidence", "value"}
with character offsets into the text (Python string indices). Gazetteers come from the partner
registry and the units (hoptac.documents.gazetteer); the rest are patterns below."""

import calendar
import datetime
import re
from decimal import Decimal, InvalidOperation

from hoptac.documents.gazetteer import gazetteer
from hoptac.search.folding import fold

UPPER = "A-ZÀÁẢÃẠĂẰẮẲẴẶÂẦẤẨẪẬĐÈÉẺẼẸÊỀẾỂỄỆÌÍỈĨỊÒÓỎÕỌÔỒỐỔỖỘƠỜỚỞỠỢÙÚỦŨỤƯỪỨỬỮỰỲÝỶỸỴ"
CAP = rf"[{UPPER}][\w'’]*"

# ---- document numbers -----------------------------------------------------------------------

_DOCNUM = re.compile(
    r"(?<![\w/-])(?:"
    r"\d{1,4}/\d{4}/QH\d{1,2}"  # 70/2020/QH14
    r"|\d{1,4}(?:/\d{4})?/[A-ZĐ]{1,5}(?:-[A-ZĐ][A-Za-zĐđ]{0,7})+"  # 153/NQ-CP, 06/2020/QĐ-TTg
    r"|\d{1,4}-[A-ZĐ]{1,4}/[A-ZĐ]{1,4}"  # 59-NQ/TW, 57-KL/TW
    r")(?![\w/-])"
)
DOC_TYPES = {
    "NQ": "resolution", "QĐ": "decision", "NĐ": "decree", "KL": "conclusion", "CT": "directive",
    "TT": "circular", "TTLT": "joint_circular", "QH": "law", "CV": "official_letter", "TB": "notice",
    "HD": "guidance", "BC": "report", "KH": "plan",
}  # fmt: skip
ISSUERS = {
    "CP": "Government", "TTg": "Prime Minister", "TW": "Party Central Committee", "BCT": "Politburo",
    "QH": "National Assembly", "UBTVQH": "National Assembly Standing Committee", "BNV": "Ministry of Home Affairs",
    "BNG": "Ministry of Foreign Affairs", "BTC": "Ministry of Finance",
}  # fmt: skip


def describe_number(symbol: str) -> dict:
    """The type and issuer a Vietnamese document symbol encodes: 153/NQ-CP → resolution, Government."""
    if re.fullmatch(r"\d+/\d{4}/QH\d+", symbol):
        return {"type": "law", "issuer": f"National Assembly ({symbol.rsplit('QH', 1)[1]}th)"}
    m = re.fullmatch(r"\d+-([A-ZĐ]+)/([A-ZĐ]+)", symbol)
    if m:
        return {"type": DOC_TYPES.get(m.group(1), m.group(1)), "issuer": ISSUERS.get(m.group(2), m.group(2))}
    parts = symbol.split("/")[-1].split("-")
    kind, issuer = parts[0], "-".join(parts[1:])
    return {"type": DOC_TYPES.get(kind, kind), "issuer": ISSUERS.get(issuer, issuer)}


# ---- dates ------------------------------------------------------------------------------------

MONTHS = {name.lower(): i for i, name in enumerate(calendar.month_name) if name}
MONTHS.update({name.lower(): i for i, name in enumerate(calendar.month_abbr) if name})
_MONTH = r"(?:January|February|March|April|May|June|July|August|September|October|November|December|Jan|Feb|Mar|Apr|Jun|Jul|Aug|Sep|Sept|Oct|Nov|Dec)\.?"  # noqa: E501
_EN_MDY = re.compile(rf"\b({_MONTH})\s+(\d{{1,2}})(?:\s*[-–]\s*(\d{{1,2}}))?(?:st|nd|rd|th)?(?:,?\s+(\d{{4}}))?\b")
_EN_DMY = re.compile(rf"\b(\d{{1,2}})(?:\s*[-–]\s*(\d{{1,2}}))?\s+({_MONTH})(?:,?\s+(\d{{4}}))?\b")
_NUMERIC = re.compile(r"(?<![\d/.-])(?:(ngày|Ngày)\s+)?(\d{1,2})[/.-](\d{1,2})[/.-](\d{4})(?![\w/]|[.-]\d)")
_ISO = re.compile(r"(?<![\w/-])(\d{4})-(\d{2})-(\d{2})(?![\w/-])")
_VI_LONG = re.compile(r"(?:(ngày|Ngày)\s+)?(\d{1,2})\s+tháng\s+(\d{1,2})(?:\s*(?:năm\s+|,\s*)(\d{4}))?(?!\d)")
_VI_SHORT = re.compile(r"(ngày|Ngày)\s+(\d{1,2})/(\d{1,2})(?![/\d])")


def _date(year: int, month: int, day: int) -> datetime.date | None:
    try:
        return datetime.date(year, month, day)
    except ValueError:
        return None


def reference_date(text: str, doc_date: datetime.date | None, today: datetime.date | None) -> datetime.date:
    """What a date without a year is read against: the document's date, else the first full
    date the text states (a dateline), else today."""
    if doc_date:
        return doc_date
    for m in _NUMERIC.finditer(text[:3000]):
        d = _date(int(m.group(4)), int(m.group(3)), int(m.group(2)))
        if d:
            return d
    for m in _ISO.finditer(text[:3000]):
        d = _date(int(m.group(1)), int(m.group(2)), int(m.group(3)))
        if d:
            return d
    return today or datetime.date.today()  # noqa: DTZ011 - a calendar date for reading text


def _dates(text: str, ref: datetime.date, guessed: bool = False) -> list[dict]:
    """Dates and ranges; one without a year takes the reference date's year (confidence 0.8, or
    0.5 when the reference is only today's date)."""
    found = []

    def add(m, start_date, end_date=None, explicit=True, group_start=0):
        if start_date is None or (end_date is not None and end_date < start_date):
            return
        value = (
            start_date.isoformat()
            if end_date is None
            else {"start": start_date.isoformat(), "end": end_date.isoformat()}
        )
        s = m.start(group_start) if group_start else m.start()
        confidence = 0.95 if explicit else 0.5 if guessed else 0.8
        found.append(_mention("date", text, s, m.end(), confidence, value))

    for m in _EN_MDY.finditer(text):
        month = MONTHS[m.group(1).rstrip(".").lower()]
        year = int(m.group(4)) if m.group(4) else ref.year
        start = _date(year, month, int(m.group(2)))
        end = _date(year, month, int(m.group(3))) if m.group(3) else None
        add(m, start, end, bool(m.group(4)))
    for m in _EN_DMY.finditer(text):
        month = MONTHS[m.group(3).rstrip(".").lower()]
        year = int(m.group(4)) if m.group(4) else ref.year
        start = _date(year, month, int(m.group(1)))
        end = _date(year, month, int(m.group(2))) if m.group(2) else None
        add(m, start, end, bool(m.group(4)))
    for m in _NUMERIC.finditer(text):
        add(m, _date(int(m.group(4)), int(m.group(3)), int(m.group(2))))
    for m in _ISO.finditer(text):
        add(m, _date(int(m.group(1)), int(m.group(2)), int(m.group(3))))
    for m in _VI_LONG.finditer(text):
        year = int(m.group(4)) if m.group(4) else ref.year
        add(m, _date(year, int(m.group(3)), int(m.group(2))), None, bool(m.group(4)))
    for m in _VI_SHORT.finditer(text):
        add(m, _date(ref.year, int(m.group(3)), int(m.group(2))), None, False)
    return found


# ---- amounts and counts -------------------------------------------------------------------------

_CURRENCY_SIGNS = {"US$": "USD", "$": "USD", "USD": "USD", "VND": "VND", "VNĐ": "VND", "đồng": "VND", "EUR": "EUR",
                   "€": "EUR", "euros": "EUR", "euro": "EUR", "JPY": "JPY", "¥": "JPY", "yen": "JPY", "GBP": "GBP",
                   "£": "GBP", "KRW": "KRW", "won": "KRW", "CNY": "CNY", "AUD": "AUD", "A$": "AUD", "dollars": "USD",
                   "đô la Mỹ": "USD", "đô la": "USD"}  # fmt: skip
_SCALE_EN = {"thousand": 10**3, "million": 10**6, "billion": 10**9, "trillion": 10**12, "bn": 10**9, "m": 10**6}
_SCALE_VI = {"nghìn tỷ": 10**12, "ngàn tỷ": 10**12, "nghìn": 10**3, "ngàn": 10**3, "triệu": 10**6, "tỷ": 10**9}
_PREFIX_CUR = r"(US\$|A\$|USD|VND|VNĐ|EUR|JPY|GBP|KRW|CNY|AUD|\$|€|£|¥)"
_SUFFIX_CUR = r"(USD|VND|VNĐ|EUR|JPY|GBP|KRW|CNY|AUD|đồng|euros?|yen|won|dollars|đô la Mỹ|đô la)"
_NUM = r"(\d{1,3}(?:[.,]\d{3})+|\d+(?:[.,]\d+)?)"
_EN_SCALE = r"(thousand|million|billion|trillion|bn)"
_VI_SCALE = r"(nghìn tỷ|ngàn tỷ|nghìn|ngàn|triệu|tỷ)"
_AMOUNT_PREFIX = re.compile(rf"(?<![\w$€£¥]){_PREFIX_CUR}\s?{_NUM}(?:\s+{_EN_SCALE}|\s+{_VI_SCALE})?(?![\w])")
_AMOUNT_SUFFIX = re.compile(rf"(?<![\w.,]){_NUM}(?:\s+{_EN_SCALE}|\s+{_VI_SCALE})?\s+{_SUFFIX_CUR}(?![\w])")


def _number(raw: str, vietnamese: bool) -> Decimal | None:
    """'5.1' / '5,1' / '1,000' / '1.000' → Decimal, by the convention of the surrounding words."""
    raw = raw.replace(".", "").replace(",", ".") if vietnamese else raw.replace(",", "")
    try:
        return Decimal(raw)
    except InvalidOperation:
        return None


def _plain(value: Decimal) -> str:
    text = format(value.normalize(), "f")
    return text


def _amounts(text: str) -> list[dict]:
    found = []
    for m in _AMOUNT_PREFIX.finditer(text):
        vi = bool(m.group(4))
        number = _number(m.group(2), vietnamese=vi)
        if number is None:
            continue
        scale = _SCALE_EN.get(m.group(3) or "", 1) if not vi else _SCALE_VI[m.group(4)]
        found.append(_mention("amount", text, m.start(), m.end(), 0.9,
                              {"amount": _plain(number * scale), "currency": _CURRENCY_SIGNS[m.group(1)]}))  # fmt: skip
    for m in _AMOUNT_SUFFIX.finditer(text):
        vi = bool(m.group(3)) or m.group(4) in ("đồng", "đô la", "đô la Mỹ")
        number = _number(m.group(1), vietnamese=vi)
        if number is None:
            continue
        scale = _SCALE_VI[m.group(3)] if m.group(3) else _SCALE_EN.get(m.group(2) or "", 1)
        found.append(_mention("amount", text, m.start(), m.end(), 0.9,
                              {"amount": _plain(number * scale), "currency": _CURRENCY_SIGNS[m.group(4)]}))  # fmt: skip
    return found


_COUNT_NOUNS_EN = (
    "countries|territories|agencies|organizations|organisations|partners|provinces|ministries|projects|programmes|"
    "programs|agreements|delegations|members|people|workers|citizens|officials|deputies|procedures|units|cities|"
    "experts|participants|events|conferences|workshops|courses|tasks|documents|memorandums|localities|"
    "communes|districts|embassies|universities|enterprises|companies|students|volunteers|donors|treaties"
)
_COUNT_EN = re.compile(
    rf"(?<![\w/.,$€£¥-])(\d{{1,3}}(?:,\d{{3}})+|\d{{1,7}})\s+((?:(?:[A-Za-z][\w-]*)\s+){{0,3}}?(?i:{_COUNT_NOUNS_EN}))\b"
)
_COUNT_VI = re.compile(
    r"(?<![\w/.,-])(\d{1,3}(?:\.\d{3})+|\d{1,7})\s+"
    r"(quốc gia(?: và vùng lãnh thổ)?|tỉnh, thành phố|tỉnh|thành phố|cơ quan(?: Liên hợp quốc)?|tổ chức(?: quốc tế)?|"
    r"đối tác(?: chiến lược toàn diện| chiến lược| toàn diện)?|bộ, ngành|dự án|chương trình|nhiệm vụ|"
    r"đơn vị(?: hành chính)?|"
    r"người|lao động|đoàn|hiệp định|điều ước|thỏa thuận|văn bản|xã, phường)(?!\w)"
)


def _counts(text: str) -> list[dict]:
    found = []
    for regex in (_COUNT_EN, _COUNT_VI):
        for m in regex.finditer(text):
            number = int(m.group(1).replace(",", "").replace(".", ""))
            found.append(_mention("count", text, m.start(), m.end(), 0.75, {"count": number, "of": m.group(2)}))
    return found


# ---- organisations, countries, places -------------------------------------------------------------

_ORG_EN = re.compile(
    rf"\b(?:Ministry|Department|Agency|Committee|Commission|Office|Institute|Bureau|Council|Embassy|Academy)"
    rf"\s+(?:of|for)\s+(?:the\s+)?{CAP}(?:(?:\s+|,\s+|\s+and\s+|\s+of\s+|\s+for\s+|\s+the\s+)(?!Vu\b|To\b){CAP})*"
)
_ORG_VI = re.compile(
    rf"\b(?:Bộ|Ủy ban|Cục|Vụ|Sở)\s+{CAP}(?:\s+[a-zà-ỹđ]+){{1,2}}(?:(?:,\s+|\s+và\s+){CAP}(?:\s+[a-zà-ỹđ]+)?)*"
)
# Vietnamese department names continue in lower case ("Bộ Nội vụ"): stop at words that start a clause.
_VI_STOP = {"đã", "sẽ", "đang", "và", "cho", "với", "về", "tại", "trong", "của", "là", "được", "có", "các", "những",
            "để", "từ", "chủ", "tổ", "đề", "nhằm", "cần", "còn", "phối", "thực", "trình"}  # fmt: skip


def _cut_list(name: str, conjunction: str) -> str:
    """Keep "Ministry of Labor, War Invalids and Social Affairs" whole, but cut
    "Ministry of Public Security, Hoan" at the comma: a comma continues a name only in a list
    that ends with the conjunction."""
    if ", " not in name:
        return name
    last_comma = name.rfind(", ")
    if conjunction in name[last_comma:]:
        return name
    return name[: name.find(", ")]


def _gazetteer_mentions(text: str) -> list[dict]:
    g = gazetteer()
    found = []
    for m in g.regex.finditer(text):
        name = g.by_text.get(m.group())
        if name is None:
            continue
        found.append(_mention(name.type, text, m.start(), m.end(), name.confidence, name.value))
    return found


def _pattern_orgs(text: str, known: list[dict]) -> list[dict]:
    found = []
    taken = [(k["start"], k["end"]) for k in known if k["type"] == "organisation"]
    for m in _ORG_EN.finditer(text):
        s, e = m.start(), m.end()
        e = s + len(_cut_list(m.group(), " and "))
        # Trim a trailing person name: "Ministry of Transport Nguyen Van Thang".
        words = text[s:e].split()
        cut = _name_start(words)
        if cut is not None and cut >= 3:
            e = s + len(" ".join(words[:cut]))
        if any(a <= s and e <= b for a, b in taken):
            continue
        inner = [k for k in known if k["type"] == "organisation" and k["start"] == s and k["end"] < e]
        if any(s < b and a < e for a, b in taken) and not inner:
            continue
        if inner:  # "Ministry for Public Servants" is in the registry: keep its link, with the full name
            found.append(_mention("organisation", text, s, e, 0.9, inner[0]["value"]))
            continue
        name = text[s:e].rstrip(",")
        found.append(_mention("organisation", text, s, s + len(name), 0.6,
                              {"partner_id": None, "name_en": name.removeprefix("the "), "acronym": None}))  # fmt: skip
    for m in _ORG_VI.finditer(text):
        words = _cut_list(m.group(), " và ").split()
        kept = [words[0], words[1]]
        for i, w in enumerate(words[2:], 2):
            nxt = words[i + 1] if i + 1 < len(words) else ""
            if w.strip(",").lower() in _VI_STOP and not (w == "và" and nxt[:1].isupper()):
                break
            kept.append(w)
        s = m.start()
        e = s + len(" ".join(kept).rstrip(","))
        if any(s < b and a < e for a, b in taken):
            continue
        known_name = gazetteer().by_text.get(text[s:e])
        if known_name is not None and known_name.type == "organisation":
            found.append(_mention("organisation", text, s, e, 0.8, known_name.value))
        else:
            found.append(
                _mention("organisation", text, s, e, 0.5, {"partner_id": None, "name_en": text[s:e], "acronym": None})
            )
    return found


# ---- people ---------------------------------------------------------------------------------------

VI_SURNAMES = {
    "nguyen", "tran", "le", "pham", "hoang", "huynh", "phan", "vu", "vo", "dang", "bui", "do", "ho", "ngo", "duong",
    "ly", "ha", "to", "dinh", "trinh", "mai", "luong", "dao", "truong", "lam", "cao", "thai", "doan", "vuong", "trieu",
    "quach", "kieu", "chu", "luu", "ton", "tang", "la", "lai", "giang", "thach",
}  # fmt: skip
_TITLE_EN = (
    r"(?:(?:Standing|Permanent|First)\s+)?(?:(?:Deputy|Vice)\s+)?(?:(?:Prime|Foreign|General|Director)\s+)?"
    r"(?:Minister|Director(?:-General| General)?|Ambassador|President|Chairman|Chairwoman|Chairperson|Secretary|"
    r"Governor|Head|Chief|Spokesperson|Representative|Coordinator)"
)
_PERSON_EN = re.compile(
    rf"\b({_TITLE_EN}(?:\s+(?:of|for)\s+(?:the\s+)?{CAP}(?:(?:\s+|,\s+|\s+and\s+|\s+of\s+|\s+for\s+|\s+the\s+){CAP})*)?)"
    rf"((?:\s+{CAP}){{2,5}})"
)
_HONORIFIC = re.compile(
    rf"\b(Ms\.|Mr\.|Mrs\.|Dr\.|Prof\.)\s+({CAP}(?:\s+{CAP}){{1,4}})(?:,\s+((?:an?\s+|the\s+)?{_TITLE_EN}(?:\s+(?:of|for)\s+(?:the\s+)?{CAP}(?:(?:\s+|\s+and\s+|\s+of\s+){CAP})*)?))?"
)  # noqa: E501
_TITLE_VI = (
    r"(?:Phó Thủ tướng|Thủ tướng|Bộ trưởng|Thứ trưởng Thường trực|Thứ trưởng|Phó Vụ trưởng|Vụ trưởng|Phó Cục trưởng|"
    r"Cục trưởng|Đại sứ|Phó Chủ tịch|Chủ tịch|Tổng Bí thư|Giám đốc|Phó Giám đốc|Trưởng đoàn|Ông|Bà)"
)
_PERSON_VI = re.compile(rf"({_TITLE_VI})((?:\s+[\wÀ-ỹ]+){{2,9}})")


_ORG_WORDS = {"Agency", "Affairs", "Ministry", "Committee", "Organization", "Organisation", "Fund", "Bank",
              "Programme", "Program", "Department", "Office", "Union", "Council", "Commission", "Assembly"}  # fmt: skip


def _name_start(words: list[str], anywhere: bool = False) -> int | None:
    """Index of the first word that starts a Vietnamese personal name: a surname followed by one to
    three capitalised words (at the end of `words`, unless `anywhere`)."""
    for i, w in enumerate(words):
        if fold(w.strip(",")) not in VI_SURNAMES or not w[:1].isupper():
            continue
        rest = words[i:]
        if anywhere:
            if _name_length(rest) >= 2:
                return i
        elif 2 <= len(rest) <= 4 and all(x[:1].isupper() for x in rest):
            return i
    return None


def _people(text: str) -> list[dict]:
    found = []
    pos = 0
    while True:
        m = _PERSON_EN.search(text, pos)
        if m is None:
            break
        pos = m.end()
        tokens = list(re.finditer(r"\S+", m.group()))
        words = [t.group() for t in tokens]
        head = len(m.group(1).split()) if " of " not in m.group(1) and " for " not in m.group(1) else 1
        cut = _name_start(words[head:], anywhere=True)
        if cut is not None:
            cut += head
            length = _name_length(words[cut:])
        elif words[-1].strip(",.") in _ORG_WORDS or len(words) < 3:
            continue
        else:  # a foreign name: the last two capitalised words
            cut, length = len(words) - 2, 2
        if length < 2:
            continue
        name = " ".join(w.rstrip(",.;:") for w in words[cut : cut + length])
        name = re.sub(r"['’]s$", "", name)
        end = m.start() + tokens[cut + length - 1].end()
        if text[end - 2 : end] in ("'s", "’s"):
            end -= 2
        pos = end
        title = " ".join(words[:cut]).rstrip(",")
        found.append(_mention("person", text, m.start(), end, 0.85, {"name": name, "title": title}))
    for m in _HONORIFIC.finditer(text):
        name = m.group(2)
        s, e = m.start(), m.start(2) + len(name)
        title = (m.group(3) or "").removeprefix("a ").removeprefix("an ").removeprefix("the ") or None
        found.append(_mention("person", text, s, e, 0.8, {"name": name, "title": title}))
    for m in _PERSON_VI.finditer(text):
        tokens = list(re.finditer(r"\S+", m.group(2)))
        words = [t.group() for t in tokens]
        cut = _name_start_vi(words)
        if cut is None:
            continue
        length = _name_length(words[cut:])
        if length < 2:
            continue
        name_words = [w.rstrip(",.;:") for w in words[cut : cut + length]]
        title = " ".join([m.group(1), *words[:cut]])
        end = m.start(2) + tokens[cut + length - 1].end()
        found.append(_mention("person", text, m.start(), end, 0.85, {"name": " ".join(name_words), "title": title}))
    return found


def _name_start_vi(words: list[str]) -> int | None:
    for i, w in enumerate(words[:5]):
        if w[:1].isupper() and fold(w) in VI_SURNAMES and i + 1 < len(words) and words[i + 1][:1].isupper():
            return i
    return None


def _name_length(words: list[str]) -> int:
    n = 0
    for w in words[:4]:
        if not w[:1].isupper():
            break
        n += 1
        if w.endswith((",", ".", ";", ":")):
            break
    return n


# ---- assembling ---------------------------------------------------------------------------------------


def _mention(type_: str, text: str, start: int, end: int, confidence: float, value) -> dict:
    span = text[start:end]
    stripped = span.rstrip(" ,.;:")
    end = start + len(stripped)
    return {
        "type": type_,
        "text": text[start:end],
        "start": start,
        "end": end,
        "confidence": confidence,
        "value": value,
    }


LAYERS = {
    "organisation": 0, "country": 0, "place": 0, "person": 0,
    "document_number": 1, "date": 1, "amount": 1, "count": 1,
}  # fmt: skip
PRIORITY = {"person": 3, "organisation": 2, "country": 1, "place": 0, "document_number": 3, "amount": 2, "date": 1,
            "count": 0}  # fmt: skip


def _resolve(candidates: list[dict]) -> list[dict]:
    """Within a layer, keep the longest (then highest-priority) of overlapping mentions; names and
    numbers are separate layers, so "12 United Nations agencies" is a count and holds an organisation."""
    chosen: list[dict] = []
    occupied: dict[int, list[tuple[int, int]]] = {0: [], 1: []}
    order = sorted(candidates, key=lambda m: (-(m["end"] - m["start"]), -PRIORITY[m["type"]], m["start"]))
    for m in order:
        layer = occupied[LAYERS[m["type"]]]
        if any(m["start"] < e and s < m["end"] for s, e in layer):
            continue
        layer.append((m["start"], m["end"]))
        chosen.append(m)
    return sorted(chosen, key=lambda m: (m["start"], -m["end"], m["type"]))


def extract_mentions(
    text: str,
    *,
    lang: str = "en",
    doc_date: datetime.date | None = None,
    today: datetime.date | None = None,
) -> list[dict]:
    """Every mention found in `text`, sorted by position."""
    if not text:
        return []
    ref = reference_date(text, doc_date, today)
    guessed = doc_date is None and ref == (today or datetime.date.today())  # noqa: DTZ011
    candidates = _gazetteer_mentions(text)
    candidates += _pattern_orgs(text, candidates)
    candidates += _people(text)
    candidates += [
        _mention("document_number", text, m.start(), m.end(), 0.95, m.group()) for m in _DOCNUM.finditer(text)
    ]
    candidates += _dates(text, ref, guessed)
    candidates += _amounts(text)
    candidates += _counts(text)
    return _resolve(candidates)
