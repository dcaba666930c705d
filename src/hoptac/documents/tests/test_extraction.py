import datetime
import io
import json

import pytest
from django.core.management import call_command

from hoptac.documents.demo import SEED_META, seed_files
from hoptac.documents.extraction import describe_number, extract_mentions
from hoptac.documents.textract import extract
from hoptac.partners.models import Partner

pytestmark = pytest.mark.django_db

TODAY = datetime.date(2025, 12, 1)
NONE = {"partner_id": None, "acronym": None}


def _seed(prefix: str) -> list[dict]:
    path = next(p for p in seed_files() if p.name.startswith(prefix))
    text = extract(path.name, path.read_bytes()).text
    return extract_mentions(text, doc_date=SEED_META[prefix]["published_on"], today=TODAY)


def _plain(m) -> str:
    """The value, with a registry partner's id replaced by its reference key (ids vary)."""
    value = m["value"]
    if m["type"] == "organisation" and value.get("partner_id"):
        value = dict(value, partner_id=Partner.objects.get(pk=value["partner_id"]).reference_key)
    return json.dumps(value, sort_keys=True)


def _found(mentions, type_: str) -> list:
    """Distinct (text, value) pairs of one type, sorted."""
    return sorted({(m["text"], _plain(m)) for m in mentions if m["type"] == type_})


def _values(mentions, type_: str) -> list:
    return sorted({_plain(m) for m in mentions if m["type"] == type_})


def _org(name_en, acronym=None, key=None):
    return json.dumps({"partner_id": key, "name_en": name_en, "acronym": acronym}, sort_keys=True)


def test_seed_000_organisations_people_dates_counts_places():
    mentions = _seed("000")
    assert _found(mentions, "organisation") == sorted(
        [
            ("ASEAN", _org("Association of Southeast Asian Nations", "ASEAN", "org:asean")),
            ("Department of International Cooperation", _org("Department of International Cooperation")),
            ("Department of Organization and Personnel", _org("Department of Organization and Personnel")),
            ("ILO", _org("International Labour Organization", "ILO", "org:ilo")),
            ("IOM", _org("International Organization for Migration", "IOM", "org:iom")),
            ("Ministry of Home Affairs", _org("Ministry of Home Affairs")),
            (
                "Ministry of Labor, War Invalids and Social Affairs",
                _org("Ministry of Labor, War Invalids and Social Affairs"),
            ),
            ("Politburo", _org("Politburo")),
            (
                "UN Women",
                _org(
                    "United Nations Entity for Gender Equality and the Empowerment of Women", "UN Women", "org:un-women"
                ),
            ),
            ("UNDP", _org("United Nations Development Programme", "UNDP", "org:undp")),
            ("United Nations", _org("United Nations", "UN", "org:un")),
        ]
    )
    assert _values(mentions, "date") == ['"2025-03-01"', '"2025-07-01"', '"2025-11-27"']
    assert sorted({m["text"] for m in mentions if m["type"] == "date"}) == [
        "27/11/2025", "July 1, 2025", "March 1, 2025", "November 27",
    ]  # fmt: skip
    assert _values(mentions, "person") == sorted(
        json.dumps(v, sort_keys=True)
        for v in [
            {"name": "Ha Thi Minh Duc", "title": "Deputy Director of the Department of International Cooperation"},
            {"name": "Ha Thi Minh Duc", "title": None},
            {"name": "Vu Chien Thang", "title": "Deputy Minister"},
            {"name": "Vu Chien Thang", "title": "Deputy Minister of Home Affairs"},
        ]
    )
    assert _found(mentions, "count") == [
        ("11 Strategic Partners", json.dumps({"count": 11, "of": "Strategic Partners"})),
        ("12 United Nations agencies", json.dumps({"count": 12, "of": "United Nations agencies"})),
        ("14 Comprehensive Strategic Partners", json.dumps({"count": 14, "of": "Comprehensive Strategic Partners"})),
        ("15 Comprehensive Partners", json.dumps({"count": 15, "of": "Comprehensive Partners"})),
        ("195 countries", json.dumps({"count": 195, "of": "countries"})),
    ]
    assert _values(mentions, "country") == ['"AU"', '"FR"', '"JP"']
    assert _values(mentions, "place") == ['"Gia Lai"', '"Hanoi"']
    assert _found(mentions, "document_number") == [] and _found(mentions, "amount") == []


