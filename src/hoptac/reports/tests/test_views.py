import csv
import io

import pytest

from hoptac.reports.figures import model

pytestmark = pytest.mark.django_db

PAGES = [
    "/",
    "/reports/",
    "/reports/chart/events/per_month.csv",
    "/reports/map/world.csv",
    "/reports/map/provinces.csv",
]


@pytest.mark.parametrize("path", PAGES)
def test_pages_need_a_login(client, path):
    response = client.get(path)
    assert response.status_code == 302
    assert response["Location"].startswith("/login/")


def test_report_download_needs_a_login(client):
    response = client.get("/reports/", {"kind": "annual", "from": "2025-01-01", "to": "2025-12-31", "format": "docx"})
    assert response.status_code == 302


def test_geo_files_are_public_and_cacheable(client):
    response = client.get("/reports/geo/vn-provinces-34.geojson")
    assert response.status_code == 200
    assert "max-age" in response["Cache-Control"] and "public" in response["Cache-Control"]
    etag = response["ETag"]
    assert b"".join(response.streaming_content).startswith(b"{")
    assert client.get("/reports/geo/vn-provinces-34.geojson", headers={"if-none-match": etag}).status_code == 304
    assert client.get("/reports/geo/world.topojson").status_code == 200
    assert client.get("/reports/geo/secrets.txt").status_code == 404


@pytest.mark.parametrize("role", ["admin_user", "editor", "contributor", "viewer"])
def test_dashboard_for_every_role(request, logged_in, role, records):
    user = request.getfixturevalue(role)
    response = logged_in(user).get("/", {"from": "2025-01-01", "to": "2025-12-31"})
    assert response.status_code == 200
    html = response.content.decode()
    assert 'data-testid="due-items"' in html
    assert 'data-testid="figure-documents-documents"' in html
    assert 'data-testid="world-map"' in html and 'data-testid="province-map"' in html
    assert "vendor/chartjs/chart.umd.min.js" in html
    assert "CC BY-SA 4.0" in html  # attribution under the province map


def test_dashboard_shows_the_users_due_items_first(logged_in, editor, monkeypatch, today):
    from hoptac.notifications import due

    item = due.DueItem(editor.pk, "test:1", "Report on the dialogue", "/events/1/", today, "event_report", True)
    monkeypatch.setattr(due, "all_due_items", lambda day: [item])
    html = logged_in(editor).get("/").content.decode()
    assert "Report on the dialogue" in html
    assert html.index("Report on the dialogue") < html.index('data-testid="figures"')


def test_filters_stay_in_the_address(logged_in, admin_user, unit_a, records):
    response = logged_in(admin_user).get("/", {"from": "2025-01-01", "to": "2025-06-30", "unit": unit_a.pk})
    html = response.content.decode()
    assert f"from=2025-01-01&amp;to=2025-06-30&amp;unit={unit_a.pk}" in html  # CSV and report links keep them
    assert 'value="2025-06-30"' in html


def test_bad_filters_fall_back_to_this_year(logged_in, admin_user):
    response = logged_in(admin_user).get("/", {"from": "not-a-date", "to": "2025-01-01", "unit": "999999"})
    assert response.status_code == 200


def test_chart_csv_matches_the_table(logged_in, admin_user, records):
    if model("activities", "Event") is None:
        pytest.skip("activities not landed")
    response = logged_in(admin_user).get(
        "/reports/chart/events/per_month.csv", {"from": "2025-01-01", "to": "2025-12-31"}
    )
    assert response.status_code == 200
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert len(rows) == 13
    assert rows[11][0] == "2025-11" and rows[11][1] == "1"


def test_unknown_chart_is_404(logged_in, admin_user):
    client = logged_in(admin_user)
    assert client.get("/reports/chart/nothing/per_month.csv").status_code == 404
    assert client.get("/reports/chart/events/nothing.csv").status_code == 404
    assert client.get("/reports/map/mars.csv").status_code == 404


def test_map_csv(logged_in, admin_user, records):
    response = logged_in(admin_user).get("/reports/map/world.csv", {"from": "2025-01-01", "to": "2025-12-31"})
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    if model("activities", "Delegation") is not None:
        assert ["FR", "Pháp"] == rows[1][:2] or rows[1][0] == "FR"


