import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from hoptac.documents import services
from hoptac.documents.models import Document

pytestmark = pytest.mark.django_db


def test_upload_several_files_reports_each(logged_in, editor, seed_bytes):
    client = logged_in(editor)
    response = client.post(
        "/documents/upload/",
        {
            "files": [
                SimpleUploadedFile("a.txt", seed_bytes["000"]),
                SimpleUploadedFile("b.txt", seed_bytes["000"]),
                SimpleUploadedFile("c.pdf", b"fake"),
            ],
            "kind": "news",
        },
    )
    assert response.status_code == 200
    statuses = [r["status"] for r in response.context["results"]]
    assert statuses == ["added", "duplicate", "failed"]
    assert "%PDF-" in response.content.decode()  # the reason, in the interface language
    assert Document.objects.count() == 1


def test_upload_one_file_goes_to_its_page(logged_in, editor, seed_bytes):
    response = logged_in(editor).post(
        "/documents/upload/", {"files": SimpleUploadedFile("a.txt", seed_bytes["004"]), "kind": "report"}
    )
    doc = Document.objects.get()
    assert response.status_code == 302 and response["Location"] == doc.get_absolute_url()
    assert doc.kind == "report" and doc.language == "en"


def test_upload_with_no_file_says_so(logged_in, editor):
    response = logged_in(editor).post("/documents/upload/", {"kind": "report"})
    assert response.status_code == 200
    assert response.context["form"].errors["files"]
    assert Document.objects.count() == 0


def test_register_a_web_address_with_pasted_text(logged_in, editor):
    client = logged_in(editor)
    data = {"source_url": "https://example.org/tin", "text": "Hội nghị tại Hà Nội", "kind": "news", "title": ""}
    response = client.post("/documents/register/", data)
    doc = Document.objects.get()
    assert response.status_code == 302
    assert doc.source_url == "https://example.org/tin" and doc.title == "Hội nghị tại Hà Nội" and doc.language == "vi"
    again = client.post("/documents/register/", data)
    assert again.status_code == 200 and again.context["duplicate"] == doc


def test_stored_html_is_shown_as_escaped_text_never_rendered(logged_in, editor):
    doc = services.document_create_from_file(
        user=editor, name="x.html", data=b"<p>Hello &lt;img src=x onerror=alert(1)&gt;</p><script>alert(2)</script>"
    )
    html = logged_in(editor).get(doc.get_absolute_url()).content.decode()
    assert "&lt;img src=x onerror=alert(1)&gt;" in html
    assert "<img src=x" not in html and "alert(2)" not in html


def test_list_filters_sorts_and_exports(logged_in, viewer, seeds):
    client = logged_in(viewer)
    page = client.get("/documents/", {"language": "vi"})
    assert [d.pk for d in page.context["documents"]] == [seeds["002"].pk]
    page = client.get("/documents/", {"sort": "title"})
    titles = [d.title for d in page.context["documents"]]
    assert titles == sorted(titles)
    page = client.get("/documents/", {"q": "kasbarian"})
    assert [d.pk for d in page.context["documents"]] == [seeds["001"].pk]
    csv = client.get("/documents/", {"export": "csv", "year": "2025"})
    assert csv["Content-Type"].startswith("text/csv")
    assert csv.content.decode("utf-8-sig").count("\n") == 1 + 3  # header + the three dated 2025


def test_list_query_count_does_not_grow_with_rows(logged_in, viewer, seeds, django_assert_max_num_queries):
    client = logged_in(viewer)
    with django_assert_max_num_queries(12):
        client.get("/documents/")


def test_edit_with_a_stale_version_shows_the_conflict(logged_in, editor, seeds):
    doc = seeds["004"]
    client = logged_in(editor)
    form = {
        "title": "A",
        "language": "en",
        "kind": "news",
        "source": "",
        "source_url": "",
        "published_on": "",
        "owner_unit": doc.owner_unit_id,
    }
    assert client.post(f"/documents/{doc.pk}/edit/", {**form, "version": doc.version}).status_code == 302
    response = client.post(f"/documents/{doc.pk}/edit/", {**form, "title": "B", "version": doc.version})
    assert response.status_code == 200 and response.context["conflict"]
    assert Document.objects.get(pk=doc.pk).title == "A"
    history = client.get(f"/documents/{doc.pk}/?tab=history")
    assert 'data-testid="history"' in history.content.decode()


def test_original_file_downloads_as_attachment(logged_in, viewer, seeds):
    response = logged_in(viewer).get(f"/documents/{seeds['000'].pk}/file/")
    assert response["Content-Disposition"].startswith("attachment")
    assert response["Content-Type"] == "application/octet-stream"


def test_search_page_shows_marked_snippets_and_facets(logged_in, viewer, seeds):
    response = logged_in(viewer).get("/search/", {"q": "hop tac quoc te"})
    html = response.content.decode()
    assert response.context["hits"][0].id == seeds["002"].pk
    assert "<mark>hợp</mark> <mark>tác</mark> <mark>quốc</mark> <mark>tế</mark>" in html
    assert 'data-testid="facets"' in html
    narrowed = logged_in(viewer).get("/search/", {"q": "hop tac quoc te", "language": "en"})
    assert all(h.language == "en" for h in narrowed.context["hits"])


def test_a_bad_search_filter_is_left_out_and_said_so(logged_in, viewer, seeds):
    client = logged_in(viewer)
    good = client.get("/search/", {"q": "hop tac quoc te"}).context
    response = client.get("/search/", {"q": "hop tac quoc te", "year": "abc", "partner": "-1"})
    assert response.status_code == 200
    assert [h.id for h in response.context["hits"]] == [h.id for h in good["hits"]]  # the words still searched
    html = response.content.decode()
    errors = html.split('data-testid="search-errors"')[1].split("</div>")[0]
    assert "Không áp dụng trong lần tìm kiếm này" in errors and "Năm —" in errors and "Đối tác —" in errors
    assert [key for key, _link in response.context["active_filters"]] == []  # no "year ✕" for a filter not applied
    too_long = client.get("/search/", {"q": "x" * 501}).content.decode()
    assert "500" in too_long.split('data-testid="search-errors"')[1].split("</div>")[0]


def test_a_page_past_the_last_says_so_and_links_the_first(logged_in, viewer, seeds):
    html = logged_in(viewer).get("/search/", {"q": "hop tac quoc te", "page": "999"}).content.decode()
    assert "Trang này không có kết quả." in html and 'data-testid="hit"' not in html
    assert 'href="?q=hop+tac+quoc+te">Trang đầu' in html