def test_seed_000_offsets_point_at_the_text():
    path = next(p for p in seed_files() if p.name.startswith("000"))
    text = extract(path.name, path.read_bytes()).text
    for m in extract_mentions(text, today=TODAY):
        assert text[m["start"] : m["end"]] == m["text"]
        assert set(m) == {"type", "text", "start", "end", "confidence", "value"}
        assert 0 < m["confidence"] <= 1


def test_seed_001_people_with_long_titles_and_date_ranges():
    mentions = _seed("001")
    names = sorted({(m["value"]["name"], m["value"]["title"]) for m in mentions if m["type"] == "person"})
    assert names == [
        ("Guillaume Kasbarian", "Minister for Public Servants, Simplification and Transformation of Public Action"),
        ("Nguyen Van Thang", "Minister of Transport"),
        ("Pham Thi Thanh Tra", "Minister of Home Affairs"),
        ("To Lam", "General Secretary of the Communist Party of Vietnam Central Committee and State President"),
        ("To Lam", "President"),
    ]
    ranges = [m["value"] for m in mentions if m["type"] == "date" and isinstance(m["value"], dict)]
    assert ranges == [{"start": "2025-10-03", "end": "2025-10-07"}, {"start": "2025-10-06", "end": "2025-10-07"}]
    # No year and no date on the article: read against today, with a low confidence.
    assert {m["confidence"] for m in mentions if m["text"] == "October 4"} == {0.5}
    orgs = {m["text"] for m in mentions if m["type"] == "organisation"}
    assert {"AFD", "French Development Agency", "Ministry of Home Affairs", "Ministry of Public Security"} <= orgs
    assert "Ministry for Public Servants, Simplification and Transformation of Public Action" in orgs
    french = next(m for m in mentions if m["text"].startswith("Ministry for Public Servants, "))
    assert Partner.objects.get(pk=french["value"]["partner_id"]).country_id == "FR"


def test_seed_002_in_vietnamese():
    mentions = _seed("002")
    assert _found(mentions, "person") == [
        ("Thứ trưởng Nội vụ Vũ Chiến Thắng", json.dumps({"name": "Vũ Chiến Thắng", "title": "Thứ trưởng Nội vụ"})),
        ("Thứ trưởng Vũ Chiến Thắng", json.dumps({"name": "Vũ Chiến Thắng", "title": "Thứ trưởng"})),
    ]
    assert _found(mentions, "organisation") == [
        ("Bộ Chính trị", _org("Politburo")),
        ("Bộ Nội vụ", _org("Ministry of Home Affairs")),
        ("Liên hợp quốc", _org("United Nations", "UN", "org:un")),
        ("Đảng Cộng sản Việt Nam", _org("Communist Party of Vietnam")),
    ]
    assert _found(mentions, "date") == [("2025-11-21", '"2025-11-21"'), ("ngày 1/7/2025", '"2025-07-01"')]


def test_seed_003_document_numbers_and_dates():
    mentions = _seed("003")
    assert [m["value"] for m in mentions if m["type"] == "document_number"] == [
        "153/NQ-CP", "59-NQ/TW", "59-NQ/TW", "57-KL/TW",
    ]  # fmt: skip
    assert _values(mentions, "date") == ['"2023-06-15"', '"2025-01-24"', '"2025-05-31"', '"2025-06-04"']
    assert ("Bộ Văn hóa, Thể thao và Du lịch", _org("Ministry of Culture, Sports and Tourism")) in _found(
        mentions, "organisation"
    )


def test_seed_004_people_and_organisations():
    mentions = _seed("004")
    assert sorted({m["value"]["name"] for m in mentions if m["type"] == "person"}) == [
        "Nguyen Minh Vu", "Nguyen Phuong Nga",
    ]  # fmt: skip
    assert _values(mentions, "organisation") == sorted(
        [
            _org("Association of Southeast Asian Nations", "ASEAN", "org:asean"),
            _org("Ministry of Foreign Affairs"),
            _org("National Assembly"),
            _org("Politburo"),
        ]
    )


