"""The Vietnamese side for the demo: the Ministry of Home Affairs, the departments the seed
articles name, and the ministries Resolution 153/NQ-CP assigns tasks to. Provinces come from
the reference data (reference.loaders.load_provinces)."""

from hoptac.org.models import Unit

MINISTRY_OF_HOME_AFFAIRS = ("Bộ Nội vụ", "Ministry of Home Affairs", "BNV")
MOHA_DEPARTMENTS = [
    # (code, name_vi, name_en, short name)
    ("BNV-HTQT", "Vụ Hợp tác quốc tế", "Department of International Cooperation", "Vụ HTQT"),
    ("BNV-TCCB", "Vụ Tổ chức cán bộ", "Department of Organisation and Personnel", "Vụ TCCB"),
    ("BNV-PC", "Vụ Pháp chế", "Department of Legal Affairs", "Vụ PC"),
    ("BNV-VP", "Văn phòng Bộ", "Ministry Office", "VP Bộ"),
    ("BNV-CVL", "Cục Việc làm", "Department of Employment", "Cục VL"),
    ("BNV-QLLDNN", "Cục Quản lý lao động ngoài nước", "Department of Overseas Labour", "Cục QLLĐNN"),
]
OTHER_MINISTRIES = [
    ("BNG", "Bộ Ngoại giao", "Ministry of Foreign Affairs"),
    ("BVHTTDL", "Bộ Văn hóa, Thể thao và Du lịch", "Ministry of Culture, Sports and Tourism"),
    ("BNNMT", "Bộ Nông nghiệp và Môi trường", "Ministry of Agriculture and Environment"),
    ("BYT", "Bộ Y tế", "Ministry of Health"),
    ("BGDDT", "Bộ Giáo dục và Đào tạo", "Ministry of Education and Training"),
    ("BTC", "Bộ Tài chính", "Ministry of Finance"),
    ("BCA", "Bộ Công an", "Ministry of Public Security"),
    ("BDTTG", "Bộ Dân tộc và Tôn giáo", "Ministry of Ethnic and Religious Affairs"),
]


def _unit(code: str, **values) -> Unit:
    unit = Unit.objects.filter(code=code).exclude(kind=Unit.Kind.PROVINCE).first()
    if unit is None:
        return Unit.objects.create(code=code, **values)
    changed = [k for k, v in values.items() if getattr(unit, k) != v]
    for name in changed:
        setattr(unit, name, values[name])
    if changed:
        unit.save(update_fields=changed)
    return unit


def load_demo_units() -> Unit:
    """Create or update the demo units; return the Department of International Cooperation."""
    name_vi, name_en, short = MINISTRY_OF_HOME_AFFAIRS
    moha = _unit("BNV", kind=Unit.Kind.MINISTRY, name_vi=name_vi, name_en=name_en, short_name=short)
    departments = {
        code: _unit(code, kind=Unit.Kind.DEPARTMENT, name_vi=vi, name_en=en, short_name=s, parent=moha)
        for code, vi, en, s in MOHA_DEPARTMENTS
    }
    for code, vi, en in OTHER_MINISTRIES:
        _unit(code, kind=Unit.Kind.MINISTRY, name_vi=vi, name_en=en, short_name=code)
    return departments["BNV-HTQT"]
