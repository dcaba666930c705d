"""The REST API answers malformed input with 422 and a JSON message, unknown paths with a JSON
404, and its own bugs with a JSON 500 whose traceback goes to the log, never to the client."""

import pytest

pytestmark = pytest.mark.django_db

HUGE = "99999999999999999999"  # past 2**63: overflows both databases


@pytest.mark.parametrize(
    "path, params",
    [
        ("/api/v1/agreements", {"partner": HUGE}),
        ("/api/v1/events", {"unit": HUGE}),
        ("/api/v1/projects", {"donor": HUGE}),
        ("/api/v1/projects", {"limit": HUGE}),
        ("/api/v1/projects", {"offset": HUGE}),
        ("/api/v1/projects", {"limit": "100000"}),
        ("/api/v1/projects", {"year": "10000"}),
        ("/api/v1/transactions", {"year": "-1"}),
        ("/api/v1/tasks", {"today": "0001-01-01"}),
        ("/api/v1/programmes/1/rounds", {"today": "9999-12-31"}),
        ("/api/v1/reports/figures", {"date_from": "0001-01-01"}),
        ("/api/v1/projects/" + HUGE, {}),
        ("/api/v1/search", {"q": "a", "partner": HUGE}),
    ],
)
def test_out_of_range_numbers_and_dates_are_refused(api, admin_user, path, params):
    response = api(admin_user).get(path, params)
    assert response.status_code == 422, response.content
    assert response.json()["message"]


def test_out_of_range_id_in_a_body_is_refused(api, admin_user):
    response = api(admin_user).post("/api/v1/agreements", {"title_vi": "Thử", "parties": [int(HUGE)]})
    assert response.status_code == 422
    assert "parties" in str(response.json()["errors"])


def test_a_search_with_no_word_lists_everything(api, viewer):
    response = api(viewer).get("/api/v1/partners", {"q": "!"})
    assert response.status_code == 200 and response.json()["count"] > 100


def test_an_unknown_api_path_is_a_json_404(api, viewer):
    for path in ("/api/v1/nothing-here", "/api/v1/projects/-1", "/api/v2/projects"):
        response = api(viewer).get(path)
        assert response.status_code == 404 and response.json() == {"message": "Không tìm thấy."}


def test_a_bug_is_a_logged_json_500(api, viewer, monkeypatch, caplog):
    from hoptac.partners import selectors

    def broken(*args, **kwargs):
        raise RuntimeError("a bug in partner_list")

    monkeypatch.setattr(selectors, "partner_list", broken)
    response = api(viewer).get("/api/v1/partners")
    assert response.status_code == 500
    assert response["Content-Type"] == "application/json; charset=utf-8"
    assert "partner_list" not in response.content.decode()  # no traceback to the client
    assert "a bug in partner_list" in caplog.text


def test_the_openapi_document_lists_every_error_an_operation_can_give(client):
    spec = client.get("/api/v1/openapi.json").json()
    assert spec["components"]["schemas"]["Error"]["required"] == ["message"]
    paths = spec["paths"]
    listing = paths["/api/v1/projects"]["get"]["responses"]
    assert {"200", "401", "403", "422", "500"} <= set(listing)
    assert listing["422"]["content"]["application/json"]["schema"] == {"$ref": "#/components/schemas/Error"}
    update = paths["/api/v1/projects/{project_id}"]["patch"]["responses"]
    assert {"200", "404", "409", "422"} <= set(update)
    token = paths["/api/v1/token"]["post"]["responses"]
    assert "403" not in token and "422" in token  # public: no 401/403 from auth; its 401 is its own


def test_an_overflow_that_gets_past_the_schema_is_a_422(api, viewer, monkeypatch):
    from hoptac.partners import selectors

    def overflowing(*args, **kwargs):
        raise OverflowError("Python int too large to convert to SQLite INTEGER")

    monkeypatch.setattr(selectors, "partner_list", overflowing)
    response = api(viewer).get("/api/v1/partners")
    assert response.status_code == 422 and response.json()["message"]


