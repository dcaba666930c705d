import datetime

import pytest
from django.utils import formats, translation

pytestmark = pytest.mark.django_db

PAGES = [
    "/",
    "/partners/",
    "/partners/new/",
    "/agreements/",
    "/projects/",
    "/events/",
    "/delegations/",
    "/programmes/",
    "/documents/",
    "/search/?q=x",
    "/reports/",
]


@pytest.mark.parametrize("path", PAGES)
def test_every_page_but_login_and_portal_redirects_anonymous_users_to_login(client, path):
    response = client.get(path)
    assert response.status_code == 302
    assert response["Location"].startswith("/login/?next=")


@pytest.mark.parametrize("path", ["/login/", "/portal/", "/healthz", "/api/v1/docs", "/api/v1/openapi.json"])
def test_public_pages(client, path):
    assert client.get(path).status_code == 200


@pytest.mark.parametrize(
    "path", ["/api/v1/partners", "/api/v1/units", "/api/v1/countries", "/api/v1/fields", "/api/v1/partners/1/history"]
)
def test_every_api_endpoint_but_token_and_docs_is_401_anonymously(client, path):
    assert client.get(path).status_code == 401


@pytest.mark.parametrize("path", [p for p in PAGES if p != "/partners/new/"])
def test_every_page_renders_for_a_signed_in_user(logged_in, viewer, path):
    assert logged_in(viewer).get(path).status_code == 200


def test_every_navigation_area_has_its_page(logged_in, viewer):
    from hoptac.web.navigation import AREAS

    client = logged_in(viewer)
    for area in AREAS:
        assert client.get(area.url).status_code == 200, area.key


def test_forms_render_for_writers(logged_in, editor):
    assert logged_in(editor).get("/partners/new/").status_code == 200


def test_login_with_wrong_password_explains(client, viewer):
    response = client.post("/login/", {"username": viewer.username, "password": "nope"})
    assert response.status_code == 200 and response.context["form"].errors


def test_vietnamese_is_the_default_and_english_selectable(logged_in, viewer):
    client = logged_in(viewer)
    page = client.get("/partners/")
    assert page.context["LANGUAGE_CODE"] == "vi"
    assert "Đối tác" in page.content.decode()
    client.post("/i18n/setlang/", {"language": "en", "next": "/partners/"})
    page = client.get("/partners/")
    assert page.context["LANGUAGE_CODE"] == "en"
    assert "<h1>Partners</h1>" in page.content.decode()


def test_dates_and_numbers_read_the_vietnamese_way():
    with translation.override("vi"):
        assert formats.date_format(datetime.date(2025, 11, 27), "SHORT_DATE_FORMAT") == "27/11/2025"
        assert formats.number_format(1234567.5, 1, use_l10n=True, force_grouping=True) == "1.234.567,5"
    with translation.override("en"):
        assert formats.number_format(1234567.5, 1, use_l10n=True, force_grouping=True) == "1,234,567.5"


def test_healthz_reports_503_when_the_database_does_not_answer(client, monkeypatch):
    from django.db import connection

    def broken(*args, **kwargs):
        raise ConnectionError("down")

    monkeypatch.setattr(connection, "cursor", broken)
    response = client.get("/healthz")
    assert response.status_code == 503 and response.json()["database"].startswith("error")


def test_healthz_is_json_when_healthy(client):
    body = client.get("/healthz").json()
    assert body["database"] == "ok" and body["disk_free_mb"] > 0


def test_the_browser_language_does_not_switch_the_interface_to_english(logged_in, viewer):
    page = logged_in(viewer).get("/partners/", headers={"Accept-Language": "en-US,en;q=0.9"})
    assert page.context["LANGUAGE_CODE"] == "vi"
