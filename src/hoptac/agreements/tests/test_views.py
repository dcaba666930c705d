import datetime
import io

import pytest
from openpyxl import load_workbook

from hoptac.agreements.models import Agreement, StatusChange
from hoptac.agreements.tests.factories import agreement, france, partner
from hoptac.fields.models import Field

pytestmark = pytest.mark.django_db


def form_data(**extra):
    data = {
        "kind": "administrative_agreement",
        "level": "ministry",
        "title_vi": "Thỏa thuận hành chính thử",
        "title_en": "Test administrative agreement",
        "owner_unit": "",
        "parties": [str(partner("AFD").pk)],
        "signed_on": "2025-02-01",
        "signed_on_precision": "day",
        "in_force_from": "2025-02-01",
        "valid_until": "2027-01-31",
        "status": "in_force",
        "sig-TOTAL_FORMS": "2",
        "sig-INITIAL_FORMS": "0",
        "sig-0-side": "vietnamese",
        "sig-0-name": "Nguyễn Văn A",
        "sig-0-title": "Thứ trưởng",
        "sig-1-side": "foreign",
        "sig-1-name": "",
        "sig-1-title": "",
    }
    data.update(extra)
    return data


def test_create_through_the_form(logged_in, editor, unit_a):
    client = logged_in(editor)
    page = client.get("/agreements/new/")
    assert page.status_code == 200
    response = client.post("/agreements/new/", form_data(owner_unit=str(unit_a.pk)))
    assert response.status_code == 302, response.context["form"].errors
    a = Agreement.objects.get()
    assert a.created_by == editor and [s.name for s in a.signatories.all()] == ["Nguyễn Văn A"]
    assert StatusChange.objects.filter(agreement=a, to_status="in_force").exists()
    detail = client.get(a.get_absolute_url())
    assert "Thỏa thuận hành chính thử" in detail.content.decode()


def test_form_refuses_end_before_start_and_no_party(logged_in, editor, unit_a):
    client = logged_in(editor)
    response = client.post(
        "/agreements/new/", form_data(owner_unit=str(unit_a.pk), valid_until="2024-01-01", parties=[])
    )
    assert response.status_code == 200
    errors = response.context["form"].errors
    assert "valid_until" in errors and "parties" in errors
    assert not Agreement.objects.exists()


def test_transition_form_refuses_an_illegal_step(logged_in, editor):
    a = agreement(editor, status="proposed")
    client = logged_in(editor)
    page = client.get(f"/agreements/{a.pk}/status/")
    offered = [v for v, _ in page.context["form"].fields["to_status"].widget.choices]
    assert offered == ["negotiating", "consulting", "terminated"]
    response = client.post(f"/agreements/{a.pk}/status/", {"to_status": "in_force", "date": "2025-03-01"})
    assert response.status_code == 200
    message = " ".join(response.context["form"].errors["to_status"])
    assert "Allowed next states" in message or "Các trạng thái" in message or "Negotiating" in message
    a.refresh_from_db()
    assert a.status == "proposed"
    response = client.post(
        f"/agreements/{a.pk}/status/",
        {"to_status": "negotiating", "date": "2025-03-01", "decision_number": "5/QĐ", "version": a.version},
    )
    assert response.status_code == 302
    a.refresh_from_db()
    assert a.status == "negotiating"
    history = client.get(f"/agreements/{a.pk}/?tab=history").content.decode()
    assert "5/QĐ" in history


def test_edit_with_stale_version_shows_the_conflict(logged_in, editor, unit_a):
    a = agreement(editor)
    client = logged_in(editor)
    base = {k: v for k, v in form_data(owner_unit=str(a.owner_unit_id)).items() if k != "status"}
    assert client.post(f"/agreements/{a.pk}/edit/", {**base, "version": "1", "number": "1/2025"}).status_code == 302
    response = client.post(f"/agreements/{a.pk}/edit/", {**base, "version": "1", "number": "2/2025"})
    assert response.status_code == 200 and response.context["conflict"] is not None
    a.refresh_from_db()
    assert a.number == "1/2025"


def test_list_filters_sorting_and_pagination(logged_in, editor, django_assert_max_num_queries):
    field = Field.objects.get(code="transport")
    one = agreement(editor, title_vi="Một", signed_on=datetime.date(2024, 5, 1), in_force_from=None, status="signed")
    one.fields.add(field)
    agreement(editor, title_vi="Hai", parties=[partner("UNDP")], kind="treaty", level="state")
    client = logged_in(editor)
    page = client.get("/agreements/")
    assert page.context["page_obj"].paginator.count == 2
    assert [a.title_vi for a, _ in page.context["rows"]] == ["Hai", "Một"]  # newest signed first
    assert [a.title_vi for a, _ in client.get("/agreements/?sort=signed").context["rows"]] == ["Một", "Hai"]
    assert client.get(f"/agreements/?partner={france().pk}").context["page_obj"].paginator.count == 1
    assert client.get("/agreements/?country=FR").context["page_obj"].paginator.count == 1
    assert client.get("/agreements/?kind=treaty&level=state").context["page_obj"].paginator.count == 1
    assert client.get("/agreements/?status=signed").context["page_obj"].paginator.count == 1
    assert client.get(f"/agreements/?field={field.pk}").context["page_obj"].paginator.count == 1
    assert client.get("/agreements/?year=2024").context["page_obj"].paginator.count == 1
    assert client.get("/agreements/?q=mot").context["page_obj"].paginator.count == 1
    # The number of queries does not grow with the rows.
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as few:
        client.get("/agreements/")
    for i in range(5):
        agreement(editor, title_vi=f"Thêm {i}", parties=[partner("ILO"), partner("UNDP")])
    with django_assert_max_num_queries(len(few)):
        client.get("/agreements/")
    assert len(few) <= 16