def test_a_superscript_digit_as_a_field_is_an_unknown_field(api, editor):
    client = api(editor)
    assert client.get("/api/v1/agreements", {"field": "²"}).status_code == 422
    from hoptac.partners.models import Partner

    ilo = Partner.objects.get(acronym="ILO")
    r = client.post(
        "/api/v1/agreements",
        {"kind": "memorandum_of_understanding", "title_vi": "Thử", "parties": [ilo.pk], "fields": ["²"]},
    )
    assert r.status_code == 422 and "fields" in r.json()["errors"]


def test_unreadable_bodies_are_400_with_a_message(api, editor):
    client = api(editor)
    r = client.post("/api/v1/documents", b"--x\r\n", content_type="multipart/form-data; boundary=")
    assert r.status_code == 400 and r.json()["message"]
    deep = "[" * 100_000 + "]" * 100_000
    for path in ("/api/v1/documents", "/api/v1/partners"):
        r = client.post(path, deep, content_type="application/json")
        assert r.status_code in (400, 422) and r.json()["message"]


def test_control_characters_are_dropped_so_every_export_still_opens(api, editor):
    client = api(editor)
    r = client.post(
        "/api/v1/projects",
        {
            "code": "CTRL\u0000-1",
            "title_vi": "Dự án\u000b thử",
            "kind": "technical_assistance",
            "planned_start": "2024-01-01",
            "organisations": [{"role": "funding", "name": "Quỹ\u0001 X", "ref": "XM-\u0002DAC"}],
            "sectors": [{"code": "15110", "percentage": "100", "name": "Khu vực\u0007 công"}],
        },
    )
    assert r.status_code == 201, r.content
    body = r.json()
    assert body["code"] == "CTRL-1" and body["title_vi"] == "Dự án thử"
    assert body["organisations"][0]["name"] == "Quỹ X" and body["organisations"][0]["ref"] == "XM-DAC"
    exported = client.get("/api/v1/projects.iati.xml")
    assert exported.status_code == 200 and "Dự án thử" in exported.content.decode()


def test_too_many_form_fields_is_a_400(api, editor, settings):
    settings.DATA_UPLOAD_MAX_NUMBER_FIELDS = 10
    parts = "".join(f'--x\r\nContent-Disposition: form-data; name="f{i}"\r\n\r\nv\r\n' for i in range(50))
    r = api(editor).post("/api/v1/documents", parts + "--x--\r\n", content_type="multipart/form-data; boundary=x")
    assert r.status_code == 400 and "DATA_UPLOAD_MAX_NUMBER_FIELDS" in r.json()["message"]


@pytest.mark.parametrize("body", ["[]", '"hello"', "7", "null", "true", "[null, null]"])
def test_a_body_that_is_not_an_object_creates_nothing(api, editor, body):
    from hoptac.aid.models import Project
    from hoptac.programmes.models import Programme

    client = api(editor)
    before = (Project.objects.count(), Programme.objects.count())
    for path in ("/api/v1/projects", "/api/v1/programmes"):
        response = client.post(path, body, content_type="application/json")
        assert response.status_code in (400, 422) and response.json()["message"]
    assert (Project.objects.count(), Programme.objects.count()) == before


def test_a_project_needs_a_title(api, editor):
    response = api(editor).post("/api/v1/projects", {"kind": "oda_grant", "planned_start": "2025-01-01"})
    assert response.status_code == 422 and "title_vi" in response.json()["errors"]


def test_wrong_methods_and_paths_answer_json(api, editor):
    client = api(editor)
    r = client.patch("/api/v1/events", {})
    assert r.status_code == 405 and r.json()["message"] and "GET" in r["Allow"]
    for path in ("/api/v1/projects/abc", "/api/v1/projects/", "/api/v1/documents/%0A/history"):
        r = client.post(path, {})
        assert r.status_code == 404 and r.json()["message"], path


def test_a_superscript_owner_unit_on_an_upload_is_refused(api, editor):
    from django.test.client import MULTIPART_CONTENT

    r = api(editor).post("/api/v1/documents", {"owner_unit": "²", "text": "x"}, content_type=MULTIPART_CONTENT)
    assert r.status_code == 422 and "owner_unit" in r.json()["errors"]