def test_the_examples_of_the_issue():
    text = (
        "Ngân sách VND130 trillion, vốn US$5.1 billion và 5,1 tỷ USD; Quyết định 06/2020/QĐ-TTg, Luật 70/2020/QH14; "
        "ngày 31 tháng 5 năm 2025, 27/11/2025, October 3-7, ngày 1/7/2025; 1.200 tỷ đồng."
    )
    found = [(m["type"], m["text"], m["value"]) for m in extract_mentions(text, doc_date=datetime.date(2025, 11, 1))]
    assert found == [
        ("amount", "VND130 trillion", {"amount": "130000000000000", "currency": "VND"}),
        ("amount", "US$5.1 billion", {"amount": "5100000000", "currency": "USD"}),
        ("amount", "5,1 tỷ USD", {"amount": "5100000000", "currency": "USD"}),
        ("document_number", "06/2020/QĐ-TTg", "06/2020/QĐ-TTg"),
        ("document_number", "70/2020/QH14", "70/2020/QH14"),
        ("date", "ngày 31 tháng 5 năm 2025", "2025-05-31"),
        ("date", "27/11/2025", "2025-11-27"),
        ("date", "October 3-7", {"start": "2025-10-03", "end": "2025-10-07"}),
        ("date", "ngày 1/7/2025", "2025-07-01"),
        ("amount", "1.200 tỷ đồng", {"amount": "1200000000000", "currency": "VND"}),
    ]


def test_document_numbers_say_their_type_and_issuer():
    assert describe_number("153/NQ-CP") == {"type": "resolution", "issuer": "Government"}
    assert describe_number("59-NQ/TW") == {"type": "resolution", "issuer": "Party Central Committee"}
    assert describe_number("57-KL/TW") == {"type": "conclusion", "issuer": "Party Central Committee"}
    assert describe_number("06/2020/QĐ-TTg") == {"type": "decision", "issuer": "Prime Minister"}
    assert describe_number("70/2020/QH14") == {"type": "law", "issuer": "National Assembly (14th)"}


def test_registry_partners_are_matched_with_their_id():
    ilo = Partner.objects.create(
        kind="international_organisation",
        name_vi="Tổ chức Lao động Quốc tế",
        name_en="International Labour Organization",
        acronym="XILO",
        aliases=["Tổ chức Lao động thử nghiệm"],
    )
    mentions = extract_mentions("XILO và Tổ chức Lao động thử nghiệm.", today=TODAY)
    assert [(m["text"], m["value"]["partner_id"]) for m in mentions] == [
        ("XILO", ilo.pk), ("Tổ chức Lao động thử nghiệm", ilo.pk),
    ]  # fmt: skip


def test_ingest_saves_mentions_linked_to_partners(seeds):
    doc = seeds["000"]
    france = Partner.objects.get(reference_key="country:FR")
    mention = doc.mentions.get(type="country", text="France")
    assert mention.partner == france and mention.status == "proposed" and mention.value == "FR"
    assert doc.mentions.filter(type="organisation", text="UN Women").exists()


def test_extract_command_prints_json_lines_and_stores_nothing(tmp_path):
    from hoptac.documents.models import Document

    out = io.StringIO()
    files = [str(p) for p in seed_files()[:2]]
    call_command("extract", *files, "--json", "--date", "2025-11-27", stdout=out)
    lines = out.getvalue().strip().splitlines()
    assert len(lines) == 2
    first = json.loads(lines[0])
    assert first["file"] == files[0] and first["lang"] == "en"
    assert {"type": "date", "text": "November 27", "value": "2025-11-27"}.items() <= next(
        m for m in first["mentions"] if m["type"] == "date"
    ).items()
    assert not Document.objects.exists()


def test_extract_command_fails_cleanly_on_a_bad_file(tmp_path):
    bad = tmp_path / "x.pdf"
    bad.write_bytes(b"nope")
    err = io.StringIO()
    with pytest.raises(SystemExit) as exit_info:
        call_command("extract", str(bad), "--json", stdout=io.StringIO(), stderr=err)
    assert exit_info.value.code == 1
    assert "not a PDF" in err.getvalue()
