import pytest
from django.test import Client

from hoptac.documents.models import Document
from hoptac.org.models import ApiToken

pytestmark = pytest.mark.django_db


def test_create_by_json_text_then_duplicate_is_409(api, editor):
    client = api(editor)
    body = {"title": "Tin", "text": "Hội nghị tại Đà Nẵng", "source_url": "https://example.org/x", "kind": "news"}
    response = client.post("/api/v1/documents", body)
    assert response.status_code == 201, response.content
    data = response.json()
    assert data["language"] == "vi" and data["url"] == f"/documents/{data['id']}/" and data["version"] == 1
    again = client.post("/api/v1/documents", body)
    assert again.status_code == 409 and again.json()["duplicate_of"]["id"] == data["id"]


def test_create_by_multipart_upload(editor, seed_bytes):
    client = Client(headers={"Authorization": f"Bearer {ApiToken.issue(editor)}"})
    from django.core.files.uploadedfile import SimpleUploadedFile

    response = client.post(
        "/api/v1/documents", {"file": SimpleUploadedFile("a.txt", seed_bytes["001"]), "kind": "news"}
    )
    assert response.status_code == 201, response.content
    assert response.json()["format"] == "txt"
    bad = client.post("/api/v1/documents", {"file": SimpleUploadedFile("a.pdf", b"no"), "kind": "nope"})
    assert bad.status_code == 422 and "kind" in bad.json()["errors"]
    bad = client.post("/api/v1/documents", {"file": SimpleUploadedFile("a.pdf", b"no")})
    assert bad.status_code == 422 and "%PDF-" in bad.json()["errors"]["file"][0]


def test_bad_json_is_422_not_500(api, editor):
    response = api(editor).post("/api/v1/documents", {"title": "x"})
    assert response.status_code == 422 and "text" in response.json()["errors"]


def test_list_detail_patch_history_delete(api, editor, seeds):
    client = api(editor)
    listing = client.get("/api/v1/documents", {"language": "en", "limit": 2})
    assert listing.json()["count"] == 4 and len(listing.json()["items"]) == 2
    doc = seeds["003"]
    detail = client.get(f"/api/v1/documents/{doc.pk}").json()
    assert "153/NQ-CP" in detail["text"]
    patched = client.patch(f"/api/v1/documents/{doc.pk}", {"version": detail["version"], "kind": "decision"})
    assert patched.status_code == 200 and patched.json()["version"] == detail["version"] + 1
    stale = client.patch(f"/api/v1/documents/{doc.pk}", {"version": detail["version"], "kind": "report"})
    assert stale.status_code == 409
    history = client.get(f"/api/v1/documents/{doc.pk}/history").json()
    assert history[0]["changes"][0]["field"] == "kind"
    assert client.delete(f"/api/v1/documents/{doc.pk}").status_code == 204
    assert not Document.objects.filter(pk=doc.pk).exists()


def test_search_api(api, viewer, seeds):
    response = api(viewer).get("/api/v1/search", {"q": "153/NQ-CP"})
    data = response.json()
    assert response.status_code == 200
    assert data["items"][0] == {
        "type": "document",
        "id": seeds["003"].pk,
        "title": seeds["003"].title,
        "url": seeds["003"].get_absolute_url(),
        "snippet": data["items"][0]["snippet"],
    }
    assert "<mark>153/NQ-CP</mark>" in data["items"][0]["snippet"]
    assert data["count"] >= 1 and ["document", data["count"]] in data["facets"]["type"]
    assert api().get("/api/v1/search", {"q": "x"}).status_code == 401
    assert api(viewer).get("/api/v1/search", {"q": "x", "limit": 0}).status_code == 422


def test_search_api_filters_by_type(api, viewer, seeds):
    data = api(viewer).get("/api/v1/search", {"q": "france", "type": "partner"}).json()
    assert data["items"] and {i["type"] for i in data["items"]} == {"partner"}
