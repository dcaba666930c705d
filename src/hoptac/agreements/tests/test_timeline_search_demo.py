import datetime

import pytest
from django.utils import timezone

from hoptac.agreements import demo
from hoptac.agreements.models import Agreement, State
from hoptac.agreements.tests.factories import agreement, france, partner
from hoptac.partners.models import Partner
from hoptac.partners.timeline import all_entries

pytestmark = pytest.mark.django_db


def test_timeline_shows_agreements_of_the_partner_and_its_children(editor, contributor_b):
    signed = agreement(editor, parties=[partner("AFD")], title_vi="Với AFD", signed_on=datetime.date(2024, 3, 5))
    unsigned = agreement(editor, parties=[france()], title_vi="Đang đàm phán", status="negotiating")
    agreement(editor, parties=[partner("UNDP")], title_vi="Với UNDP")
    entries = [e for e in all_entries(france(), editor) if e.kind == "agreement"]
    assert {e.title for e in entries} == {"Với AFD", "Đang đàm phán"}
    by_title = {e.title: e for e in entries}
    assert by_title["Với AFD"].date == datetime.date(2024, 3, 5)
    assert by_title["Với AFD"].url == signed.get_absolute_url()
    assert by_title["Đang đàm phán"].date == timezone.localtime(unsigned.created_at).date()
    # A contributor of another unit sees none of them.
    assert [e for e in all_entries(france(), contributor_b) if e.kind == "agreement"] == []


def test_partner_page_timeline_tab(logged_in, editor):
    agreement(editor, parties=[partner("AFD")], title_vi="Bản ghi nhớ trên dòng thời gian")
    page = logged_in(editor).get(f"/partners/{france().pk}/?tab=timeline&kind=agreement")
    assert "Bản ghi nhớ trên dòng thời gian" in page.content.decode()


def test_search_finds_an_agreement_without_diacritics(api, editor, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        a = agreement(editor, title_vi="Thỏa thuận về hiện đại hóa hành chính", number="15/2025/TTHC")
    body = api(editor).get("/api/v1/search", {"q": "hien dai hoa hanh chinh"}).json()
    hits = [i for i in body["items"] if i["type"] == "agreement"]
    assert hits and hits[0]["id"] == a.pk and hits[0]["url"] == a.get_absolute_url()


def test_demo_creates_the_seed_agreements_once():
    demo.load_demo()
    demo.load_demo()
    admin = Agreement.objects.get(title_en=demo.FRANCE_ADMIN_TITLE_EN)
    assert admin.kind == "administrative_agreement" and admin.status == "in_force"
    assert admin.signed_on == datetime.date(2024, 10, 4) and admin.signed_at_city == "Paris"
    assert (admin.in_force_from, admin.valid_until) == (datetime.date(2025, 1, 1), datetime.date(2028, 12, 31))
    assert admin.state_on(datetime.date(2025, 11, 30)) == State.IN_FORCE
    ministry = Partner.objects.get(reference_key="org:fr-public-service")
    assert list(admin.parties.all()) == [ministry] and ministry.parent == france()
    assert [s.name for s in admin.signatories.all()] == ["Pham Thi Thanh Tra", "Guillaume Kasbarian"]
    assert {f.code for f in admin.fields.all()} >= {"digital-transformation", "archives", "gender-equality"}
    assert "e-government" in admin.summary and admin.notes.count("Demo data") == 1
    assert admin.activities.count() == len(demo.PRIORITY_AREAS)
    mou = Agreement.objects.get(title_en=demo.AFD_TITLE_EN)
    assert list(mou.parties.all()) == [partner("AFD")]
    assert [s.name for s in mou.signatories.all()] == ["Nguyen Van Thang", "Phillipe Orliange"]
    assert mou.signed_on_display() == "10/2024" and "Demo data" in mou.notes
    assert Agreement.objects.count() == 2


def test_demo_agreements_are_on_frances_page(logged_in, editor):
    demo.load_demo()
    page = logged_in(editor).get(f"/partners/{france().pk}/?tab=timeline").content.decode()
    assert demo.FRANCE_ADMIN_TITLE_VI in page and demo.AFD_TITLE_VI in page


def test_report_helpers(editor):
    from hoptac.agreements import selectors

    a = agreement(editor, parties=[partner("AFD"), partner("UNDP")], signed_on=datetime.date(2025, 3, 1))
    agreement(editor, title_vi="Cũ", signed_on=datetime.date(2019, 3, 1), valid_until=datetime.date(2020, 1, 1),
              in_force_from=datetime.date(2019, 3, 1))  # fmt: skip
    period = {"date_from": datetime.date(2025, 1, 1), "date_to": datetime.date(2025, 12, 31)}
    signed = selectors.agreements_signed_between(editor, **period)
    assert list(signed) == [a]
    assert selectors.agreement_countries(signed) == [(a.pk, "FR")]  # AFD → France; UNDP has no country
    in_force = selectors.agreements_in_force_during(editor, **period)
    assert list(in_force) == [a]
    counts = selectors.state_counts(Agreement.objects.all(), datetime.date(2025, 6, 1))
    assert counts["in_force"] == 1 and counts["expired"] == 1
