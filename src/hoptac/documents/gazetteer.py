"""Names extraction looks for: the partner registry (names, acronyms, aliases), the Vietnamese units,
the provinces, plus a short curated list of organisations and places that the registry may lack.

Built from the database once and cached until the registry changes."""

import re
from dataclasses import dataclass, field

from django.db.models import Count, Max

# (acronym, English name, other names). Used when the registry has no partner of that name;
# a registry partner with the same acronym or name replaces the entry (and gives its id).
CURATED_ORGANISATIONS = [
    ("UN", "United Nations", ["Liên hợp quốc", "Liên Hợp Quốc"]),
    ("ILO", "International Labour Organization", ["International Labor Organization", "Tổ chức Lao động Quốc tế"]),
    ("IOM", "International Organization for Migration", ["Tổ chức Di cư Quốc tế"]),
    ("UNDP", "United Nations Development Programme", ["Chương trình Phát triển Liên hợp quốc"]),
    ("UN Women", "UN Women", ["Cơ quan Liên hợp quốc về Bình đẳng giới và Trao quyền cho phụ nữ"]),
    ("UNICEF", "United Nations Children's Fund", ["Quỹ Nhi đồng Liên hợp quốc"]),
    ("UNFPA", "United Nations Population Fund", ["Quỹ Dân số Liên hợp quốc"]),
    ("UNESCO", "United Nations Educational, Scientific and Cultural Organization", []),
    ("UNHCR", "United Nations High Commissioner for Refugees", []),
    ("WHO", "World Health Organization", ["Tổ chức Y tế Thế giới"]),
    ("FAO", "Food and Agriculture Organization", []),
    ("WB", "World Bank", ["Ngân hàng Thế giới"]),
    ("ADB", "Asian Development Bank", ["Ngân hàng Phát triển châu Á"]),
    ("IMF", "International Monetary Fund", ["Quỹ Tiền tệ Quốc tế"]),
    ("WTO", "World Trade Organization", ["Tổ chức Thương mại Thế giới"]),
    ("OECD", "Organisation for Economic Co-operation and Development", []),
    ("ASEAN", "Association of Southeast Asian Nations", ["Hiệp hội các quốc gia Đông Nam Á"]),
    ("EU", "European Union", ["Liên minh châu Âu"]),
    ("AFD", "French Development Agency", ["Agence française de développement", "Cơ quan Phát triển Pháp"]),
    ("JICA", "Japan International Cooperation Agency", ["Cơ quan Hợp tác Quốc tế Nhật Bản"]),
    ("KOICA", "Korea International Cooperation Agency", ["Cơ quan Hợp tác Quốc tế Hàn Quốc"]),
    ("GIZ", "Deutsche Gesellschaft für Internationale Zusammenarbeit", []),
    ("USAID", "United States Agency for International Development", []),
    ("OANA", "Organization of Asia-Pacific News Agencies", []),
    ("VNA", "Vietnam News Agency", ["Thông tấn xã Việt Nam"]),
    ("", "National Assembly", ["Quốc hội"]),
    ("", "Politburo", ["Bộ Chính trị"]),
    ("", "Communist Party of Vietnam", ["Đảng Cộng sản Việt Nam"]),
]

# Names Vietnamese and English texts use for countries, beside the registry's (ISO alpha-2).
# Names that are also common Vietnamese words or given names ("Anh", "Nga", "Mỹ") are left out.
COUNTRY_NAMES = {
    "FR": ["France", "Pháp"],
    "JP": ["Japan", "Nhật Bản"],
    "CN": ["China", "Trung Quốc"],
    "KR": ["South Korea", "Republic of Korea", "Hàn Quốc"],
    "US": ["United States", "Hoa Kỳ"],
    "RU": ["Russia", "Liên bang Nga"],
    "DE": ["Germany", "Đức"],
    "GB": ["United Kingdom", "Vương quốc Anh"],
    "AU": ["Australia", "Úc", "Ô-xtrây-li-a"],
    "LA": ["Laos", "Lào"],
    "KH": ["Cambodia", "Campuchia"],
    "TH": ["Thailand", "Thái Lan"],
    "SG": ["Singapore", "Xinh-ga-po"],
    "ID": ["Indonesia", "In-đô-nê-xi-a"],
    "IN": ["India", "Ấn Độ"],
    "IL": ["Israel", "I-xra-en"],
    "IR": ["Iran", "I-ran"],
    "CL": ["Chile", "Chi-lê"],
}
HOME_COUNTRY = "VN"  # the home country is everywhere in these texts: not proposed as a mention

