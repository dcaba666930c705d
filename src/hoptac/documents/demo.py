"""Demo documents: the five seed articles, ingested as an officer would (idempotent: the content
hash makes a second run add nothing). Their metadata below is what each article states."""

import datetime
from pathlib import Path

from hoptac.documents.models import Document

SEEDS = Path(__file__).resolve().parent.parent / "reference" / "data" / "seeds"

# Title, source, address and date as each article states them (None where it states none).
SEED_META = {
    "000": {
        "title": "Policy dialogue promotes international cooperation in the field of Home Affairs",
        "source": "Báo Chính phủ (Chinhphu.vn)",
        "source_url": "https://baochinhphu.vn/doi-thoai-chinh-sach-thuc-day-hop-tac-quoc-te-trong-linh-vuc-noi-vu-102251127112349168.htm",
        "published_on": datetime.date(2025, 11, 27),
    },
    "001": {
        "title": "Vietnam, France boost cooperation in public services, administrative modernisation",
        "source": "Vietnam News Agency (VNA)",
        "source_url": "",
        "published_on": None,
    },
    "002": {
        "title": "Các đại biểu chia sẻ về các vấn đề đặt ra trong hợp tác quốc tế lĩnh vực nội vụ",
        "source": "",
        "source_url": "",
        "published_on": datetime.date(2025, 11, 21),
    },
    "003": {
        "title": "Expand, diversify and deepen international cooperation mechanisms in the fields of culture, "
        "information, society, tourism and sports",
        "source": "Bộ Văn hóa, Thể thao và Du lịch",
        "source_url": "https://bvhttdl.gov.vn/mo-rong-da-dang-hoa-va-lam-sau-sac-cac-co-che-hop-tac-quoc-te-tren-cac-linh-vuc-van-hoa-thong-tin-xa-hoi-du-lich-the-thao-20250604083829072.htm",
        "published_on": datetime.date(2025, 6, 4),
    },
    "004": {
        "title": "Building mechanisms, policies for synchronous and comprehensive international integration: Workshop",
        "source": "World and Vietnam Report (WVR)",
        "source_url": "",
        "published_on": None,
    },
}


def seed_files() -> list[Path]:
    return sorted(SEEDS.glob("*.txt"))


def load_demo() -> None:
    from hoptac.documents.services import DuplicateDocument, document_create_from_file
    from hoptac.org.models import Unit
    from hoptac.search.index import reindex

    unit = Unit.objects.filter(code="BNV-HTQT").first()
    for path in seed_files():
        meta = dict(SEED_META.get(path.name[:3], {}))
        try:
            document_create_from_file(
                user=None,
                name=path.name,
                data=path.read_bytes(),
                kind=Document.Kind.NEWS,
                owner_unit=unit,
                **meta,
            )
        except DuplicateDocument:
            continue
    # Partners come from reference data loaded outside the services: bring the whole index up to date.
    reindex()