def test_list_filters_by_unit_and_reads_the_state_on_a_chosen_day(logged_in, editor, admin_user, unit_b):
    mine = agreement(editor, title_vi="Của đơn vị", valid_until=datetime.date(2027, 1, 9))
    agreement(admin_user, title_vi="Đơn vị khác", owner_unit=unit_b)
    client = logged_in(admin_user)
    rows = client.get(f"/agreements/?unit={mine.owner_unit_id}").context["rows"]
    assert [a.title_vi for a, _ in rows] == ["Của đơn vị"]
    assert [a.title_vi for a, _ in client.get(f"/agreements/?unit={unit_b.pk}").context["rows"]] == ["Đơn vị khác"]
    # Both run 10/01/2025-09/01/2027: in force on a day inside, expired on a day after.
    inside = client.get("/agreements/?state=in_force&as_of=2026-06-01").context["rows"]
    assert {a.title_vi for a, _ in inside} == {"Của đơn vị", "Đơn vị khác"}
    assert client.get("/agreements/?state=in_force&as_of=2027-02-01").context["rows"] == []
    after = client.get("/agreements/?as_of=2027-02-01").context["rows"]
    assert {state.value for _, state in after} == {"expired"}


def test_exports(logged_in, editor):
    agreement(editor, title_vi="Xuất khẩu")
    client = logged_in(editor)
    csv = client.get("/agreements/?export=csv")
    assert csv["Content-Type"].startswith("text/csv") and "Xuất khẩu" in csv.content.decode("utf-8-sig")
    xlsx = client.get("/agreements/?export=xlsx")
    sheet = load_workbook(io.BytesIO(xlsx.content)).active
    rows = list(sheet.values)
    assert len(rows) == 2 and "Xuất khẩu" in rows[1]


def test_detail_tabs(logged_in, editor):
    a = agreement(editor)
    client = logged_in(editor)
    for tab in ("overview", "implementation", "history"):
        assert client.get(f"/agreements/{a.pk}/?tab={tab}").status_code == 200


def test_activity_and_consultation_pages(logged_in, editor, unit_b):
    a = agreement(editor)
    client = logged_in(editor)
    response = client.post(
        f"/agreements/{a.pk}/activities/new/",
        {"title": "Hội thảo chung", "owner_unit": unit_b.pk, "due_date": "2025-06-30", "status": "planned"},
    )
    assert response.status_code == 302
    response = client.post(f"/agreements/{a.pk}/consultations/new/", {"agency_name": "Bộ Tư pháp", "answer": "agreed"})
    assert response.status_code == 302
    page = client.get(f"/agreements/{a.pk}/?tab=implementation").content.decode()
    assert "Hội thảo chung" in page and "Bộ Tư pháp" in page


def test_an_attached_text_downloads_only_for_who_may_see_the_agreement(
    logged_in, editor, contributor_b, settings, tmp_path
):
    from django.core.files.uploadedfile import SimpleUploadedFile

    settings.MEDIA_ROOT = tmp_path
    a = agreement(editor)
    client = logged_in(editor)
    upload = SimpleUploadedFile("van-ban.pdf", b"%PDF-1.4 not really", content_type="application/pdf")
    response = client.post(f"/agreements/{a.pk}/texts/new/", {"title": "Văn bản ký", "language": "vi", "file": upload})
    assert response.status_code == 302
    text = a.texts.get()
    assert text.url() == f"/agreements/texts/{text.pk}/file/"
    assert text.url() in client.get(a.get_absolute_url()).content.decode()
    download = client.get(text.url())
    assert download.status_code == 200 and download["Content-Disposition"].startswith("attachment")
    assert b"".join(download.streaming_content) == b"%PDF-1.4 not really"
    assert logged_in(contributor_b).get(text.url()).status_code in (403, 404)


@pytest.mark.usefixtures("english_messages")
def test_an_agreement_text_is_checked_for_type_and_size(logged_in, editor, settings, tmp_path):
    from django.core.files.uploadedfile import SimpleUploadedFile

    settings.MEDIA_ROOT = tmp_path
    settings.HOPTAC_UPLOAD_MAX_BYTES = 100
    a = agreement(editor)
    client = logged_in(editor)
    for upload, message in (
        (SimpleUploadedFile("van-ban.svg", b"<svg onload='alert(1)'/>"), "choose a file of one of these types"),
        (SimpleUploadedFile("van-ban.pdf", b"%PDF" + b"x" * 200), "larger than"),
    ):
        response = client.post(f"/agreements/{a.pk}/texts/new/", {"title": "Văn bản", "language": "vi", "file": upload})
        assert response.status_code == 200 and message in response.content.decode()
    assert not a.texts.exists()


def test_history_tab_shows_the_agreements_rows_too(logged_in, editor):
    a = agreement(editor, signatories=[{"side": "foreign", "name": "Jane Roe", "title": "Director"}])
    page = logged_in(editor).get(f"/agreements/{a.pk}/?tab=history").content.decode()
    history = page[page.index('data-testid="history"') :]
    assert "Jane Roe, Director" in history
