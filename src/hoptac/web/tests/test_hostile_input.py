"""What a crawler, a stale bookmark or a typo sends: every page answers it, none with a 500.

The test client re-raises a view's exception, so each of these fails with the traceback the
user would have met as a server error."""

import pytest
from openpyxl import load_workbook

from hoptac.partners.models import Partner
from hoptac.web.params import page_number, positive_int

pytestmark = pytest.mark.django_db

HUGE = "99999999999999999999"  # past 2**63: overflows both databases
NEW_PROJECT = {"title_vi": "Dự án", "kind": "oda_grant", "status": "pipeline", "planned_start": "2025-01-01"}


@pytest.mark.parametrize(
    "value, expected",
    [
        ("12", 12),
        (" 7 ", 7),
        ("0", None),
        ("-3", None),
        ("²", None),
        ("٣", None),
        ("1e3", None),
        (HUGE, None),
        (None, None),
        ("", None),
        (5, 5),
    ],
)
def test_positive_int(value, expected):
    assert positive_int(value) == expected


def test_page_number_is_bounded():
    assert page_number("3") == 3
    assert page_number("999999999999999999") == 1
    assert page_number("abc") == 1


@pytest.mark.parametrize(
    "path",
    [
        "/partners/?q=!",
        "/partners/?q=%25",
        "/partners/?q=%F0%9F%98%80",
        "/documents/?partner=" + HUGE,
        "/documents/?partner=%C2%B2",
        "/search/?q=a&page=999999999999999999",
        "/agreements/new/?partner=%C2%B2",
        "/agreements/new/?partner=" + HUGE,
        "/calendar/?month=9999-12",
        "/calendar/?month=0001-01",
        "/calendar/?month=2026-13",
    ],
)
def test_hostile_query_strings_get_a_page(logged_in, admin_user, path):
    response = logged_in(admin_user).get(path)
    assert response.status_code == 200


def test_calendar_out_of_range_month_shows_this_month(logged_in, admin_user):
    response = logged_in(admin_user).get("/calendar/?month=9999-12")
    assert response.context["month"].year < 9999


def test_partner_detail_with_a_superscript_year(logged_in, admin_user):
    partner = Partner.objects.filter(kind="country").first()
    response = logged_in(admin_user).get(f"/partners/{partner.pk}/?tab=timeline&year=%C2%B2")
    assert response.status_code == 200


def test_public_portal_with_a_superscript_year(client):
    from hoptac.portal.collections import get_collection
    from hoptac.portal.tests import records

    records.fill(get_collection("projects"), published=True, tag=records.PUBLISHED)  # the year filter needs a year
    response = client.get("/portal/projects/?year=%C2%B2")
    assert response.status_code == 200 and records.PUBLISHED in response.content.decode()


def test_partner_xlsx_export_opens(logged_in, admin_user):
    response = logged_in(admin_user).get("/partners/?export=xlsx&kind=country")
    assert response.status_code == 200
    import io

    sheet = load_workbook(io.BytesIO(response.content)).active
    assert sheet.max_row > 100
    assert isinstance(sheet.cell(row=2, column=2).value, str)


def test_delete_with_a_malformed_version(logged_in, admin_user):
    partner = Partner.objects.create(kind="ngo", name_vi="Tổ chức thử", name_en="Test organisation")
    response = logged_in(admin_user).post(f"/partners/{partner.pk}/delete/", {"version": "abc"})
    assert response.status_code == 302
    assert not Partner.objects.filter(pk=partner.pk).exists()


def test_a_year_without_agreements_lists_none(logged_in, admin_user):
    # the dashboard links to /agreements/?year=<this year> whether or not one was signed in it
    response = logged_in(admin_user).get("/agreements/?year=2099")
    assert response.status_code == 200
    assert not response.context["form"].errors
    assert response.context["page_obj"].paginator.count == 0


def test_an_error_on_a_field_the_page_lays_out_by_hand_is_shown(logged_in, editor):
    # a project's finance type is drawn without its own error slot; the summary above the form names it
    response = logged_in(editor).post(
        "/projects/new/",
        {**NEW_PROJECT, "finance_type": "no-such-code"},
    )
    assert response.status_code == 200
    summary = response.content.decode().split('data-testid="form-errors"')[1].split("</div>")[0]
    label = str(response.context["form"].fields["finance_type"].label)
    assert f"{label}:" in summary


@pytest.mark.parametrize("path", ["/agreements/?partner=" + HUGE, "/projects/?donor=" + HUGE, "/events/?unit=" + HUGE])
def test_a_filter_id_past_the_database_range_gets_a_page(logged_in, admin_user, path):
    # a list's own filters are drop-downs: only a crafted or damaged link sends such an id; the
    # list either leaves the filter out (200) or says the request is bad (400), never a 500
    response = logged_in(admin_user).get(path)
    assert response.status_code in (200, 400)
    if response.status_code == 400:
        assert "too large" in response.content.decode() or "quá lớn" in response.content.decode()


def test_a_crafted_multi_select_id_is_a_bad_request_not_a_500(logged_in, editor):
    response = logged_in(editor).post(
        "/projects/new/",
        {**NEW_PROJECT, "implementing_units": [HUGE]},
    )
    from django.db import connection

    if connection.vendor == "sqlite":  # SQLite overflows on the id; the request is refused whole
        assert response.status_code == 400
        assert 'data-testid="bad-request"' in response.content.decode()
    else:  # PostgreSQL compares it and finds no such unit: the form says so
        assert response.status_code == 200 and "implementing_units" in response.context["form"].errors
