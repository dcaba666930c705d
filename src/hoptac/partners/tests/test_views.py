import csv
import io

import pytest
from openpyxl import load_workbook

from hoptac.partners import services
from hoptac.partners.models import Partner

pytestmark = pytest.mark.django_db


def test_list_requires_login(client):
    response = client.get("/partners/")
    assert response.status_code == 302 and response["Location"].startswith("/login/")


def test_list_filters_search_and_counts(logged_in, viewer):
    client = logged_in(viewer)
    response = client.get("/partners/", {"q": "phap"})
    assert response.status_code == 200
    rows = list(response.context["partners"])
    assert rows[0].reference_key == "country:FR"
    page = client.get("/partners/", {"kind": "country", "level": "comprehensive_strategic", "as_of": "2025-11-30"})
    assert page.context["page_obj"].paginator.count == 14
    html = page.content.decode()
    # The stated figures sit beside the sourced counts, with their source.
    assert 'data-level="strategic">14<' in html
    assert "baochinhphu.vn" in html
    assert page.context["stated_counts"][0]["values"] == {
        "comprehensive_strategic": 14,
        "strategic": 11,
        "comprehensive": 15,
        "diplomatic_relations": 195,
    }


def test_list_query_count_does_not_grow_with_rows(logged_in, viewer, django_assert_max_num_queries):
    client = logged_in(viewer)
    with django_assert_max_num_queries(12):
        response = client.get("/partners/", {"kind": "country"})
    assert len(response.context["partners"]) == 50


def test_htmx_request_gets_only_the_results(logged_in, viewer):
    response = logged_in(viewer).get("/partners/", {"q": "ILO"}, headers={"HX-Request": "true"})
    assert b"<html" not in response.content and b"partner-table" in response.content


def test_bad_filter_values_do_not_break_the_page(logged_in, viewer):
    response = logged_in(viewer).get("/partners/", {"as_of": "yesterday", "kind": "planet", "page": "x"})
    assert response.status_code == 200
    assert response.context["form"].errors


def test_csv_and_xlsx_exports_hold_the_filtered_rows(logged_in, viewer):
    client = logged_in(viewer)
    csv_response = client.get(
        "/partners/", {"kind": "country", "level": "comprehensive_strategic", "as_of": "2025-11-30", "export": "csv"}
    )
    rows = list(csv.reader(io.StringIO(csv_response.content.decode("utf-8-sig"))))
    assert len(rows) == 1 + 14
    assert "Pháp" in {r[2] for r in rows}
    xlsx = client.get("/partners/", {"q": "ILO", "export": "xlsx"})
    sheet = load_workbook(io.BytesIO(xlsx.content)).active
    values = [row for row in sheet.iter_rows(values_only=True)]
    assert values[1][4] == "ILO"


def test_detail_shows_levels_with_sources_and_history_tab(logged_in, viewer):
    france = Partner.objects.get(reference_key="country:FR")
    client = logged_in(viewer)
    html = client.get(f"/partners/{france.pk}/").content.decode()
    assert "kntb.vn" in html and "badge level-comprehensive_strategic" in html
    history = client.get(f"/partners/{france.pk}/", {"tab": "history"})
    assert history.status_code == 200 and b'data-testid="history"' in history.content


FORM = {
    "kind": "ngo",
    "name_vi": "Quỹ Thử nghiệm",
    "name_en": "Test Foundation",
    "acronym": "TF",
    "aliases": "Testfond\nTF Org",
    "website": "",
    "notes": "",
}


def test_create_form_validates_and_saves(logged_in, editor):
    client = logged_in(editor)
    bad = client.post("/partners/new/", {**FORM, "name_en": "", "kind": "country"})
    assert bad.status_code == 200
    assert bad.context["form"].errors.keys() >= {"name_en", "country"}
    ok = client.post("/partners/new/", FORM)
    partner = Partner.objects.get(name_en="Test Foundation")
    assert ok.status_code == 302 and ok["Location"] == f"/partners/{partner.pk}/"
    assert partner.aliases == ["Testfond", "TF Org"]
    assert partner.history.first().history_user == editor


def test_duplicate_is_flagged_before_saving(logged_in, editor):
    client = logged_in(editor)
    before = Partner.objects.count()
    response = client.post(
        "/partners/new/", {**FORM, "name_vi": "Tổ chức Lao động Quốc tế", "name_en": "Another ILO", "acronym": "ilo"}
    )
    assert response.status_code == 200
    assert [p.reference_key for p in response.context["duplicates"]] == ["org:ilo"]
    assert Partner.objects.count() == before
    confirmed = client.post(
        "/partners/new/",
        {
            **FORM,
            "name_vi": "Tổ chức Lao động Quốc tế",
            "name_en": "Another ILO",
            "acronym": "ilo",
            "confirm_duplicate": "on",
        },
    )
    assert confirmed.status_code == 302 and Partner.objects.count() == before + 1