CURATED_PLACES = ["Hanoi", "Ha Noi", "Ho Chi Minh City", "HCM City", "Da Nang", "Paris", "Geneva", "New York",
                  "Tokyo", "Bangkok", "Jakarta", "Beijing", "Seoul", "Brussels", "Villers-Cotterêts"]  # fmt: skip


@dataclass
class Name:
    pattern: str
    type: str  # organisation | country | place
    value: object
    confidence: float


@dataclass
class Gazetteer:
    names: list[Name] = field(default_factory=list)
    regex: re.Pattern | None = None
    by_text: dict[str, Name] = field(default_factory=dict)

    def compile(self) -> "Gazetteer":
        unique: dict[str, Name] = {}
        for name in self.names:
            if len(name.pattern) >= 2 and name.pattern not in unique:
                unique[name.pattern] = name
        self.by_text = unique
        patterns = sorted(unique, key=len, reverse=True)
        body = "|".join(re.escape(p) for p in patterns) or r"(?!x)x"
        self.regex = re.compile(rf"(?<![\w-])(?:{body})(?![\w-])")
        return self


_cache: dict = {"key": None, "gazetteer": None}


def _key():
    from hoptac.org.models import Unit
    from hoptac.partners.models import Partner

    partners = Partner.objects.aggregate(n=Count("pk"), at=Max("updated_at"))
    units = Unit.objects.aggregate(n=Count("pk"), at=Max("updated_at"))
    return (partners["n"], partners["at"], units["n"], units["at"])


def gazetteer() -> Gazetteer:
    key = _key()
    if _cache["key"] != key:
        _cache["gazetteer"] = build()
        _cache["key"] = key
    return _cache["gazetteer"]


def _variants(name: str) -> list[str]:
    name = name.strip()
    return [name] if name else []


def build() -> Gazetteer:
    from hoptac.org.models import Unit
    from hoptac.partners.models import Partner

    g = Gazetteer()
    registry_orgs: dict[str, Partner] = {}
    for p in Partner.objects.exclude(kind=Partner.Kind.COUNTRY).order_by("pk"):
        value = {"partner_id": p.pk, "name_en": p.name_en, "acronym": p.acronym or None}
        for text in [p.acronym, p.name_en, p.name_vi, *p.aliases]:
            for v in _variants(text or ""):
                g.names.append(Name(v, "organisation", value, 0.95 if v != p.acronym else 0.9))
                registry_orgs[v.casefold()] = p
    for acronym, name_en, others in CURATED_ORGANISATIONS:
        known = registry_orgs.get(acronym.casefold()) if acronym else None
        known = known or registry_orgs.get(name_en.casefold())
        if known is not None:
            value = {"partner_id": known.pk, "name_en": known.name_en, "acronym": known.acronym or None}
        else:
            value = {"partner_id": None, "name_en": name_en, "acronym": acronym or None}
        for v in [acronym, name_en, *others]:
            if v:
                g.names.append(Name(v, "organisation", value, 0.85))
    for unit in Unit.objects.exclude(kind=Unit.Kind.PROVINCE).order_by("pk"):
        value = {"partner_id": None, "name_en": unit.name_en or unit.name_vi, "acronym": None}
        for v in [unit.name_en, unit.name_vi, *(unit.former_names or [])]:
            if v:
                g.names.append(Name(v, "organisation", value, 0.9))
    countries = Partner.objects.filter(kind=Partner.Kind.COUNTRY).exclude(country_id=HOME_COUNTRY)
    for p in countries.order_by("pk"):
        for v in [p.name_en, p.name_vi, *p.aliases, *COUNTRY_NAMES.get(p.country_id or "", [])]:
            if v:
                g.names.append(Name(v, "country", p.country_id, 0.9))
    for unit in Unit.objects.filter(kind=Unit.Kind.PROVINCE).order_by("pk"):
        names = [unit.name_vi, unit.name_en, *(unit.former_names or [])]
        for n in list(names):
            for prefix in ("Thành phố ", "Tỉnh "):
                if n and n.startswith(prefix):
                    names.append(n.removeprefix(prefix))
        for v in names:
            if v and v[0].isupper():
                g.names.append(Name(v, "place", v, 0.85))
    for v in CURATED_PLACES:
        g.names.append(Name(v, "place", v, 0.8))
    return g.compile()