def test_reports_page_form(logged_in, viewer):
    response = logged_in(viewer).get("/reports/")
    assert response.status_code == 200
    assert 'data-testid="report-form"' in response.content.decode()


@pytest.mark.parametrize("fmt,magic", [("docx", b"PK"), ("xlsx", b"PK"), ("pdf", b"%PDF")])
def test_reports_page_downloads(logged_in, viewer, records, fmt, magic):
    response = logged_in(viewer).get(
        "/reports/", {"kind": "annual", "from": "2025-01-01", "to": "2025-12-31", "format": fmt, "lang": "en"}
    )
    assert response.status_code == 200
    assert response.content.startswith(magic)
    assert f'filename="hoptac-annual-20250101-20251231-en.{fmt}"' in response["Content-Disposition"]


def test_reports_page_refuses_a_bad_period(logged_in, viewer):
    response = logged_in(viewer).get(
        "/reports/", {"kind": "annual", "from": "2025-12-31", "to": "2025-01-01", "format": "pdf"}
    )
    assert response.status_code == 200
    assert "Content-Disposition" not in response
    assert "errorlist" in response.content.decode()


def test_dashboard_queries_do_not_grow_with_the_records(logged_in, admin_user, records, unit_a, unit_b):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from hoptac.reports.tests.conftest import _agreements, _aid, _tasks

    client = logged_in(admin_user)
    params = {"from": "2025-01-01", "to": "2025-12-31"}
    client.get("/", params)  # warm caches (content types, units)
    with CaptureQueriesContext(connection) as first:
        client.get("/", params)
    from hoptac.partners.models import Partner

    ilo = Partner.objects.filter(acronym="ILO").first()
    _agreements(unit_a, unit_b, ilo)
    _aid(unit_a, unit_b, ilo)
    _tasks(unit_a, unit_b)
    with CaptureQueriesContext(connection) as second:
        client.get("/", params)
    assert len(second) <= len(first) + 2, (len(first), len(second))
    assert len(first) < 250


def test_figures_api(api, viewer, admin_user, records):
    assert api().get("/api/v1/reports/figures").status_code == 401
    response = api(viewer).get("/api/v1/reports/figures", {"date_from": "2025-01-01", "date_to": "2025-12-31"})
    assert response.status_code == 200
    body = response.json()
    sections = {s["key"]: s for s in body["sections"]}
    documents = {f["key"]: f for f in sections["documents"]["figures"]}
    assert documents["documents"]["value"] == 3
    # The same numbers as the dashboard's functions (money as decimal strings).
    from django.utils import timezone

    from hoptac.reports import figures
    from hoptac.reports.figures import Filters

    expected = figures.flat(figures.sections(viewer, Filters.year(2025), timezone.localdate()))
    got = {f"{s['key']}.{f['key']}": f["value"] for s in body["sections"] for f in s["figures"]}
    assert {k: str(v) for k, v in got.items()} == {k: str(v) for k, v in expected.items()}


def test_figures_api_bad_input(api, viewer):
    response = api(viewer).get("/api/v1/reports/figures", {"date_from": "2025-12-31", "date_to": "2025-01-01"})
    assert response.status_code == 422 and response.json()["message"]  # as every other API refusal
    assert "date_to" in response.json()["errors"]
    refused = api(viewer).get("/api/v1/reports/figures", {"date_from": "soon"})
    assert refused.status_code == 422 and refused.json()["message"]


def test_dashboard_for_a_user_without_a_unit(logged_in, records):
    from hoptac.org.models import User

    user = User.objects.create_user("no-unit", password="x-Long-passw0rd!", role=User.Role.VIEWER)
    html = logged_in(user).get("/", {"from": "2025-01-01", "to": "2025-12-31"}).content.decode()
    assert 'data-testid="figure-documents-documents"' in html
    assert "figure-unit-" not in html  # only the whole-ministry column


def test_a_contributors_report_is_issued_by_its_unit(logged_in, contributor_b, unit_b, records):
    import io

    from docx import Document

    response = logged_in(contributor_b).get(
        "/reports/", {"kind": "annual", "from": "2025-01-01", "to": "2025-12-31", "format": "docx"}
    )
    doc = Document(io.BytesIO(response.content))
    heading = " ".join(cell.text for cell in doc.tables[0].rows[0].cells)
    assert unit_b.name_vi.upper() in heading