def test_duplicate_check_endpoint_for_htmx(logged_in, editor):
    response = logged_in(editor).get("/partners/duplicates/", {"name_en": "united nations development programme"})
    assert b"UNDP" in response.content


def test_stale_form_gets_a_conflict_message_not_an_overwrite(logged_in, editor, approver, client):
    from django.test import Client

    partner = Partner.objects.get(reference_key="org:ilo")
    version = partner.version
    other = Client()
    other.force_login(approver)
    data = {
        "kind": partner.kind,
        "name_vi": partner.name_vi,
        "name_en": partner.name_en,
        "acronym": partner.acronym,
        "aliases": "\n".join(partner.aliases),
        "country": "",
        "parent": partner.parent_id or "",
        "website": partner.website,
        "owner_unit": "",
        "notes": "",
        "version": version,
    }
    assert other.post(f"/partners/{partner.pk}/edit/", {**data, "notes": "approver's note"}).status_code == 302
    mine = logged_in(editor).post(f"/partners/{partner.pk}/edit/", {**data, "notes": "editor's note"})
    assert mine.status_code == 200
    assert b'data-testid="conflict"' in mine.content
    assert "approver&#x27;s note" in mine.content.decode()
    assert Partner.objects.get(pk=partner.pk).notes == "approver's note"
    # Saving again from the conflict page replaces knowingly.
    assert mine.context["form"]["version"].value() == version + 1


def test_viewer_sees_no_edit_button_and_gets_403_on_the_form(logged_in, viewer):
    partner = Partner.objects.get(reference_key="org:ilo")
    client = logged_in(viewer)
    assert b"edit-partner" not in client.get(f"/partners/{partner.pk}/").content
    assert client.get(f"/partners/{partner.pk}/edit/").status_code == 403
    assert client.get("/partners/new/").status_code == 403


def test_delete_of_a_partner_others_point_to_is_refused_with_a_message(logged_in, admin_user):
    un = Partner.objects.get(reference_key="org:un")
    response = logged_in(admin_user).post(f"/partners/{un.pk}/delete/", {"version": un.version}, follow=True)
    assert Partner.objects.filter(pk=un.pk).exists()
    assert "cannot be deleted" in response.content.decode()


def test_contacts_are_added_and_edited(logged_in, editor):
    partner = Partner.objects.get(reference_key="org:undp")
    client = logged_in(editor)
    client.post(
        f"/partners/{partner.pk}/contacts/new/",
        {"name": "Ramla Khalidi", "title": "Resident Representative", "email": "r@example.org"},
    )
    contact = partner.contacts.get()
    response = client.post(
        f"/partners/contacts/{contact.pk}/edit/", {"name": contact.name, "title": "RR", "version": 1}
    )
    assert response.status_code == 302
    contact.refresh_from_db()
    assert contact.title == "RR" and contact.version == 2


def test_new_partner_form_is_prefilled_from_the_address(logged_in, editor):
    response = logged_in(editor).get("/partners/new/", {"name_en": "Agence Test de Coopération", "acronym": "ATC"})
    form = response.context["form"]
    assert form.initial["name_en"] == "Agence Test de Coopération"
    assert form.initial["acronym"] == "ATC"
    assert 'value="ATC"' in response.content.decode()


def test_a_saved_partner_is_found_by_the_search_across_everything(
    logged_in, editor, django_capture_on_commit_callbacks
):
    from hoptac.search.engine import search

    with django_capture_on_commit_callbacks(execute=True):
        logged_in(editor).post("/partners/new/", {**FORM, "name_en": "Quỹ Zebraxyl", "acronym": "ZBX"})
    partner = Partner.objects.get(acronym="ZBX")
    hits, total, _facets = search(editor, "zebraxyl", types=["partner"])
    assert total == 1 and hits[0].url == partner.get_absolute_url()
    with django_capture_on_commit_callbacks(execute=True):
        services.partner_delete(partner, user=editor, version=partner.version)
    assert search(editor, "zebraxyl", types=["partner"])[1] == 0


def test_partner_page_lists_documents_that_mention_it(logged_in, editor):
    from hoptac.documents.models import Document, Mention

    ilo = Partner.objects.get(acronym="ILO")
    doc = Document.objects.create(title="ILO dialogue note", text="ILO", content_hash="x" * 64, language="en")
    Mention.objects.create(document=doc, type="organisation", text="ILO", start=0, end=3, partner=ilo)
    other = Document.objects.create(title="Unrelated note", text="nothing", content_hash="y" * 64, language="en")
    page = logged_in(editor).get(f"/partners/{ilo.pk}/", {"tab": "documents"}).content.decode()
    assert "ILO dialogue note" in page and other.title not in page


def test_timeline_tab_without_records_explains_itself(logged_in, viewer):
    france = Partner.objects.get(kind="country", country_id="FR")
    query = {"tab": "timeline", "kind": "agreement", "year": "2025"}
    response = logged_in(viewer).get(f"/partners/{france.pk}/", query)
    assert response.status_code == 200
    assert response.context["timeline_kind"] == "agreement" and response.context["timeline_year"] == 2025
